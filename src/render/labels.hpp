// Drawing of the labels the layout placed (layout/labels.hpp): leader lines, then the texts, the
// numbers of Numbered labels at their symbols, and a frame's numbered list.
#pragma once

#include <vector>

#include "layout/labels.hpp"
#include "render/cairo_handles.hpp"
#include "render/text.hpp"
#include "style/style.hpp"

namespace cartelier::render {

/// Draws placed and displaced labels (leader lines first, then every text with its halo) and the
/// number marks of Numbered labels (with the label's halo); Unplaced labels are not drawn.
/// `opaque`: the leaders drawn without transparency (the print master, pipeline/pdfx.hpp). `texts`: the
/// layouts the plan measured the labels with (render/text.hpp, kept), or none: the texts laid out again.
void draw_labels(cairo_t* cr, const std::vector<layout::PlacedLabel>& labels, bool opaque = false,
                 TextLayouts* texts = nullptr);

/// A numbered list: its box filled and outlined as the legend's box (`box`: the legend look), then
/// its rows.
void draw_numbered_list(cairo_t* cr, const layout::NumberedList& list, const style::ElementLook& box);

}  // namespace cartelier::render
