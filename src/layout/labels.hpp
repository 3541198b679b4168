// Label placement, separate from drawing (as MapLibre keeps its collision index apart): candidate
// positions around each point in a cartographic order of preference, a collision index over every
// label, symbol and page element, and a displaced position with a leader line when no candidate is free.
//
// Each free candidate gets a cost: its rank in the order of preference, plus a penalty when the text
// sits as close to (or closer to) another site's symbol than to its own — a reader would attach it to
// the wrong point — and a smaller one for crowding other symbols. The cheapest free candidate wins;
// displaced positions (rings further out, with a leader line) cost more than any unambiguous direct
// one, but less than an ambiguous one. No label is dropped silently:
// a label with no free position at all is reported Unplaced.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "layout/collision_index.hpp"
#include "layout/text_style.hpp"
#include "layout/view.hpp"

namespace cartelier::layout {

/// A point symbol as drawn (an obstacle for labels): a circle, or an icon's box.
struct DrawnSymbol {
    Point centre;       ///< the point symbolised
    double radius = 0;  ///< circles: outer radius, stroke included
    std::string feature_id;
    std::optional<Rect> box;  ///< icons: the box the icon covers (radius 0)
};

struct LabelRequest {
    std::string text;
    TextStyle style;
    Point anchor;            ///< the labelled point on the page
    double clearance_pt = 0; ///< gap between the point and the text (symbol radius + offset)
    std::string preferred;   ///< MapLibre text-anchor the style asks for first ("bottom-left" = right-above)
    std::string layer_id;
    std::string feature_id;
    /// The box of the feature's own icon, when it has one: candidates sit around the box, at
    /// `clearance_pt` from its edges, rather than around the point.
    std::optional<Rect> symbol_box;
};

enum class LabelStatus { Placed, Displaced, Unplaced };
const char* status_name(LabelStatus s);

struct PlacedLabel {
    LabelRequest request;
    LabelStatus status = LabelStatus::Unplaced;
    Rect box;                 ///< text box on the page (with its halo)
    std::string position;     ///< the text-anchor used ("bottom-left", …)
    double cost = 0;          ///< of the chosen candidate
    std::optional<std::pair<Point, Point>> leader;  ///< for displaced labels: from the point to the text
};

/// The positions in order of preference: right-above, right-below, left-above, left-below, right,
/// left, above, below — as text-anchor names of the text box ("bottom-left" puts the text right-above) —
/// then below and above slid along the point ("top:0.15": below, 15 % of the text left of the point).
const std::vector<std::string>& candidate_order();

/// The text box for a text-anchor at `gap` from the point (diagonals at 45°).
Rect candidate_box(const std::string& anchor, Point p, double gap, double w, double h);
/// The same around a symbol's box (an icon): `gap` from its edges, diagonals from its corners; a box
/// of no size at `p` gives candidate_box's result.
Rect candidate_box_around(const std::string& anchor, Point p, const Rect& symbol, double gap, double w, double h);

/// Cost of a free candidate box for a label of the feature at `anchor`: `rank` plus the proximity
/// penalties against the other features' symbols in `index` (see the file comment). The text is
/// ambiguous when another symbol is as near to it as `own_distance` (default: the box's distance to
/// `anchor`; displaced labels pass their direct clearance, their leader line ties them to the point).
double candidate_cost(const Rect& box, Point anchor, const std::string& feature_id, double rank,
                      const CollisionIndex& index, double own_distance = -1);

/// Places every label inside `bounds`, taking space in `index`; the most crowded points choose first.
/// Text is sized by `measure`. The result is in the order of `requests`. Each label looks only at the
/// index entries near its candidates, so the work grows about linearly with the number of labels.
std::vector<PlacedLabel> place_labels(const TextMeasurer& measure, const std::vector<LabelRequest>& requests,
                                      CollisionIndex& index, const Rect& bounds);

}  // namespace cartelier::layout
