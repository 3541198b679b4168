// The print PDF's check of a style (`formats: [pdfx]`, pipeline/pdfx.hpp): PDF/X-3 has no
// transparency, and Ghostscript turns a page that has any into one 720 dpi CMYK image. Made in the
// prepare stage for a map built as pdfx only, so that `check` says it before anything is drawn.
#pragma once

#include <vector>

#include "core/diagnostic.hpp"
#include "style/data_check.hpp"
#include "style/style.hpp"

namespace cartelier::style {

/// A WARNING for each property of a visible style layer that makes the map translucent somewhere: an
/// opacity (`fill-opacity`, `line-opacity`, `circle-opacity`, `circle-stroke-opacity`, `text-opacity`,
/// `icon-opacity`, `background-opacity`) below 1, or a colour with an alpha below 1 (`rgba(…, 0.5)`),
/// as the renderer evaluates it: a constant; at the zoom of each frame (the main map, each inset) in
/// the layer's zoom range; or, data-driven, for each feature of the layer's source layer that reaches
/// into such a frame and that the layer's filter accepts (the first such feature named). At the
/// property's file:line:column, naming the layer, the value and the consequence (the print PDF a
/// raster image). Evaluation errors are left to check_style_against_data; never throws for them.
Diagnostics check_print_transparency(const Style& style, const std::vector<DataFrame>& frames);

}  // namespace cartelier::style
