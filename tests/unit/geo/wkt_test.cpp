// WKT to and from Cartelier's geometry model.
#include <gtest/gtest.h>

#include "geo/wkt.hpp"
#include "wkt_fixture.hpp"

using namespace cartelier;
using namespace cartelier::geo;

TEST(Wkt, ReadsAndWritesEachKind) {
    GeosContext ctx;
    for (const char* wkt : {"POINT (1.5 2)", "MULTIPOINT (0 0, 1 1)", "LINESTRING (0 0, 1 1, 2 0)",
                            "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))",
                            "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))",
                            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))"}) {
        Geometry g = from_wkt(ctx, wkt);
        EXPECT_EQ(to_wkt(ctx, g), wkt);
    }
    Geometry square = from_wkt(ctx, "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))");
    EXPECT_EQ(square.type, GeometryType::Polygon);
    EXPECT_EQ(square.ring_count(), 2u);
    EXPECT_EQ(square.part_count(), 1u);
    EXPECT_EQ(from_wkt(ctx, "POINT (0.1 0.30000000000000004)").points.at(0).y, 0.30000000000000004);
    EXPECT_TRUE(from_wkt(ctx, "POLYGON EMPTY").empty());
    EXPECT_EQ(to_wkt(ctx, Geometry{}), "GEOMETRYCOLLECTION EMPTY");
}

TEST(Wkt, BadTextThrowsNamingIt) {
    GeosContext ctx;
    try {
        from_wkt(ctx, "POLYGON ((0 0, 1 0, 1 1)");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("POLYGON ((0 0, 1 0, 1 1)"), std::string::npos) << e.what();
    }
    EXPECT_THROW(from_wkt(ctx, "CIRCLE (0 0, 1)"), Error);
}
