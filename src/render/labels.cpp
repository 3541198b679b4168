#include "render/labels.hpp"

#include <algorithm>
#include <cmath>

#include "render/symbolizers.hpp"

namespace cartelier::render {

bool CollisionIndex::collides(const Rect& box) const {
    return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) {
        if (!e.box.intersects(box)) return false;
        if (e.radius <= 0) return true;
        // Circle against rectangle: distance from the centre to the nearest point of the rectangle.
        const double cx = e.box.x + e.radius, cy = e.box.y + e.radius;
        const double dx = cx - std::clamp(cx, box.x, box.right());
        const double dy = cy - std::clamp(cy, box.y, box.bottom());
        return dx * dx + dy * dy < e.radius * e.radius;
    });
}

const char* status_name(LabelStatus s) {
    switch (s) {
        case LabelStatus::Placed: return "placed";
        case LabelStatus::Displaced: return "displaced";
        case LabelStatus::Unplaced: return "unplaced";
    }
    return "?";
}

const std::vector<std::string>& candidate_order() {
    static const std::vector<std::string> order = {"bottom-left", "top-left",  "bottom-right", "top-right",
                                                   "left",        "right",     "bottom",       "top"};
    return order;
}

namespace {

/// The text box for a text-anchor at `gap` from the point (diagonals at 45°).
Rect box_for(const std::string& anchor, Point p, double gap, double w, double h) {
    const double d = gap * std::sqrt(0.5);
    if (anchor == "bottom-left") return {p.x + d, p.y - d - h, w, h};
    if (anchor == "top-left") return {p.x + d, p.y + d, w, h};
    if (anchor == "bottom-right") return {p.x - d - w, p.y - d - h, w, h};
    if (anchor == "top-right") return {p.x - d - w, p.y + d, w, h};
    if (anchor == "left") return {p.x + gap, p.y - h / 2, w, h};
    if (anchor == "right") return {p.x - gap - w, p.y - h / 2, w, h};
    if (anchor == "bottom") return {p.x - w / 2, p.y - gap - h, w, h};
    if (anchor == "top") return {p.x - w / 2, p.y + gap, w, h};
    return {p.x - w / 2, p.y - h / 2, w, h};  // center
}

/// Nearest point of a rectangle to p (where a leader line ends).
Point nearest_on(const Rect& r, Point p) {
    return {std::clamp(p.x, r.x, r.right()), std::clamp(p.y, r.y, r.bottom())};
}

}  // namespace

std::vector<PlacedLabel> place_labels(cairo_t* cr, const std::vector<LabelRequest>& requests, CollisionIndex& index,
                                      const Rect& bounds) {
    std::vector<PlacedLabel> out;
    out.reserve(requests.size());
    for (const auto& request : requests) {
        PlacedLabel placed;
        placed.request = request;
        TextBlock block(cr, request.text, request.style);
        const double halo = request.style.halo_width_pt;
        const double w = block.width() + 2 * halo, h = block.height() + 2 * halo;

        std::vector<std::string> order;
        if (!request.preferred.empty() && request.preferred != "center") order.push_back(request.preferred);
        for (const auto& a : candidate_order())
            if (std::find(order.begin(), order.end(), a) == order.end()) order.push_back(a);

        auto fits = [&](const Rect& r) { return bounds.contains(r) && !index.collides(r); };
        for (const auto& anchor : order) {
            Rect r = box_for(anchor, request.anchor, request.clearance_pt, w, h);
            if (fits(r)) {
                placed.status = LabelStatus::Placed;
                placed.box = r;
                placed.position = anchor;
                break;
            }
        }
        if (placed.status == LabelStatus::Unplaced) {
            // Displace: walk outwards in rings of growing radius, first free position wins.
            const double step = std::max(2.0, request.style.size_pt * 0.6);
            for (int ring = 1; ring <= 24 && placed.status == LabelStatus::Unplaced; ++ring) {
                double gap = request.clearance_pt + ring * step;
                for (const auto& anchor : order) {
                    Rect r = box_for(anchor, request.anchor, gap, w, h);
                    if (fits(r)) {
                        placed.status = LabelStatus::Displaced;
                        placed.box = r;
                        placed.position = anchor;
                        placed.leader = std::make_pair(request.anchor, nearest_on(r, request.anchor));
                        break;
                    }
                }
            }
        }
        if (placed.status != LabelStatus::Unplaced) index.insert(placed.box, "label " + request.feature_id);
        out.push_back(std::move(placed));
    }
    return out;
}

void draw_labels(cairo_t* cr, const std::vector<PlacedLabel>& labels) {
    for (const auto& l : labels) {
        if (!l.leader) continue;
        SavedState saved(cr);
        set_source(cr, l.request.style.color, 0.8);
        cairo_set_line_width(cr, 0.4);
        cairo_move_to(cr, l.leader->first.x, l.leader->first.y);
        cairo_line_to(cr, l.leader->second.x, l.leader->second.y);
        cairo_stroke(cr);
    }
    for (const auto& l : labels) {
        if (l.status == LabelStatus::Unplaced) continue;
        TextBlock block(cr, l.request.text, l.request.style);
        const double halo = l.request.style.halo_width_pt;
        block.draw(cr, l.box.x + halo, l.box.y + halo);
    }
}

}  // namespace cartelier::render
