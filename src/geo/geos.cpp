#include "geo/geos.hpp"

#include <cstdarg>
#include <limits>
#include <vector>

#include <geos_c.h>

#include "core/diagnostic.hpp"

namespace cartelier::geo {

GeosContext::GeosContext() : handle_(GEOS_init_r()) {
    GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::on_error, this);
}

GeosContext::~GeosContext() { GEOS_finish_r(handle_); }

void GeosContext::on_error(const char* message, void* self) {
    static_cast<GeosContext*>(self)->last_error_ = message ? message : "";
}

GeosGeometry::~GeosGeometry() {
    if (g_) GEOSGeom_destroy_r(ctx_->get(), g_);
}

GeosGeometry& GeosGeometry::operator=(GeosGeometry&& o) noexcept {
    if (this != &o) {
        if (g_) GEOSGeom_destroy_r(ctx_->get(), g_);
        ctx_ = o.ctx_;
        g_ = o.g_;
        o.g_ = nullptr;
    }
    return *this;
}

namespace {

GEOSCoordSequence* sequence(GEOSContextHandle_t h, const Geometry& g, std::uint32_t begin, std::uint32_t end,
                            bool close) {
    std::uint32_t n = end - begin;
    bool needs_closing = close && n > 0 &&
                         (g.points[begin].x != g.points[end - 1].x || g.points[begin].y != g.points[end - 1].y);
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, n + (needs_closing ? 1 : 0), 2);
    for (std::uint32_t i = 0; i < n; ++i) GEOSCoordSeq_setXY_r(h, seq, i, g.points[begin + i].x, g.points[begin + i].y);
    if (needs_closing) GEOSCoordSeq_setXY_r(h, seq, n, g.points[begin].x, g.points[begin].y);
    return seq;
}

void collect(const GeosContext& ctx, const GEOSGeometry* g, Geometry& out) {
    auto h = ctx.get();
    int type = GEOSGeomTypeId_r(h, g);
    auto add_sequence = [&](const GEOSCoordSequence* seq) {
        unsigned int n = 0;
        GEOSCoordSeq_getSize_r(h, seq, &n);
        for (unsigned int i = 0; i < n; ++i) {
            double x = 0, y = 0;
            GEOSCoordSeq_getXY_r(h, seq, i, &x, &y);
            out.points.push_back({x, y});
        }
        out.end_ring();
    };
    switch (type) {
        case GEOS_POINT:
            if (GEOSisEmpty_r(h, g) || (out.type != GeometryType::None && out.type != GeometryType::Point)) return;
            out.type = GeometryType::Point;
            out.begin_part();
            add_sequence(GEOSGeom_getCoordSeq_r(h, g));
            return;
        case GEOS_LINESTRING:
        case GEOS_LINEARRING:
            if (GEOSisEmpty_r(h, g) || (out.type != GeometryType::None && out.type != GeometryType::LineString)) return;
            out.type = GeometryType::LineString;
            out.begin_part();
            add_sequence(GEOSGeom_getCoordSeq_r(h, g));
            return;
        case GEOS_POLYGON: {
            if (GEOSisEmpty_r(h, g) || (out.type != GeometryType::None && out.type != GeometryType::Polygon)) return;
            out.type = GeometryType::Polygon;
            out.begin_part();
            add_sequence(GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, g)));
            int holes = GEOSGetNumInteriorRings_r(h, g);
            for (int i = 0; i < holes; ++i) add_sequence(GEOSGeom_getCoordSeq_r(h, GEOSGetInteriorRingN_r(h, g, i)));
            return;
        }
        default: {
            int n = GEOSGetNumGeometries_r(h, g);
            for (int i = 0; i < n; ++i) collect(ctx, GEOSGetGeometryN_r(h, g, i), out);
        }
    }
}

}  // namespace

