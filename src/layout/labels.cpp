#include "layout/labels.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace cartelier::layout {

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
                                                   "left",        "right",     "bottom",       "top",
                                                   "top:0.15",    "top:0.85",  "bottom:0.15",  "bottom:0.85"};
    return order;
}

Rect candidate_box(const std::string& anchor, Point p, double gap, double w, double h) {
    const double d = gap * std::sqrt(0.5);
    if (anchor == "bottom-left") return {p.x + d, p.y - d - h, w, h};
    if (anchor == "top-left") return {p.x + d, p.y + d, w, h};
    if (anchor == "bottom-right") return {p.x - d - w, p.y - d - h, w, h};
    if (anchor == "top-right") return {p.x - d - w, p.y + d, w, h};
    if (anchor == "left") return {p.x + gap, p.y - h / 2, w, h};
    if (anchor == "right") return {p.x - gap - w, p.y - h / 2, w, h};
    if (anchor == "bottom") return {p.x - w / 2, p.y - gap - h, w, h};
    if (anchor == "top") return {p.x - w / 2, p.y + gap, w, h};
    // Slid along the point: "top:0.15" is below the point with 15 % of the text to its left.
    if (auto colon = anchor.find(':'); colon != std::string::npos) {
        const double f = std::stod(anchor.substr(colon + 1));
        const std::string side = anchor.substr(0, colon);
        if (side == "top") return {p.x - f * w, p.y + gap, w, h};
        if (side == "bottom") return {p.x - f * w, p.y - gap - h, w, h};
    }
    return {p.x - w / 2, p.y - h / 2, w, h};  // center
}

Rect candidate_box_around(const std::string& anchor, Point p, const Rect& s, double gap, double w, double h) {
    const double d = gap * std::sqrt(0.5);
    const double cx = s.x + s.w / 2, cy = s.y + s.h / 2;
    if (anchor == "bottom-left") return {s.right() + d, s.y - d - h, w, h};
    if (anchor == "top-left") return {s.right() + d, s.bottom() + d, w, h};
    if (anchor == "bottom-right") return {s.x - d - w, s.y - d - h, w, h};
    if (anchor == "top-right") return {s.x - d - w, s.bottom() + d, w, h};
    if (anchor == "left") return {s.right() + gap, cy - h / 2, w, h};
    if (anchor == "right") return {s.x - gap - w, cy - h / 2, w, h};
    if (anchor == "bottom") return {cx - w / 2, s.y - gap - h, w, h};
    if (anchor == "top") return {cx - w / 2, s.bottom() + gap, w, h};
    if (auto colon = anchor.find(':'); colon != std::string::npos) {
        const double f = std::stod(anchor.substr(colon + 1));
        const std::string side = anchor.substr(0, colon);
        if (side == "top") return {cx - f * w, s.bottom() + gap, w, h};
        if (side == "bottom") return {cx - f * w, s.y - gap - h, w, h};
    }
    return {p.x - w / 2, p.y - h / 2, w, h};  // center
}

namespace {

/// Gap between two rectangles (0 when they touch or overlap).
double gap_between(const Rect& a, const Rect& b) {
    const double dx = std::max({0.0, a.x - b.right(), b.x - a.right()});
    const double dy = std::max({0.0, a.y - b.bottom(), b.y - a.bottom()});
    return std::hypot(dx, dy);
}

/// Nearest point of a rectangle to p (where a leader line ends).
Point nearest_on(const Rect& r, Point p) {
    return {std::clamp(p.x, r.x, r.right()), std::clamp(p.y, r.y, r.bottom())};
}

double distance(const Rect& r, Point p) {
    Point q = nearest_on(r, p);
    return std::hypot(q.x - p.x, q.y - p.y);
}

/// Where a leader line leaves the point: at the edge of the feature's own symbol, towards the text.
Point leader_start(const LabelRequest& request, const Rect& box, const CollisionIndex& index) {
    const Point a = request.anchor, end = nearest_on(box, a);
    const double length = std::hypot(end.x - a.x, end.y - a.y);
    if (length <= 0) return a;
    if (request.symbol_box) {
        // From the point to the text, leaving the icon's box where the segment crosses its edge.
        const Rect& s = *request.symbol_box;
        double t = 1;
        if (end.x > a.x) t = std::min(t, (s.right() - a.x) / (end.x - a.x));
        if (end.x < a.x) t = std::min(t, (s.x - a.x) / (end.x - a.x));
        if (end.y > a.y) t = std::min(t, (s.bottom() - a.y) / (end.y - a.y));
        if (end.y < a.y) t = std::min(t, (s.y - a.y) / (end.y - a.y));
        t = std::clamp(t, 0.0, 1.0);
        return {a.x + (end.x - a.x) * t, a.y + (end.y - a.y) * t};
    }
    double radius = 0;
    for (std::size_t i : index.near(Rect{a.x, a.y, 0, 0}, 0.01)) {
        const auto& e = index.entries()[i];
        if (e.kind != ObstacleKind::Symbol || e.feature_id != request.feature_id) continue;
        const Point c = e.centre();
        if (std::hypot(c.x - a.x, c.y - a.y) < 0.01) radius = std::max(radius, e.radius);
    }
    const double t = std::min(radius, length) / length;
    return {a.x + (end.x - a.x) * t, a.y + (end.y - a.y) * t};
}

// Penalties, in units of one rank of the candidate order.
constexpr double kAmbiguous = 60;     ///< the text is nearer another symbol than its own: worse than displacing
constexpr double kCrowdingReach = 6;  ///< points: another symbol this close to the text costs…
constexpr double kCrowding = 1.5;     ///< …up to this much
constexpr double kDisplaced = 40;     ///< any displaced position costs more than every direct one
constexpr double kPerRing = 3;
constexpr double kWrapped = 1.5;      ///< a name broken onto two lines to fit

}  // namespace

