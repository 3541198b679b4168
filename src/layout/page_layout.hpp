// The "lay out the page" stage: paper, margins, title block, map frame, legend, scale bar, credits.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/geometry.hpp"
#include "render/labels.hpp"
#include "render/map_renderer.hpp"
#include "render/view.hpp"
#include "style/style.hpp"

namespace cartelier::layout {

struct Paper {
    double width_mm = 297;
    double height_mm = 210;
    /// "A4", "A3", "A5", "letter" in an orientation ("landscape"/"portrait"); nullopt if unknown.
    static std::optional<Paper> named(const std::string& name, const std::string& orientation);
};

inline constexpr double kPointsPerMm = 72.0 / 25.4;

/// Where page elements go; every field has a default a cartographer would accept.
struct PageLayout {
    Paper paper;
    double margin_mm = 8;
    double title_band_mm = 19;    ///< height of the title block above the map frame
    double credits_band_mm = 7;   ///< height of the credits line below the map frame
    std::string title;
    std::string subtitle;
    std::string credits;          ///< full credits text (sources, producer, date)
    std::string legend_position = "bottom-left";     ///< inside the map frame: top-left, bottom-left, top-right, bottom-right
    std::string scale_bar_position = "bottom-right"; ///< same choices, or "none"
    std::string font = "DejaVu Sans";                ///< page text (title, legend, credits)
    std::string legend_title = "Légende";

    double width_pt() const { return paper.width_mm * kPointsPerMm; }
    double height_pt() const { return paper.height_mm * kPointsPerMm; }
    /// The map frame on the page.
    render::Rect map_frame() const;
};

/// What to draw in the map frame.
struct MapContent {
    const style::Style* style = nullptr;
    const render::LayerSet* layers = nullptr;
    std::string crs;       ///< map CRS
    Box extent;            ///< requested extent, in the map CRS (fitted to the frame)
};

struct PageReport {
    std::vector<render::PlacedLabel> labels;
    std::vector<std::string> evaluation_errors;
    double scale_denominator = 0;  ///< true at the map centre
    double zoom = 0;               ///< web zoom equivalent used for ["zoom"]
    std::size_t legend_entries = 0;
    std::size_t features_drawn = 0;
};

/// Draws the whole page on `cr` (user space in points).
PageReport compose_page(cairo_t* cr, const PageLayout& layout, const MapContent& content);

}  // namespace cartelier::layout
