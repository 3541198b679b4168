// Generalisation of a coverage keeps shared borders shared (geo::Coverage).
#include <algorithm>
#include <cmath>
#include <set>
#include <span>

#include <geos_c.h>
#include <gtest/gtest.h>

#include "geo/coverage.hpp"
#include "geo/geos.hpp"
#include "test_layers.hpp"

using namespace cartelier;
using namespace cartelier::geo;

namespace {

/// The wiggly border x = 10 + small waves, from (10, 0) up to (10, 10), 201 vertices.
std::vector<Point> wiggly_border() {
    std::vector<Point> b;
    for (int i = 0; i <= 200; ++i) {
        double y = i * 0.05;
        b.push_back({10 + 0.3 * std::sin(y * 3) + 0.004 * std::sin(y * 97), y});
    }
    return b;
}

Geometry polygon(const std::vector<Point>& ring) {
    Geometry g;
    g.type = GeometryType::Polygon;
    g.begin_part();
    g.points = ring;
    g.end_ring();
    return g;
}

/// Left square [0, border] × [0, 10] and right square [border, 20] × [0, 10], counter-clockwise.
std::pair<Geometry, Geometry> two_squares() {
    auto border = wiggly_border();
    std::vector<Point> left{{0, 0}};
    for (const auto& p : border) left.push_back(p);  // up the border
    left.push_back({0, 10});
    left.push_back({0, 0});
    std::vector<Point> right;
    for (auto it = border.rbegin(); it != border.rend(); ++it) right.push_back(*it);  // down the border
    right.push_back({20, 0});
    right.push_back({20, 10});
    right.push_back(right.front());
    return {polygon(left), polygon(right)};
}

/// Vertices of `g` with x > 5 and < 15 (the shared border's), as a set.
std::set<std::pair<double, double>> border_vertices(const Geometry& g) {
    std::set<std::pair<double, double>> s;
    for (const auto& p : g.points)
        if (p.x > 5 && p.x < 15) s.insert({p.x, p.y});
    return s;
}

bool valid(const Geometry& g) {
    GeosContext ctx;
    GeosGeometry geos = to_geos(ctx, g);
    return geos && GEOSisValid_r(ctx.get(), geos.get()) == 1;
}

}  // namespace

TEST(Coverage, SharedBorderStaysShared) {
    auto [left, right] = two_squares();
    const Geometry* input[] = {&left, &right};
    Coverage coverage(input);
    EXPECT_EQ(coverage.input_vertices(), left.points.size() + right.points.size());
    EXPECT_LT(coverage.arc_vertices(), coverage.input_vertices());  // the border is stored once
    for (double tolerance : {0.001, 0.01, 0.05, 0.2}) {
        auto out = coverage.simplify(tolerance);
        ASSERT_EQ(out.size(), 2u);
        auto a = border_vertices(out[0]), b = border_vertices(out[1]);
        EXPECT_EQ(a, b) << "tolerance " << tolerance;
        EXPECT_GE(a.size(), 2u);
    }
}

TEST(Coverage, VertexCountsDrop) {
    auto [left, right] = two_squares();
    const Geometry* input[] = {&left, &right};
    Coverage coverage(input);
    std::size_t before = left.points.size() + right.points.size();
    auto fine = coverage.simplify(0.001);
    auto coarse = coverage.simplify(0.05);
    std::size_t n_fine = fine[0].points.size() + fine[1].points.size();
    std::size_t n_coarse = coarse[0].points.size() + coarse[1].points.size();
    EXPECT_LT(n_fine, before);
    EXPECT_LT(n_coarse, n_fine);
    EXPECT_LT(n_coarse, before / 4);
    // Zero tolerance keeps every vertex.
    auto same = coverage.simplify(0);
    EXPECT_EQ(same[0].points.size(), left.points.size());
    EXPECT_EQ(same[1].points.size(), right.points.size());
}

TEST(Coverage, NoInvalidityIntroduced) {
    auto [left, right] = two_squares();
    ASSERT_TRUE(valid(left));
    ASSERT_TRUE(valid(right));
    const Geometry* input[] = {&left, &right};
    Coverage coverage(input);
    for (double tolerance : {0.001, 0.01, 0.05, 0.2, 1.0}) {
        auto out = coverage.simplify(tolerance);
        EXPECT_TRUE(valid(out[0])) << "tolerance " << tolerance;
        EXPECT_TRUE(valid(out[1])) << "tolerance " << tolerance;
    }
}