void to_geos_parts(const GeosContext& ctx, const Geometry& g, std::vector<GeosGeometry>& parts) {
    auto h = ctx.get();
    auto add = [&](GEOSGeometry* part) {
        if (part) parts.emplace_back(ctx, part);
    };
    for (std::size_t p = 0; p < g.part_count(); ++p) {
        std::uint32_t first_ring = g.parts[p], last_ring = g.parts[p + 1];
        if (first_ring == last_ring) continue;
        switch (g.type) {
            case GeometryType::Point: {
                if (g.rings[first_ring] >= g.points.size()) break;
                const Point& pt = g.points[g.rings[first_ring]];
                add(GEOSGeom_createPointFromXY_r(h, pt.x, pt.y));
                break;
            }
            case GeometryType::LineString: {
                if (g.rings[first_ring + 1] - g.rings[first_ring] < 2) break;  // GEOS refuses a 1-point line
                add(GEOSGeom_createLineString_r(h, sequence(h, g, g.rings[first_ring], g.rings[first_ring + 1], false)));
                break;
            }
            case GeometryType::Polygon: {
                // A ring needs 4 points once closed; GEOS returns null for fewer (and the sequence is freed).
                auto ring = [&](std::uint32_t r) -> GEOSGeometry* {
                    std::uint32_t n = g.rings[r + 1] - g.rings[r];
                    if (n < 3) return nullptr;
                    return GEOSGeom_createLinearRing_r(h, sequence(h, g, g.rings[r], g.rings[r + 1], true));
                };
                GEOSGeometry* shell = ring(first_ring);
                if (!shell) break;
                std::vector<GEOSGeometry*> holes;
                for (std::uint32_t r = first_ring + 1; r < last_ring; ++r)
                    if (GEOSGeometry* hole = ring(r)) holes.push_back(hole);
                add(GEOSGeom_createPolygon_r(h, shell, holes.data(), static_cast<unsigned>(holes.size())));
                break;
            }
            case GeometryType::None: break;
        }
    }
}

GeosGeometry to_geos(const GeosContext& ctx, const Geometry& g) {
    std::vector<GeosGeometry> parts;
    to_geos_parts(ctx, g, parts);
    if (parts.size() == 1) return std::move(parts.front());
    int collection_type = g.type == GeometryType::Point        ? GEOS_MULTIPOINT
                          : g.type == GeometryType::LineString ? GEOS_MULTILINESTRING
                                                               : GEOS_MULTIPOLYGON;
    return make_collection(ctx, collection_type, parts);
}

Geometry from_geos(const GeosContext& ctx, const GEOSGeometry* g) {
    Geometry out;
    if (g) collect(ctx, g, out);
    return out;
}

Geometry from_geos(const GeosContext& ctx, const GEOSGeometry* g, GeometryType type) {
    Geometry out;
    out.type = type;
    if (g) collect(ctx, g, out);
    if (out.points.empty()) out = Geometry{};
    return out;
}

GeosGeometry make_collection(const GeosContext& ctx, int type, std::vector<GeosGeometry>& parts) {
    std::vector<GEOSGeometry*> raw;
    raw.reserve(parts.size());
    for (auto& p : parts)
        if (p) raw.push_back(p.release());
    parts.clear();
    if (raw.empty()) return GeosGeometry(ctx, GEOSGeom_createEmptyCollection_r(ctx.get(), type));
    return GeosGeometry(ctx, GEOSGeom_createCollection_r(ctx.get(), type, raw.data(), static_cast<unsigned>(raw.size())));
}

GeosGeometry union_polygons(const GeosContext& ctx, std::vector<GeosGeometry>& polygons, bool* general) {
    auto h = ctx.get();
    GeosGeometry all = make_collection(ctx, GEOS_MULTIPOLYGON, polygons);
    if (!all) return all;
    if (GEOSisEmpty_r(h, all.get()) == 1) return GeosGeometry(ctx, GEOSGeom_createEmptyPolygon_r(h));
    GeosGeometry coverage(ctx, GEOSCoverageUnion_r(h, all.get()));
    if (coverage && GEOSisValid_r(h, coverage.get()) == 1) return coverage;
    if (general) *general = true;
    return GeosGeometry(ctx, GEOSUnaryUnion_r(h, all.get()));
}

