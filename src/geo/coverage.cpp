#include "geo/coverage.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

namespace cartelier::geo {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

std::uint64_t bits(double d) {
    if (d == 0) d = 0;  // -0 and +0 are the same vertex
    std::uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
}

std::uint64_t hash_point(Point p) {
    std::uint64_t h = bits(p.x) * 0x9E3779B97F4A7C15ull ^ (bits(p.y) + 0x632BE59BD9B4E019ull + (bits(p.x) << 6));
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
}

bool same(Point a, Point b) { return bits(a.x) == bits(b.x) && bits(a.y) == bits(b.y); }

/// Unique vertices by value: open addressing over indices into `unique`.
class PointIndex {
public:
    explicit PointIndex(std::size_t expected) {
        std::size_t n = 16;
        while (n < expected * 2) n <<= 1;
        slots_.assign(n, kNone);
        unique.reserve(expected);
    }
    std::uint32_t id(Point p) {
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash_point(p) & mask;; i = (i + 1) & mask) {
            std::uint32_t s = slots_[i];
            if (s == kNone) {
                slots_[i] = static_cast<std::uint32_t>(unique.size());
                unique.push_back(p);
                if (unique.size() * 2 > slots_.size()) grow();
                return static_cast<std::uint32_t>(unique.size() - 1);
            }
            if (same(unique[s], p)) return s;
        }
    }
    std::vector<Point> unique;

private:
    void grow() {
        std::vector<std::uint32_t> old(slots_.size() * 2, kNone);
        old.swap(slots_);
        const std::size_t mask = slots_.size() - 1;
        for (std::uint32_t s : old) {
            if (s == kNone) continue;
            std::size_t i = hash_point(unique[s]) & mask;
            while (slots_[i] != kNone) i = (i + 1) & mask;
            slots_[i] = s;
        }
    }
    std::vector<std::uint32_t> slots_;
};

/// Items grouped by vertex (compressed rows), for walking a graph along unused edges: next() returns
/// the next item at a vertex that `used` rejects no more, each vertex's cursor only moving forward.
class Incidence {
public:
    /// `entries`: (vertex, item) pairs, vertices below `vertices`.
    Incidence(std::size_t vertices, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& entries)
        : first_(vertices + 1, 0), items_(entries.size()) {
        for (const auto& [v, _] : entries) ++first_[v + 1];
        for (std::size_t v = 0; v < vertices; ++v) first_[v + 1] += first_[v];
        cursor_.assign(first_.begin(), first_.end() - 1);
        std::vector<std::uint32_t> slot = cursor_;
        for (const auto& [v, item] : entries) items_[slot[v]++] = item;
    }
    std::size_t vertices() const { return cursor_.size(); }
    std::uint32_t degree(std::uint32_t v) const { return first_[v + 1] - first_[v]; }
    /// The next item at `v` for which used(item) is false, or kNone.
    template <typename Used>
    std::uint32_t next(std::uint32_t v, Used used) {
        std::uint32_t& c = cursor_[v];
        while (c < first_[v + 1] && used(items_[c])) ++c;
        return c < first_[v + 1] ? items_[c] : kNone;
    }

private:
    std::vector<std::uint32_t> first_, items_, cursor_;
};

double segment_distance_sq(Point p, Point a, Point b) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len = dx * dx + dy * dy;
    double t = len > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len : 0;
    t = t < 0 ? 0 : (t > 1 ? 1 : t);
    const double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
    return ex * ex + ey * ey;
}

}  // namespace

