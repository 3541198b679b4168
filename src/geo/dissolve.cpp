#include "geo/dissolve.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstring>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <geos_c.h>

#include "geo/code_text.hpp"
#include "geo/geos.hpp"

namespace cartelier::geo {

namespace {

/// The text a group key is compared by: a string as it is, a number as fmt writes it (1 and 1.0 both
/// "1"), a boolean "true"/"false".
std::string key_text(const Value& v) {
    if (auto b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    return code_text(v);
}

/// A number, or the text of one (a CSV column joined as text); nullopt for anything else.
std::optional<double> number_of(const Value& v) {
    if (auto d = std::get_if<double>(&v)) return *d;
    if (auto s = std::get_if<std::string>(&v)) {
        auto b = s->find_first_not_of(" \t");
        auto e = s->find_last_not_of(" \t");
        if (b == std::string::npos) return std::nullopt;
        double out = 0;
        const char* first = s->data() + b;
        const char* last = s->data() + e + 1;
        if (*first == '+') ++first;
        auto [ptr, ec] = std::from_chars(first, last, out);
        if (ec == std::errc() && ptr == last) return out;
    }
    return std::nullopt;
}

bool located(const SourceLocation& where) { return !where.file.empty() || !where.path.empty() || where.line > 0; }

std::string_view kind_name(GeometryType t) {
    switch (t) {
        case GeometryType::Point: return "points";
        case GeometryType::LineString: return "lines";
        case GeometryType::Polygon: return "polygons";
        case GeometryType::None: break;
    }
    return "no geometry";
}

/// Appends the parts of `in` (of the same type) to `out`.
void append_parts(Geometry& out, const Geometry& in) {
    if (in.empty()) return;
    if (out.rings.empty()) out.rings.push_back(0);
    if (out.parts.empty()) out.parts.push_back(0);
    const auto point_base = static_cast<std::uint32_t>(out.points.size());
    const auto ring_base = static_cast<std::uint32_t>(out.rings.size() - 1);
    out.points.insert(out.points.end(), in.points.begin(), in.points.end());
    for (std::size_t r = 1; r < in.rings.size(); ++r) out.rings.push_back(point_base + in.rings[r]);
    for (std::size_t p = 1; p < in.parts.size(); ++p) out.parts.push_back(ring_base + in.parts[p]);
}

/// The hint for a field that is not in the layer: suggest_name's "did you mean", or when no name is close
/// by spelling, the field that begins or ends with the name ('epci' → 'epci_code').
std::string field_hint(const std::string& word, const std::vector<std::string>& fields) {
    std::string hint = suggest_name(word, fields);
    if (!hint.empty() || word.empty()) return hint;
    for (const auto& f : fields)
        if (f.size() > word.size() && (f.starts_with(word) || f.ends_with(word))) return did_you_mean(f);
    return {};
}

// ---- coverage_union ----

bool same_point(const Point& a, const Point& b) { return a.x == b.x && a.y == b.y; }
bool before(const Point& a, const Point& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); }

/// Twice the signed area of a ring given without its closing point (positive: counter-clockwise).
double area2(const std::vector<Point>& ring) {
    double a = 0;
    for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
        const Point& p = ring[i];
        const Point& q = ring[(i + 1) % n];
        a += (p.x - ring[0].x) * (q.y - ring[0].y) - (q.x - ring[0].x) * (p.y - ring[0].y);
    }
    return a;
}

/// Ray casting: `p` strictly inside the ring (a point on its boundary may go either way).
bool inside_ring(const std::vector<Point>& ring, Point p) {
    bool in = false;
    for (std::size_t i = 0, n = ring.size(), j = n - 1; i < n; j = i++) {
        const Point& a = ring[i];
        const Point& b = ring[j];
        if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) in = !in;
    }
    return in;
}

Box ring_box(const std::vector<Point>& ring) {
    Box b;
    for (const Point& p : ring) b.expand(p);
    return b;
}

struct PointHash {
    std::size_t operator()(const Point& p) const {
        std::uint64_t x = 0, y = 0;
        std::memcpy(&x, &p.x, sizeof x);
        std::memcpy(&y, &p.y, sizeof y);
        return std::hash<std::uint64_t>{}(x * 0x9E3779B97F4A7C15ULL ^ y);
    }
};
struct PointEqual {
    bool operator()(const Point& a, const Point& b) const { return same_point(a, b); }
};

