#include "layout/labels.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>

#include <fmt/format.h>

namespace cartelier::layout {

const char* status_name(LabelStatus s) {
    switch (s) {
        case LabelStatus::Placed: return "placed";
        case LabelStatus::Displaced: return "displaced";
        case LabelStatus::Numbered: return "numbered";
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

std::vector<std::string> direct_anchors(const LabelRequest& request) {
    if (!request.anchors.empty()) return request.anchors;
    std::vector<std::string> anchors;
    // A label centred on its point (an area's name at a point inside it) is tried there first; a
    // symbol at the point makes that position collide, and the positions around it follow.
    if (!request.preferred.empty()) anchors.push_back(request.preferred);
    for (const auto& a : candidate_order())
        if (std::find(anchors.begin(), anchors.end(), a) == anchors.end()) anchors.push_back(a);
    return anchors;
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

/// The radius of the feature's own circle symbol at its point (0 without one): where its leader starts.
double own_symbol_radius(const LabelRequest& request, const CollisionIndex& index) {
    const Point a = request.anchor;
    double radius = 0;
    index.for_each_near(Rect{a.x, a.y, 0, 0}, 0.01, [&](std::size_t i) {
        const auto& e = index.entries()[i];
        if (e.kind != ObstacleKind::Symbol || e.feature_id != request.feature_id) return;
        const Point c = e.centre();
        if (std::hypot(c.x - a.x, c.y - a.y) < 0.01) radius = std::max(radius, e.radius);
    });
    return radius;
}

/// Where a leader line leaves the point: at the edge of the feature's own symbol (an icon's box, or a
/// circle of `radius`), towards the text.
Point leader_start(const LabelRequest& request, const Rect& box, double radius) {
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
constexpr double kHidesLines = 3;     ///< a text laid along drawn lines (see candidate_cost)

/// The position of a displaced label, for reports: "ring:135" (degrees clockwise from east).
std::string fmt_direction(double angle) {
    double deg = std::fmod(angle * 180.0 / 3.14159265358979323846 + 360.0, 360.0);
    return fmt::format("ring:{:.0f}", deg);
}

}  // namespace

double candidate_cost(const Rect& box, Point anchor, const std::string& feature_id, double rank,
                      const CollisionIndex& index, double own_distance, const DrawnLines* lines) {
    double cost = rank;
    // The lines the text hides (their length × width, pt²) against a 1 pt line along the whole text:
    // a thin border crossing a name costs a small fraction of a rank, a name laid along a coast or a
    // thick border, or over a mesh of borders, up to kHidesLines.
    if (lines && box.w > 0) cost += kHidesLines * std::min(1.0, lines->within(box) / box.w);
    const double own = own_distance >= 0 ? own_distance : distance(box, anchor);
    // Only symbols within reach of the box can cost anything (ambiguity or crowding); they are visited
    // in insertion order, so the sum is the one a scan of every entry would give.
    const double reach = std::max(own + 0.5, kCrowdingReach) + 1;
    index.for_each_near(box, reach, [&](std::size_t i) {
        const auto& e = index.entries()[i];
        if (e.kind != ObstacleKind::Symbol || e.feature_id == feature_id) return;
        // Circles by their centre and radius, icons by their box.
        const double d = e.radius > 0 ? std::max(0.0, distance(box, e.centre()) - e.radius) : gap_between(box, e.box);
        if (d <= own + 0.5) cost += kAmbiguous;
        if (d < kCrowdingReach) cost += kCrowding * (1 - d / kCrowdingReach);
    });
    return cost;
}

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kDirections = 16;       ///< per ring of displaced candidates
constexpr double kTurned = 4;         ///< cost of a displaced label turned right back to its neighbours
constexpr double kAxisShare = 0.5;    ///< |cos| above which the text sits wholly on that side of the ring point

/// The text box of a displaced candidate: its nearest part at `d` from `p` in direction `u`, the text
/// wholly on that side (a corner towards the point on diagonals, an edge's middle on the axes).
Rect ring_box(Point p, Point u, double d, double w, double h) {
    const Point q{p.x + u.x * d, p.y + u.y * d};
    const double x = u.x > kAxisShare ? q.x : u.x < -kAxisShare ? q.x - w : q.x - w / 2;
    const double y = u.y > kAxisShare ? q.y : u.y < -kAxisShare ? q.y - h : q.y - h / 2;
    return {x, y, w, h};
}

/// The side a displaced label belongs to: the unit direction away from the neighbouring symbols
/// (each weighted by 1 / distance²), or {0, 0} when no other symbol is within `reach`.
Point outward(const LabelRequest& request, const CollisionIndex& index, double reach) {
    const Point a = request.anchor;
    double x = 0, y = 0;
    // The neighbours within reach, summed in insertion order (as a scan of every entry would).
    std::vector<std::size_t> neighbours;
    index.for_each_near_unordered(Rect{a.x, a.y, 0, 0}, reach, [&](std::size_t i) {
        const auto& e = index.entries()[i];
        if (e.kind != ObstacleKind::Symbol || e.feature_id == request.feature_id) return;
        const Point c = e.centre();
        const double dx = a.x - c.x, dy = a.y - c.y, d2 = dx * dx + dy * dy;
        if (d2 < 1e-6 || d2 > reach * reach) return;
        neighbours.push_back(i);
    });
    std::sort(neighbours.begin(), neighbours.end());
    for (std::size_t i : neighbours) {
        const Point c = index.entries()[i].centre();
        const double dx = a.x - c.x, dy = a.y - c.y, d2 = dx * dx + dy * dy;
        x += dx / d2;
        y += dy / d2;
    }
    const double n = std::hypot(x, y);
    if (n < 1e-9) return {0, 0};
    return {x / n, y / n};
}

/// The direction of a text-anchor from its point, in page coordinates (y down).
Point anchor_direction(const std::string& anchor) {
    const double r = std::sqrt(0.5);
    if (anchor == "top-left") return {r, r};
    if (anchor == "bottom-right") return {-r, -r};
    if (anchor == "top-right") return {-r, r};
    if (anchor == "left") return {1, 0};
    if (anchor == "right") return {-1, 0};
    if (anchor == "bottom") return {0, -1};
    if (anchor == "top") return {0, 1};
    return {r, -r};  // bottom-left: right-above
}

/// The style of a number mark: the label's, a fifth smaller, on one line.
TextStyle mark_style(const TextStyle& label) {
    TextStyle style = label;
    style.max_width_em = 0;
    style.size_pt = label.size_pt * 0.8;
    return style;
}

/// The box of a Numbered label's number mark, wide enough for `digits` digits: the first direct
/// position beside its symbol that is free, inside `bounds` and unambiguous (no other symbol as near to
/// it as its own); else centred on its symbol when it overlaps nothing there but symbols; none when
/// neither is possible.
std::optional<Rect> number_mark_box(const TextMeasurer& measure, const LabelRequest& r, std::size_t digits,
                                    const CollisionIndex& index, const Rect& bounds) {
    const TextStyle style = mark_style(r.style);
    const TextMetrics m = measure.measure(std::string(digits, '8'), style);
    const double halo = style.halo_width_pt, w = m.width + 2 * halo, h = m.height + 2 * halo;
    const auto& order = candidate_order();
    for (std::size_t k = 0; k < order.size(); ++k) {
        const Rect b = r.symbol_box ? candidate_box_around(order[k], r.anchor, *r.symbol_box, r.clearance_pt, w, h)
                                    : candidate_box(order[k], r.anchor, r.clearance_pt, w, h);
        if (!bounds.contains(b) || index.collides(b)) continue;
        const double own = r.symbol_box ? gap_between(b, *r.symbol_box) : -1.0;
        if (candidate_cost(b, r.anchor, r.feature_id, 0, index, own) >= kAmbiguous) continue;
        return b;
    }
    const Point c = r.symbol_box ? Point{r.symbol_box->x + r.symbol_box->w / 2, r.symbol_box->y + r.symbol_box->h / 2}
                                 : r.anchor;
    const Rect on{c.x - w / 2, c.y - h / 2, w, h};
    if (!bounds.contains(on)) return std::nullopt;
    for (std::size_t i : index.near(on)) {
        const auto& e = index.entries()[i];
        if (e.kind != ObstacleKind::Symbol && overlaps(e, on)) return std::nullopt;
    }
    return on;
}

}  // namespace

std::vector<PlacedLabel> place_labels(const TextMeasurer& measure, const std::vector<LabelRequest>& requests,
                                      CollisionIndex& index, const Rect& bounds, const PlacementSettings& settings,
                                      const std::vector<bool>& numbered_before, int first_number) {
    std::vector<PlacedLabel> out(requests.size());
    // The most crowded points choose first: count the other symbols within 40 pt of each.
    std::vector<std::size_t> order(requests.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<int> crowd(requests.size(), 0);
    for (std::size_t i = 0; i < requests.size(); ++i)
        index.for_each_near_unordered(Rect{requests[i].anchor.x, requests[i].anchor.y, 0, 0}, 40, [&](std::size_t k) {
            const auto& e = index.entries()[k];
            if (e.kind == ObstacleKind::Symbol && e.feature_id != requests[i].feature_id) {
                Point c = e.centre();
                if (std::hypot(c.x - requests[i].anchor.x, c.y - requests[i].anchor.y) < 40) ++crowd[i];
            }
        });
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return crowd[a] > crowd[b]; });
    // symbol-sort-key: the turns the labels of a layer with keys hold in that order go to its labels in
    // ascending key (MapLibre places a lower key first, within its layer); other layers keep theirs.
    std::map<std::string, std::vector<std::size_t>> turns_of_layer;
    for (std::size_t k = 0; k < order.size(); ++k)
        if (requests[order[k]].sort_key) turns_of_layer[requests[order[k]].layer_id].push_back(k);
    for (const auto& [layer, turns] : turns_of_layer) {
        std::vector<std::size_t> labels;
        for (std::size_t k : turns) labels.push_back(order[k]);
        std::stable_sort(labels.begin(), labels.end(),
                         [&](std::size_t a, std::size_t b) { return *requests[a].sort_key < *requests[b].sort_key; });
        for (std::size_t t = 0; t < turns.size(); ++t) order[turns[t]] = labels[t];
    }

    const double max_d = std::max(0.0, settings.max_displacement_pt);
    // Numbers run on from `first_number`: a mark is as wide as the largest number it may carry.
    const std::size_t digits =
        std::to_string(static_cast<std::size_t>(std::max(first_number, 1)) + std::max<std::size_t>(requests.size(), 1) - 1).size();
    std::vector<std::optional<Rect>> marks(requests.size());
    // A Numbered label's mark takes its place at once (leaders placed later keep clear of it); without
    // a place for it, the label is Unplaced.
    auto number = [&](std::size_t i) {
        out[i].request = requests[i];
        marks[i] = number_mark_box(measure, requests[i], digits, index, bounds);
        out[i].status = marks[i] ? LabelStatus::Numbered : LabelStatus::Unplaced;
        if (marks[i])
            index.insert(*marks[i], "number " + requests[i].feature_id, ObstacleKind::Label, requests[i].feature_id);
    };
    if (settings.number_unplaced)
        for (std::size_t i : order)
            if (i < numbered_before.size() && numbered_before[i]) number(i);
    for (std::size_t i : order) {
        if (settings.number_unplaced && i < numbered_before.size() && numbered_before[i]) continue;
        const LabelRequest& request = requests[i];
        PlacedLabel& placed = out[i];
        placed.request = request;
        // Text variants: as the style sets it, and a long one-line name broken onto two lines (a
        // narrower box often finds room between neighbours); the wrapped variant costs a little more.
        struct Variant {
            TextStyle style;
            double extra;
            double w, h;
        };
        std::vector<Variant> variants;
        const TextMetrics block = measure.measure(request.shaped(), request.style);
        const double halo = request.style.halo_width_pt;
        variants.push_back({request.style, 0.0, block.width + 2 * halo, block.height + 2 * halo});
        const bool breakable = request.text.find_first_of(" -") != std::string::npos &&
                               block.lines == 1 && block.width > 6 * request.style.size_pt;

        const std::vector<std::string> anchors = direct_anchors(request);

        auto fits = [&](const Rect& r) { return bounds.contains(r) && !index.collides(r); };
        double best = std::numeric_limits<double>::infinity();
        // Ring 0: the direct candidates.
        auto direct = [&](const Variant& v) {
            for (std::size_t k = 0; k < anchors.size(); ++k) {
                // candidate_cost adds only penalties (≥ 0) to the rank: a candidate whose rank alone
                // loses loses whatever its penalties, and so do the ranks after it.
                if (v.extra + static_cast<double>(k) >= best) break;
                Rect r = request.symbol_box
                             ? candidate_box_around(anchors[k], request.anchor, *request.symbol_box,
                                                    request.clearance_pt, v.w, v.h)
                             : candidate_box(anchors[k], request.anchor, request.clearance_pt, v.w, v.h);
                if (!fits(r)) continue;
                const double own = request.symbol_box ? gap_between(r, *request.symbol_box) : -1.0;
                const double cost =
                    v.extra + candidate_cost(r, request.anchor, request.feature_id, static_cast<double>(k), index, own,
                                             settings.drawn_lines);
                if (cost >= best) continue;
                best = cost;
                placed.status = LabelStatus::Placed;
                placed.request.style = v.style;
                placed.box = r;
                placed.position = anchors[k];
                placed.cost = cost;
            }
        };
        direct(variants.front());
        // The wrapped variant costs at least kWrapped: measured only when it could still win.
        if (breakable && best > kWrapped) {
            TextStyle narrow = request.style;
            narrow.max_width_em = block.width / request.style.size_pt * 0.6;
            const TextMetrics two = measure.measure(request.shaped(), narrow);
            if (two.lines == 2) {
                variants.push_back({narrow, kWrapped, two.width + 2 * halo, two.height + 2 * halo});
                direct(variants.back());
            }
        }

        // Rings 1…: displaced, walking outwards to the distance bound, on the label's own side.
        if (!(placed.status == LabelStatus::Placed && best < kDisplaced) && max_d > 0) {
            // The first ring clears the symbol (an icon's whole box) by the direct gap.
            double base = request.clearance_pt;
            if (request.symbol_box) {
                const Rect& s = *request.symbol_box;
                const Point a = request.anchor;
                base += std::max({a.x - s.x, s.right() - a.x, a.y - s.y, s.bottom() - a.y, 0.0});
            }
            const double step = std::max(2.0, request.style.size_pt * 0.6);
            const Point side = outward(request, index, max_d + 40);
            const Point first = (side.x == 0 && side.y == 0) ? anchor_direction(anchors.front()) : side;
            const double first_angle = std::atan2(first.y, first.x);
            // The sixteen directions, first, then alternately either side of it: 0, +1, -1, +2, -2, …
            // sixteenths; the same for every ring.
            struct Direction {
                int turn;
                double angle;
                Point u;
                double facing;  ///< 1: straight away from the neighbours
            };
            std::array<Direction, kDirections> directions;
            for (int k = 0; k < kDirections; ++k) {
                const int turn = (k + 1) / 2 * (k % 2 == 1 ? 1 : -1);
                const double angle = first_angle + turn * 2 * kPi / kDirections;
                const Point u{std::cos(angle), std::sin(angle)};
                directions[static_cast<std::size_t>(k)] = {turn, angle, u, u.x * side.x + u.y * side.y};
            }
            std::optional<double> radius;  // of the own symbol, found when a leader is first needed
            for (int ring = 1;; ++ring) {
                const double d = base + (ring - 1) * step;
                if (d > max_d) break;
                if (std::isfinite(best) && kDisplaced + ring * kPerRing > best) break;
                for (const Direction& dir : directions) {
                    const int turn = dir.turn;
                    const double angle = dir.angle, facing = dir.facing;
                    const Point u = dir.u;
                    if ((side.x != 0 || side.y != 0) && facing < -1e-9) continue;  // the other side
                    for (const auto& v : variants) {
                        // The cost without candidate_cost's penalties (≥ 0): a candidate losing on
                        // it alone is not looked at.
                        const double fixed = kDisplaced + ring * kPerRing + v.extra +
                                             ((side.x != 0 || side.y != 0) ? kTurned * (1 - facing) / 2 : 0.0);
                        if (fixed + std::abs(turn) * 0.25 >= best) continue;
                        const Rect r = ring_box(request.anchor, u, d, v.w, v.h);
                        if (distance(r, request.anchor) > max_d + 1e-9 || !fits(r)) continue;
                        double cost = fixed + candidate_cost(r, request.anchor, request.feature_id, std::abs(turn) * 0.25,
                                                             index, request.clearance_pt, settings.drawn_lines);
                        if (cost >= best) continue;
                        if (!radius) radius = own_symbol_radius(request, index);
                        const Point from = leader_start(request, r, *radius), to = nearest_on(r, request.anchor);
                        if (index.first_crossing(from, to, request.feature_id)) continue;
                        best = cost;
                        placed.status = LabelStatus::Displaced;
                        placed.request.style = v.style;
                        placed.box = r;
                        placed.position = fmt_direction(angle);
                        placed.cost = cost;
                        placed.leader = std::make_pair(from, to);
                        placed.displacement_pt = distance(r, request.anchor);
                    }
                }
            }
        }
        if (placed.status == LabelStatus::Placed) {
            placed.leader.reset();
            placed.displacement_pt = 0;
        }
        if (placed.status == LabelStatus::Unplaced) {
            if (settings.number_unplaced) number(i);
            continue;
        }
        index.insert(placed.box, "label " + request.feature_id, ObstacleKind::Label, request.feature_id);
        if (placed.leader)
            index.insert_leader(placed.leader->first, placed.leader->second, "leader " + request.feature_id,
                                request.feature_id);
    }

    // Numbers in reading order of the points (top to bottom, then left to right), each centred in the
    // mark box reserved for it.
    std::vector<std::size_t> numbered;
    for (std::size_t i = 0; i < out.size(); ++i)
        if (out[i].status == LabelStatus::Numbered) numbered.push_back(i);
    std::stable_sort(numbered.begin(), numbered.end(), [&](std::size_t a, std::size_t b) {
        const Point pa = requests[a].anchor, pb = requests[b].anchor;
        return pa.y != pb.y ? pa.y < pb.y : pa.x < pb.x;
    });
    int n = first_number;
    for (std::size_t i : numbered) {
        PlacedLabel& l = out[i];
        l.number = n++;
        const TextStyle style = mark_style(l.request.style);
        const std::string text = std::to_string(l.number);
        const TextMetrics m = measure.measure(text, style);
        const Rect& b = *marks[i];
        l.box = b;
        l.number_text = PlacedText{text, style, {b.x + (b.w - m.width) / 2, b.y + (b.h - m.height) / 2}, m};
    }
    return out;
}

namespace {
/// A list row's text: "12  Fontenay-sous-Bois" (two spaces after the number).
std::string row_text(const PlacedLabel& l) { return std::to_string(l.number) + "  " + l.request.text; }
TextStyle row_style(const PlacedLabel& l) {
    TextStyle s = l.request.style;
    s.max_width_em = 0;
    s.halo_width_pt = 0;
    return s;
}
constexpr double kListPadding = 3;
}  // namespace

Rect numbered_list_size(const TextMeasurer& measure, const std::vector<PlacedLabel>& labels, std::size_t rows,
                        int first_number) {
    if (rows == 0) return {};
    double w = 0, h = 0;
    for (const auto& l : labels) {
        PlacedLabel probe = l;
        probe.number = std::max(first_number, 1) + static_cast<int>(rows) - 1;
        const TextMetrics m = measure.measure(row_text(probe), row_style(probe));
        w = std::max(w, m.width);
        h = std::max(h, m.height);
    }
    return {0, 0, w + 2 * kListPadding, h * static_cast<double>(rows) + 2 * kListPadding};
}

Rect place_numbered_list(const Rect& size, const Rect& bounds, const CollisionIndex& index,
                         const std::optional<Rect>& outside) {
    const double m = 4, w = size.w, h = size.h;
    std::vector<Rect> candidates;
    const double l = bounds.x + m, r = bounds.right() - m - w, t = bounds.y + m, b = bounds.bottom() - m - h;
    for (Point p : {Point{r, b}, Point{l, b}, Point{r, t}, Point{l, t}}) candidates.push_back({p.x, p.y, w, h});
    for (int k = 1; k < 8; ++k) {
        const double fx = l + (r - l) * k / 8, fy = t + (b - t) * k / 8;
        for (Point p : {Point{fx, b}, Point{r, fy}, Point{fx, t}, Point{l, fy}}) candidates.push_back({p.x, p.y, w, h});
    }
    std::erase_if(candidates, [&](const Rect& c) { return !bounds.contains(c); });
    if (outside) {
        // Beside the frame: under it, right of it, left of it, above it, aligned with its corners.
        const double g = 3;
        for (Rect c : {Rect{bounds.x, bounds.bottom() + g, w, h}, Rect{bounds.right() - w, bounds.bottom() + g, w, h},
                       Rect{bounds.right() + g, bounds.y, w, h}, Rect{bounds.right() + g, bounds.bottom() - h, w, h},
                       Rect{bounds.x - g - w, bounds.y, w, h}, Rect{bounds.x - g - w, bounds.bottom() - h, w, h},
                       Rect{bounds.x, bounds.y - g - h, w, h}, Rect{bounds.right() - w, bounds.y - g - h, w, h}})
            if (outside->contains(c)) candidates.push_back(c);
    }
    // The first that overlaps nothing; else the one overlapping the fewest entries, page elements
    // counting above everything else.
    std::optional<Rect> best;
    double fewest = std::numeric_limits<double>::infinity();
    for (const Rect& c : candidates) {
        double hits = 0;
        for (std::size_t i : index.near(c)) {
            const auto& e = index.entries()[i];
            if (overlaps(e, c)) hits += e.kind == ObstacleKind::Element ? 1000 : 1;
        }
        if (hits == 0) return c;
        if (hits < fewest) {
            fewest = hits;
            best = c;
        }
    }
    return best ? *best : Rect{l, b, w, h};
}

std::optional<NumberedList> plan_numbered_list(const TextMeasurer& measure, const std::vector<PlacedLabel>& labels,
                                               const Rect& at) {
    std::vector<const PlacedLabel*> numbered;
    for (const auto& l : labels)
        if (l.status == LabelStatus::Numbered) numbered.push_back(&l);
    if (numbered.empty()) return std::nullopt;
    std::sort(numbered.begin(), numbered.end(), [](const PlacedLabel* a, const PlacedLabel* b) { return a->number < b->number; });
    NumberedList list;
    double y = at.y + kListPadding, w = 0;
    for (const PlacedLabel* l : numbered) {
        const TextStyle style = row_style(*l);
        const std::string text = row_text(*l);
        const TextMetrics m = measure.measure(text, style);
        list.rows.push_back(PlacedText{text, style, {at.x + kListPadding, y}, m});
        y += m.height;
        w = std::max(w, m.width);
    }
    list.box = Rect{at.x, at.y, w + 2 * kListPadding, y + kListPadding - at.y};
    return list;
}

LabelQuality measure_quality(const std::vector<PlacedLabel>& labels, const CollisionIndex& index) {
    LabelQuality q;
    double total = 0;
    for (const auto& l : labels) {
        switch (l.status) {
            case LabelStatus::Placed: ++q.placed; break;
            case LabelStatus::Displaced: ++q.displaced; break;
            case LabelStatus::Numbered: ++q.numbered; break;
            case LabelStatus::Unplaced: ++q.unplaced; break;
        }
        if (l.status == LabelStatus::Placed || l.status == LabelStatus::Displaced)
            for (std::size_t i : index.near(l.box))
                if (index.entries()[i].kind == ObstacleKind::Symbol && overlaps(index.entries()[i], l.box)) ++q.symbol_overlaps;
        if (l.status != LabelStatus::Displaced || !l.leader) continue;
        const double mm = l.displacement_pt * 25.4 / 72.0;
        total += mm;
        q.max_displacement_mm = std::max(q.max_displacement_mm, mm);
        const auto [a, b] = *l.leader;
        const Rect bounds{std::min(a.x, b.x), std::min(a.y, b.y), std::abs(b.x - a.x), std::abs(b.y - a.y)};
        for (std::size_t i : index.near(bounds, 0.01)) {
            const auto& e = index.entries()[i];
            if (e.feature_id == l.request.feature_id) continue;
            // A page element holding the whole leader is the frame it lies in (an inset's frame, an
            // obstacle for the main map's labels), not something it crosses.
            if (e.kind == ObstacleKind::Element && e.box.contains(bounds)) continue;
            // A pair of leaders once: from the leader of the smaller feature id.
            if (e.kind == ObstacleKind::Leader && !e.feature_id.empty() && e.feature_id < l.request.feature_id) continue;
            if (crosses(e, a, b)) ++q.leader_crossings;
        }
    }
    if (q.displaced) q.mean_displacement_mm = total / static_cast<double>(q.displaced);
    return q;
}

}  // namespace cartelier::layout
