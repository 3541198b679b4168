#include "layout/page_layout.hpp"

#include <algorithm>
#include <cctype>

#include "geo/projection.hpp"
#include "layout/page_plan.hpp"

namespace cartelier::layout {

namespace {
/// ISO 216 A sizes and the North American ones, landscape (width, height in mm).
struct NamedPaper {
    const char* name;
    double width_mm, height_mm;
};
constexpr NamedPaper kPapers[] = {{"a5", 210, 148},       {"a4", 297, 210},        {"a3", 420, 297},
                                  {"a2", 594, 420},       {"a1", 841, 594},        {"a0", 1189, 841},
                                  {"letter", 279.4, 215.9}, {"legal", 355.6, 215.9}, {"tabloid", 431.8, 279.4}};
}  // namespace

std::optional<Paper> Paper::named(const std::string& name, const std::string& orientation) {
    std::string n;
    for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const NamedPaper& known : kPapers)
        if (n == known.name) {
            Paper p{known.width_mm, known.height_mm};
            if (orientation == "portrait") std::swap(p.width_mm, p.height_mm);
            return p;
        }
    return std::nullopt;
}

std::vector<std::string> Paper::names() {
    std::vector<std::string> out;
    for (const NamedPaper& known : kPapers) {
        std::string n = known.name;
        if (n[0] == 'a') n[0] = 'A';
        out.push_back(n);
    }
    return out;
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
