#include "layout/collision_index.hpp"

#include <algorithm>
#include <cmath>

namespace cartelier::layout {

namespace {
constexpr std::int64_t kMaxCellsPerEntry = 4096;
}

std::optional<std::pair<double, double>> clip_segment(Point a, Point b, const Rect& r) {
    // Liang–Barsky: clip the segment's parameter range [0, 1] by the four sides.
    double t0 = 0, t1 = 1;
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {a.x - r.x, r.right() - a.x, a.y - r.y, r.bottom() - a.y};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0) return std::nullopt;
            continue;
        }
        const double t = q[i] / p[i];
        if (p[i] < 0) t0 = std::max(t0, t);
        else t1 = std::min(t1, t);
        if (t0 > t1) return std::nullopt;
    }
    return std::pair{t0, t1};
}

bool segment_meets_rect(Point a, Point b, const Rect& r) { return clip_segment(a, b, r).has_value(); }

namespace {
double cross(Point o, Point a, Point b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }
bool on_segment(Point a, Point b, Point p) {
    return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
           p.y <= std::max(a.y, b.y);
}
double segment_point_distance(Point a, Point b, Point p) {
    const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    const double t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
    return std::hypot(a.x + t * dx - p.x, a.y + t * dy - p.y);
}
}  // namespace

bool segments_meet(Point a, Point b, Point c, Point d) {
    const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
    return (d1 == 0 && on_segment(c, d, a)) || (d2 == 0 && on_segment(c, d, b)) || (d3 == 0 && on_segment(a, b, c)) ||
           (d4 == 0 && on_segment(a, b, d));
}

bool crosses(const CollisionIndex::Entry& e, Point a, Point b) {
    const Rect bounds{std::min(a.x, b.x), std::min(a.y, b.y), std::abs(b.x - a.x), std::abs(b.y - a.y)};
    if (!e.box.inflated(1e-9).intersects(bounds.inflated(1e-9))) return false;
    if (e.kind == ObstacleKind::Leader) return segments_meet(a, b, e.from, e.to);
    if (e.radius > 0) return segment_point_distance(a, b, e.centre()) < e.radius;
    return segment_meets_rect(a, b, e.box);
}

bool overlaps(const CollisionIndex::Entry& e, const Rect& box) {
    if (e.kind == ObstacleKind::Leader) return e.box.inflated(1e-9).intersects(box) && segment_meets_rect(e.from, e.to, box);
    if (!e.box.intersects(box)) return false;
    if (e.radius <= 0) return true;
    // Circle against rectangle: distance from the centre to the nearest point of the rectangle.
    const double cx = e.box.x + e.radius, cy = e.box.y + e.radius;
    const double dx = cx - std::clamp(cx, box.x, box.right());
    const double dy = cy - std::clamp(cy, box.y, box.bottom());
    return dx * dx + dy * dy < e.radius * e.radius;
}

CollisionIndex::CollisionIndex(double cell_pt) : cell_(cell_pt > 0 ? cell_pt : 32) {}

CollisionIndex::CellRange CollisionIndex::cells_of(const Rect& box) const {
    const double x0 = std::floor(box.x / cell_), y0 = std::floor(box.y / cell_);
    const double x1 = std::floor(box.right() / cell_), y1 = std::floor(box.bottom() / cell_);
    if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1) ||
        (x1 - x0 + 1) * (y1 - y0 + 1) > static_cast<double>(kMaxCellsPerEntry) || x1 < x0 || y1 < y0)
        return {0, 0, 0, 0, false};
    return {static_cast<std::int64_t>(x0), static_cast<std::int64_t>(y0), static_cast<std::int64_t>(x1),
            static_cast<std::int64_t>(y1), true};
}

std::size_t CollisionIndex::slot_of(Key k) const {
    // Fibonacci hashing: the top bits of the key times 2^64 / φ.
    return static_cast<std::size_t>((static_cast<std::uint64_t>(k) * 0x9E3779B97F4A7C15ULL) >> (64 - slot_bits_));
}

const std::vector<std::uint32_t>* CollisionIndex::cell(Key k) const {
    if (slots_.empty()) return nullptr;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t s = slot_of(k);; s = (s + 1) & mask) {
        const Slot& slot = slots_[s];
        if (slot.list == kNoList) return nullptr;
        if (slot.key == k) return &lists_[slot.list];
    }
}

std::vector<std::uint32_t>& CollisionIndex::cell_to_fill(Key k) {
    if (2 * (lists_.size() + 1) > slots_.size()) {
        // Grow to keep the table at most half full: every cell takes a slot in the larger table.
        slot_bits_ = std::max(slot_bits_ + 1, 6);
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(std::size_t{1} << slot_bits_, Slot{});
        const std::size_t mask = slots_.size() - 1;
        for (const Slot& o : old) {
            if (o.list == kNoList) continue;
            std::size_t s = slot_of(o.key);
            while (slots_[s].list != kNoList) s = (s + 1) & mask;
            slots_[s] = o;
        }
    }
    const std::size_t mask = slots_.size() - 1;
    std::size_t s = slot_of(k);
    for (; slots_[s].list != kNoList; s = (s + 1) & mask)
        if (slots_[s].key == k) return lists_[slots_[s].list];
    slots_[s] = {k, static_cast<std::uint32_t>(lists_.size())};
    return lists_.emplace_back();
}

