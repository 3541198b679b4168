// geo::label_point: where a symbol layer labels an area or a line (WKT in, point out).
#include <cmath>

#include <gtest/gtest.h>

#include "geo/geos.hpp"
#include "geo/wkt.hpp"

using namespace cartelier;
using namespace cartelier::geo;

namespace {

const Box kEverywhere{-1e9, -1e9, 1e9, 1e9};

std::optional<Point> at(const char* wkt, const Box& clip = kEverywhere, double tolerance = 0.01) {
    GeosContext ctx;
    return label_point(ctx, from_wkt(ctx, wkt), clip, tolerance);
}

}  // namespace

TEST(LabelPoint, AnAreaIsLabelledAtTheCentreOfItsLargestInscribedCircle) {
    // A 10 × 2 bar with a 2 × 8 stem at its left end (an L): the widest room is in the corner, on the
    // diagonal at t from both outer sides and as far from the inner corner (2, 2): t = √2 (2 − t),
    // t = 2√2 / (1 + √2) ≈ 1.172 — not the centre of mass (3.22, 3.22: outside, beyond the inner corner).
    const auto p = at("POLYGON ((0 0, 10 0, 10 2, 2 2, 2 10, 0 10, 0 0))");
    ASSERT_TRUE(p.has_value());
    const double t = 2 * std::sqrt(2.0) / (1 + std::sqrt(2.0));
    EXPECT_NEAR(p->x, t, 0.01);
    EXPECT_NEAR(p->y, t, 0.01);
    // A square: its centre.
    const auto c = at("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))");
    ASSERT_TRUE(c.has_value());
    EXPECT_NEAR(c->x, 2, 0.01);
    EXPECT_NEAR(c->y, 2, 0.01);
}

TEST(LabelPoint, AHoleIsNotRoom) {
    // A 10 × 10 square with a 6 × 6 hole in its middle: the centre is in the hole; the label goes in
    // the ring around it.
    const auto p = at("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 8 2, 8 8, 2 8, 2 2))");
    ASSERT_TRUE(p.has_value());
    EXPECT_FALSE(p->x > 2 && p->x < 8 && p->y > 2 && p->y < 8) << p->x << " " << p->y;
}

TEST(LabelPoint, AMultiPolygonIsLabelledOnceInItsLargestPart) {
    const auto p = at("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((20 0, 30 0, 30 10, 20 10, 20 0)), "
                      "((40 0, 42 0, 42 2, 40 2, 40 0)))");
    ASSERT_TRUE(p.has_value());
    EXPECT_NEAR(p->x, 25, 0.01);
    EXPECT_NEAR(p->y, 5, 0.01);
}

TEST(LabelPoint, OnlyWhatTheFrameShowsCounts) {
    // The largest part lies outside the frame: the label goes in the part the frame shows.
    const char* two = "MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((20 0, 30 0, 30 10, 20 10, 20 0)))";
    const auto p = at(two, Box{-5, -5, 5, 5});
    ASSERT_TRUE(p.has_value());
    EXPECT_NEAR(p->x, 1, 0.01);
    EXPECT_NEAR(p->y, 1, 0.01);
    // An area cut by the frame: labelled inside the frame, in the part it shows.
    const auto cut = at("POLYGON ((0 0, 100 0, 100 10, 0 10, 0 0))", Box{90, -5, 200, 20});
    ASSERT_TRUE(cut.has_value());
    EXPECT_NEAR(cut->x, 95, 0.01);
    EXPECT_NEAR(cut->y, 5, 0.01);
    // Nothing inside the frame: no label.
    EXPECT_FALSE(at(two, Box{100, 100, 200, 200}).has_value());
}

TEST(LabelPoint, ALineIsLabelledHalfwayAlongItsLongestPartInTheFrame) {
    const auto p = at("MULTILINESTRING ((0 0, 4 0), (10 0, 10 6, 16 6))");
    ASSERT_TRUE(p.has_value());
    EXPECT_NEAR(p->x, 10, 1e-9);
    EXPECT_NEAR(p->y, 6, 1e-9);
    // Clipped by the frame: halfway along what is inside.
    const auto q = at("LINESTRING (0 0, 100 0)", Box{60, -1, 200, 1});
    ASSERT_TRUE(q.has_value());
    EXPECT_NEAR(q->x, 80, 1e-9);
}

TEST(LabelPoint, APointIsItsFirstPointInsideTheFrame) {
    const auto p = at("MULTIPOINT ((0 0), (5 5))", Box{1, 1, 10, 10});
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->x, 5);
    EXPECT_EQ(p->y, 5);
    EXPECT_FALSE(at("POINT (0 0)", Box{1, 1, 10, 10}).has_value());
    EXPECT_FALSE(at("POLYGON EMPTY").has_value());
}
