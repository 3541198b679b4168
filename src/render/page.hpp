// The page drawn: each frame's map, then the page plan (layout/page_plan.hpp) over it — zoom boxes,
// labels, legend, scale bars, north arrow, inset names and frames, logo, map frame, title and credits.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/geometry.hpp"
#include "layout/page_layout.hpp"
#include "layout/page_plan.hpp"
#include "layout/text_cache.hpp"
#include "render/cairo_handles.hpp"
#include "render/icons.hpp"
#include "render/map_renderer.hpp"
#include "render/text.hpp"
#include "style/style.hpp"

namespace cartelier::render {

/// What to draw in the map frame.
struct MapContent {
    const style::Style* style = nullptr;
    const LayerSet* layers = nullptr;   ///< in `crs`
    std::string crs;       ///< map CRS
    Box extent;            ///< requested extent, in the map CRS (fitted to the frame)
    /// The same layers in another CRS, for insets in their own CRS (the prepare stage reprojects them:
    /// drawing never reprojects). May be empty only when every inset shares the map's CRS; else
    /// compose_page throws.
    std::function<const LayerSet&(const std::string& crs)> layers_in;
    /// Icons of the style's symbol layers, shared by a build (null: a cache for this page alone).
    IconCache* icons = nullptr;
    /// Text metrics kept between builds by a process that stays up (`cartelier watch`); null: the page
    /// measures its texts itself. The page is the same either way.
    layout::TextMetricsMemo* text_metrics = nullptr;
    /// The page is an image surface already painted opaque white (a PageSurface for PNG or GeoTIFF):
    /// the main map's white background is then not painted again (draw_map's `on_white_raster`).
    bool white_raster_page = false;
};

/// One frame drawn on the page (the main map is frames[0]).
struct FrameReport {
    std::string name;              ///< "" for the main map
    std::string crs;
    Rect frame;
    View view;
    double scale_denominator = 0;  ///< true at the frame centre
    double zoom = 0;               ///< the web zoom its style layers were evaluated at (["zoom"], minzoom)
    std::size_t features_drawn = 0;
    std::size_t symbols = 0;       ///< point symbols drawn in the frame
};

struct PageReport {
    std::vector<layout::PlacedLabel> labels;
    layout::LabelQuality label_quality;  ///< of `labels`, measured in the page plan
    std::vector<std::string> evaluation_errors;
    double scale_denominator = 0;  ///< true at the map centre
    double zoom = 0;               ///< web zoom equivalent used for ["zoom"]
    std::size_t legend_entries = 0;
    std::size_t features_drawn = 0;
    std::vector<FrameReport> frames;                      ///< main map, then insets
    std::vector<layout::CollisionIndex::Entry> obstacles; ///< symbols and page elements (labels and leaders excluded)
    std::optional<double> north_arrow_deg;                ///< rotation of the arrow (clockwise from page up)
    std::vector<layout::FurnitureChoice> furniture;       ///< each decoration: where it went, the land it hides
    double land_hidden_mm2 = 0;                           ///< land hidden by all the furniture (mm²)
};

/// The whole page on `cr` (user space in points): the frames of layout::plan_frames, each frame's map,
/// the legend's content, layout::plan_page (text measured with Pango on `cr`), then draw_page.
/// Colours, fonts and line widths of the page elements come from the style's page look
/// (style::PageStyle, metadata "cartelier:page").
PageReport compose_page(cairo_t* cr, const layout::PageLayout& layout, const MapContent& content);

/// Draws the plan over the frames' maps (already drawn): zoom boxes, labels and numbered lists (each
/// frame's clipped to it), legend, scale bar, north arrow, inset names, scale bars and frames, logo, main frame, title,
/// subtitle, credits — in that order. `style`: the page look and the legend swatches' symbolizers;
/// `logo`: the picture of the plan's logo box (needed when the plan has one). `texts`: the layouts the
/// plan's labels were measured with (kept), drawn without laying them out again; none: laid out again.
void draw_page(cairo_t* cr, const layout::PagePlan& plan, const style::Style& style, const Picture* logo,
               IconCache* icons = nullptr, TextLayouts* texts = nullptr);

}  // namespace cartelier::render
