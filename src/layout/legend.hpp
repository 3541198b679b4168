// The legend, generated from the style: one entry per legend-worthy style layer (metadata
// "cartelier:legend"), one per category of a `match` colour expression; swatches drawn by the
// same symbolizers as the map, with a feature of that category.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "render/map_renderer.hpp"
#include "render/view.hpp"
#include "style/style.hpp"

namespace cartelier::layout {

struct LegendEntry {
    std::string label;
    const style::Layer* layer = nullptr;
    const Layer* data = nullptr;        ///< the source layer
    const Feature* feature = nullptr;   ///< a feature of this category (null: synthetic)
    std::optional<style::expr::Object> synthetic;  ///< properties for a category with no feature on the map
};

struct LegendSection {
    std::string title;  ///< empty: entries go under the legend's own title
    std::vector<LegendEntry> entries;
};

/// Reads the style's legend metadata and the features in the view. Layer metadata:
///   "cartelier:legend": "Label"                                   — one entry
///   "cartelier:legend": {"label": "…"}                            — one entry
///   "cartelier:legend": {"title": "…", "labels": {"flash": "…"}, "show": "present" | "all"}
///                                                                 — one entry per category of the
///     layer's match colour expression (circle-color, fill-color or line-color; for a symbol layer
///     with icons, a match icon-image, else text-color), in the order of
///     `labels`; only categories present on the map unless show = "all".
std::vector<LegendSection> build_legend(const style::Style& style, const render::LayerSet& layers,
                                        const render::View& view, double zoom);

/// How the legend looks and where its swatches' icons come from.
struct LegendLook {
    const style::Style* style = nullptr;  ///< its page look (legend, legend-title…) and icons folder
    std::string font;                     ///< the project's page font (elements that name no font)
    render::IconCache* icons = nullptr;   ///< icons of symbol layers (a cache of the call when null)
};

/// Measures the legend (for layout and label obstacles).
render::Rect measure_legend(cairo_t* cr, const std::vector<LegendSection>& sections, const std::string& title,
                            const LegendLook& look);
/// Draws it with its top-left corner at `box` (as measured). A symbol layer's swatch is its icon, as
/// the map draws it, scaled down when it is larger than the row.
void draw_legend(cairo_t* cr, const std::vector<LegendSection>& sections, const std::string& title,
                 const LegendLook& look, const render::Rect& box, double zoom, double points_per_unit);

}  // namespace cartelier::layout
