// GEOS (C API, re-entrant) wrapped in RAII types, and the geometry operations Cartelier needs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

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
    /// Gives up ownership (to a GEOS function that takes it, e.g. a collection's constructor).
    GEOSGeometry* release() {
        GEOSGeometry* g = g_;
        g_ = nullptr;
        return g;
    }

private:
    const GeosContext* ctx_;
    GEOSGeometry* g_;
};

/// Converts to GEOS; an empty geometry gives an empty GEOS geometry of the same dimension. Parts GEOS
/// refuses (a ring of fewer than 4 points, a line of one point) are left out rather than crashing.
GeosGeometry to_geos(const GeosContext& ctx, const Geometry& g);
/// Converts each part of `g` (a point, a line, a polygon with its holes) to its own GEOS geometry,
/// appended to `parts`; parts GEOS refuses are left out as to_geos does.
void to_geos_parts(const GeosContext& ctx, const Geometry& g, std::vector<GeosGeometry>& parts);
/// Converts back (points, lines, polygons; collections are flattened to their first kind).
Geometry from_geos(const GeosContext& ctx, const GEOSGeometry* g);
/// Converts back keeping only the parts of dimension `type` (a polygon's intersection with a mask may
/// hold lines and points where they touch: asked for polygons, those are dropped); None: as from_geos.
Geometry from_geos(const GeosContext& ctx, const GEOSGeometry* g, GeometryType type);

/// A collection of `type` (GEOS_MULTIPOLYGON…, GEOS_GEOMETRYCOLLECTION) taking ownership of `parts`
/// (left empty); an empty collection when there is none.
GeosGeometry make_collection(const GeosContext& ctx, int type, std::vector<GeosGeometry>& parts);

/// The union of `polygons` (GEOS polygons, one per part; the vector is left empty): GEOS CoverageUnion
/// when they form a clean coverage (shared borders with the same vertices, no overlap; its result is
/// checked valid), else GEOS's general UnaryUnion, and then `*general` is set true. Null when both
/// fail (ctx.last_error() says why); an empty polygon when there is none.
GeosGeometry union_polygons(const GeosContext& ctx, std::vector<GeosGeometry>& polygons, bool* general = nullptr);

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

/// Where a symbol layer labels a feature (MapLibre's point placement; one label per feature, as QGIS
/// labels a multi-part feature once): for an area, the centre of the largest circle inscribed in the
/// largest part of it that `clip` shows (GEOS MaximumInscribedCircle, to `tolerance` CRS units: the
/// pole of inaccessibility MapLibre labels a polygon at); for a line, the point halfway along its
/// longest part inside `clip`; for points, the first inside `clip`. Nullopt when nothing of `g` lies
/// inside `clip`.
std::optional<Point> label_point(const GeosContext& ctx, const Geometry& g, const Box& clip, double tolerance);

/// `g` moved `distance` (its CRS units) sideways, as MapLibre's line-offset draws it: a line to the right
/// of its direction (GEOS OffsetCurve; negative: to the left); a polygon's outline towards its inside
/// (the rings of GEOS Buffer by -distance, an inset; negative: an outset), whichever way its rings turn.
/// Corners are mitred (limit 2), so a square stays a square; a part narrower than twice an inset has
/// no outline left, and wiggles smaller than the offset are not looped over as a vertex-by-vertex
/// offset would. Lines come back as lines, polygons as polygons (their rings to be stroked). Nullopt
/// when GEOS fails (ctx.last_error() says why).
std::optional<Geometry> offset_curve(const GeosContext& ctx, const Geometry& g, double distance);

/// The version of the GEOS library in use ("3.11.1-CAPI-1.17.1"): what its results may change with.
std::string geos_version();

/// Validity of a geometry: empty string when valid, else GEOS's reason ("Self-intersection[2 3]").
std::string invalidity_reason(const GeosContext& ctx, const Geometry& g);
/// GEOS MakeValid, keeping only the polygonal part for polygon input.
Geometry make_valid(const GeosContext& ctx, const Geometry& g);

}  // namespace cartelier::geo
