// The page geometry the renderer draws into (layout/view.hpp: Rect, View), under the renderer's names.
#pragma once

#include "layout/view.hpp"

namespace cartelier::render {

using layout::kPointsPerMetre;
using layout::Rect;
using layout::View;

}  // namespace cartelier::render