/// A ring that passes through one vertex twice (a hole touching its exterior at a point, traced as one
/// ring around both) cut there into simple rings, each appended to `rings`.
void split_at_repeated_vertices(const std::vector<Point>& ring, std::vector<std::vector<Point>>& rings) {
    std::vector<Point> stack;
    std::unordered_map<Point, std::size_t, PointHash, PointEqual> at;  // vertex → its index in `stack`
    for (const Point& p : ring) {
        auto it = at.find(p);
        if (it == at.end()) {
            at.emplace(p, stack.size());
            stack.push_back(p);
            continue;
        }
        const std::size_t i = it->second;  // stack[i..] closes back to p: a ring of its own
        rings.emplace_back(stack.begin() + static_cast<std::ptrdiff_t>(i), stack.end());
        for (std::size_t k = i + 1; k < stack.size(); ++k) at.erase(stack[k]);
        stack.resize(i + 1);
    }
    rings.push_back(std::move(stack));
}

/// An edge with its ends in lexicographic order; dir +1 when the ring runs a → b, −1 when b → a.
struct UndirectedEdge {
    Point a, b;
    int dir;
};

struct Group {
    std::string key;
    std::vector<std::size_t> members;  ///< indices into the input's features, in order
};

/// What one group's geometry became.
struct GroupGeometry {
    Geometry geometry;
    bool geos = false;              ///< coverage_union could not take the group: GEOS's unions did
    bool general = false;           ///< GEOS's general union was needed
    std::size_t dropped = 0;        ///< members of another kind than the first's
    GeometryType kind = GeometryType::None;
    std::string error;              ///< the union failed (GEOS's message)
};

GroupGeometry merge(const GeosContext& ctx, const Layer& in, const Group& group) {
    GroupGeometry out;
    for (std::size_t i : group.members) {
        const Geometry& g = in.features[i].geometry;
        if (g.empty() || g.type == GeometryType::None) continue;
        if (out.kind == GeometryType::None) out.kind = g.type;
        if (g.type != out.kind) ++out.dropped;
    }
    if (out.kind != GeometryType::Polygon) {
        out.geometry.type = out.kind;
        for (std::size_t i : group.members) {
            const Geometry& g = in.features[i].geometry;
            if (g.type == out.kind) append_parts(out.geometry, g);
        }
        if (out.geometry.empty()) out.geometry = Geometry{};
        return out;
    }
    // A clean coverage by coverage_union, checked valid; else GEOS's coverage or general union.
    std::vector<const Geometry*> members;
    for (std::size_t i : group.members)
        if (in.features[i].geometry.type == GeometryType::Polygon) members.push_back(&in.features[i].geometry);
    if (auto merged = coverage_union(members)) {
        GeosGeometry check = to_geos(ctx, *merged);
        if (merged->empty() || (check && GEOSisValid_r(ctx.get(), check.get()) == 1)) {
            out.geometry = std::move(*merged);
            return out;
        }
    }
    out.geos = true;
    std::vector<GeosGeometry> polygons;
    for (const Geometry* g : members) to_geos_parts(ctx, *g, polygons);
    GeosGeometry merged = union_polygons(ctx, polygons, &out.general);
    if (!merged) {
        out.error = ctx.last_error();
        return out;
    }
    out.geometry = from_geos(ctx, merged.get(), GeometryType::Polygon);
    return out;
}

/// The vertices of the features of `in`: above this many, the groups are merged on several threads.
constexpr std::size_t kThreadedVertices = 200'000;
constexpr unsigned kMaxThreads = 4;

std::vector<GroupGeometry> merge_all(const Layer& in, const std::vector<Group>& groups, unsigned& threads) {
    std::vector<GroupGeometry> out(groups.size());
    if (threads == 0) {
        std::size_t vertices = 0;
        for (const auto& f : in.features) vertices += f.geometry.points.size();
        threads = vertices < kThreadedVertices ? 1 : std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads);
    }
    threads = static_cast<unsigned>(std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(groups.size(), 1)));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        GeosContext ctx;  // one per thread
        for (std::size_t g = next++; g < groups.size(); g = next++) out[g] = merge(ctx, in, groups[g]);
    };
    if (threads <= 1) {
        work();
        return out;
    }
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
    return out;  // the jthreads join here, before `out` is returned
}

}  // namespace

