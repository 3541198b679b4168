// buffer(): each feature grown (or shrunk) by a distance in the layer's units.
#include <cmath>

#include <gtest/gtest.h>

#include "geo/overlay.hpp"
#include "wkt_fixture.hpp"

using namespace cartelier;
using namespace cartelier::geo;
using cartelier::test::WktFeature;

TEST(Buffer, APointBecomesADisc) {
    Layer l = test::wkt_layer("sites", {"nom"}, {WktFeature{"s", "POINT (100 200)", {Value("Plédran")}}});
    Diagnostics d;
    Layer out = buffer(l, 10, 32, {}, d);
    ASSERT_TRUE(d.empty()) << test::all_text(d);
    ASSERT_EQ(out.features.size(), 1u);
    const Geometry& disc = out.features[0].geometry;
    EXPECT_EQ(disc.type, GeometryType::Polygon);
    EXPECT_EQ(disc.points.size(), 4u * 32 + 1);
    // A regular 128-gon inscribed in the circle: area 128/2 · r² · sin(2π/128), 0.04 % under π r².
    EXPECT_NEAR(test::area_of(disc), 64 * 100 * std::sin(2 * M_PI / 128), 1e-9);
    EXPECT_NEAR(test::area_of(disc), M_PI * 100, M_PI * 100 * 1e-3);
    EXPECT_EQ(out.features[0].values, l.features[0].values);
    Box b = disc.bounds();
    EXPECT_NEAR(b.min_x, 90, 1e-9);
    EXPECT_NEAR(b.max_y, 210, 1e-9);
}

TEST(Buffer, ANegativeDistanceShrinksAndASmallPolygonVanishesWithAWarning) {
    Layer l = test::wkt_layer("communes", {},
                              {WktFeature{"big", "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", {}},
                               WktFeature{"small", "POLYGON ((20 0, 21 0, 21 1, 20 1, 20 0))", {}},
                               WktFeature{"line", "LINESTRING (0 20, 10 20)", {}}});
    Diagnostics d;
    SourceLocation at{"cartelier.yaml", 31, 7, "layers.inner.steps[0].buffer"};
    Layer out = buffer(l, -1, 8, at, d);
    ASSERT_EQ(out.features.size(), 1u);
    EXPECT_EQ(out.features[0].id, "big");
    EXPECT_TRUE(test::same_shape(out.features[0].geometry, "POLYGON ((1 1, 9 1, 9 9, 1 9, 1 1))"));
    ASSERT_EQ(d.items().size(), 2u) << test::all_text(d);
    for (const auto& w : d.items()) {
        EXPECT_EQ(w.severity, Severity::Warning);
        EXPECT_EQ(w.where.line, 31);
        EXPECT_EQ(w.where.path, "layers.inner.steps[0].buffer");
    }
    EXPECT_NE(d.items()[0].message.find("feature small"), std::string::npos) << d.items()[0].message;
    EXPECT_NE(d.items()[0].message.find("-1"), std::string::npos) << d.items()[0].message;
    EXPECT_NE(d.items()[1].message.find("feature line"), std::string::npos) << d.items()[1].message;
}

TEST(Buffer, ALineBecomesARoundedBand) {
    Layer l = test::wkt_layer("routes", {}, {WktFeature{"r", "LINESTRING (0 0, 10 0)", {}}});
    Diagnostics d;
    Layer out = buffer(l, 1, 16, {}, d);
    ASSERT_EQ(out.features.size(), 1u);
    EXPECT_TRUE(test::geos_valid(out.features[0].geometry));
    // The band 10 × 2 and two half discs.
    EXPECT_NEAR(test::area_of(out.features[0].geometry), 20 + M_PI, 0.01);
}