PreparedPolygon::PreparedPolygon(const GeosContext& ctx, const Geometry& polygon)
    : ctx_(&ctx), geometry_(to_geos(ctx, polygon)),
      prepared_(geometry_ ? GEOSPrepare_r(ctx.get(), geometry_.get()) : nullptr) {}

PreparedPolygon::~PreparedPolygon() {
    if (prepared_) GEOSPreparedGeom_destroy_r(ctx_->get(), prepared_);
}

bool PreparedPolygon::covers(Point p) const {
    if (!prepared_) return false;
    GeosGeometry point(*ctx_, GEOSGeom_createPointFromXY_r(ctx_->get(), p.x, p.y));
    return GEOSPreparedCovers_r(ctx_->get(), prepared_, point.get()) == 1;
}

double PreparedPolygon::distance(Point p) const {
    GeosGeometry point(*ctx_, GEOSGeom_createPointFromXY_r(ctx_->get(), p.x, p.y));
    double d = 0;
    if (!geometry_ || GEOSDistance_r(ctx_->get(), geometry_.get(), point.get(), &d) != 1)
        return std::numeric_limits<double>::infinity();
    return d;
}

std::optional<Point> PreparedPolygon::nearest_point(Point p) const {
    if (!geometry_ || GEOSisEmpty_r(ctx_->get(), geometry_.get()) == 1) return std::nullopt;
    GeosGeometry point(*ctx_, GEOSGeom_createPointFromXY_r(ctx_->get(), p.x, p.y));
    GEOSCoordSequence* seq = GEOSNearestPoints_r(ctx_->get(), geometry_.get(), point.get());
    if (!seq) return std::nullopt;
    double x = 0, y = 0;
    GEOSCoordSeq_getXY_r(ctx_->get(), seq, 0, &x, &y);
    GEOSCoordSeq_destroy_r(ctx_->get(), seq);
    return Point{x, y};
}

std::optional<Point> point_on_surface(const GeosContext& ctx, const Geometry& g) {
    if (g.empty()) return std::nullopt;
    GeosGeometry geom = to_geos(ctx, g);
    if (!geom) return std::nullopt;
    GeosGeometry pt(ctx, GEOSPointOnSurface_r(ctx.get(), geom.get()));
    if (!pt || GEOSisEmpty_r(ctx.get(), pt.get())) return std::nullopt;
    double x = 0, y = 0;
    GEOSGeomGetX_r(ctx.get(), pt.get(), &x);
    GEOSGeomGetY_r(ctx.get(), pt.get(), &y);
    return Point{x, y};
}

