// What the page should be: paper, margins, title block, map frame, insets, legend, scale bar, north
// arrow, logo, credits (PageLayout). Where everything then lands is the page plan (layout/page_plan.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/geometry.hpp"
#include "layout/inset.hpp"
#include "layout/view.hpp"

namespace cartelier::layout {

struct Paper {
    double width_mm = 297;
    double height_mm = 210;
    /// A named size — A5 to A0, letter, legal, tabloid; any letter case — in an orientation
    /// ("landscape"/"portrait"); nullopt if unknown.
    static std::optional<Paper> named(const std::string& name, const std::string& orientation);
    /// The names `named` knows, as written in messages ("A5" … "A0", "letter", "legal", "tabloid").
    static std::vector<std::string> names();
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
    /// The main map's scale 1:N at the centre of the map's extent (the extent then gives only the centre;
    /// what lies beyond the frame is cut). nullopt: the extent fitted to the frame, the scale following.
    std::optional<double> scale;
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
    Rect map_area() const;
    /// The main map frame on the page (the map area less the inset band, if any).
    Rect map_frame() const;
    /// Every frame: the main one and one per inset, in order.
    InsetFrames frames() const;
};

/// The web zoom of each frame of the page (the main map, then each inset): the zooms of
/// plan_frames (layout/page_plan.hpp), which the page is drawn with; what ["zoom"] evaluates to in
/// each frame.
std::vector<double> frame_zooms(const PageLayout& layout, const std::string& crs, const Box& extent);

/// Clockwise angle (degrees) from page-up to true north at a geographic point of a projected CRS,
/// from the meridian convergence PROJ reports there.
double true_north_deg(const std::string& crs, double lon, double lat);

}  // namespace cartelier::layout