double candidate_cost(const Rect& box, Point anchor, const std::string& feature_id, double rank,
                      const CollisionIndex& index, double own_distance) {
    double cost = rank;
    const double own = own_distance >= 0 ? own_distance : distance(box, anchor);
    // Only symbols within reach of the box can cost anything (ambiguity or crowding); they are visited
    // in insertion order, so the sum is the one a scan of every entry would give.
    const double reach = std::max(own + 0.5, kCrowdingReach) + 1;
    for (std::size_t i : index.near(box, reach)) {
        const auto& e = index.entries()[i];
        if (e.kind != ObstacleKind::Symbol || e.feature_id == feature_id) continue;
        // Circles by their centre and radius, icons by their box.
        const double d = e.radius > 0 ? std::max(0.0, distance(box, e.centre()) - e.radius) : gap_between(box, e.box);
        if (d <= own + 0.5) cost += kAmbiguous;
        if (d < kCrowdingReach) cost += kCrowding * (1 - d / kCrowdingReach);
    }
    return cost;
}

std::vector<PlacedLabel> place_labels(const TextMeasurer& measure, const std::vector<LabelRequest>& requests,
                                      CollisionIndex& index, const Rect& bounds) {
    std::vector<PlacedLabel> out(requests.size());
    // The most crowded points choose first: count the other symbols within 40 pt of each.
    std::vector<std::size_t> order(requests.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<int> crowd(requests.size(), 0);
    for (std::size_t i = 0; i < requests.size(); ++i)
        for (std::size_t k : index.near(Rect{requests[i].anchor.x, requests[i].anchor.y, 0, 0}, 40)) {
            const auto& e = index.entries()[k];
            if (e.kind == ObstacleKind::Symbol && e.feature_id != requests[i].feature_id) {
                Point c = e.centre();
                if (std::hypot(c.x - requests[i].anchor.x, c.y - requests[i].anchor.y) < 40) ++crowd[i];
            }
        }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return crowd[a] > crowd[b]; });

    for (std::size_t i : order) {
        const LabelRequest& request = requests[i];
        PlacedLabel& placed = out[i];
        placed.request = request;
        // Text variants: as the style sets it, and a long one-line name broken onto two lines (a
        // narrower box often finds room between neighbours); the wrapped variant costs a little more.
        std::vector<std::pair<TextStyle, double>> variants = {{request.style, 0.0}};
        {
            const TextMetrics block = measure.measure(request.text, request.style);
            const bool breakable = request.text.find_first_of(" -") != std::string::npos;
            if (breakable && block.lines == 1 && block.width > 6 * request.style.size_pt) {
                TextStyle narrow = request.style;
                narrow.max_width_em = block.width / request.style.size_pt * 0.6;
                if (measure.measure(request.text, narrow).lines == 2) variants.emplace_back(narrow, kWrapped);
            }
        }

        std::vector<std::string> anchors;
        if (!request.preferred.empty() && request.preferred != "center") anchors.push_back(request.preferred);
        for (const auto& a : candidate_order())
            if (std::find(anchors.begin(), anchors.end(), a) == anchors.end()) anchors.push_back(a);

        auto fits = [&](const Rect& r) { return bounds.contains(r) && !index.collides(r); };
        double best = std::numeric_limits<double>::infinity();
        // Ring 0: the direct candidates; rings 1…24: displaced, walking outwards.
        const double step = std::max(2.0, request.style.size_pt * 0.6);
        for (int ring = 0; ring <= 24; ++ring) {
            if (ring > 0 && placed.status == LabelStatus::Placed && best < kDisplaced) break;
            if (ring > 0 && std::isfinite(best) && kDisplaced + ring * kPerRing > best) break;
            const double gap = request.clearance_pt + ring * step;
            for (const auto& [text_style, extra] : variants) {
                const TextMetrics block = measure.measure(request.text, text_style);
                const double halo = text_style.halo_width_pt;
                const double w = block.width + 2 * halo, h = block.height + 2 * halo;
                for (std::size_t k = 0; k < anchors.size(); ++k) {
                    Rect r = request.symbol_box
                                 ? candidate_box_around(anchors[k], request.anchor, *request.symbol_box, gap, w, h)
                                 : candidate_box(anchors[k], request.anchor, gap, w, h);
                    if (!fits(r)) continue;
                    // A displaced label is tied to its point by the leader: it is ambiguous only when
                    // another symbol is nearer to it than a direct label would be to its own point
                    // (beside an icon: to its own icon).
                    double own = ring > 0 ? request.clearance_pt : -1.0;
                    if (request.symbol_box && ring == 0) own = gap_between(r, *request.symbol_box);
                    double cost = extra + candidate_cost(r, request.anchor, request.feature_id, static_cast<double>(k),
                                                         index, own);
                    if (ring > 0) cost += kDisplaced + ring * kPerRing;
                    if (cost >= best) continue;
                    best = cost;
                    placed.status = ring == 0 ? LabelStatus::Placed : LabelStatus::Displaced;
                    placed.request.style = text_style;
                    placed.box = r;
                    placed.position = anchors[k];
                    placed.cost = cost;
                    if (ring == 0) placed.leader.reset();
                    else placed.leader = std::make_pair(leader_start(request, r, index), nearest_on(r, request.anchor));
                }
            }
        }
        if (placed.status != LabelStatus::Unplaced)
            index.insert(placed.box, "label " + request.feature_id, ObstacleKind::Label, request.feature_id);
    }
    return out;
}

}  // namespace cartelier::layout
