// A scale bar with a round length (0–50–100 km), true at the map centre: the projection's scale
// factor there (from PROJ) turns ground distances into map units.
#pragma once

#include <string>

#include <vector>

#include "layout/text_style.hpp"
#include "layout/view.hpp"
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
ScaleBar choose_scale_bar(const View& view, double max_width_pt);

/// "1:6 750 000", rounded to three significant digits, with thin spaces between thousands.
std::string format_scale(double denominator);

/// The caption under the bar: "Échelle 1:6 670 000 au centre", or just "1:2 480 000" when compact
/// (inset frames).
std::string scale_caption(const View& view, bool compact);

/// A scale bar laid out on the page: its box (filled with the look's background), the numbers above
/// the bar, the bar itself (`bar.segments` equal segments, alternately in the dark and the light colour,
/// outlined in the dark one) and the caption under it.
struct ScaleBarPlan {
    ScaleBar bar;
    Rect box;
    std::vector<PlacedText> ticks;  ///< "0", "50", "100 km"
    Rect bar_rect;
    PlacedText caption;
    style::ElementLook look;
};

/// True when each of the bar's numbers ("0", "10", "20 km") stands clear of its neighbours (2 pt at
/// least between them) over its segments.
bool scale_bar_legible(const TextMeasurer& measure, const ScaleBar& bar, const style::ElementLook& look,
                       const std::string& font);

/// `look`: text font, size and colour, the dark colour (line-color: bar, outline) and the light one
/// (background-color: the other segments, and the box under it at background-opacity); `font` is the
/// project's page font, used when the look names none. The size of the bar's box (at the origin).
Rect measure_scale_bar(const TextMeasurer& measure, const ScaleBar& bar, const View& view,
                       const style::ElementLook& look, const std::string& font, bool compact = false);
/// The bar laid out in `box` (as measured, moved to its place).
ScaleBarPlan plan_scale_bar(const TextMeasurer& measure, const ScaleBar& bar, const View& view,
                            const style::ElementLook& look, const std::string& font, const Rect& box,
                            bool compact = false);

}  // namespace cartelier::layout