void CollisionIndex::index_last() {
    const auto i = static_cast<std::uint32_t>(entries_.size() - 1);
    const CellRange r = cells_of(entries_.back().box);
    if (!r.valid) {
        overflow_.push_back(i);
    } else {
        for (std::int64_t cy = r.y0; cy <= r.y1; ++cy)
            for (std::int64_t cx = r.x0; cx <= r.x1; ++cx) cell_to_fill(key(cx, cy)).push_back(i);
    }
    seen_.push_back(0);
}

void CollisionIndex::insert(const Rect& box, std::string owner, ObstacleKind kind, std::string feature_id) {
    entries_.push_back({box, std::move(owner), 0, kind, std::move(feature_id), {}, {}});
    index_last();
}

void CollisionIndex::insert_circle(Point centre, double radius, std::string owner, std::string feature_id) {
    entries_.push_back({Rect{centre.x - radius, centre.y - radius, 2 * radius, 2 * radius}, std::move(owner), radius,
                        ObstacleKind::Symbol, std::move(feature_id), {}, {}});
    index_last();
}

void CollisionIndex::insert_leader(Point from, Point to, std::string owner, std::string feature_id) {
    const Rect box{std::min(from.x, to.x), std::min(from.y, to.y), std::abs(to.x - from.x), std::abs(to.y - from.y)};
    entries_.push_back({box, std::move(owner), 0, ObstacleKind::Leader, std::move(feature_id), from, to});
    index_last();
}

std::vector<std::size_t> CollisionIndex::near(const Rect& box, double reach) const {
    collect_near(box, reach, true);
    return scratch_;
}

void CollisionIndex::collect_near(const Rect& box, double reach, bool sorted) const {
    std::vector<std::size_t>& out = scratch_;
    out.clear();
    if (++stamp_ == 0) {  // wrapped: forget every stamp
        std::fill(seen_.begin(), seen_.end(), 0);
        stamp_ = 1;
    }
    auto take = [&](std::uint32_t i) {
        if (seen_[i] == stamp_) return;
        seen_[i] = stamp_;
        out.push_back(i);
    };
    for (std::uint32_t i : overflow_) take(i);
    const CellRange r = cells_of(box.inflated(reach));
    if (r.valid) {
        for (std::int64_t cy = r.y0; cy <= r.y1; ++cy)
            for (std::int64_t cx = r.x0; cx <= r.x1; ++cx)
                if (const auto* list = cell(key(cx, cy)))
                    for (std::uint32_t i : *list) take(i);
    } else {
        // A query too large for the grid: every entry is a candidate.
        for (std::uint32_t i = 0; i < entries_.size(); ++i) take(i);
    }
    if (sorted) std::sort(out.begin(), out.end());
    comparisons_ += out.size();
}

bool CollisionIndex::collides(const Rect& box) const {
    // Any overlap will do: the cells are scanned in place, without collecting (an entry spanning
    // several cells may be tested more than once).
    const CellRange r = cells_of(box);
    if (!r.valid) return first_collision(box) != nullptr;
    for (std::uint32_t i : overflow_) {
        ++comparisons_;
        if (overlaps(entries_[i], box)) return true;
    }
    for (std::int64_t cy = r.y0; cy <= r.y1; ++cy)
        for (std::int64_t cx = r.x0; cx <= r.x1; ++cx)
            if (const auto* list = cell(key(cx, cy)))
                for (std::uint32_t i : *list) {
                    ++comparisons_;
                    if (overlaps(entries_[i], box)) return true;
                }
    return false;
}

const CollisionIndex::Entry* CollisionIndex::first_collision(const Rect& box) const {
    collect_near(box, 0, true);
    for (std::size_t i : scratch_)
        if (overlaps(entries_[i], box)) return &entries_[i];
    return nullptr;
}

const CollisionIndex::Entry* CollisionIndex::first_crossing(Point a, Point b, const std::string& feature_id) const {
    const Rect bounds{std::min(a.x, b.x), std::min(a.y, b.y), std::abs(b.x - a.x), std::abs(b.y - a.y)};
    collect_near(bounds, 0.01, true);
    for (std::size_t i : scratch_) {
        const Entry& e = entries_[i];
        if (!feature_id.empty() && e.feature_id == feature_id) continue;
        if (crosses(e, a, b)) return &e;
    }
    return nullptr;
}

}  // namespace cartelier::layout
