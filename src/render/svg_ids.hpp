// Stable SVG: Cairo's SVG surface names some elements after process-wide surface serial numbers
// (`<g id="surface110">`, `id="image42"`), which depend on what else the process drew before (other
// maps, other threads). PageSurface::finish renumbers them, so every caller gets the same bytes for the
// same page whatever ran before it.
#pragma once

#include <string>

namespace cartelier::render {

/// Renumbers the `surfaceN` and `imageN` ids of an SVG document in order of first appearance, ids and
/// references alike; embedded base64 image data is copied as is.
std::string canonical_svg_ids(const std::string& svg);

}  // namespace cartelier::render