TEST(Coverage, IslandAndHoleShareTheirLoop) {
    // A square with a round hole, and the island that fills the hole exactly (an enclave commune).
    std::vector<Point> circle;
    for (int i = 0; i < 100; ++i) circle.push_back({5 + 2 * std::cos(i * 0.0628318), 5 + 2 * std::sin(i * 0.0628318)});
    circle.push_back(circle.front());
    Geometry outer;
    outer.type = GeometryType::Polygon;
    outer.begin_part();
    outer.points = {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}};
    outer.end_ring();
    for (auto it = circle.rbegin(); it != circle.rend(); ++it) outer.points.push_back(*it);
    outer.end_ring();
    Geometry island = polygon(circle);
    const Geometry* input[] = {&outer, &island};
    Coverage coverage(input);
    auto out = coverage.simplify(0.05);
    ASSERT_EQ(out[0].ring_count(), 2u);
    std::set<std::pair<double, double>> hole, isle;
    for (std::uint32_t i = out[0].rings[1]; i < out[0].rings[2]; ++i) hole.insert({out[0].points[i].x, out[0].points[i].y});
    for (const auto& p : out[1].points) isle.insert({p.x, p.y});
    EXPECT_EQ(hole, isle);
    EXPECT_LT(isle.size(), 100u);
    EXPECT_GE(isle.size(), 3u);
    EXPECT_TRUE(valid(out[0]));
    EXPECT_TRUE(valid(out[1]));
}

TEST(Coverage, OtherGeometriesPassThrough) {
    Geometry pt = Geometry::point({1, 2});
    auto [left, right] = two_squares();
    const Geometry* input[] = {&pt, &left};
    Coverage coverage(input);
    auto out = coverage.simplify(0.1);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].type, GeometryType::Point);
    EXPECT_EQ(out[0].points.size(), 1u);
    EXPECT_EQ(out[1].type, GeometryType::Polygon);
}

TEST(DouglasPeucker, KeepsEndsAndFarVertices) {
    std::vector<Point> line{{0, 0}, {1, 0.001}, {2, 0}, {3, 5}, {4, 0}};
    std::vector<std::uint8_t> keep;
    douglas_peucker(line, 0.01, keep);
    EXPECT_EQ(keep, (std::vector<std::uint8_t>{1, 0, 1, 1, 1}));
}

namespace {

/// Signed area of every ring (shoelace), summed: exteriors counter-clockwise count positive.
double signed_area(const Geometry& g) {
    double a = 0;
    for (std::size_t r = 0; r < g.ring_count(); ++r)
        for (std::uint32_t i = g.rings[r]; i + 1 < g.rings[r + 1]; ++i)
            a += g.points[i].x * g.points[i + 1].y - g.points[i + 1].x * g.points[i].y;
    return a / 2;
}

Geometry reversed(Geometry g) {
    for (std::size_t r = 0; r < g.ring_count(); ++r)
        std::reverse(g.points.begin() + g.rings[r], g.points.begin() + g.rings[r + 1]);
    return g;
}

Geometry square(double x0, double y0, double x1, double y1) {
    return polygon({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}});
}

}  // namespace

TEST(CoverageDissolve, SharedBorderCancels) {
    auto [left, right] = two_squares();
    const Geometry* both[] = {&left, &right};
    Coverage coverage(both);
    const Geometry arcs = coverage.simplified_arcs(0);
    const std::uint8_t all[] = {1, 1};
    Geometry merged = coverage.dissolve(all, arcs);
    ASSERT_EQ(merged.type, GeometryType::Polygon);
    EXPECT_EQ(merged.ring_count(), 1u);
    EXPECT_NEAR(signed_area(merged), 200, 1e-9);
    // Of the wiggly border only its two ends, which are corners of the union, remain.
    EXPECT_EQ(border_vertices(merged).size(), 2u);
    EXPECT_TRUE(valid(merged));
}

TEST(CoverageDissolve, MembersOnlyAndRingsOriented) {
    auto [left, right] = two_squares();
    const Geometry right_cw = reversed(right);  // a clockwise exterior, as some files have
    const Geometry* both[] = {&left, &right_cw};
    Coverage coverage(both);
    const Geometry arcs = coverage.simplified_arcs(0);
    const std::uint8_t only_right[] = {0, 1};
    Geometry merged = coverage.dissolve(only_right, arcs);
    EXPECT_EQ(merged.ring_count(), 1u);
    EXPECT_NEAR(signed_area(merged), -signed_area(right_cw), 1e-9);  // counter-clockwise now
    EXPECT_GT(signed_area(merged), 0);
    const std::uint8_t all[] = {1, 1};
    EXPECT_NEAR(signed_area(coverage.dissolve(all, arcs)), 200, 1e-9);
    const std::uint8_t none[] = {0, 0};
    EXPECT_TRUE(coverage.dissolve(none, arcs).empty());
}

