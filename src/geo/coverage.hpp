// Generalisation of a polygon coverage to the output's resolution, keeping shared borders shared.
// The polygons are cut into arcs at their junctions (TopoJSON's model: a junction is a vertex seen with
// different neighbours), each arc stored once; simplifying each arc once (Douglas–Peucker) and
// rebuilding the rings from the simplified arcs means neighbours keep exactly the same border, so
// they never crack apart or overlap. GEOS 3.11 has no coverage simplifier, hence this.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/geometry.hpp"

namespace cartelier::geo {

class Coverage {
public:
    /// Builds the arcs of the polygons (other geometries are passed through by simplify()). Shared
    /// borders are recognised by identical vertices (bit for bit), as published coverages have them.
    explicit Coverage(std::span<const Geometry* const> geometries);

    /// Every geometry with each arc simplified once to `tolerance` (in the coordinates' units).
    /// Rings that collapse to fewer than three vertices are dropped (with their part if it is an
    /// exterior ring); other geometry types are copied. Same order as given.
    std::vector<Geometry> simplify(double tolerance) const;

    /// Every arc once, simplified to `tolerance`, as the lines of one LineString geometry: stroking
    /// it draws each border once (a shared border is not stroked twice, once per neighbour).
    Geometry simplified_arcs(double tolerance) const;

    /// The union of the polygons `member` selects (member[i] != 0 for the i-th geometry given), made of
    /// `arcs` (simplified_arcs() of this coverage, at any tolerance): a border between two members
    /// cancels out, every other border is kept once. The result is one Polygon part whose rings are
    /// closed cycles of arcs, exteriors counter-clockwise and holes clockwise: fill it with the nonzero
    /// rule. Members may even overlap (their winding numbers add up). Drawing it instead of each member
    /// draws the same area with far fewer vertices and without anti-aliasing seams between neighbours.
    Geometry dissolve(std::span<const std::uint8_t> member, const Geometry& arcs) const;

    /// Which arcs border at least one of the polygons `member` selects (member[i] != 0 for the i-th
    /// geometry given): one flag per arc, in the order of simplified_arcs()' lines. Stroking the arcs
    /// flagged draws every border of the members once, a border between two members too, where
    /// stroking each member's rings would draw it twice.
    std::vector<std::uint8_t> arcs_bordering(std::span<const std::uint8_t> member) const;

    std::size_t arc_count() const { return arc_start_.empty() ? 0 : arc_start_.size() - 1; }
    std::size_t input_vertices() const { return input_vertices_; }
    std::size_t arc_vertices() const { return points_.size(); }

private:
    void simplify_arcs(double tolerance, std::vector<Point>& simple, std::vector<std::uint32_t>& simple_start) const;
    struct Shape {
        GeometryType type = GeometryType::None;
        std::uint32_t first_ring = 0;          ///< into ring_refs_
        std::vector<std::uint32_t> parts;      ///< the geometry's part offsets (relative ring indices)
        const Geometry* original = nullptr;    ///< non-polygons: copied as they are
    };
    std::vector<Point> points_;                ///< arcs' vertices, arc after arc
    std::vector<std::uint32_t> arc_start_;     ///< arc a = points_[arc_start_[a], arc_start_[a+1])
    std::vector<std::uint8_t> arc_kind_;       ///< 0: open arc, 1: closed loop, 2: keep as is
    std::vector<std::uint32_t> refs_;          ///< arc index << 1 | reversed
    std::vector<std::uint32_t> ring_refs_;     ///< ring r = refs_[ring_refs_[r], ring_refs_[r+1])
    std::vector<std::uint8_t> ring_flip_;      ///< ring r runs against its role (exterior CCW, hole CW)
    std::vector<Shape> shapes_;
    std::size_t input_vertices_ = 0;
};

/// How the lines of a LineString geometry (one line per ring, e.g. Coverage::simplified_arcs) join
/// end to end into as few lines as possible: where lines meet at a shared end vertex, one continues
/// into another. Stroking chains draws the same lines with far fewer path starts (each start repeats a
/// vertex), and with joins rather than caps where lines meet. Only the order is kept (a few bytes per
/// line), not the points: drawing walks the lines in it (see chain_lines for the points).
struct LineChains {
    /// line << 1 | 1 when the line is walked from its last vertex to its first.
    std::vector<std::uint32_t> steps;
    /// Chain c is steps[chain_start[c], chain_start[c + 1]).
    std::vector<std::uint32_t> chain_start;
    std::size_t chain_count() const { return chain_start.empty() ? 0 : chain_start.size() - 1; }

    /// Calls visit(point, first) for each vertex of chain c of `lines`, in order, each shared end
    /// vertex once; `first` is true for the chain's first vertex only. Given `keep` (one flag per
    /// line), the lines not kept are left out: the chain breaks there, and `first` is true again for
    /// the first vertex after each break.
    template <class Visit>
    void walk(const Geometry& lines, std::size_t c, Visit&& visit, std::span<const std::uint8_t> keep = {}) const {
        bool start = true;  // else: the previous line walked ended at this vertex
        for (std::uint32_t s = chain_start[c]; s < chain_start[c + 1]; ++s) {
            if (!keep.empty() && !keep[steps[s] >> 1]) {
                start = true;
                continue;
            }
            const std::uint32_t begin = lines.rings[steps[s] >> 1], end = lines.rings[(steps[s] >> 1) + 1];
            if (steps[s] & 1) {
                for (std::uint32_t k = end - (start ? 0 : 1); k-- > begin;) visit(lines.points[k], start && k == end - 1);
            } else {
                for (std::uint32_t k = begin + (start ? 0 : 1); k < end; ++k) visit(lines.points[k], start && k == begin);
            }
            start = false;
        }
    }
    /// How many vertices walk() visits for chain c (with `keep`, at most this many).
    std::size_t vertices(const Geometry& lines, std::size_t c) const {
        std::size_t n = 1;
        for (std::uint32_t s = chain_start[c]; s < chain_start[c + 1]; ++s)
            n += lines.rings[(steps[s] >> 1) + 1] - lines.rings[steps[s] >> 1] - 1;
        return n;
    }
};
LineChains chain_order(const Geometry& lines);

/// The chains of chain_order(lines) as points: one line per chain, each shared end vertex once.
Geometry chain_lines(const Geometry& lines);

/// Douglas–Peucker on one open line: indices of the vertices kept (first and last always).
/// `keep` is scratch space (resized); no allocation per vertex.
void douglas_peucker(std::span<const Point> line, double tolerance, std::vector<std::uint8_t>& keep);

}  // namespace cartelier::geo
