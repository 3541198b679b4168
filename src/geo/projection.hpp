// The "reproject" stage: PROJ wrapped in RAII types. Coordinates are always in the traditional GIS
// order (longitude/easting first), whatever the CRS's official axis order.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/geometry.hpp"
#include "core/layer.hpp"

struct pj_ctx;
struct PJconsts;

namespace cartelier::geo {

/// A PROJ context (one per thread that transforms coordinates).
class ProjContext {
public:
    ProjContext();
    pj_ctx* get() const { return ctx_.get(); }

private:
    struct Deleter { void operator()(pj_ctx* c) const; };
    std::unique_ptr<pj_ctx, Deleter> ctx_;
};

/// A coordinate operation from one CRS to another ("EPSG:4326", "EPSG:2154", WKT, PROJ strings).
/// Throws Error naming the CRS when PROJ does not know it. Creating one queries PROJ's database
/// (milliseconds); so operations are pooled per (from, to) for the whole process: a Transformation
/// borrows one (with its own PROJ context, used by one thread at a time) and gives it back when destroyed.
/// The vertices PROJ could not transform, and how many of them lie outside the target CRS's area of
/// use (a UTM zone made for one island, asked to take the whole of France): those are expected and
/// off any map drawn in that CRS; failures inside the area of use are a problem with the data.
/// Only a geographic source (longitude, latitude) is classified: otherwise outside_area stays 0.
struct ProjectionFailures {
    std::size_t vertices = 0;
    std::size_t outside_area = 0;
    std::size_t inside_area() const { return vertices - outside_area; }
    ProjectionFailures& operator+=(const ProjectionFailures& o) {
        vertices += o.vertices;
        outside_area += o.outside_area;
        return *this;
    }
};

class Transformation {
public:
    Transformation(const std::string& from, const std::string& to);
    ~Transformation();
    Transformation(Transformation&&) noexcept;
    Transformation& operator=(Transformation&&) noexcept;

    /// Transforms points in place, in bulk. Points PROJ cannot transform become infinite;
    /// returns how many failed, and where.
    ProjectionFailures transform(std::span<Point> points) const;
    Point transform(Point p) const;
    /// A box holding the image of every point of `lonlat` (a box of longitudes and latitudes), found by
    /// projecting points along its edges and widening their bounds by a safe margin; nullopt when it
    /// cannot be said so cheaply: a source that is not geographic, a target that is not projected, a box
    /// over 10° wide or high or reaching past 85° of latitude, a sample PROJ cannot transform.
    std::optional<Box> image_bounds(const Box& lonlat) const;
    /// The bounds of the image of `box`'s boundary, each side sampled at `steps` + 1 points (a projected
    /// edge is a curve): the extent a box drawn in the source CRS covers in the target's. Samples PROJ
    /// cannot transform are left out; an empty Box when none transforms.
    Box transform_box(const Box& box, int steps = 16) const;
    /// The inverse direction.
    Point inverse(Point p) const;
    /// The target CRS's area of use in degrees (min_x west, min_y south, max_x east, max_y north; west >
    /// east across the antimeridian); nullopt when the source is not geographic or PROJ does not know it.
    std::optional<Box> area_of_use() const;
    /// Whether `lonlat` (degrees) lies in that area widened by `margin_deg` on each side (across the
    /// antimeridian too); nullopt when area_of_use() is.
    std::optional<bool> within_area_of_use(Point lonlat, double margin_deg) const;

    struct Operation;

    /// How many operations the process has made from PROJ's database so far (the others were taken
    /// from the pool): for tests.
    static std::size_t operations_made() { return operations_made_.load(); }

private:
    friend class TransformationWarmup;
    static std::atomic<std::size_t> operations_made_;
    /// A new operation from PROJ's database (throws Error as the constructor).
    static std::unique_ptr<Operation> make_operation(const std::string& from, const std::string& to);