std::optional<Point> label_point(const GeosContext& ctx, const Geometry& g, const Box& clip, double tolerance) {
    if (g.empty() || clip.empty()) return std::nullopt;
    if (g.type == GeometryType::Point) {
        for (const Point& p : g.points)
            if (clip.contains(p)) return p;
        return std::nullopt;
    }
    auto* h = ctx.get();
    const bool area = g.type == GeometryType::Polygon;
    // The part of g inside clip with the largest area (or length), as GEOS clips it.
    GeosGeometry best(ctx, nullptr);
    double best_size = 0;
    std::vector<GeosGeometry> parts;
    to_geos_parts(ctx, g, parts);
    for (GeosGeometry& part : parts) {
        GeosGeometry clipped(ctx, GEOSClipByRect_r(h, part.get(), clip.min_x, clip.min_y, clip.max_x, clip.max_y));
        if (!clipped) continue;
        const int n = GEOSGetNumGeometries_r(h, clipped.get());
        for (int i = 0; i < n; ++i) {
            const GEOSGeometry* piece = GEOSGetGeometryN_r(h, clipped.get(), i);
            const int type = GEOSGeomTypeId_r(h, piece);
            if (type != (area ? GEOS_POLYGON : GEOS_LINESTRING)) continue;
            double size = 0;
            if ((area ? GEOSArea_r(h, piece, &size) : GEOSLength_r(h, piece, &size)) != 1 || !(size > best_size)) continue;
            best_size = size;
            best = GeosGeometry(ctx, GEOSGeom_clone_r(h, piece));
        }
    }
    if (!best) return std::nullopt;
    GeosGeometry at(ctx, area ? GEOSMaximumInscribedCircle_r(h, best.get(), tolerance)
                              : GEOSInterpolate_r(h, best.get(), best_size / 2));
    if (!at || GEOSisEmpty_r(h, at.get())) return std::nullopt;
    // The circle comes as a line from its centre to the nearest point of the boundary.
    GeosGeometry centre(ctx, area ? GEOSGeomGetStartPoint_r(h, at.get()) : GEOSGeom_clone_r(h, at.get()));
    double x = 0, y = 0;
    if (!centre || GEOSGeomGetX_r(h, centre.get(), &x) != 1 || GEOSGeomGetY_r(h, centre.get(), &y) != 1)
        return std::nullopt;
    return Point{x, y};
}

std::optional<Geometry> offset_curve(const GeosContext& ctx, const Geometry& g, double distance) {
    auto* h = ctx.get();
    constexpr int kQuadrantSegments = 8;
    constexpr double kMitreLimit = 2;
    if (g.type == GeometryType::Polygon) {
        GeosGeometry polygons = to_geos(ctx, g);
        if (!polygons) return std::nullopt;
        GeosGeometry inset(ctx, GEOSBufferWithStyle_r(h, polygons.get(), -distance, kQuadrantSegments, GEOSBUF_CAP_FLAT,
                                                      GEOSBUF_JOIN_MITRE, kMitreLimit));
        if (!inset) return std::nullopt;
        return from_geos(ctx, inset.get(), GeometryType::Polygon);
    }
    if (g.type != GeometryType::LineString) return g;
    std::vector<GeosGeometry> lines;
    to_geos_parts(ctx, g, lines);
    std::vector<GeosGeometry> moved;
    for (const GeosGeometry& line : lines) {
        // GEOS's positive side is the left.
        GeosGeometry m(ctx, GEOSOffsetCurve_r(h, line.get(), -distance, kQuadrantSegments, GEOSBUF_JOIN_MITRE, kMitreLimit));
        if (!m) return std::nullopt;
        moved.push_back(std::move(m));
    }
    GeosGeometry all = make_collection(ctx, GEOS_GEOMETRYCOLLECTION, moved);
    if (!all) return std::nullopt;
    return from_geos(ctx, all.get(), GeometryType::LineString);
}

std::string geos_version() { return GEOSversion(); }

std::string invalidity_reason(const GeosContext& ctx, const Geometry& g) {
    GeosGeometry geom = to_geos(ctx, g);
    if (!geom) return "the geometry cannot be built (rings of fewer than 4 points?)";
    if (GEOSisValid_r(ctx.get(), geom.get()) == 1) return {};
    char* reason = GEOSisValidReason_r(ctx.get(), geom.get());
    std::string out = reason ? reason : "invalid";
    GEOSFree_r(ctx.get(), reason);
    return out;
}

Geometry make_valid(const GeosContext& ctx, const Geometry& g) {
    GeosGeometry geom = to_geos(ctx, g);
    if (!geom) throw Error(SourceLocation{}, "GEOS MakeValid failed: the geometry cannot be built");
    GeosGeometry valid(ctx, GEOSMakeValid_r(ctx.get(), geom.get()));
    if (!valid) throw Error(SourceLocation{}, "GEOS MakeValid failed: " + ctx.last_error());
    Geometry out;
    out.type = g.type;  // keep the input's dimension: collect() skips parts of other kinds
    collect(ctx, valid.get(), out);
    return out;
}

}  // namespace cartelier::geo