TEST(CoverageDissolve, HoleFilledByItsIslandDisappears) {
    Geometry donut = square(0, 0, 10, 10);
    const Geometry hole = reversed(square(3, 3, 6, 6));
    donut.points.insert(donut.points.end(), hole.points.begin(), hole.points.end());
    donut.end_ring();
    const Geometry island = square(3, 3, 6, 6);
    const Geometry* both[] = {&donut, &island};
    Coverage coverage(both);
    const Geometry arcs = coverage.simplified_arcs(0);
    const std::uint8_t donut_only[] = {1, 0};
    Geometry ring = coverage.dissolve(donut_only, arcs);
    EXPECT_EQ(ring.ring_count(), 2u);
    EXPECT_NEAR(signed_area(ring), 100 - 9, 1e-9);  // the hole runs clockwise
    const std::uint8_t all[] = {1, 1};
    Geometry full = coverage.dissolve(all, arcs);
    EXPECT_EQ(full.ring_count(), 1u);
    EXPECT_NEAR(signed_area(full), 100, 1e-9);
}

TEST(CoverageDissolve, OverlappingMembersStillCoverTheirUnion) {
    // Not a coverage: the nonzero winding numbers add up where the squares overlap, nothing cancels.
    const Geometry a = square(0, 0, 10, 10), b = square(5, 5, 15, 15);
    const Geometry* both[] = {&a, &b};
    Coverage coverage(both);
    const std::uint8_t all[] = {1, 1};
    Geometry merged = coverage.dissolve(all, coverage.simplified_arcs(0));
    EXPECT_EQ(merged.ring_count(), 2u);
    EXPECT_NEAR(signed_area(merged), 200, 1e-9);  // each square's winding, counted once each
}

TEST(ChainLines, EverySegmentOnceInFewerLines) {
    auto [left, right] = two_squares();
    const Geometry* both[] = {&left, &right};
    Coverage coverage(both);
    const Geometry arcs = coverage.simplified_arcs(0.05);
    const Geometry chains = chain_lines(arcs);
    ASSERT_EQ(chains.type, GeometryType::LineString);
    auto segments = [](const Geometry& g) {
        std::multiset<std::pair<std::pair<double, double>, std::pair<double, double>>> s;
        for (std::size_t r = 0; r < g.ring_count(); ++r)
            for (std::uint32_t i = g.rings[r]; i + 1 < g.rings[r + 1]; ++i) {
                std::pair<double, double> p{g.points[i].x, g.points[i].y}, q{g.points[i + 1].x, g.points[i + 1].y};
                s.insert(std::minmax(p, q));
            }
        return s;
    };
    EXPECT_EQ(segments(chains), segments(arcs));
    EXPECT_EQ(arcs.ring_count(), 3u);  // the border and each square's outer side, between two junctions
    EXPECT_EQ(chains.ring_count(), 1u);  // two junctions of degree 3: one chain runs through all three
    EXPECT_LT(chains.points.size(), arcs.points.size());
}

TEST(ChainOrder, EveryLineOnceAndEachStepStartsWhereThePreviousEnded) {
    // A grid of 3 x 2 squares: junctions of degree 3 and 4, and a closed island of its own.
    std::vector<Geometry> squares = test::grid_of_squares(3, 2, 10);
    squares.push_back(polygon({{50, 50}, {55, 50}, {55, 55}, {50, 50}}));
    std::vector<const Geometry*> all;
    for (const auto& g : squares) all.push_back(&g);
    Coverage coverage(all);
    const Geometry arcs = coverage.simplified_arcs(0.01);
    const LineChains chains = chain_order(arcs);

    std::vector<int> seen(arcs.ring_count(), 0);
    for (std::uint32_t step : chains.steps) ++seen[step >> 1];
    EXPECT_EQ(seen, std::vector<int>(arcs.ring_count(), 1));
    EXPECT_LT(chains.chain_count(), arcs.ring_count());
    auto first = [&](std::uint32_t step) {
        const std::uint32_t l = step >> 1;
        return (step & 1) ? arcs.points[arcs.rings[l + 1] - 1] : arcs.points[arcs.rings[l]];
    };
    auto last = [&](std::uint32_t step) {
        const std::uint32_t l = step >> 1;
        return (step & 1) ? arcs.points[arcs.rings[l]] : arcs.points[arcs.rings[l + 1] - 1];
    };
    for (std::size_t c = 0; c < chains.chain_count(); ++c)
        for (std::uint32_t s = chains.chain_start[c] + 1; s < chains.chain_start[c + 1]; ++s) {
            EXPECT_EQ(first(chains.steps[s]).x, last(chains.steps[s - 1]).x);
            EXPECT_EQ(first(chains.steps[s]).y, last(chains.steps[s - 1]).y);
        }
    // chain_lines() is the same order as points: one line per chain, each shared vertex once.
    const Geometry lines = chain_lines(arcs);
    EXPECT_EQ(lines.ring_count(), chains.chain_count());
    EXPECT_EQ(lines.points.size(), arcs.points.size() - (chains.steps.size() - chains.chain_count()));
}

