// The legend's content read from the style and the data (build_legend), and the legend drawn from its
// plan (layout/legend.hpp): swatches drawn by the same symbolizers as the map, with a feature of each
// category.
#pragma once

#include <string>
#include <vector>

#include "layout/legend.hpp"
#include "render/cairo_handles.hpp"
#include "render/icons.hpp"
#include "render/map_renderer.hpp"
#include "render/view.hpp"
#include "style/style.hpp"

namespace cartelier::render {

using layout::LegendEntry;
using layout::LegendSection;

/// Reads the style's legend metadata and the features in the view. Layer metadata:
///   "cartelier:legend": "Label"                                   — one entry
///   "cartelier:legend": {"label": "…"}                            — one entry
///   "cartelier:legend": {"title": "…", "labels": {"flash": "…"}, "show": "present" | "all"}
///                                                                 — one entry per category of the
///     layer's match colour expression (circle-color, fill-color or line-color; for a symbol layer
///     with icons, a match icon-image, else text-color), in the order of
///     `labels`; only categories present on the map unless show = "all".
std::vector<LegendSection> build_legend(const style::Style& style, const LayerSet& layers, const View& view,
                                        double zoom);

/// Draws a planned legend: box, title, headings, and each row's swatch and label. A symbol layer's
/// swatch is its icon, as the map draws it (from `icons`, a cache of the call when null; the icons
/// folder of `style`), scaled down when it is larger than the row.
void draw_legend(cairo_t* cr, const layout::LegendPlan& legend, const style::Style& style, IconCache* icons,
                 double zoom, double points_per_unit);

}  // namespace cartelier::render
