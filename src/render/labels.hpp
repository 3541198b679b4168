// Drawing of the labels the layout placed (layout/labels.hpp): leader lines, then the texts.
#pragma once

#include <vector>

#include "layout/labels.hpp"
#include "render/cairo_handles.hpp"

namespace cartelier::render {

/// Draws placed and displaced labels (leader lines first, then every text with its halo); Unplaced
/// labels are not drawn.
/// `opaque`: the leaders drawn without transparency (the print master, pipeline/pdfx.hpp).
void draw_labels(cairo_t* cr, const std::vector<layout::PlacedLabel>& labels, bool opaque = false);

}  // namespace cartelier::render
