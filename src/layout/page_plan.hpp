// The page plan: where everything on the page goes, computed once, with no drawing library. Frames
// (the main map, then the insets) with their views, scales and zooms; every decoration's box (title
// block, legend and its rows, scale bars, north arrow, logo, credits, inset names, zoom boxes); and the
// label placement over the whole page with its collision index. The renderer draws the plan
// (render/page.hpp); tests check it without Cairo.
//
// A page is made in this order, and the plan is made in two calls because the maps sit in between:
//   1. plan_frames: the frames and their views (what the maps are drawn in, and what frame_zooms and
//      the icon check read);
//   2. the renderer draws each frame's map, which yields the labels it asks for and the point symbols
//      it drew (their boxes are label obstacles), and reads the legend's content from style and data;
//   3. plan_page: given those frames and that content, the decorations and the labels;
//   4. the renderer draws the plan over the maps.
// Text is measured through layout::TextMeasurer (layout/text_style.hpp), which the renderer implements
// with Pango: layout needs neither Cairo nor Pango, and its plan still has the drawn text's sizes.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/geometry.hpp"
#include "layout/collision_index.hpp"
#include "layout/furniture.hpp"
#include "layout/inset.hpp"
#include "layout/labels.hpp"
#include "layout/land.hpp"
#include "layout/legend.hpp"
#include "layout/page_layout.hpp"
#include "layout/scale_bar.hpp"
#include "layout/text_style.hpp"
#include "layout/view.hpp"
#include "style/style.hpp"

namespace cartelier::layout {

/// One map frame of the page (the main map is frames[0]).
struct FramePlan {
    std::optional<InsetSpec> inset;  ///< none for the main map
    View view;                       ///< the frame on the page and the extent it shows
    double zoom = 0;                 ///< web zoom at the frame centre: what ["zoom"] evaluates to
    const std::string& name() const;  ///< "" for the main map
    double scale_denominator() const { return view.scale_denominator(); }
};

/// The frames of a page showing `extent` (in `crs`): the main one fitted to the main frame (the whole
/// extent shown, touching two opposite sides of the frame, whatever the paper), or, when the layout
/// has a `scale`, centred on the extent's centre at that scale; then each inset, fitted or at its
/// fixed scale. Scale and zoom are taken at each frame's centre with the
/// projection's own scale factor there (view.scale_factor is set).
std::vector<FramePlan> plan_frames(const PageLayout& layout, const std::string& crs, const Box& extent);

/// What a frame's map, once drawn, brings to the page.
struct FrameContent {
    std::vector<LabelRequest> labels;  ///< in style order
    std::vector<DrawnSymbol> symbols;  ///< point symbols drawn (label obstacles)
    LandCover land;                    ///< the land drawn (what the frame's furniture should not hide)
    /// The lines drawn (what labels should not hide; null: none counted).
    std::shared_ptr<const DrawnLines> lines;
};

struct PlanInputs {
    std::vector<FramePlan> frames;      ///< plan_frames' result, which the maps were drawn with
    std::vector<FrameContent> content;  ///< one per frame (missing ones: nothing to label)
    std::vector<LegendSection> legend;  ///< the legend's content (empty: no legend)
    style::PageStyle page;              ///< the page elements' look
    /// How far labels may be displaced, and whether a label with no room is numbered (the style's
    /// metadata "cartelier:labels").
    PlacementSettings labels;
    /// The logo's height for a width, in points (its picture's aspect); required when the layout has a logo.
    std::function<double(double)> logo_height_for_width;
};

/// An inset's name band and compact scale bar, flush with its frame: the name top-left and the bar
/// bottom-right unless they would hide land there (layout/furniture.hpp); their text keeps ≥ 1 mm from
/// the frame.
struct InsetDecorationPlan {
    Rect name_box;      ///< filled with the inset-name look's background
    PlacedText name;
    ScaleBarPlan scale_bar;
};

/// A zoom box's letter on the main map (an inset with InsetSpec::lettered), in a small box touching the
/// zoom box outside one of its corners; the inset's name starts with the same letter.
struct ZoomMark {
    std::size_t frame = 0;  ///< the inset, into PagePlan::frames
    Rect box;               ///< filled with the zoom-box look's background, outlined with its line
    PlacedText letter;
};

struct NorthArrowPlan {
    Rect box;
    double deg = 0;  ///< rotation of the arrow, clockwise from page up (true north at the map centre)
};

/// The labels of one frame, drawn clipped to it.
struct FrameLabels {
    std::size_t frame = 0;  ///< into PagePlan::frames
    std::vector<PlacedLabel> labels;
    std::optional<NumberedList> list;  ///< the frame's Numbered labels, when it has any
};

struct PagePlan {
    double width_pt = 0, height_pt = 0;
    std::string font;  ///< the project's page font (page elements whose look names none)
    std::vector<FramePlan> frames;
    std::vector<Rect> zoom_boxes;  ///< insets' extents outlined on the main map (clipped to its frame)
    std::vector<ZoomMark> zoom_marks;  ///< the letters of lettered zoom boxes (obstacles for the main labels)
    std::optional<LegendPlan> legend;
    std::optional<ScaleBarPlan> scale_bar;
    std::optional<NorthArrowPlan> north_arrow;
    std::optional<Rect> logo;
    std::vector<InsetDecorationPlan> inset_decorations;  ///< one per inset, in frame order (frames[1..])
    std::optional<PlacedText> title, subtitle, credits;
    /// Labels frame by frame in the order they were placed: insets first, then the main map (an inset
    /// lying over the main frame is an obstacle for the main labels).
    std::vector<FrameLabels> labels;
    LabelQuality label_quality;  ///< of every frame's labels, measured against `collisions`
    /// Every box taken on the page: decorations, inset frames over the main one, symbols and labels.
    CollisionIndex collisions;
    /// Every decoration placed in a frame (legend, scale bar, north arrow, logo in a corner, each inset's
    /// name and scale bar), in the order placed, with the position taken and the land it hides.
    std::vector<FurnitureChoice> furniture;
    /// The land hidden by all the furniture, in mm².
    double land_hidden_mm2() const;
};

/// The whole page planned: the title block and credits, then decorations measured and placed where
/// they hide the least land and no symbol — the main map's may leave the frame for the room the title
/// and credits leave in their bands (layout/furniture.hpp; each one then an obstacle for labels), then
/// each frame's labels placed inside its frame (2 pt in) against everything taken so far. A label
/// beside its own symbol keeps clear of it (an icon's box, a circle's radius) whatever the style's
/// text-offset; labels of anchors outside their frame are dropped (they belong to another frame), and
/// so are the main map's labels of points inside a zoom box (an inset outlined on the main map, in its
/// CRS): the zoom inset labels them; a lettered zoom box's letter takes the first place touching the
/// box outside a corner (above its left end, above its right end, below its left end, below its right
/// end) that lies in the main frame and overlaps nothing placed, else inside its top-left corner; the zoom box's outline is an obstacle (segments) for the main labels
/// and leaders. When the settings number labels with no room, a frame with any is
/// placed twice: once to count them, then with its numbered list's box reserved (an obstacle, placed by
/// place_numbered_list) so that nothing lies under the list.
/// Deterministic: the same inputs and measurer give the same plan. `inputs.frames` must come from
/// plan_frames(layout, …).
PagePlan plan_page(const PageLayout& layout, PlanInputs inputs, const TextMeasurer& measure);

}  // namespace cartelier::layout