void douglas_peucker(std::span<const Point> line, double tolerance, std::vector<std::uint8_t>& keep) {
    const std::size_t n = line.size();
    keep.assign(n, 0);
    if (n == 0) return;
    keep[0] = keep[n - 1] = 1;
    if (n < 3) return;
    const double tol_sq = tolerance * tolerance;
    // Explicit stack of [first, last] ranges; its depth is bounded by the vertex count.
    thread_local std::vector<std::pair<std::uint32_t, std::uint32_t>> stack;
    stack.clear();
    stack.emplace_back(0u, static_cast<std::uint32_t>(n - 1));
    while (!stack.empty()) {
        auto [first, last] = stack.back();
        stack.pop_back();
        double worst = -1;
        std::uint32_t at = 0;
        for (std::uint32_t i = first + 1; i < last; ++i) {
            double d = segment_distance_sq(line[i], line[first], line[last]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        if (worst > tol_sq) {
            keep[at] = 1;
            if (at - first > 1) stack.emplace_back(first, at);
            if (last - at > 1) stack.emplace_back(at, last);
        }
    }
}

Coverage::Coverage(std::span<const Geometry* const> geometries) {
    std::size_t total = 0;
    for (const Geometry* g : geometries)
        if (g && g->type == GeometryType::Polygon) total += g->points.size();
    input_vertices_ = total;

    // 1. Each ring as a cycle of unique vertex ids (closing duplicate and repeated vertices removed).
    std::vector<std::uint32_t> cycle;                 // every ring's ids, ring after ring
    std::vector<std::uint32_t> cycle_start{0};        // per polygon ring
    std::vector<std::uint8_t> raw;                     // per ring: keep as is (degenerate, not finite)
    cycle.reserve(total);
    shapes_.reserve(geometries.size());
    std::vector<Point> unique;
    {
        // The hash table, as large as the coverage's vertices, is freed before the arcs are built.
        PointIndex index(total / 2 + 16);
        for (const Geometry* g : geometries) {
            Shape shape;
            shape.type = g ? g->type : GeometryType::None;
            shape.original = g;
            shape.first_ring = static_cast<std::uint32_t>(cycle_start.size() - 1);
            if (g && g->type == GeometryType::Polygon) {
                shape.parts = g->parts;
                for (std::size_t r = 0; r + 1 < g->rings.size(); ++r) {
                    const std::uint32_t begin = g->rings[r], end = g->rings[r + 1];
                    const std::size_t at = cycle.size();
                    bool finite = true;
                    for (std::uint32_t i = begin; i < end; ++i) {
                        const Point p = g->points[i];
                        if (!std::isfinite(p.x) || !std::isfinite(p.y)) finite = false;
                        std::uint32_t id = index.id(p);
                        if (cycle.size() > at && cycle.back() == id) continue;
                        cycle.push_back(id);
                    }
                    while (cycle.size() - at > 1 && cycle.back() == cycle[at]) cycle.pop_back();
                    raw.push_back(!finite || cycle.size() - at < 3);
                    cycle_start.push_back(static_cast<std::uint32_t>(cycle.size()));
                }
            }
            shapes_.push_back(std::move(shape));
        }
        unique = std::move(index.unique);
    }
    const std::size_t ring_count = cycle_start.size() - 1;

    // Orientation: the shoelace sign of each ring against its role (a part's first ring is its exterior).
    ring_flip_.assign(ring_count, 0);
    for (const Shape& shape : shapes_) {
        if (shape.type != GeometryType::Polygon) continue;
        for (std::size_t p = 0; p + 1 < shape.parts.size(); ++p) {
            for (std::uint32_t r = shape.parts[p]; r < shape.parts[p + 1]; ++r) {
                const std::uint32_t ring = shape.first_ring + r;
                const std::uint32_t b = cycle_start[ring], n = cycle_start[ring + 1] - b;
                double area = 0;
                for (std::uint32_t i = 0; i < n; ++i) {
                    const Point a = unique[cycle[b + i]], c = unique[cycle[b + (i + 1 < n ? i + 1 : 0)]];
                    area += (a.x - c.x) * (a.y + c.y);  // twice the signed area (relative to any origin)
                }
                const bool exterior = r == shape.parts[p];
                ring_flip_[ring] = exterior ? area < 0 : area > 0;
            }
        }
    }

    // 2. Junctions: vertices seen with different neighbours.
    std::vector<std::uint32_t> nb_a(unique.size(), kNone), nb_b(unique.size(), kNone);
    std::vector<std::uint8_t> junction(unique.size(), 0);
    for (std::size_t r = 0; r < ring_count; ++r) {
        const std::uint32_t b = cycle_start[r], n = cycle_start[r + 1] - b;
        if (raw[r]) {
            for (std::uint32_t i = 0; i < n; ++i) junction[cycle[b + i]] = 1;
            continue;
        }
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint32_t p = cycle[b + i];
            // Neighbours around the cycle (no division per vertex: this loop runs over every vertex of a page).
            const std::uint32_t prev = cycle[b + (i > 0 ? i - 1 : n - 1)], next = cycle[b + (i + 1 < n ? i + 1 : 0)];
            if (nb_a[p] == kNone) {
                nb_a[p] = prev;
                nb_b[p] = next;
            } else if (!((nb_a[p] == prev && nb_b[p] == next) || (nb_a[p] == next && nb_b[p] == prev))) {
                junction[p] = 1;
            }
        }
    }
    std::vector<std::uint32_t>().swap(nb_b);

    // 3. Arcs: cut each ring at its junctions; an arc is found again by its first interior vertex
    //    (interior vertices are no junctions, so they belong to one arc only), or by its two ends.
    std::vector<std::uint32_t>& arc_of = nb_a;  // reused: unique vertex → arc through it
    std::fill(arc_of.begin(), arc_of.end(), kNone);
    std::vector<std::uint32_t> arc_first, arc_second;  // unique ids of each arc's first two vertices
    std::unordered_map<std::uint64_t, std::uint32_t> segment_arcs;
    // Shared borders are kept once: a coverage keeps a little over half of its vertices.
    points_.reserve(total / 2 + total / 8 + 16);
    arc_start_.push_back(0);
    ring_refs_.reserve(ring_count + 1);
    ring_refs_.push_back(0);
    auto new_arc = [&](const std::uint32_t* ids, std::size_t n, bool closing, std::uint8_t kind) {
        const auto a = static_cast<std::uint32_t>(arc_start_.size() - 1);
        for (std::size_t i = 0; i < n; ++i) points_.push_back(unique[ids[i]]);
        if (closing) points_.push_back(unique[ids[0]]);
        arc_start_.push_back(static_cast<std::uint32_t>(points_.size()));
        arc_kind_.push_back(kind);
        arc_first.push_back(ids[0]);
        arc_second.push_back(n > 1 ? ids[1] : ids[0]);
        return a;
    };
    std::vector<std::uint32_t> seq;
    for (std::size_t r = 0; r < ring_count; ++r) {
        const std::uint32_t b = cycle_start[r], n = cycle_start[r + 1] - b;
        const std::uint32_t* ids = &cycle[b];
        if (raw[r]) {
            refs_.push_back(new_arc(ids, n, true, 2) << 1);
            ring_refs_.push_back(static_cast<std::uint32_t>(refs_.size()));
            continue;
        }
        std::uint32_t j = 0;
        while (j < n && !junction[ids[j]]) ++j;
        if (j == n) {
            // No junction: the ring is a loop of its own (an island, or a border shared whole).
            std::uint32_t a = arc_of[ids[0]];
            bool reversed = false;
            if (a == kNone) {
                a = new_arc(ids, n, true, 1);
                for (std::uint32_t i = 0; i < n; ++i) arc_of[ids[i]] = a;
            } else {
                // The loop seen again (a hole and its island): the same way round, or the other?
                std::uint32_t k = 0;
                while (k < n && ids[k] != arc_first[a]) ++k;
                reversed = k < n && ids[(k + 1) % n] != arc_second[a];
            }
            refs_.push_back(a << 1 | (reversed ? 1u : 0u));
            ring_refs_.push_back(static_cast<std::uint32_t>(refs_.size()));
            continue;
        }
        for (std::uint32_t k = 0; k < n;) {
            // From the junction at j + k to the next one (inclusive).
            seq.clear();
            // j + k and j + m are below 2n: a subtraction, not a division, brings them around the ring.
            auto at = [&](std::uint32_t i) { return ids[i < n ? i : i - n]; };
            seq.push_back(at(j + k));
            std::uint32_t m = k + 1;
            for (; m <= n; ++m) {
                const std::uint32_t id = at(j + m);
                seq.push_back(id);
                if (junction[id]) break;
            }
            k = m;
            std::uint32_t a;
            bool reversed = false;
            if (seq.size() == 2) {
                const std::uint32_t lo = std::min(seq[0], seq[1]), hi = std::max(seq[0], seq[1]);
                const std::uint64_t key = (std::uint64_t{lo} << 32) | hi;
                auto [it, inserted] = segment_arcs.emplace(key, 0);
                if (inserted) it->second = new_arc(seq.data(), 2, false, 0);
                a = it->second;
                reversed = arc_first[a] != seq[0];
            } else {
                a = arc_of[seq[1]];
                if (a == kNone) {
                    a = new_arc(seq.data(), seq.size(), false, 0);
                    for (std::size_t i = 1; i + 1 < seq.size(); ++i) arc_of[seq[i]] = a;
                } else {
                    reversed = !(arc_first[a] == seq[0] && arc_second[a] == seq[1]);
                }
            }
            refs_.push_back(a << 1 | (reversed ? 1u : 0u));
        }
        ring_refs_.push_back(static_cast<std::uint32_t>(refs_.size()));
    }
}

void Coverage::simplify_arcs(double tolerance, std::vector<Point>& simple,
                              std::vector<std::uint32_t>& simple_start) const {
    // Two passes: the vertices to keep are flagged first, then copied into storage of the exact size
    // (the simplified arcs stay in memory for the whole build; no spare capacity).
    const std::size_t arcs = arc_count();
    std::vector<std::uint8_t> kept(points_.size(), 1), keep, keep2;
    for (std::size_t a = 0; a < arcs; ++a) {
        const std::size_t begin = arc_start_[a];
        std::span<const Point> line(points_.data() + begin, arc_start_[a + 1] - begin);
        std::uint8_t* flags = kept.data() + begin;
        const bool closed = line.size() > 2 && same(line.front(), line.back());
        if (arc_kind_[a] == 2 || tolerance <= 0 || line.size() < 3) continue;  // kept whole
        if (!closed) {
            douglas_peucker(line, tolerance, keep);
            std::copy(keep.begin(), keep.end(), flags);
            continue;
        }
        // A closed arc: split at the vertex farthest from its start, keep that vertex and the
        // farthest of each half so that it stays a ring of at least three distinct vertices.
        std::size_t far = 1;
        double best = -1;
        for (std::size_t i = 1; i + 1 < line.size(); ++i) {
            const double dx = line[i].x - line[0].x, dy = line[i].y - line[0].y;
            if (dx * dx + dy * dy > best) {
                best = dx * dx + dy * dy;
                far = i;
            }
        }
        auto half = [&](std::size_t from, std::size_t to) {  // flags of [from, to), `to` set by the caller
            std::span<const Point> h = line.subspan(from, to - from + 1);
            douglas_peucker(h, tolerance, keep2);
            if (h.size() > 2) {
                std::size_t top = 1;
                double d = -1;
                for (std::size_t i = 1; i + 1 < h.size(); ++i) {
                    double e = segment_distance_sq(h[i], h.front(), h.back());
                    if (e > d) {
                        d = e;
                        top = i;
                    }
                }
                keep2[top] = 1;
            }
            for (std::size_t i = 0; i + 1 < h.size(); ++i) flags[from + i] = keep2[i];
        };
        half(0, far);
        half(far, line.size() - 1);
        flags[line.size() - 1] = 1;
    }
    std::size_t total = 0;
    for (std::uint8_t k : kept) total += k;
    simple.clear();
    simple.reserve(total);
    simple_start.clear();
    simple_start.reserve(arcs + 1);
    simple_start.push_back(0);
    for (std::size_t a = 0; a < arcs; ++a) {
        for (std::size_t i = arc_start_[a]; i < arc_start_[a + 1]; ++i)
            if (kept[i]) simple.push_back(points_[i]);
        simple_start.push_back(static_cast<std::uint32_t>(simple.size()));
    }
}

Geometry Coverage::simplified_arcs(double tolerance) const {
    Geometry g;
    std::vector<std::uint32_t> start;
    simplify_arcs(tolerance, g.points, start);
    if (g.points.empty()) return g;
    g.type = GeometryType::LineString;
    g.rings = std::move(start);
    g.parts.reserve(g.rings.size());
    for (std::uint32_t r = 0; r < g.rings.size(); ++r) g.parts.push_back(r);  // one part per arc
    return g;
}

std::vector<Geometry> Coverage::simplify(double tolerance) const {
    // Each arc once, then the rings rebuilt from the simplified arcs.
    std::vector<Point> simple;
    std::vector<std::uint32_t> simple_start;
    simplify_arcs(tolerance, simple, simple_start);
    std::vector<Geometry> out(shapes_.size());
    for (std::size_t s = 0; s < shapes_.size(); ++s) {
        const Shape& shape = shapes_[s];
        if (shape.type != GeometryType::Polygon) {
            if (shape.original) out[s] = *shape.original;
            continue;
        }
        Geometry& g = out[s];
        g.type = GeometryType::Polygon;
        for (std::size_t p = 0; p + 1 < shape.parts.size(); ++p) {
            bool part_open = false;
            for (std::uint32_t r = shape.parts[p]; r < shape.parts[p + 1]; ++r) {
                const std::uint32_t ring = shape.first_ring + r;
                const std::size_t at = g.points.size();
                for (std::uint32_t i = ring_refs_[ring]; i < ring_refs_[ring + 1]; ++i) {
                    const std::uint32_t a = refs_[i] >> 1;
                    const bool reversed = refs_[i] & 1;
                    const std::uint32_t b = simple_start[a], e = simple_start[a + 1];
                    const bool skip_first = g.points.size() > at;  // shared with the previous arc's end
                    if (!reversed) {
                        for (std::uint32_t k = b + (skip_first ? 1 : 0); k < e; ++k) g.points.push_back(simple[k]);
                    } else {
                        for (std::uint32_t k = e - (skip_first ? 2 : 1) + 1; k-- > b;) g.points.push_back(simple[k]);
                    }
                }
                const std::size_t n = g.points.size() - at;
                if (n < 4) {  // fewer than three distinct vertices: nothing left to draw
                    g.points.resize(at);
                    if (r == shape.parts[p]) break;  // an exterior ring gone takes its holes with it
                    continue;
                }
                if (!part_open) {
                    g.begin_part();
                    part_open = true;
                }
                g.end_ring();
            }
        }
        if (g.points.empty()) g = Geometry{};
    }
    return out;
}

LineChains chain_order(const Geometry& lines) {
    LineChains out;
    const std::size_t n = lines.ring_count();
    if (n == 0) return out;
    auto line = [&](std::size_t l) {
        return std::span<const Point>(lines.points.data() + lines.rings[l], lines.rings[l + 1] - lines.rings[l]);
    };
    // Incidence of each end vertex: (line << 1 | at its end).
    PointIndex nodes(n + 16);
    std::vector<std::uint32_t> head(n, kNone), tail(n, kNone);
    for (std::size_t l = 0; l < n; ++l) {
        const auto pts = line(l);
        if (pts.size() < 2 || same(pts.front(), pts.back())) continue;  // closed or degenerate: alone
        head[l] = nodes.id(pts.front());
        tail[l] = nodes.id(pts.back());
    }
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ends;
    ends.reserve(2 * n);
    for (std::uint32_t l = 0; l < n; ++l)
        if (head[l] != kNone) {
            ends.emplace_back(head[l], l << 1);
            ends.emplace_back(tail[l], l << 1 | 1);
        }
    Incidence incident(nodes.unique.size(), ends);
    std::vector<std::uint8_t> used(n, 0);
    auto spent = [&](std::uint32_t end) { return used[end >> 1] != 0; };
    out.steps.reserve(n);
    out.chain_start.push_back(0);
    auto walk = [&](std::uint32_t v) {  // one chain from vertex v along unused lines
        for (std::uint32_t end; (end = incident.next(v, spent)) != kNone;) {
            const std::uint32_t l = end >> 1;
            const bool backwards = end & 1;  // v is the line's last vertex
            used[l] = 1;
            out.steps.push_back(end);
            v = backwards ? head[l] : tail[l];
        }
        if (out.steps.size() > out.chain_start.back())
            out.chain_start.push_back(static_cast<std::uint32_t>(out.steps.size()));
    };
    // Chains start at vertices of odd degree (they must end somewhere), then what is left is cycles.
    for (std::uint32_t v = 0; v < incident.vertices(); ++v)
        if (incident.degree(v) % 2 == 1) walk(v);
    for (std::uint32_t v = 0; v < incident.vertices(); ++v)
        while (incident.next(v, spent) != kNone) walk(v);
    for (std::uint32_t l = 0; l < n; ++l) {  // closed lines, each a chain of its own
        if (head[l] != kNone || line(l).size() < 2) continue;
        out.steps.push_back(l << 1);
        out.chain_start.push_back(static_cast<std::uint32_t>(out.steps.size()));
    }
    return out;
}

Geometry chain_lines(const Geometry& lines) {
    Geometry out;
    const LineChains chains = chain_order(lines);
    if (chains.chain_count() == 0) return out;
    out.type = GeometryType::LineString;
    out.points.reserve(lines.points.size());
    for (std::size_t c = 0; c < chains.chain_count(); ++c) {
        out.begin_part();
        chains.walk(lines, c, [&](Point p, bool) { out.points.push_back(p); });
        out.end_ring();
    }
    return out;
}

std::vector<std::uint8_t> Coverage::arcs_bordering(std::span<const std::uint8_t> member) const {
    std::vector<std::uint8_t> used(arc_count(), 0);
    for (std::size_t s = 0; s < shapes_.size() && s < member.size(); ++s) {
        const Shape& shape = shapes_[s];
        if (!member[s] || shape.type != GeometryType::Polygon || shape.parts.empty()) continue;
        for (std::uint32_t ring = shape.first_ring; ring < shape.first_ring + shape.parts.back(); ++ring)
            for (std::uint32_t i = ring_refs_[ring]; i < ring_refs_[ring + 1]; ++i) used[refs_[i] >> 1] = 1;
    }
    return used;
}

Geometry Coverage::dissolve(std::span<const std::uint8_t> member, const Geometry& arcs) const {
    Geometry out;
    const std::size_t n_arcs = arc_count();
    if (arcs.ring_count() != n_arcs || n_arcs == 0) return out;

    // 1. Net use of each arc by the members, each ring oriented for its role: +1 along the arc, -1
    //    against it. A border between two members is used once each way and cancels.
    std::vector<std::int32_t> net(n_arcs, 0);
    for (std::size_t s = 0; s < shapes_.size() && s < member.size(); ++s) {
        const Shape& shape = shapes_[s];
        if (!member[s] || shape.type != GeometryType::Polygon || shape.parts.empty()) continue;
        for (std::uint32_t r = 0; r < shape.parts.back(); ++r) {
            const std::uint32_t ring = shape.first_ring + r;
            const bool flip = ring_flip_[ring];
            for (std::uint32_t i = ring_refs_[ring]; i < ring_refs_[ring + 1]; ++i) {
                const bool reversed = (refs_[i] & 1) != flip;
                net[refs_[i] >> 1] += reversed ? -1 : 1;
            }
        }
    }

    // 2. The arcs left are directed edges between their end vertices; every vertex has as many edges
    //    in as out (each ring was a cycle, and cancelling removes an edge with its reverse), so
    //    walking from any edge along unused ones closes a cycle. Closed arcs are cycles by themselves.
    struct Edge {
        std::uint32_t arc;
        bool reversed;
        std::uint32_t from, to;
    };
    std::vector<Edge> edges;
    PointIndex nodes(1024);
    auto arc_points = [&](std::uint32_t a) {
        return std::span<const Point>(arcs.points.data() + arcs.rings[a], arcs.rings[a + 1] - arcs.rings[a]);
    };
    auto emit = [&](std::span<const Point> line, bool reversed, bool skip_first) {
        if (!reversed) {
            for (std::size_t k = skip_first ? 1 : 0; k < line.size(); ++k) out.points.push_back(line[k]);
        } else {
            for (std::size_t k = line.size() - (skip_first ? 1 : 0); k-- > 0;) out.points.push_back(line[k]);
        }
    };
    out.type = GeometryType::Polygon;
    out.begin_part();
    for (std::uint32_t a = 0; a < n_arcs; ++a) {
        if (net[a] == 0) continue;
        const auto line = arc_points(a);
        if (line.size() < 2) continue;
        const bool reversed = net[a] < 0;
        const bool closed = same(line.front(), line.back());
        for (std::int32_t k = 0; k < std::abs(net[a]); ++k) {
            if (closed) {
                if (line.size() < 4) break;
                emit(line, reversed, false);
                out.end_ring();
            } else {
                const std::uint32_t u = nodes.id(line.front()), v = nodes.id(line.back());
                edges.push_back({a, reversed, reversed ? v : u, reversed ? u : v});
            }
        }
    }
    std::vector<std::pair<std::uint32_t, std::uint32_t>> out_edges;
    out_edges.reserve(edges.size());
    for (std::uint32_t e = 0; e < edges.size(); ++e) out_edges.emplace_back(edges[e].from, e);
    Incidence leaving(nodes.unique.size(), out_edges);
    std::vector<std::uint8_t> used(edges.size(), 0);
    for (std::uint32_t e0 = 0; e0 < edges.size(); ++e0) {
        if (used[e0]) continue;
        const std::size_t at = out.points.size();
        std::uint32_t e = e0;
        for (;;) {
            used[e] = 1;
            emit(arc_points(edges[e].arc), edges[e].reversed, out.points.size() > at);
            const std::uint32_t v = edges[e].to;
            if (v == edges[e0].from) break;  // back at the start: a cycle
            e = leaving.next(v, [&](std::uint32_t edge) { return used[edge] != 0; });
            if (e == kNone) break;  // cannot happen for a balanced graph; closes with a chord
        }
        if (out.points.size() - at < 4) {
            out.points.resize(at);
            continue;
        }
        if (!same(out.points[at], out.points.back())) out.points.push_back(out.points[at]);
        out.end_ring();
    }
    if (out.points.empty()) return Geometry{};
    return out;
}

}  // namespace cartelier::geo
