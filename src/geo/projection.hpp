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
/// Throws Error naming the CRS when PROJ does not know it.
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

private:
    struct Deleter { void operator()(PJconsts* p) const; };
    std::unique_ptr<ProjContext> ctx_;
    std::unique_ptr<PJconsts, Deleter> pj_;
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
ScaleFactors scale_factors(const std::string& projected_crs, double lon, double lat);

}  // namespace cartelier::geo
