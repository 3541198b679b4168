// Layers written in WKT and geometry assertions for the tests of the derived-layer operations (dissolve,
// point on surface, centroid, clip, buffer), as GEOS's own tests are written: WKT in, WKT out.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include <geos_c.h>
#include <gtest/gtest.h>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"
#include "geo/geos.hpp"
#include "geo/wkt.hpp"

namespace cartelier::test {

struct WktFeature {
    std::string id;
    std::string wkt;  ///< empty: no geometry
    std::vector<Value> values;
};

/// A layer named `name` (source "<name>.geojson", CRS EPSG:2154) with fields `fields` and the features.
inline Layer wkt_layer(const std::string& name, std::initializer_list<std::string> fields,
                       std::initializer_list<WktFeature> features) {
    geo::GeosContext ctx;
    Layer l;
    l.name = name;
    l.source = name + ".geojson";
    l.crs = "EPSG:2154";
    for (const auto& f : fields) l.schema->add(f);
    for (const auto& w : features) {
        Feature f;
        f.id = w.id;
        f.values = w.values;
        if (!w.wkt.empty()) f.geometry = geo::from_wkt(ctx, w.wkt);
        l.features.push_back(std::move(f));
    }
    return l;
}

/// `got` and the geometry `expected` describes cover the same points (GEOS topological equality: the
/// same shape whatever the vertex order or start, or extra vertices along a straight edge).
inline ::testing::AssertionResult same_shape(const Geometry& got, const std::string& expected) {
    geo::GeosContext ctx;
    geo::GeosGeometry e = geo::geos_from_wkt(ctx, expected);
    geo::GeosGeometry g = geo::to_geos(ctx, got);
    const bool both_empty = GEOSisEmpty_r(ctx.get(), e.get()) == 1 && got.empty();
    if (both_empty || (!got.empty() && GEOSEquals_r(ctx.get(), g.get(), e.get()) == 1))
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "got " << geo::to_wkt(ctx, got) << "\n  expected " << expected;
}

/// The two geometries are the same to the bit: same type, vertices, rings and parts.
inline ::testing::AssertionResult bit_for_bit(const Geometry& a, const Geometry& b) {
    bool same = a.type == b.type && a.rings == b.rings && a.parts == b.parts && a.points.size() == b.points.size();
    for (std::size_t i = 0; same && i < a.points.size(); ++i)
        same = a.points[i].x == b.points[i].x && a.points[i].y == b.points[i].y;
    if (same) return ::testing::AssertionSuccess();
    geo::GeosContext ctx;
    return ::testing::AssertionFailure() << geo::to_wkt(ctx, a) << "\n  differs from " << geo::to_wkt(ctx, b);
}

/// GEOS says the geometry is valid (OGC).
inline ::testing::AssertionResult geos_valid(const Geometry& g) {
    geo::GeosContext ctx;
    std::string reason = geo::invalidity_reason(ctx, g);
    if (reason.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << geo::to_wkt(ctx, g) << " is not valid: " << reason;
}

/// GEOS says `polygon` contains `point` (inside, not on its boundary).
inline bool contains(const Geometry& polygon, const Geometry& point) {
    geo::GeosContext ctx;
    geo::GeosGeometry a = geo::to_geos(ctx, polygon), b = geo::to_geos(ctx, point);
    return GEOSContains_r(ctx.get(), a.get(), b.get()) == 1;
}

/// The area of a polygon geometry (GEOS).
inline double area_of(const Geometry& g) {
    geo::GeosContext ctx;
    geo::GeosGeometry geom = geo::to_geos(ctx, g);
    double a = 0;
    GEOSArea_r(ctx.get(), geom.get(), &a);
    return a;
}

/// The diagnostics' messages and hints, one per line (for failure messages and text checks).
inline std::string all_text(const Diagnostics& d) {
    std::string out;
    for (const auto& item : d.items()) out += item.format() + "\n";
    return out;
}

}  // namespace cartelier::test
