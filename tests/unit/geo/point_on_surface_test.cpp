// to_points(OnSurface): a point inside each polygon, for symbols and labels.
#include <gtest/gtest.h>

#include "geo/overlay.hpp"
#include "wkt_fixture.hpp"

using namespace cartelier;
using namespace cartelier::geo;
using cartelier::test::WktFeature;

namespace {

/// A U open at the top: its centre of mass (1.5, 1.357) lies in the notch, outside.
const char* kU = "POLYGON ((0 0, 3 0, 3 3, 2 3, 2 1, 1 1, 1 3, 0 3, 0 0))";

}  // namespace

TEST(PointOnSurface, LiesInsideAConcaveShapeAndKeepsIdsAndFields) {
    Layer l = test::wkt_layer("epci", {"nom"},
                              {WktFeature{"u", kU, {Value("Vallée")}},
                               WktFeature{"two", "MULTIPOLYGON (((10 10, 11 10, 11 11, 10 11, 10 10)), ((20 0, 30 0, 30 5, 20 5, 20 0)))",
                                          {Value("Deux")}}});
    Diagnostics d;
    Layer out = to_points(l, PointKind::OnSurface, SourceLocation{"cartelier.yaml", 20, 5, "layers.p.steps[0]"}, d);
    ASSERT_TRUE(d.empty()) << test::all_text(d);
    ASSERT_EQ(out.features.size(), 2u);
    EXPECT_EQ(out.name, "epci");
    EXPECT_EQ(out.crs, "EPSG:2154");
    EXPECT_EQ(out.schema->fields(), (std::vector<std::string>{"nom"}));
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(out.features[i].id, l.features[i].id);
        EXPECT_EQ(out.features[i].values, l.features[i].values);
        EXPECT_EQ(out.features[i].geometry.type, GeometryType::Point);
        EXPECT_EQ(out.features[i].geometry.points.size(), 1u);
        EXPECT_TRUE(test::contains(l.features[i].geometry, out.features[i].geometry)) << out.features[i].id;
    }
    // Not where the centre of mass is (in the notch, outside): in an arm.
    const Point p = out.features[0].geometry.points.at(0);
    EXPECT_TRUE(p.x < 1 || p.x > 2) << p.x << " " << p.y;
    // A multipolygon: in its largest part.
    EXPECT_GT(out.features[1].geometry.points[0].x, 20);
}

TEST(PointOnSurface, AFeatureWithoutGeometryIsLeftOutWithAWarning) {
    Layer l = test::wkt_layer("epci", {"nom"},
                              {WktFeature{"e1", "", {Value("Vide")}}, WktFeature{"e2", kU, {Value("U")}}});
    Diagnostics d;
    Layer out = to_points(l, PointKind::OnSurface, SourceLocation{"cartelier.yaml", 20, 5, "layers.p.steps[0]"}, d);
    ASSERT_EQ(out.features.size(), 1u);
    EXPECT_EQ(out.features[0].id, "e2");
    ASSERT_EQ(d.items().size(), 1u);
    EXPECT_EQ(d.items()[0].severity, Severity::Warning);
    EXPECT_EQ(d.items()[0].where.line, 20);
    EXPECT_NE(d.items()[0].message.find("feature e1"), std::string::npos) << d.items()[0].message;
    EXPECT_NE(d.items()[0].message.find("no geometry"), std::string::npos) << d.items()[0].message;
}
