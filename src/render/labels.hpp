// Label placement, separate from drawing (as MapLibre keeps its collision index apart): candidate
// positions around each point in a cartographic order of preference, a collision index over every
// label, symbol and page element, and a displaced position with a leader line when no candidate is free.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "render/text.hpp"
#include "render/view.hpp"

namespace cartelier::render {

/// Boxes already taken on the page (symbols, labels, legend, title, inset frames).
class CollisionIndex {
public:
    struct Entry {
        Rect box;           ///< bounding box (of the circle, for circles)
        std::string owner;  ///< what took it, for reports ("label flash-pledran", "legend")
        double radius = 0;  ///< > 0: the entry is the circle inscribed in `box`
    };
    void insert(const Rect& box, std::string owner) { entries_.push_back({box, std::move(owner), 0}); }
    void insert_circle(Point centre, double radius, std::string owner) {
        entries_.push_back({Rect{centre.x - radius, centre.y - radius, 2 * radius, 2 * radius}, std::move(owner), radius});
    }
    /// True when `box` overlaps any entry.
    bool collides(const Rect& box) const;
    const std::vector<Entry>& entries() const { return entries_; }

private:
    std::vector<Entry> entries_;
};

struct LabelRequest {
    std::string text;
    TextStyle style;
    Point anchor;            ///< the labelled point on the page
    double clearance_pt = 0; ///< gap between the point and the text (symbol radius + offset)
    std::string preferred;   ///< MapLibre text-anchor the style asks for first ("bottom-left" = right-above)
    std::string layer_id;
    std::string feature_id;
};

enum class LabelStatus { Placed, Displaced, Unplaced };
const char* status_name(LabelStatus s);

struct PlacedLabel {
    LabelRequest request;
    LabelStatus status = LabelStatus::Unplaced;
    Rect box;                 ///< text box on the page (with its halo)
    std::string position;     ///< the text-anchor used ("bottom-left", …)
    std::optional<std::pair<Point, Point>> leader;  ///< for displaced labels: from the point to the text
};

/// The 8 positions in order of preference: right-above, right-below, left-above, left-below, right,
/// left, above, below — as text-anchor names of the text box ("bottom-left" puts the text right-above).
const std::vector<std::string>& candidate_order();

/// Places every label (in order) inside `bounds`, taking space in `index`.
std::vector<PlacedLabel> place_labels(cairo_t* cr, const std::vector<LabelRequest>& requests, CollisionIndex& index,
                                      const Rect& bounds);

/// Draws placed and displaced labels (leader lines first).
void draw_labels(cairo_t* cr, const std::vector<PlacedLabel>& labels);

}  // namespace cartelier::render
