// GEOS (C API, re-entrant) wrapped in RAII types, and the geometry operations Cartelier needs.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/geometry.hpp"

typedef struct GEOSContextHandle_HS* GEOSContextHandle_t;
typedef struct GEOSGeom_t GEOSGeometry;
typedef struct GEOSPrepGeom_t GEOSPreparedGeometry;

namespace cartelier::geo {

/// One GEOS context; not shared between threads.
class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;
    GEOSContextHandle_t get() const { return handle_; }
    /// The last error GEOS reported in this context.
    const std::string& last_error() const { return last_error_; }

private:
    static void on_error(const char* message, void* self);
    GEOSContextHandle_t handle_;
    std::string last_error_;
};

/// An owned GEOS geometry.
class GeosGeometry {
public:
    GeosGeometry(const GeosContext& ctx, GEOSGeometry* g) : ctx_(&ctx), g_(g) {}
    ~GeosGeometry();
    GeosGeometry(GeosGeometry&& o) noexcept : ctx_(o.ctx_), g_(o.g_) { o.g_ = nullptr; }
    GeosGeometry& operator=(GeosGeometry&& o) noexcept;
    GeosGeometry(const GeosGeometry&) = delete;
    GeosGeometry& operator=(const GeosGeometry&) = delete;

    const GEOSGeometry* get() const { return g_; }
    explicit operator bool() const { return g_ != nullptr; }

private:
    const GeosContext* ctx_;
    GEOSGeometry* g_;
};

/// Converts to GEOS; an empty geometry gives an empty GEOS geometry of the same dimension. Parts GEOS
/// refuses (a ring of fewer than 4 points, a line of one point) are left out rather than crashing.
GeosGeometry to_geos(const GeosContext& ctx, const Geometry& g);
/// Converts back (points, lines, polygons; collections are flattened to their first kind).
Geometry from_geos(const GeosContext& ctx, const GEOSGeometry* g);

/// A polygon prepared for many point-in-polygon tests.
class PreparedPolygon {
public:
    PreparedPolygon(const GeosContext& ctx, const Geometry& polygon);
    ~PreparedPolygon();
    PreparedPolygon(const PreparedPolygon&) = delete;
    PreparedPolygon& operator=(const PreparedPolygon&) = delete;
    /// True when the point lies in the polygon or on its boundary.
    bool covers(Point p) const;
    /// Distance from the point to the polygon (0 inside), in CRS units.
    double distance(Point p) const;
    /// The point of the polygon nearest to `p` (`p` itself inside); nullopt for an empty polygon.
    std::optional<Point> nearest_point(Point p) const;
    /// False when the polygon could not be built (degenerate rings): covers() is then always false.
    bool usable() const { return prepared_ != nullptr; }

private:
    const GeosContext* ctx_;
    GeosGeometry geometry_;
    const GEOSPreparedGeometry* prepared_;
};

/// A point guaranteed to lie inside the (multi)polygon (GEOS PointOnSurface); nullopt for empty input.
std::optional<Point> point_on_surface(const GeosContext& ctx, const Geometry& g);

/// Validity of a geometry: empty string when valid, else GEOS's reason ("Self-intersection[2 3]").
std::string invalidity_reason(const GeosContext& ctx, const Geometry& g);
/// GEOS MakeValid, keeping only the polygonal part for polygon input.
Geometry make_valid(const GeosContext& ctx, const Geometry& g);

}  // namespace cartelier::geo
