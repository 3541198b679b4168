// The "reproject" stage: PROJ wrapped in RAII types. Coordinates are always in the traditional GIS
// order (longitude/easting first), whatever the CRS's official axis order.
#pragma once

#include <memory>
#include <span>
#include <string>

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
class Transformation {
public:
    Transformation(const std::string& from, const std::string& to);
    ~Transformation();
    Transformation(Transformation&&) noexcept;
    Transformation& operator=(Transformation&&) noexcept;

    /// Transforms points in place, in bulk. Points PROJ cannot transform become infinite;
    /// returns how many failed.
    std::size_t transform(std::span<Point> points) const;
    Point transform(Point p) const;
    /// The inverse direction.
    Point inverse(Point p) const;

    struct Operation;

private:
    std::unique_ptr<Operation> op_;
    std::string from_, to_;
};

/// Reprojects every feature of a layer into `to` (no-op when the layer is already in it).
/// Returns the number of vertices PROJ could not transform.
std::size_t reproject(Layer& layer, const std::string& to);

/// Scale of the projection at a geographic point: the meridian scale factor h, the parallel scale
/// factor k and the meridian convergence (radians), from PROJ's proj_factors.
struct ScaleFactors {
    double meridional = 1;
    double parallel = 1;
    double convergence = 0;
};
/// Memoised for the process (layouts ask for the same points at every build).
ScaleFactors scale_factors(const std::string& projected_crs, double lon, double lat);

}  // namespace cartelier::geo
