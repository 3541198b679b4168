// clip(): features cut to a mask; inside ones kept to the bit, outside ones left out.
#include <gtest/gtest.h>

#include "geo/overlay.hpp"
#include "wkt_fixture.hpp"

using namespace cartelier;
using namespace cartelier::geo;
using cartelier::test::WktFeature;

namespace {

Geometry mask_0_10() {
    GeosContext ctx;
    return from_wkt(ctx, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))");
}

}  // namespace

TEST(Clip, InsideKeptBitForBitOutsideDroppedCrossingCut) {
    Layer l = test::wkt_layer(
        "communes", {"code"},
        {WktFeature{"inside", "POLYGON ((2.123456789012345 2.1, 5.000000000000001 2.2, 4.3 6.7, 2.123456789012345 2.1))",
                    {Value("a")}},
         WktFeature{"outside", "POLYGON ((20 20, 21 20, 21 21, 20 21, 20 20))", {Value("b")}},
         WktFeature{"crossing", "POLYGON ((8 8, 12 8, 12 12, 8 12, 8 8))", {Value("c")}},
         WktFeature{"touching", "POLYGON ((10 0, 12 0, 12 2, 10 2, 10 0))", {Value("d")}},  // shares an edge only
         WktFeature{"near", "POLYGON ((11 -5, 12 -5, 12 15, 11 15, 11 -5))", {Value("e")}}});  // boxes overlap, not shapes
    Diagnostics d;
    Layer out = clip(l, mask_0_10(), d);
    ASSERT_TRUE(d.empty()) << test::all_text(d);
    ASSERT_EQ(out.features.size(), 2u);
    EXPECT_EQ(out.features[0].id, "inside");
    EXPECT_TRUE(test::bit_for_bit(out.features[0].geometry, l.features[0].geometry));
    EXPECT_EQ(out.features[0].values, l.features[0].values);
    EXPECT_EQ(out.features[1].id, "crossing");
    EXPECT_EQ(out.features[1].values, l.features[2].values);
    EXPECT_TRUE(test::same_shape(out.features[1].geometry, "POLYGON ((8 8, 10 8, 10 10, 8 10, 8 8))"));
    EXPECT_EQ(out.features[1].geometry.type, GeometryType::Polygon);
    EXPECT_EQ(out.name, "communes");
}

TEST(Clip, ALineIsCutToALineAndAPolygonCutKeepsOnlyItsPolygons) {
    Layer l = test::wkt_layer(
        "routes", {},
        {WktFeature{"across", "LINESTRING (-5 5, 15 5)", {}},
         WktFeature{"along", "LINESTRING (-5 0, 15 0)", {}},  // on the mask's edge: a line still
         // A U whose arms cross the mask's top edge and whose bottom touches it from outside at one
         // point: the intersection has two squares and a point; the point is dropped.
         WktFeature{"u", "POLYGON ((1 9, 3 9, 3 12, 6 12, 6 9, 8 9, 8 14, 1 14, 1 9))", {}}});
    Diagnostics d;
    Layer out = clip(l, mask_0_10(), d);
    ASSERT_TRUE(d.empty()) << test::all_text(d);
    ASSERT_EQ(out.features.size(), 3u);
    EXPECT_TRUE(test::same_shape(out.features[0].geometry, "LINESTRING (0 5, 10 5)"));
    EXPECT_EQ(out.features[0].geometry.type, GeometryType::LineString);
    EXPECT_TRUE(test::same_shape(out.features[1].geometry, "LINESTRING (0 0, 10 0)"));
    EXPECT_TRUE(test::same_shape(out.features[2].geometry,
                                 "MULTIPOLYGON (((1 9, 3 9, 3 10, 1 10, 1 9)), ((6 9, 8 9, 8 10, 6 10, 6 9)))"));
}

TEST(Clip, ToABox) {
    Box box;
    box.expand(Point{0, 0});
    box.expand(Point{4, 2});
    Geometry rect = box_polygon(box);
    EXPECT_TRUE(test::same_shape(rect, "POLYGON ((0 0, 4 0, 4 2, 0 2, 0 0))"));
    EXPECT_TRUE(test::geos_valid(rect));
    EXPECT_TRUE(box_polygon(Box{}).empty());
    Layer l = test::wkt_layer("pts", {},
                              {WktFeature{"in", "POINT (1 1)", {}}, WktFeature{"out", "POINT (5 1)", {}},
                               WktFeature{"edge", "POINT (4 1)", {}},
                               WktFeature{"multi", "MULTIPOINT (1 1, 9 9)", {}},
                               WktFeature{"poly", "POLYGON ((-1 -1, 1 -1, 1 1, -1 1, -1 -1))", {}}});
    Diagnostics d;
    Layer out = clip(l, rect, d);
    ASSERT_EQ(out.features.size(), 4u);
    EXPECT_EQ(out.features[0].id, "in");
    EXPECT_EQ(out.features[1].id, "edge");
    EXPECT_TRUE(test::same_shape(out.features[2].geometry, "POINT (1 1)"));
    EXPECT_TRUE(test::same_shape(out.features[3].geometry, "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))"));
}

TEST(Clip, AnEmptyMaskLeavesNothing) {
    Layer l = test::wkt_layer("pts", {}, {WktFeature{"in", "POINT (1 1)", {}}});
    Diagnostics d;
    EXPECT_TRUE(clip(l, Geometry{}, d).features.empty());
}

TEST(Clip, UnionOfALayerIsTheMask) {
    Layer mask_layer = test::wkt_layer("departements", {},
                                       {WktFeature{"77", "POLYGON ((0 0, 5 0, 5 10, 0 10, 0 0))", {}},
                                        WktFeature{"51", "POLYGON ((5 0, 10 0, 10 10, 5 10, 5 0))", {}},
                                        WktFeature{"pt", "POINT (50 50)", {}}});
    Geometry mask = union_of(mask_layer);
    EXPECT_TRUE(test::same_shape(mask, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"));
    EXPECT_EQ(mask.ring_count(), 1u);
    EXPECT_TRUE(union_of(test::wkt_layer("pts", {}, {WktFeature{"p", "POINT (1 1)", {}}})).empty());
    Layer l = test::wkt_layer("routes", {}, {WktFeature{"r", "LINESTRING (-5 5, 15 5)", {}}});
    Diagnostics d;
    Layer out = clip(l, mask, d);
    ASSERT_EQ(out.features.size(), 1u);
    EXPECT_TRUE(test::same_shape(out.features[0].geometry, "LINESTRING (0 5, 10 5)"));
}
