// Geocoding sites by commune code: placement at the point on surface, and the check of given coordinates
// with the distance and the likely mistake (swapped, radians, wrong scale) in the message.
#include <gtest/gtest.h>

#include "geo/geocode.hpp"
#include "geo/geos.hpp"
#include "geo/projection.hpp"
#include "test_layers.hpp"

using namespace cartelier;
using namespace cartelier::geo;

namespace {

/// Two lon/lat "communes": 07341 (a 0.1° square) and 07342 right of it.
Layer communes() {
    return test::square_layer("communes", "communes.geojson", "EPSG:4326", "code", 0.1,
                              {{"07341", {4.0, 44.5}}, {"07342", {4.1, 44.5}}});
}

struct Row {
    std::string id, insee;
    std::optional<Point> lonlat;
};

Layer sites(const std::vector<Row>& rows) {
    Layer l;
    l.name = "sites";
    l.source = "sites.csv";
    l.crs = "EPSG:4326";
    l.schema->add("insee");
    std::uint32_t line = 2;
    for (const auto& r : rows) {
        Feature f;
        f.id = r.id;
        f.line = line++;
        f.values = {Value(r.insee)};
        if (r.lonlat) f.geometry = Geometry::point(*r.lonlat);
        l.features.push_back(std::move(f));
    }
    return l;
}

GeocodeSpec spec() { return {"communes", "insee", "code", 0, false, {"cartelier.yaml", 30, 5, "layers.sites.geocode"}}; }

}  // namespace

TEST(Geocode, PlacesARowWithoutCoordinatesAtThePointOnTheSurfaceOfItsCommune) {
    Layer s = sites({{"a", "07341", std::nullopt}, {"b", "07342", std::nullopt}});
    Layer c = communes();
    Diagnostics d;
    GeocodeStats stats = geocode(s, c, spec(), d);
    ASSERT_FALSE(d.has_errors()) << d.format();
    EXPECT_EQ(stats.placed, 2u);
    GeosContext ctx;
    for (std::size_t i = 0; i < 2; ++i) {
        ASSERT_EQ(s.features[i].geometry.type, GeometryType::Point);
        PreparedPolygon poly(ctx, c.features[i].geometry);
        EXPECT_TRUE(poly.covers(s.features[i].geometry.points.front())) << i;
        auto expected = point_on_surface(ctx, c.features[i].geometry);
        EXPECT_DOUBLE_EQ(s.features[i].geometry.points.front().x, expected->x);
        EXPECT_DOUBLE_EQ(s.features[i].geometry.points.front().y, expected->y);
    }
}

TEST(Geocode, AcceptsCoordinatesInTheirCommune) {
    Layer s = sites({{"a", "07341", Point{4.05, 44.55}}});
    Layer c = communes();
    Diagnostics d;
    GeocodeStats stats = geocode(s, c, spec(), d);
    EXPECT_FALSE(d.has_errors()) << d.format();
    EXPECT_EQ(stats.checked, 1u);
    EXPECT_EQ(stats.placed, 0u);
}

