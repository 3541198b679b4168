#include "geo/projection.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <proj.h>

#include "core/diagnostic.hpp"

namespace cartelier::geo {

void ProjContext::Deleter::operator()(pj_ctx* c) const { proj_context_destroy(c); }
void Transformation::Deleter::operator()(PJconsts* p) const { proj_destroy(p); }

ProjContext::ProjContext() : ctx_(proj_context_create()) {
    proj_log_level(ctx_.get(), PJ_LOG_NONE);
}

Transformation::Transformation(const std::string& from, const std::string& to)
    : ctx_(std::make_unique<ProjContext>()), from_(from), to_(to) {
    PJ* raw = proj_create_crs_to_crs(ctx_->get(), from.c_str(), to.c_str(), nullptr);
    if (!raw) {
        int err = proj_context_errno(ctx_->get());
        throw Error(SourceLocation{}, fmt::format("cannot make a transformation from '{}' to '{}': {}",
                                                  from.substr(0, 80), to.substr(0, 80),
                                                  proj_context_errno_string(ctx_->get(), err)),
                    "use an authority code such as EPSG:4326 or EPSG:2154");
    }
    std::unique_ptr<PJconsts, Deleter> created(raw);
    PJ* normalised = proj_normalize_for_visualization(ctx_->get(), raw);
    if (!normalised) throw Error(SourceLocation{}, fmt::format("cannot normalise axis order of '{}'", from));
    pj_.reset(normalised);
}

Transformation::~Transformation() = default;
Transformation::Transformation(Transformation&&) noexcept = default;
Transformation& Transformation::operator=(Transformation&&) noexcept = default;

std::size_t Transformation::transform(std::span<Point> points) const {
    if (points.empty()) return 0;
    constexpr std::size_t stride = sizeof(Point);
    proj_trans_generic(pj_.get(), PJ_FWD, &points[0].x, stride, points.size(), &points[0].y, stride,
                       points.size(), nullptr, 0, 0, nullptr, 0, 0);
    std::size_t failed = 0;
    for (auto& p : points) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y) || p.x == HUGE_VAL) {
            p = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
            ++failed;
        }
    }
    return failed;
}

Point Transformation::transform(Point p) const {
    PJ_COORD c = proj_trans(pj_.get(), PJ_FWD, proj_coord(p.x, p.y, 0, 0));
    return {c.xy.x, c.xy.y};
}

Point Transformation::inverse(Point p) const {
    PJ_COORD c = proj_trans(pj_.get(), PJ_INV, proj_coord(p.x, p.y, 0, 0));
    return {c.xy.x, c.xy.y};
}

std::size_t reproject(Layer& layer, const std::string& to) {
    if (layer.crs == to) return 0;
    Transformation t(layer.crs, to);
    std::size_t failed = 0;
    for (auto& f : layer.features) failed += t.transform(f.geometry.points);
    layer.crs = to;
    return failed;
}

ScaleFactors scale_factors(const std::string& projected_crs, double lon, double lat) {
    ProjContext ctx;
    std::unique_ptr<PJ, decltype(&proj_destroy)> crs(proj_create(ctx.get(), projected_crs.c_str()), &proj_destroy);
    if (!crs) throw Error(SourceLocation{}, fmt::format("unknown CRS '{}'", projected_crs));
    PJ_COORD c = proj_coord(proj_torad(lon), proj_torad(lat), 0, 0);
    PJ_FACTORS f = proj_factors(crs.get(), c);
    if (proj_errno(crs.get()) != 0)
        throw Error(SourceLocation{}, fmt::format("PROJ cannot compute scale factors of '{}' at ({}, {})",
                                                  projected_crs, lon, lat));
    return {f.meridional_scale, f.parallel_scale, f.meridian_convergence};
}

}  // namespace cartelier::geo
