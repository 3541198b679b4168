// The "lay out the page" stage: paper, margins, title block, map frame, insets, legend, scale bar,
// north arrow, logo, credits — and one label placement over all of it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/geometry.hpp"
#include "layout/inset.hpp"
#include "render/labels.hpp"
#include "render/map_renderer.hpp"
#include "render/view.hpp"
#include "style/style.hpp"

namespace cartelier::layout {

struct Paper {
    double width_mm = 297;
    double height_mm = 210;
    /// "A4", "A3", "A5", "A2", "letter" in an orientation ("landscape"/"portrait"); nullopt if unknown.
    static std::optional<Paper> named(const std::string& name, const std::string& orientation);
};

inline constexpr double kPointsPerMm = 72.0 / 25.4;

/// A picture on the page (SVG or PNG).
struct LogoSpec {
    std::string path;                      ///< absolute
    std::string position = "title-right";  ///< title-right (in the title block) or a corner of the map frame
    double width_mm = 25;
};

/// Where page elements go; every field has a default a cartographer would accept.
struct PageLayout {
    Paper paper;
    double margin_mm = 8;
    double title_band_mm = 19;    ///< height of the title block above the map frame
    double credits_band_mm = 7;   ///< height of the credits line below the map frame
    std::string title;
    std::string subtitle;
    std::string credits;          ///< full credits text (sources, producer, date)
    std::string title_align = "left";                ///< title block: left or center
    std::string legend_position = "bottom-left";     ///< inside the map frame: top-left, bottom-left, top-right, bottom-right
    std::string scale_bar_position = "bottom-right"; ///< same choices, or "none"
    std::string north_arrow = "none";                ///< a corner of the map frame, or "none"
    std::optional<LogoSpec> logo;
    std::vector<InsetSpec> insets;                   ///< secondary frames (overseas, zoom boxes)
    InsetBand inset_band;
    std::string font = "DejaVu Sans";                ///< page text (title, legend, credits)
    std::string legend_title = "Légende";

    double width_pt() const { return paper.width_mm * kPointsPerMm; }
    double height_pt() const { return paper.height_mm * kPointsPerMm; }
    /// The area between the title block and the credits, shared by the main frame and the inset band.
    render::Rect map_area() const;
    /// The main map frame on the page (the map area less the inset band, if any).
    render::Rect map_frame() const;
    /// Every frame: the main one and one per inset, in order.
    InsetFrames frames() const;
};

/// What to draw in the map frame.
struct MapContent {
    const style::Style* style = nullptr;
    const render::LayerSet* layers = nullptr;   ///< in `crs`
    std::string crs;       ///< map CRS
    Box extent;            ///< requested extent, in the map CRS (fitted to the frame)
    /// The same layers in another CRS (for insets in their own CRS); may be empty when every inset
    /// shares the map CRS.
    std::function<const render::LayerSet&(const std::string& crs)> layers_in;
    /// Icons of the style's symbol layers, shared by a build (null: a cache for this page alone).
    render::IconCache* icons = nullptr;
};

/// One frame drawn on the page (the main map is frames[0]).
struct FrameReport {
    std::string name;              ///< "" for the main map
    std::string crs;
    render::Rect frame;
    render::View view;
    double scale_denominator = 0;  ///< true at the frame centre
    std::size_t features_drawn = 0;
    std::size_t symbols = 0;       ///< point symbols drawn in the frame
};

struct PageReport {
    std::vector<render::PlacedLabel> labels;
    std::vector<std::string> evaluation_errors;
    double scale_denominator = 0;  ///< true at the map centre
    double zoom = 0;               ///< web zoom equivalent used for ["zoom"]
    std::size_t legend_entries = 0;
    std::size_t features_drawn = 0;
    std::vector<FrameReport> frames;                      ///< main map, then insets
    std::vector<render::CollisionIndex::Entry> obstacles; ///< symbols and page elements (labels excluded)
    std::optional<double> north_arrow_deg;                ///< rotation of the arrow (clockwise from page up)
};

/// Draws the whole page on `cr` (user space in points). Colours, fonts and line widths of the page
/// elements come from the style's page look (style::PageStyle, metadata "cartelier:page").
PageReport compose_page(cairo_t* cr, const PageLayout& layout, const MapContent& content);

/// The web zoom of each frame of the page (the main map, then each inset), as compose_page computes
/// them: what ["zoom"] evaluates to in each frame.
std::vector<double> frame_zooms(const PageLayout& layout, const std::string& crs, const Box& extent);

/// Clockwise angle (degrees) from page-up to true north at a geographic point of a projected CRS,
/// from the meridian convergence PROJ reports there.
double true_north_deg(const std::string& crs, double lon, double lat);

}  // namespace cartelier::layout
