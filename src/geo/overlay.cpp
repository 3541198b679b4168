#include "geo/overlay.hpp"

#include <fmt/format.h>
#include <geos_c.h>

#include "geo/dissolve.hpp"
#include "geo/geos.hpp"

namespace cartelier::geo {

namespace {

/// A layer with the input's name, source, CRS and fields (a schema of its own), and no feature.
Layer like(const Layer& in) {
    Layer out;
    out.name = in.name;
    out.source = in.source;
    out.digest = in.digest;
    out.crs = in.crs;
    out.schema = std::make_shared<Schema>(*in.schema);
    return out;
}

/// `f` with another geometry (id, line and values kept).
Feature with_geometry(const Feature& f, Geometry g) {
    Feature out;
    out.id = f.id;
    out.line = f.line;
    out.values = f.values;
    out.geometry = std::move(g);
    return out;
}

std::string_view point_name(PointKind kind) { return kind == PointKind::OnSurface ? "point on surface" : "centroid"; }

SourceLocation feature_at(const Layer& in, const Feature& f) {
    return SourceLocation{in.source, static_cast<int>(f.line), 0, fmt::format("layer '{}', feature {}", in.name, f.id)};
}

}  // namespace

Layer to_points(const Layer& in, PointKind kind, const SourceLocation& where, Diagnostics& diagnostics) {
    GeosContext ctx;
    auto h = ctx.get();
    Layer out = like(in);
    out.features.reserve(in.features.size());
    for (const Feature& f : in.features) {
        std::optional<Point> point;
        if (!f.geometry.empty()) {
            GeosGeometry g = to_geos(ctx, f.geometry);
            GeosGeometry p(ctx, !g ? nullptr : kind == PointKind::OnSurface ? GEOSPointOnSurface_r(h, g.get())
                                                                            : GEOSGetCentroid_r(h, g.get()));
            double x = 0, y = 0;
            if (p && GEOSisEmpty_r(h, p.get()) == 0 && GEOSGeomGetX_r(h, p.get(), &x) == 1 &&
                GEOSGeomGetY_r(h, p.get(), &y) == 1)
                point = Point{x, y};
        }
        if (!point) {
            diagnostics.warning(where, fmt::format("layer '{}', feature {}: no {} ({}); the feature is left out",
                                                   in.name, f.id, point_name(kind),
                                                   f.geometry.empty() ? "it has no geometry" : "GEOS could not place one"));
            continue;
        }
        out.features.push_back(with_geometry(f, Geometry::point(*point)));
    }
    return out;
}

Geometry union_of(const Layer& layer) {
    GeosContext ctx;
    std::vector<const Geometry*> members;
    for (const Feature& f : layer.features)
        if (f.geometry.type == GeometryType::Polygon && !f.geometry.empty()) members.push_back(&f.geometry);
    if (members.empty()) return {};
    if (auto merged = coverage_union(members)) {
        GeosGeometry check = to_geos(ctx, *merged);
        if (check && GEOSisValid_r(ctx.get(), check.get()) == 1) return std::move(*merged);
    }
    std::vector<GeosGeometry> polygons;
    for (const Geometry* g : members) to_geos_parts(ctx, *g, polygons);
    GeosGeometry merged = union_polygons(ctx, polygons);
    if (!merged)
        throw Error(SourceLocation{layer.source, 0, 0, fmt::format("layer '{}'", layer.name)},
                    "the union of the layer's polygons failed: " + ctx.last_error());
    return from_geos(ctx, merged.get(), GeometryType::Polygon);
}

Layer clip(const Layer& in, const Geometry& mask, Diagnostics& diagnostics) {
    Layer out = like(in);
    if (mask.empty()) return out;
    GeosContext ctx;
    auto h = ctx.get();
    GeosGeometry m = to_geos(ctx, mask);
    if (!m || GEOSisEmpty_r(h, m.get()) == 1) return out;
    const GEOSPreparedGeometry* prepared = GEOSPrepare_r(h, m.get());
    struct Release {
        GEOSContextHandle_t h;
        const GEOSPreparedGeometry* p;
        ~Release() {
            if (p) GEOSPreparedGeom_destroy_r(h, p);
        }
    } release{h, prepared};
    const Box mask_box = mask.bounds();
    for (const Feature& f : in.features) {
        if (f.geometry.empty() || !mask_box.intersects(f.geometry.bounds())) continue;
        GeosGeometry g = to_geos(ctx, f.geometry);
        if (!g) continue;
        if (GEOSPreparedContainsProperly_r(h, prepared, g.get()) == 1) {
            out.features.push_back(f);
            continue;
        }
        if (GEOSPreparedIntersects_r(h, prepared, g.get()) != 1) continue;
        GeosGeometry cut(ctx, GEOSIntersection_r(h, m.get(), g.get()));
        if (!cut && GEOSisValid_r(h, g.get()) != 1) {  // an invalid feature: cut its valid form
            GeosGeometry valid(ctx, GEOSMakeValid_r(h, g.get()));
            if (valid) cut = GeosGeometry(ctx, GEOSIntersection_r(h, m.get(), valid.get()));
        }
        if (!cut) {
            diagnostics.error(feature_at(in, f), "clip: GEOS could not cut the feature to the mask: " + ctx.last_error());
            continue;
        }
        Geometry kept = from_geos(ctx, cut.get(), f.geometry.type);
        if (kept.empty()) continue;
        out.features.push_back(with_geometry(f, std::move(kept)));
    }
    return out;
}

Geometry box_polygon(const Box& box) {
    Geometry g;
    if (box.empty()) return g;
    g.type = GeometryType::Polygon;
    g.begin_part();
    g.points = {{box.min_x, box.min_y}, {box.max_x, box.min_y}, {box.max_x, box.max_y}, {box.min_x, box.max_y},
                {box.min_x, box.min_y}};
    g.end_ring();
    return g;
}

Layer buffer(const Layer& in, double distance, int quadrant_segments, const SourceLocation& where,
             Diagnostics& diagnostics) {
    GeosContext ctx;
    auto h = ctx.get();
    Layer out = like(in);
    out.features.reserve(in.features.size());
    for (const Feature& f : in.features) {
        Geometry grown;
        if (!f.geometry.empty()) {
            GeosGeometry g = to_geos(ctx, f.geometry);
            GeosGeometry b(ctx, g ? GEOSBuffer_r(h, g.get(), distance, quadrant_segments) : nullptr);
            if (!b) {
                diagnostics.error(where, fmt::format("layer '{}', feature {}: GEOS could not buffer it: {}", in.name,
                                                     f.id, ctx.last_error()));
                continue;
            }
            grown = from_geos(ctx, b.get(), GeometryType::Polygon);
        }
        if (grown.empty()) {
            diagnostics.warning(where, fmt::format("layer '{}', feature {}: {}; the feature is left out", in.name, f.id,
                                                   f.geometry.empty() ? "it has no geometry"
                                                                      : fmt::format("nothing is left of it after a buffer "
                                                                                    "of {}",
                                                                                    distance)));
            continue;
        }
        out.features.push_back(with_geometry(f, std::move(grown)));
    }
    return out;
}

}  // namespace cartelier::geo