std::optional<Geometry> coverage_union(std::span<const Geometry* const> polygons) {
    // 1. Every edge of every ring, oriented so that the polygon's inside is on its left (exteriors
    //    counter-clockwise, holes clockwise), repeated vertices skipped.
    std::vector<UndirectedEdge> edges;
    std::vector<Point> ring;
    for (const Geometry* g : polygons) {
        if (!g || g->type != GeometryType::Polygon) continue;
        for (std::size_t p = 0; p < g->part_count(); ++p)
            for (std::uint32_t r = g->parts[p]; r < g->parts[p + 1]; ++r) {
                ring.clear();
                for (std::uint32_t i = g->rings[r]; i < g->rings[r + 1]; ++i)
                    if (ring.empty() || !same_point(ring.back(), g->points[i])) ring.push_back(g->points[i]);
                while (ring.size() > 1 && same_point(ring.front(), ring.back())) ring.pop_back();
                if (ring.size() < 3) continue;
                const double a = area2(ring);
                if (a == 0) continue;
                const bool exterior = r == g->parts[p];
                const bool reversed = exterior ? a < 0 : a > 0;
                for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
                    Point from = ring[i], to = ring[(i + 1) % n];
                    if (reversed) std::swap(from, to);
                    if (before(from, to)) edges.push_back({from, to, +1});
                    else edges.push_back({to, from, -1});
                }
            }
    }
    // 2. An edge two neighbours share runs both ways and cancels; the others are the boundary.
    auto edge_less = [](const UndirectedEdge& l, const UndirectedEdge& r) {
        if (!same_point(l.a, r.a)) return before(l.a, r.a);
        return before(l.b, r.b);
    };
    std::sort(edges.begin(), edges.end(), edge_less);
    std::vector<std::pair<Point, Point>> boundary;  // from → to, inside on the left
    for (std::size_t i = 0; i < edges.size();) {
        std::size_t j = i;
        int net = 0;
        while (j < edges.size() && same_point(edges[j].a, edges[i].a) && same_point(edges[j].b, edges[i].b)) net += edges[j++].dir;
        const std::size_t count = j - i;
        if (count > 2 || (count == 2 && net != 0)) return std::nullopt;  // overlapping members
        if (net == 1) boundary.emplace_back(edges[i].a, edges[i].b);
        else if (net == -1) boundary.emplace_back(edges[i].b, edges[i].a);
        i = j;
    }
    edges = {};
    std::sort(boundary.begin(), boundary.end(), [](const auto& l, const auto& r) {
        if (!same_point(l.first, r.first)) return before(l.first, r.first);
        return before(l.second, r.second);
    });
    // 3. Chain the boundary into rings. At a vertex with several ways out, turning from the way back
    //    clockwise, the first way out is the one that keeps the same inside on the left.
    std::vector<std::uint8_t> used(boundary.size(), 0);
    std::vector<std::vector<Point>> rings;
    for (std::size_t start = 0; start < boundary.size(); ++start) {
        if (used[start]) continue;
        std::vector<Point> pts;
        std::size_t e = start;
        bool branched = false;  // went through a vertex with several ways out
        while (true) {
            used[e] = 1;
            pts.push_back(boundary[e].first);
            const Point v = boundary[e].second;
            auto lo = std::lower_bound(boundary.begin(), boundary.end(), v,
                                       [](const auto& edge, const Point& p) { return before(edge.first, p); });
            auto hi = lo;
            while (hi != boundary.end() && same_point(hi->first, v)) ++hi;
            if (lo == hi) return std::nullopt;  // the boundary does not close
            auto next = static_cast<std::size_t>(lo - boundary.begin());
            if (hi - lo > 1) {
                branched = true;
                const double back = std::atan2(boundary[e].first.y - v.y, boundary[e].first.x - v.x);
                double best = 10;
                for (auto k = lo; k != hi; ++k) {
                    double turn = back - std::atan2(k->second.y - v.y, k->second.x - v.x);
                    while (turn <= 0) turn += 2 * M_PI;
                    if (turn < best) {
                        best = turn;
                        next = static_cast<std::size_t>(k - boundary.begin());
                    }
                }
            }
            if (next == start) break;
            if (used[next]) return std::nullopt;
            e = next;
        }
        if (branched) split_at_repeated_vertices(pts, rings);
        else rings.push_back(std::move(pts));
    }
    // 4. Exteriors and holes; each hole in the smallest exterior around it.
    std::vector<std::size_t> shells, holes;
    std::vector<double> areas(rings.size());
    for (std::size_t r = 0; r < rings.size(); ++r) {
        areas[r] = area2(rings[r]);
        if (areas[r] == 0) return std::nullopt;
        (areas[r] > 0 ? shells : holes).push_back(r);
    }
    std::vector<std::vector<std::size_t>> holes_of(shells.size());
    std::vector<Box> shell_boxes;
    for (std::size_t s : shells) shell_boxes.push_back(ring_box(rings[s]));
    for (std::size_t h : holes) {
        if (shells.empty()) return std::nullopt;
        std::optional<std::size_t> owner;
        if (shells.size() == 1) owner = 0;
        const Box hb = ring_box(rings[h]);
        for (std::size_t s = 0; shells.size() > 1 && s < shells.size(); ++s) {
            const Box& sb = shell_boxes[s];
            if (hb.min_x < sb.min_x || hb.max_x > sb.max_x || hb.min_y < sb.min_y || hb.max_y > sb.max_y) continue;
            if (owner && areas[shells[*owner]] <= areas[shells[s]]) continue;
            // A vertex of the hole that is not one of the shell's (where they may touch) decides.
            for (const Point& p : rings[h]) {
                if (std::any_of(rings[shells[s]].begin(), rings[shells[s]].end(), [&](const Point& q) { return same_point(p, q); }))
                    continue;
                if (inside_ring(rings[shells[s]], p)) owner = s;
                break;
            }
        }
        if (!owner) return std::nullopt;
        holes_of[*owner].push_back(h);
    }
    Geometry out;
    out.type = GeometryType::Polygon;
    auto add_ring = [&](const std::vector<Point>& pts) {
        out.points.insert(out.points.end(), pts.begin(), pts.end());
        out.points.push_back(pts.front());
        out.end_ring();
    };
    for (std::size_t s = 0; s < shells.size(); ++s) {
        out.begin_part();
        add_ring(rings[shells[s]]);
        for (std::size_t h : holes_of[s]) add_ring(rings[h]);
    }
    if (out.points.empty()) return Geometry{};
    return out;
}

