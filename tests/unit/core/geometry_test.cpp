// Geometry::bounds against the definition it keeps: Box::expand over every vertex, one after another.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "core/geometry.hpp"

namespace cartelier {
namespace {

Box expanded(const Geometry& g) {
    Box b;
    for (const Point& p : g.points) b.expand(p);
    return b;
}

void expect_same(const Box& a, const Box& b) {
    EXPECT_EQ(a.min_x, b.min_x);
    EXPECT_EQ(a.min_y, b.min_y);
    EXPECT_EQ(a.max_x, b.max_x);
    EXPECT_EQ(a.max_y, b.max_y);
}

TEST(Geometry, BoundsAreThoseOfEveryVertexExpandedOneAfterAnother) {
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> coordinate(-1e6, 1e6);
    for (std::size_t n = 0; n < 40; ++n)
        for (int round = 0; round < 20; ++round) {
            Geometry g;
            for (std::size_t i = 0; i < n; ++i) g.points.push_back(Point{coordinate(random), coordinate(random)});
            const Box b = g.bounds();
            expect_same(b, expanded(g));
            if (n == 0) EXPECT_TRUE(b.empty());
        }
}

TEST(Geometry, BoundsPassOverANotANumberCoordinateAsExpandDoes) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t n = 1; n < 12; ++n)
        for (std::size_t at = 0; at < n; ++at) {
            Geometry g;
            for (std::size_t i = 0; i < n; ++i) g.points.push_back(Point{double(i), -double(i)});
            g.points[at].x = nan;
            expect_same(g.bounds(), expanded(g));
            // Every x not a number: the x side stays empty, the y side is the vertices'.
            for (Point& p : g.points) p.x = nan;
            const Box b = g.bounds();
            expect_same(b, expanded(g));
            EXPECT_EQ(b.min_x, std::numeric_limits<double>::infinity());
            EXPECT_EQ(b.max_x, -std::numeric_limits<double>::infinity());
            EXPECT_EQ(b.min_y, -double(n - 1));
        }
}

}  // namespace
}  // namespace cartelier