namespace {

/// The total length of the segments of lines `keep` flags (all when `keep` is empty).
double length_of(const Geometry& lines, std::span<const std::uint8_t> keep = {}) {
    double total = 0;
    for (std::size_t r = 0; r < lines.ring_count(); ++r) {
        if (!keep.empty() && !keep[r]) continue;
        for (std::uint32_t i = lines.rings[r]; i + 1 < lines.rings[r + 1]; ++i)
            total += std::hypot(lines.points[i + 1].x - lines.points[i].x, lines.points[i + 1].y - lines.points[i].y);
    }
    return total;
}

std::vector<const Geometry*> pointers_to(const std::vector<Geometry>& geometries) {
    std::vector<const Geometry*> out;
    for (const auto& g : geometries) out.push_back(&g);
    return out;
}

/// The length the chains walk (with `keep`, only the lines kept), and in how many pieces.
double walked_length(const Geometry& lines, const LineChains& chains, std::span<const std::uint8_t> keep,
                     std::size_t& pieces) {
    double walked = 0;
    pieces = 0;
    for (std::size_t c = 0; c < chains.chain_count(); ++c) {
        Point previous{};
        chains.walk(lines, c, [&](Point p, bool first) {
            if (first) ++pieces;
            else walked += std::hypot(p.x - previous.x, p.y - previous.y);
            previous = p;
        }, keep);
    }
    return walked;
}

}  // namespace

TEST(CoverageArcsBordering, EachBorderOfTheMembersOnceAndNoOtherBorder) {
    // Three squares of side 10 in a row, west to east: A | B | C.
    const std::vector<Geometry> squares = test::grid_of_squares(3, 1, 10);
    Coverage coverage(pointers_to(squares));
    const Geometry arcs = coverage.simplified_arcs(0);
    auto bordering = [&](std::vector<std::uint8_t> member) {
        const std::vector<std::uint8_t> keep = coverage.arcs_bordering(member);
        EXPECT_EQ(keep.size(), arcs.ring_count());
        return length_of(arcs, keep);
    };
    EXPECT_NEAR(bordering({0, 1, 0}), 40, 1e-9);  // B's four sides: its borders with A and C too
    EXPECT_NEAR(bordering({1, 1, 0}), 70, 1e-9);  // A's and B's, the border between them once
    EXPECT_NEAR(bordering({1, 1, 1}), length_of(arcs), 1e-9);
    EXPECT_NEAR(bordering({1, 1, 1}), 100, 1e-9);
    EXPECT_NEAR(bordering({1, 0, 1}), 80, 1e-9);   // A and C do not touch
    EXPECT_NEAR(bordering({0, 0, 0}), 0, 1e-9);
}

TEST(ChainOrder, AWalkKeepingSomeLinesBreaksTheChainsWhereOthersWereLeftOut) {
    const std::vector<Geometry> squares = test::grid_of_squares(3, 2, 10);
    Coverage coverage(pointers_to(squares));
    const Geometry arcs = coverage.simplified_arcs(0);
    const LineChains chains = chain_order(arcs);
    // The borders of the middle square of the bottom row only.
    std::vector<std::uint8_t> member(squares.size(), 0);
    member[2] = 1;  // grid_of_squares goes column by column: (1, 0) is the third
    const std::vector<std::uint8_t> keep = coverage.arcs_bordering(member);
    // Walked with `keep`, the chains draw exactly the kept lines' segments, each piece starting anew
    // (a piece that went on across a line left out would add that jump to the length).
    std::size_t pieces = 0;
    EXPECT_NEAR(walked_length(arcs, chains, keep, pieces), 40, 1e-9);
    EXPECT_NEAR(length_of(arcs, keep), 40, 1e-9);
    EXPECT_GE(pieces, 1u);
    // Without `keep`, every segment: the horizontal lines, then the vertical ones.
    EXPECT_NEAR(walked_length(arcs, chains, {}, pieces), 3 * 30 + 4 * 20, 1e-9);
    EXPECT_NEAR(length_of(arcs), 3 * 30 + 4 * 20, 1e-9);
}
