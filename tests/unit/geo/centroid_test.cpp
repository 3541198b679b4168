// to_points(Centroid): the centre of mass, which may fall outside a concave shape.
#include <gtest/gtest.h>

#include "geo/overlay.hpp"
#include "wkt_fixture.hpp"

using namespace cartelier;
using namespace cartelier::geo;
using cartelier::test::WktFeature;

TEST(Centroid, OfAConcaveUIsOutsideWhereThePointOnSurfaceIsInside) {
    // The 3 × 3 square less the notch [1, 2] × [1, 3]: area 7, centre (1.5, (9 × 1.5 − 2 × 2) / 7).
    Layer l = test::wkt_layer("epci", {}, {WktFeature{"u", "POLYGON ((0 0, 3 0, 3 3, 2 3, 2 1, 1 1, 1 3, 0 3, 0 0))", {}}});
    Diagnostics d;
    Layer centroids = to_points(l, PointKind::Centroid, {}, d);
    Layer on_surface = to_points(l, PointKind::OnSurface, {}, d);
    ASSERT_TRUE(d.empty()) << test::all_text(d);
    ASSERT_EQ(centroids.features.size(), 1u);
    ASSERT_EQ(on_surface.features.size(), 1u);
    const Point c = centroids.features[0].geometry.points.at(0);
    EXPECT_NEAR(c.x, 1.5, 1e-12);
    EXPECT_NEAR(c.y, 9.5 / 7, 1e-12);
    EXPECT_FALSE(test::contains(l.features[0].geometry, centroids.features[0].geometry));
    EXPECT_TRUE(test::contains(l.features[0].geometry, on_surface.features[0].geometry));
}

TEST(Centroid, OfPointsAndLines) {
    Layer l = test::wkt_layer("sites", {"n"},
                              {WktFeature{"pts", "MULTIPOINT (0 0, 4 0, 4 4, 0 4)", {Value(1.0)}},
                               WktFeature{"line", "LINESTRING (0 0, 10 0)", {Value(2.0)}},
                               WktFeature{"none", "", {Value(3.0)}}});
    Diagnostics d;
    Layer out = to_points(l, PointKind::Centroid, SourceLocation{"p.yaml", 3, 1, "layers.c.steps[0]"}, d);
    ASSERT_EQ(out.features.size(), 2u);
    EXPECT_TRUE(test::same_shape(out.features[0].geometry, "POINT (2 2)"));
    EXPECT_TRUE(test::same_shape(out.features[1].geometry, "POINT (5 0)"));
    EXPECT_EQ(d.items().size(), 1u);
    EXPECT_NE(test::all_text(d).find("feature none: no centroid"), std::string::npos) << test::all_text(d);
}
