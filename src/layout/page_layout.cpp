#include "layout/page_layout.hpp"

#include <algorithm>
#include <cctype>

#include "geo/projection.hpp"
#include "layout/page_plan.hpp"

namespace cartelier::layout {

std::optional<Paper> Paper::named(const std::string& name, const std::string& orientation) {
    std::string n;
    for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Paper p;
    if (n == "a5") p = {210, 148};
    else if (n == "a4") p = {297, 210};
    else if (n == "a3") p = {420, 297};
    else if (n == "a2") p = {594, 420};
    else if (n == "letter") p = {279.4, 215.9};
    else return std::nullopt;
    if (orientation == "portrait") std::swap(p.width_mm, p.height_mm);
    return p;
}

Rect PageLayout::map_area() const {
    const double m = margin_mm * kPointsPerMm;
    const double top = m + title_band_mm * kPointsPerMm;
    const double bottom = m + credits_band_mm * kPointsPerMm;
    return Rect{m, top, width_pt() - 2 * m, height_pt() - top - bottom};
}

InsetFrames PageLayout::frames() const { return arrange_insets(map_area(), insets, inset_band); }

Rect PageLayout::map_frame() const { return frames().main; }

double true_north_deg(const std::string& crs, double lon, double lat) {
    // PROJ's convergence is the angle from true north to grid north, positive clockwise (east of the
    // central meridian of a conformal conic, grid north is east of true north): true north on the page
    // is that angle counter-clockwise from the grid's up.
    return -geo::scale_factors(crs, lon, lat).convergence * 180.0 / 3.14159265358979323846;
}

std::vector<double> frame_zooms(const PageLayout& layout, const std::string& crs, const Box& extent) {
    std::vector<double> zooms;
    for (const FramePlan& f : plan_frames(layout, crs, extent)) zooms.push_back(f.zoom);
    return zooms;
}

}  // namespace cartelier::layout
