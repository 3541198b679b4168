#include "layout/land.hpp"

#include "layout/collision_index.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace cartelier::layout {

namespace {

constexpr double kRowStep = 0.25;  ///< points between the scanlines of area_within

/// `a` ∩ `b`; w or h ≤ 0 when they do not overlap.
Rect intersection(const Rect& a, const Rect& b) {
    const double x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
    const double x1 = std::min(a.right(), b.right()), y1 = std::min(a.bottom(), b.bottom());
    return Rect{x0, y0, x1 - x0, y1 - y0};
}

bool strictly_inside(const Rect& r, Point p) { return p.x > r.x && p.x < r.right() && p.y > r.y && p.y < r.bottom(); }

/// True when the segment a–b passes through the open rectangle `r`.
bool segment_enters(const Rect& r, Point a, Point b) {
    const auto t = clip_segment(a, b, r);
    if (!t || t->first >= t->second) return false;
    // The clipped piece has a length: make sure it is not just running along a side.
    const Point m{a.x + (b.x - a.x) * (t->first + t->second) / 2, a.y + (b.y - a.y) * (t->first + t->second) / 2};
    return strictly_inside(r, m);
}

/// Even-odd point in polygon over every ring of a part.
bool inside(const std::vector<std::vector<Point>>& rings, Point p) {
    bool in = false;
    for (const auto& ring : rings)
        for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
            const Point& a = ring[i];
            const Point& b = ring[j];
            if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) in = !in;
        }
    return in;
}

Rect bounds_of(const std::vector<std::vector<Point>>& rings) {
    Box b;
    for (const auto& ring : rings)
        for (const Point& p : ring) b.expand(p);
    if (b.empty()) return Rect{};
    return Rect{b.min_x, b.min_y, b.max_x - b.min_x, b.max_y - b.min_y};
}

}  // namespace

void LandCover::add_polygon(std::vector<std::vector<Point>> rings) {
    rings.erase(std::remove_if(rings.begin(), rings.end(), [](const auto& r) { return r.size() < 3; }), rings.end());
    if (rings.empty()) return;
    Part part{std::move(rings), {}};
    part.bounds = bounds_of(part.rings);
    if (frame_.w > 0 && !part.bounds.intersects(frame_)) return;
    parts_.push_back(std::move(part));
}

void LandCover::add(const Geometry& g, const View& view) {
    if (g.type != GeometryType::Polygon) return;
    for (std::size_t part = 0; part < g.part_count(); ++part) {
        std::vector<std::vector<Point>> rings;
        for (std::uint32_t r = g.parts[part]; r < g.parts[part + 1]; ++r) {
            std::vector<Point> ring;
            ring.reserve(g.rings[r + 1] - g.rings[r]);
            for (std::uint32_t i = g.rings[r]; i < g.rings[r + 1]; ++i) ring.push_back(view.to_page(g.points[i]));
            rings.push_back(std::move(ring));
        }
        add_polygon(std::move(rings));
    }
}

bool LandCover::touches(const Rect& box) const {
    const Rect r = frame_.w > 0 ? intersection(box, frame_) : box;
    if (r.w <= 0 || r.h <= 0) return false;
    const Point centre{r.x + r.w / 2, r.y + r.h / 2};
    for (const Part& part : parts_) {
        if (!part.bounds.intersects(r)) continue;
        for (const auto& ring : part.rings)
            for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
                const Point& a = ring[j];
                const Point& b = ring[i];
                // An edge wholly on the outer side of one of the box's sides neither enters it nor ends in it.
                if ((a.x <= r.x && b.x <= r.x) || (a.x >= r.right() && b.x >= r.right()) ||
                    (a.y <= r.y && b.y <= r.y) || (a.y >= r.bottom() && b.y >= r.bottom()))
                    continue;
                if (strictly_inside(r, b) || segment_enters(r, a, b)) return true;
            }
        // No boundary inside the box: it lies wholly inside the part or wholly outside it.
        if (inside(part.rings, centre)) return true;
    }
    return false;
}

double LandCover::area_within(const Rect& box) const { return land_within(box, 0); }

double LandCover::land_within(const Rect& box, double at_least) const {
    const Rect r = frame_.w > 0 ? intersection(box, frame_) : box;
    if (r.w <= 0 || r.h <= 0 || !touches(r)) return 0;
    return std::max(scanned_area(r), at_least);
}

double LandCover::scanned_area(const Rect& r) const {
    const auto rows = static_cast<std::size_t>(std::ceil(r.h / kRowStep));
    const double step = r.h / static_cast<double>(rows);
    // Each edge's crossing of each scanline it spans, tagged with its part (even-odd within a part).
    std::vector<std::vector<std::pair<std::size_t, double>>> crossings(rows);
    for (std::size_t pi = 0; pi < parts_.size(); ++pi) {
        const Part& part = parts_[pi];
        if (!part.bounds.intersects(r)) continue;
        for (const auto& ring : part.rings)
            for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
                const Point& a = ring[j];
                const Point& b = ring[i];
                if (a.y == b.y) continue;
                const double lo = std::min(a.y, b.y), hi = std::max(a.y, b.y);
                if (hi <= r.y || lo >= r.bottom()) continue;  // no scanline's centre in [lo, hi)
                // Rows whose centre y = r.y + (k + ½)·step lies in [lo, hi).
                const double k0 = std::ceil((lo - r.y) / step - 0.5), k1 = std::ceil((hi - r.y) / step - 0.5);
                for (double k = std::max(0.0, k0); k < std::min(k1, static_cast<double>(rows)); ++k) {
                    const double y = r.y + (k + 0.5) * step;
                    crossings[static_cast<std::size_t>(k)].push_back({pi, a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y)});
                }
            }
    }
    double area = 0;
    std::vector<std::pair<double, double>> spans;
    for (auto& row : crossings) {
        if (row.empty()) continue;
        std::sort(row.begin(), row.end());
        spans.clear();
        for (std::size_t i = 0; i + 1 < row.size();) {
            if (row[i].first == row[i + 1].first) {
                spans.push_back({row[i].second, row[i + 1].second});
                i += 2;
            } else {
                ++i;  // an odd count in a part (a degenerate ring): skip one crossing
            }
        }
        std::sort(spans.begin(), spans.end());
        double covered = 0, end = r.x;
        for (const auto& [x0, x1] : spans) {
            const double a = std::max({x0, end, r.x}), b = std::min(x1, r.right());
            if (b > a) covered += b - a;
            end = std::max(end, std::min(x1, r.right()));
        }
        area += covered * step;
    }
    return area;
}

}  // namespace cartelier::layout