TEST(Geocode, SwappedCoordinatesAreAnErrorSayingHowFarOffAndThatTheyLookSwapped) {
    Layer s = sites({{"a", "07341", Point{44.55, 4.05}}});
    Layer c = communes();
    Diagnostics d;
    geocode(s, c, spec(), d);
    ASSERT_EQ(d.error_count(), 1u) << d.format();
    const auto& e = d.items()[0];
    EXPECT_EQ(e.where.file, "sites.csv");
    EXPECT_EQ(e.where.line, 2);
    EXPECT_EQ(e.where.path, "column 'insee'");
    EXPECT_NE(e.message.find("row 'a' at (44.55, 4.05) lies"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("km outside code 07341 of layer 'communes'"), std::string::npos) << e.message;
    EXPECT_NE(e.hint.find("look swapped"), std::string::npos) << e.hint;
}

TEST(Geocode, ReportsTheDistanceInMetresAndTheCommuneThePointFallsIn) {
    // 0.05° east of 07341's edge at 44.55°N: in 07342, about 3.97 km from 07341.
    Layer s = sites({{"a", "07341", Point{4.15, 44.55}}});
    Layer c = communes();
    Diagnostics d;
    geocode(s, c, spec(), d);
    ASSERT_EQ(d.error_count(), 1u) << d.format();
    EXPECT_NE(d.items()[0].message.find("lies 4.0 km outside"), std::string::npos) << d.items()[0].message;
    EXPECT_NE(d.items()[0].message.find("it falls in code 07342"), std::string::npos) << d.items()[0].message;
    EXPECT_EQ(d.items()[0].hint, "check the coordinates, or the code");
    // Within a stated tolerance it is accepted.
    Diagnostics d2;
    GeocodeSpec tolerant = spec();
    tolerant.tolerance_m = 4500;
    Layer s2 = sites({{"a", "07341", Point{4.15, 44.55}}});
    geocode(s2, c, tolerant, d2);
    EXPECT_FALSE(d2.has_errors()) << d2.format();
}

TEST(Geocode, RecognisesRadiansAndAScaleError) {
    const double rad = 3.14159265358979 / 180;
    Layer s = sites({{"r", "07341", Point{4.05 * rad, 44.55 * rad}}, {"t", "07341", Point{0.405, 4.455}}});
    Layer c = communes();
    Diagnostics d;
    geocode(s, c, spec(), d);
    ASSERT_EQ(d.error_count(), 2u) << d.format();
    EXPECT_NE(d.items()[0].hint.find("radians"), std::string::npos) << d.items()[0].hint;
    EXPECT_NE(d.items()[1].hint.find("10 times too small"), std::string::npos) << d.items()[1].hint;
}

TEST(Geocode, ACodeWithoutItsLeadingZeroIsRecognisedOrNormalisedOnRequest) {
    Layer c = communes();
    Layer s = sites({{"a", "7341", std::nullopt}});
    Diagnostics d;
    geocode(s, c, spec(), d);
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_NE(d.items()[0].message.find("code '7341' is not in layer 'communes'"), std::string::npos);
    EXPECT_NE(d.items()[0].hint.find("did you mean 07341?"), std::string::npos) << d.items()[0].hint;

    GeocodeSpec insee = spec();
    insee.insee = true;
    Layer s2 = sites({{"a", "7341", std::nullopt}});
    Diagnostics d2;
    GeocodeStats stats = geocode(s2, c, insee, d2);
    EXPECT_FALSE(d2.has_errors()) << d2.format();
    EXPECT_EQ(stats.placed, 1u);
}

TEST(Geocode, ARowWithNeitherCoordinatesNorCodeIsAnError) {
    Layer c = communes();
    Layer s = sites({{"a", "", std::nullopt}});
    Diagnostics d;
    geocode(s, c, spec(), d);
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_NE(d.items()[0].message.find("neither coordinates nor a code"), std::string::npos);
}

TEST(Geocode, WorksAcrossCrssAndReturnsPointsInThePointsCrs) {
    Layer c = communes();
    reproject(c, "EPSG:2154");
    Layer s = sites({{"a", "07342", std::nullopt}, {"b", "07341", Point{4.05, 44.55}}, {"c", "07341", Point{44.55, 4.05}}});
    Diagnostics d;
    GeocodeStats stats = geocode(s, c, spec(), d);
    EXPECT_EQ(stats.placed, 1u);
    EXPECT_EQ(stats.checked, 2u);
    const Point p = s.features[0].geometry.points.front();
    EXPECT_GT(p.x, 4.1);
    EXPECT_LT(p.x, 4.2);
    EXPECT_GT(p.y, 44.5);
    EXPECT_LT(p.y, 44.6);
    ASSERT_EQ(d.error_count(), 1u) << d.format();
    EXPECT_NE(d.items()[0].hint.find("look swapped"), std::string::npos);
}
