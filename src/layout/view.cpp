#include "layout/view.hpp"

#include <algorithm>
#include <cmath>

namespace cartelier::layout {

View View::fit(const std::string& crs, const Box& requested, const Rect& frame) {
    View v;
    v.crs = crs;
    v.frame = frame;
    double sx = frame.w / requested.width();
    double sy = frame.h / requested.height();
    v.scale = std::min(sx, sy);
    double cx = (requested.min_x + requested.max_x) / 2;
    double cy = (requested.min_y + requested.max_y) / 2;
    double half_w = frame.w / v.scale / 2, half_h = frame.h / v.scale / 2;
    v.extent = Box{cx - half_w, cy - half_h, cx + half_w, cy + half_h};
    return v;
}

double View::zoom(double lat_deg) const {
    constexpr double pi = 3.14159265358979323846;
    double metres_per_css_px = scale_denominator() * 0.0254 / 96.0;
    return std::log2(40075016.686 * std::cos(lat_deg * pi / 180.0) / (512.0 * metres_per_css_px));
}

}  // namespace cartelier::layout