Layer dissolve(const Layer& in, const DissolveSpec& spec, Diagnostics& diagnostics, DissolveStats* stats) {
    DissolveStats local;
    DissolveStats& st = stats ? *stats : local;
    st = DissolveStats{};
    st.input_features = in.features.size();

    Layer out;
    out.name = in.name;
    out.source = in.source;
    out.crs = in.crs;

    const auto& fields = in.schema->fields();
    auto missing = [&](const SourceLocation& where, const std::string& field, std::string_view what) {
        diagnostics.error(where,
                          fmt::format("no field '{}' in layer '{}' (dissolve {}); its fields: {}", field, in.name,
                                      what, fields.empty() ? std::string("none") : fmt::format("{}", fmt::join(fields, ", "))),
                          field_hint(field, fields));
    };
    bool ok = true;
    std::optional<std::size_t> by_index;
    if (!spec.by.empty()) {
        by_index = in.schema->index(spec.by);
        if (!by_index) {
            missing(spec.declared_at, spec.by, "'by'");
            ok = false;
        }
    }
    std::vector<std::optional<std::size_t>> agg_index(spec.aggregates.size());
    for (std::size_t a = 0; a < spec.aggregates.size(); ++a) {
        const auto& agg = spec.aggregates[a];
        if (agg.how == Aggregation::Count) continue;
        agg_index[a] = in.schema->index(agg.field);
        if (!agg_index[a]) {
            missing(located(agg.declared_at) ? agg.declared_at : spec.declared_at, agg.field,
                    fmt::format("aggregate '{}'", agg.output));
            ok = false;
        }
    }
    if (!ok) return out;

    // Groups, in the order of their first appearance.
    std::vector<Group> groups;
    std::unordered_map<std::string, std::size_t> group_of;
    for (std::size_t i = 0; i < in.features.size(); ++i) {
        std::string key = "all";
        if (by_index) {
            const Value& v = in.features[i].value(*by_index);
            if (is_null(v)) {
                ++st.skipped_null;
                continue;
            }
            key = key_text(v);
        }
        auto [it, added] = group_of.try_emplace(key, groups.size());
        if (added) groups.push_back(Group{std::move(key), {}});
        groups[it->second].members.push_back(i);
    }

    // Attributes first (cheap, and a Sum of text stops before any geometry work).
    out.schema = std::make_shared<Schema>();
    if (by_index) out.schema->add(spec.by);
    for (const auto& agg : spec.aggregates) out.schema->add(agg.output);
    out.features.resize(groups.size());
    for (std::size_t a = 0; a < spec.aggregates.size(); ++a) {
        const auto& agg = spec.aggregates[a];
        const auto& where = located(agg.declared_at) ? agg.declared_at : spec.declared_at;
        std::size_t not_numbers = 0;
        std::string first_bad;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            Value v;
            switch (agg.how) {
                case Aggregation::First: v = in.features[groups[g].members.front()].value(*agg_index[a]); break;
                case Aggregation::Count: v = static_cast<double>(groups[g].members.size()); break;
                case Aggregation::Sum: {
                    double sum = 0;
                    bool any = false;
                    for (std::size_t i : groups[g].members) {
                        const Value& x = in.features[i].value(*agg_index[a]);
                        if (is_null(x)) continue;
                        if (auto n = number_of(x)) {
                            sum += *n;
                            any = true;
                        } else if (not_numbers++ == 0) {
                            first_bad = fmt::format("feature {} has '{}'", in.features[i].id, key_text(x));
                        }
                    }
                    if (any) v = sum;
                    break;
                }
                case Aggregation::List: {
                    std::vector<std::string> seen;
                    std::unordered_set<std::string> distinct;
                    for (std::size_t i : groups[g].members) {
                        const Value& x = in.features[i].value(*agg_index[a]);
                        if (is_null(x)) continue;
                        std::string text = key_text(x);
                        if (distinct.insert(text).second) seen.push_back(std::move(text));
                    }
                    v = fmt::format("{}", fmt::join(seen, spec.separator));
                    break;
                }
            }
            out.features[g].values.push_back(std::move(v));
        }
        if (not_numbers > 0) {
            diagnostics.error(where,
                              fmt::format("aggregate '{}' sums field '{}' of layer '{}', which holds text that is not a "
                                          "number: {}{}",
                                          agg.output, agg.field, in.name, first_bad,
                                          not_numbers > 1 ? fmt::format(" (and {} other values)", not_numbers - 1) : ""),
                              "use 'first', 'list' or 'count' for a text field");
            ok = false;
        }
    }
    if (!ok) {
        out.features.clear();
        return out;
    }

    st.threads = spec.threads;
    std::vector<GroupGeometry> merged = merge_all(in, groups, st.threads);
    for (std::size_t g = 0; g < groups.size(); ++g) {
        Feature& f = out.features[g];
        f.id = groups[g].key;
        if (by_index) f.values.insert(f.values.begin(), in.features[groups[g].members.front()].value(*by_index));
        GroupGeometry& m = merged[g];
        if (m.geos) ++st.geos_coverage_unions;
        if (m.general) ++st.general_unions;
        if (m.dropped > 0)
            diagnostics.warning(spec.declared_at,
                                fmt::format("group '{}' of layer '{}' mixes kinds of geometry: it keeps the {} "
                                            "of its first feature; {} feature(s) of another kind left out",
                                            groups[g].key, in.name, kind_name(m.kind), m.dropped));
        if (!m.error.empty())
            diagnostics.error(spec.declared_at, fmt::format("the union of group '{}' of layer '{}' failed: {}",
                                                            groups[g].key, in.name, m.error));
        f.geometry = std::move(m.geometry);
    }
    st.groups = out.features.size();
    return out;
}

}  // namespace cartelier::geo
