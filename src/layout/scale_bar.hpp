// A scale bar with a round length (0–50–100 km), true at the map centre: the projection's scale
// factor there (from PROJ) turns ground distances into map units.
#pragma once

#include <string>

#include "render/cairo_handles.hpp"
#include "render/view.hpp"
#include "style/style.hpp"

namespace cartelier::layout {

struct ScaleBar {
    double length_m = 0;     ///< ground length of the whole bar
    double length_pt = 0;    ///< on the page
    int segments = 2;
    std::string unit;        ///< "km" or "m"
    double unit_m = 1000;    ///< metres per unit
};

/// The longest round length (1, 2 or 5 × 10^n) whose bar fits in `max_width_pt`.
ScaleBar choose_scale_bar(const render::View& view, double max_width_pt);

/// "1:6 750 000", rounded to three significant digits, with thin spaces between thousands.
std::string format_scale(double denominator);

/// The caption under the bar: "Échelle 1:6 670 000 au centre", or just "1:2 480 000" when compact
/// (inset frames).
std::string scale_caption(const render::View& view, bool compact);

/// `look`: text font, size and colour, the dark colour (line-color: bar, outline) and the light one
/// (background-color: the other segments, and the box under it at background-opacity); `font` is the
/// project's page font, used when the look names none.
render::Rect measure_scale_bar(cairo_t* cr, const ScaleBar& bar, const render::View& view,
                               const style::ElementLook& look, const std::string& font, bool compact = false);
void draw_scale_bar(cairo_t* cr, const ScaleBar& bar, const render::View& view, const style::ElementLook& look,
                    const std::string& font, const render::Rect& box, bool compact = false);

}  // namespace cartelier::layout