    std::unique_ptr<Operation> op_;
    std::string from_, to_;
};

/// Makes the operations of `pairs` (from, to) ahead of need, on up to `threads` threads of its own, into
/// the process's pool, each pair once, skipping those already made or being made: PROJ's database
/// queries (several milliseconds a pair) then run side by side while the caller does other work. A
/// Transformation of a pair being made waits for it; one of a pair not yet started makes its own as
/// usual. A pair PROJ cannot make is left to the Transformation that asks for it, which throws the
/// full error. The destructor waits for the pairs being made, and the pairs not started yet are not made.
class TransformationWarmup {
public:
    TransformationWarmup(std::vector<std::pair<std::string, std::string>> pairs, unsigned threads);
    ~TransformationWarmup();
    TransformationWarmup(const TransformationWarmup&) = delete;
    TransformationWarmup& operator=(const TransformationWarmup&) = delete;
    /// Waits until every pair is made (or found unmakeable).
    void finish();

private:
    void run();
    std::vector<std::pair<std::string, std::string>> pairs_;
    std::size_t next_ = 0;  ///< guarded by the pool's mutex
    bool stopped_ = false;  ///< guarded by the pool's mutex
    std::vector<std::thread> threads_;
};

/// Reprojects every feature of a layer into `to` (no-op when the layer is already in it).
/// Returns the vertices PROJ could not transform.
ProjectionFailures reproject(Layer& layer, const std::string& to);

/// reproject(), taking the coordinates of a feature unchanged since an earlier projection into `to`
/// from it instead of transforming them again: `before` is an earlier state of the layer (same CRS as
/// `layer`) and `before_projected` its whole copy in `to` (reproject() of it: feature for feature). A
/// feature of `layer` whose geometry is, bit for bit, that of the feature of `before` with its id (at
/// the same position, else anywhere) takes that feature's projected coordinates, when none of them failed;
/// every other feature is transformed. The result is the same as reproject()'s, failures included;
/// its cost is that of the features edited. Returns the vertices that could not be transformed and how
/// many features were transformed (`transformed`).
ProjectionFailures reproject_reusing(Layer& layer, const std::string& to, const Layer& before,
                                     const Layer& before_projected, std::size_t* transformed = nullptr);

/// What a feature's geometry was before it was projected, as a projected copy kept on disk remembers
/// it: the XXH3-128 digest of its type, rings, parts and points (their bits), high then low.
struct SourceDigest {
    std::uint64_t high = 0, low = 0;
    friend bool operator==(const SourceDigest&, const SourceDigest&) = default;
};

/// The digest of each feature of `layer` (in its order).
std::vector<SourceDigest> source_digests(const Layer& layer);

/// reproject(), taking the coordinates of a feature unchanged since an earlier copy of the layer in
/// `to` was made from it: `sources` is source_digests(layer) (before it is projected), `before_projected`
/// that earlier copy and `before_sources` the source digests of its features. A feature of `layer` with
/// the digest of the feature of `before_projected` with its id (at the same position, else anywhere)
/// takes that feature's coordinates, when none of them failed; every other feature is transformed. The
/// result is the same as reproject()'s, failures included. `before_sources` of another size than
/// `before_projected`'s features, or a copy in another CRS, is none. Returns the vertices that could
/// not be transformed and how many features were transformed (`transformed`).
ProjectionFailures reproject_reusing(Layer& layer, const std::string& to, std::span<const SourceDigest> sources,
                                     const Layer& before_projected, std::span<const SourceDigest> before_sources,
                                     std::size_t* transformed = nullptr);

/// `layer` reprojected into `to` for maps that show only `window` (in `to`) of it: the features whose
/// bounds in `to` meet the window — the test by which a view draws a feature —, in their order, and no
/// other. What a view inside the window draws is the same as from reproject(); the memory is that of the
/// window's features. When some are left out, the result's `subset` says where each feature held is in
/// the whole layer, how many it has, and what its fields hold (field_stats), so that copies in several
/// CRSs pair feature for feature and a check of the data sees the whole layer (LayerSubset). `failed`
/// receives the vertices PROJ could not transform. A feature whose bounds, from their image alone
/// (Transformation::image_bounds), surely miss the window is not transformed at all (nor are its
/// vertices counted in `failed`): a layer of small features costs about as much as the features near the
/// window.
Layer reproject_within(const Layer& layer, const std::string& to, const Box& window, ProjectionFailures& failed);

/// Scale of the projection at a geographic point: the meridian scale factor h, the parallel scale
/// factor k and the meridian convergence (radians), from PROJ's proj_factors.
struct ScaleFactors {
    double meridional = 1;
    double parallel = 1;
    double convergence = 0;
};
/// Memoised for the process (layouts ask for the same points at every build).
ScaleFactors scale_factors(const std::string& projected_crs, double lon, double lat);

/// The CRS `crs` ("EPSG:2154", WKT, a PROJ string) as WKT1 in GDAL's dialect (one line, with its EPSG
/// authority when PROJ knows one), the form GDAL reads from a .aux.xml or .prj file. The same text for
/// the same CRS and PROJ database. Throws Error naming the CRS when PROJ does not know it.
std::string crs_wkt(const std::string& crs);

/// What a georeferenced file says of a CRS (a geospatial PDF's /GCS dictionary).
struct CrsIdentity {
    std::string wkt;             ///< WKT1 in GDAL's dialect, as crs_wkt
    int epsg = 0;                ///< its EPSG code when PROJ's definition carries one; 0 otherwise
    bool geographic = false;     ///< true: a geographic CRS (longitude, latitude); false: projected
    /// The geographic CRS of its datum ("EPSG:4171" for Lambert-93's RGF93 v1, or a WKT when it has no
    /// code): the CRS in which a geospatial PDF gives latitudes and longitudes (no datum shift).
    std::string geographic_crs;
};
/// Throws Error naming the CRS when PROJ does not know it.
CrsIdentity crs_identity(const std::string& crs);

/// What the coordinates of a CRS are: its kind and the unit of its first axis (of its horizontal part,
/// for a compound or bound CRS).
struct CrsUnits {
    enum class Kind { Projected, Geographic, Geocentric, Other };
    Kind kind = Kind::Other;
    std::string unit;       ///< PROJ's name of the unit: "metre", "degree", "US survey foot"…
    double to_si = 1;       ///< the unit in metres (a length) or radians (an angle)
    bool in_metres() const { return to_si == 1.0; }
};
/// Throws Error naming the CRS when PROJ does not know it. Remembered for the process.
CrsUnits crs_units(const std::string& crs);

}  // namespace cartelier::geo
