// geo::offset_curve: what line-offset draws (WKT in, WKT out). A line moves to the right of its
// direction, a polygon's outline inward, with mitred corners; the result is a clean line or ring where
// a vertex-by-vertex offset of a detailed coast loops over itself.
#include <gtest/gtest.h>

#include "geo/geos.hpp"
#include "geo/wkt.hpp"

using namespace cartelier;
using namespace cartelier::geo;

namespace {

std::string offset(const char* wkt, double distance) {
    GeosContext ctx;
    const std::optional<Geometry> moved = offset_curve(ctx, from_wkt(ctx, wkt), distance);
    return moved ? to_wkt(ctx, *moved) : "failed: " + ctx.last_error();
}

}  // namespace

TEST(OffsetCurve, ALineMovesToTheRightOfItsDirection) {
    EXPECT_EQ(offset("LINESTRING (0 0, 100 0)", 5), "LINESTRING (0 -5, 100 -5)");
    EXPECT_EQ(offset("LINESTRING (100 0, 0 0)", 5), "LINESTRING (100 5, 0 5)");
    EXPECT_EQ(offset("LINESTRING (0 0, 100 0)", -5), "LINESTRING (0 5, 100 5)");
    // A right angle keeps its corner (a mitre).
    EXPECT_EQ(offset("LINESTRING (0 0, 100 0, 100 -100)", 5), "LINESTRING (0 -5, 95 -5, 95 -100)");
}

TEST(OffsetCurve, AnOutlineInsetsWhicheverWayItTurnsAndPassesOverWiggles) {
    EXPECT_EQ(offset("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))", 10), "POLYGON ((10 10, 10 90, 90 90, 90 10, 10 10))");
    EXPECT_EQ(offset("POLYGON ((0 0, 0 100, 100 100, 100 0, 0 0))", 10), "POLYGON ((10 10, 10 90, 90 90, 90 10, 10 10))");
    // A notch 1 deep in the top side: the inset has one wedge under it, as deep as the mitre allows
    // (under twice the offset), and no loop.
    EXPECT_EQ(offset("POLYGON ((0 0, 100 0, 100 100, 52 100, 51 99, 50 100, 0 100, 0 0))", 10),
              "POLYGON ((10 10, 10 90, 45.85786437626905 90, 51 84.85786437626905, 56.14213562373095 90, 90 90, "
              "90 10, 10 10))");
    // Negative: an outset, corners mitred.
    EXPECT_EQ(offset("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))", -10),
              "POLYGON ((-10 -10, -10 110, 110 110, 110 -10, -10 -10))");
    // A part narrower than twice the inset has no outline left.
    EXPECT_NE(offset("POLYGON ((0 0, 10 0, 10 100, 0 100, 0 0))", 10).find("EMPTY"), std::string::npos);
}
