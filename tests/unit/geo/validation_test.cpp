// Geometry validation: invalid polygons repaired with MakeValid and reported with the feature id;
// NaN, out-of-range and degenerate geometries are errors; missing geometries are warnings.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>
#include <xxhash.h>

#include "geo/geos.hpp"
#include "geo/validation.hpp"

using namespace cartelier;
using namespace cartelier::geo;

namespace {

Feature polygon(std::string id, std::vector<Point> ring) {
    Feature f;
    f.id = std::move(id);
    f.geometry.type = GeometryType::Polygon;
    f.geometry.begin_part();
    f.geometry.points = std::move(ring);
    f.geometry.end_ring();
    return f;
}

Layer layer(std::string crs) {
    Layer l;
    l.name = "zones";
    l.source = "zones.geojson";
    l.crs = std::move(crs);
    return l;
}

}  // namespace

TEST(Validation, ABowTieIsRepairedWithMakeValidAndReportedWithItsFeatureId) {
    Layer l = layer("EPSG:2154");
    l.features.push_back(polygon("bowtie", {{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}));
    l.features.push_back(polygon("ok", {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}));
    Diagnostics d;
    ValidationStats stats = validate_geometries(l, d);
    EXPECT_EQ(stats.repaired, 1u);
    EXPECT_FALSE(d.has_errors()) << d.format();
    ASSERT_EQ(d.items().size(), 1u) << d.format();
    EXPECT_EQ(d.items()[0].format(),
              "zones.geojson: warning: feature bowtie: invalid polygon (Self-intersection[5 5]): repaired with GEOS "
              "MakeValid (fix the source, or list the feature in the layer's 'repaired' when the source cannot be fixed)");
    GeosContext ctx;
    EXPECT_EQ(invalidity_reason(ctx, l.features[0].geometry), "");
    EXPECT_EQ(l.features[0].geometry.part_count(), 2u);  // two triangles
}

TEST(Validation, NanAndOutOfRangeCoordinatesAreErrorsAndTheGeometryIsDropped) {
    Layer l = layer("EPSG:4326");
    l.features.push_back(polygon("nan", {{0, 0}, {1, std::numeric_limits<double>::quiet_NaN()}, {1, 1}, {0, 0}}));
    l.features.push_back(polygon("far", {{0, 0}, {1, 0}, {1, 95}, {0, 0}}));
    l.features.push_back(polygon("fine", {{0, 0}, {1, 0}, {1, 1}, {0, 0}}));
    Diagnostics d;
    ValidationStats stats = validate_geometries(l, d);
    EXPECT_EQ(stats.rejected, 2u);
    ASSERT_EQ(d.error_count(), 2u) << d.format();
    EXPECT_EQ(d.items()[0].where.path, "feature nan");
    EXPECT_NE(d.items()[0].message.find("vertex 2 has coordinates (1, nan): expected finite numbers"), std::string::npos)
        << d.format();
    EXPECT_EQ(d.items()[1].where.path, "feature far");
    EXPECT_NE(d.items()[1].message.find("out of range for EPSG:4326"), std::string::npos);
    EXPECT_TRUE(l.features[0].geometry.empty());
    EXPECT_FALSE(l.features[2].geometry.empty());
}

TEST(Validation, DegenerateRingsAreErrorsAndNeverReachGeos) {
    Layer l = layer("EPSG:2154");
    l.features.push_back(polygon("two", {{0, 0}, {1, 1}}));
    Diagnostics d;
    validate_geometries(l, d);
    ASSERT_EQ(d.error_count(), 1u) << d.format();
    EXPECT_NE(d.items()[0].message.find("ring 1 has 2 point(s)"), std::string::npos);
    // The GEOS wrappers themselves survive such input.
    GeosContext ctx;
    Feature f = polygon("two", {{0, 0}, {1, 1}});
    PreparedPolygon p(ctx, f.geometry);
    EXPECT_FALSE(p.covers({0, 0}));
    EXPECT_FALSE(point_on_surface(ctx, f.geometry).has_value());
}

TEST(Validation, AFeatureWithoutGeometryIsAWarningAndManyAreSummarised) {
    Layer l = layer("EPSG:2154");
    for (int i = 0; i < 30; ++i) {
        Feature f;
        f.id = std::to_string(i);
        l.features.push_back(f);
    }
    Diagnostics d;
    ValidationStats stats = validate_geometries(l, d, 5);
    EXPECT_EQ(stats.empty, 30u);
    EXPECT_FALSE(d.has_errors());
    ASSERT_EQ(d.items().size(), 6u) << d.format();
    EXPECT_EQ(d.items()[0].format(),
              "zones.geojson: warning: feature 0: the feature has no geometry (null or empty): it will not be drawn");
    EXPECT_NE(d.items()[5].message.find("25 more features of layer 'zones'"), std::string::npos);
}

TEST(Validation, ARepairTheProjectAcknowledgesIsMadeSilentlyAndAStaleAcknowledgementIsAWarning) {
    // The IGN 2018 communes have one self-intersecting ring (14174): the project lists it in `repaired`.
    Layer l = layer("EPSG:2154");
    l.features.push_back(polygon("bowtie", {{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}));
    l.features.push_back(polygon("other", {{20, 0}, {30, 10}, {30, 0}, {20, 10}, {20, 0}}));
    l.features.push_back(polygon("ok", {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}));
    Diagnostics d;
    GeometryValidator v(l, d);
    v.acknowledge_repairs({"bowtie", "ok", "gone"}, SourceLocation{"cartelier.yaml", 12, 5, "layers.zones.repaired"});
    for (auto& f : l.features) v.check(f);
    const ValidationStats stats = v.finish();
    EXPECT_EQ(stats.repaired, 2u);
    EXPECT_EQ(stats.acknowledged, 1u);
    EXPECT_EQ(l.features[0].geometry.part_count(), 2u) << "repaired all the same";
    const std::string text = d.format();
    EXPECT_EQ(text.find("feature bowtie"), std::string::npos) << text;
    EXPECT_NE(text.find("feature other: invalid polygon"), std::string::npos) << "not listed: reported\n" << text;
    EXPECT_NE(text.find("cartelier.yaml:12:5: warning: layers.zones.repaired: layer 'zones' lists feature 'ok' as "
                        "repaired, but the layer has no such feature or its geometry is valid"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("lists feature 'gone'"), std::string::npos) << text;
    EXPECT_EQ(d.error_count(), 0u);
}

// What a read learnt of its valid polygons spares the next read GEOS's check of the same polygons; an
// invalid polygon is never learnt, so it is repaired and reported at every read; a polygon one vertex
// of which moved is checked again.
TEST(Validation, PolygonsFoundValidBeforeAreNotCheckedAgainAndInvalidOnesAlwaysAre) {
    auto read = [] {
        Layer l = layer("EPSG:2154");
        l.features.push_back(polygon("bowtie", {{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}));
        l.features.push_back(polygon("ok", {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}));
        l.features.push_back(polygon("also-ok", {{20, 0}, {30, 0}, {30, 10}, {20, 10}, {20, 0}}));
        return l;
    };
    auto validate = [](Layer& l, ValidPolygons& memo, Diagnostics& d) {
        GeometryValidator v(l, d);
        v.remember(memo);
        for (auto& f : l.features) v.check(f);
        return v.finish();
    };
    Layer first = read();
    Diagnostics d1;
    ValidPolygons none;
    EXPECT_EQ(validate(first, none, d1).repaired, 1u);
    EXPECT_EQ(none.hits(), 0u);
    const std::vector<ValidPolygons::Digest> learnt = none.learned();
    EXPECT_EQ(learnt.size(), 2u) << "the two squares, not the bow-tie";

    // The same file again: both squares known, the bow-tie repaired and reported again.
    Layer second = read();
    Diagnostics d2;
    ValidPolygons memo(learnt);
    EXPECT_EQ(validate(second, memo, d2).repaired, 1u);
    EXPECT_EQ(memo.hits(), 2u);
    EXPECT_EQ(memo.learned(), learnt);
    EXPECT_EQ(d2.format(), d1.format());
    EXPECT_EQ(second.features[0].geometry.part_count(), 2u);

    // One square edited into a bow-tie (two vertices swapped): not known (its digest differs), so checked
    // and repaired.
    Layer third = read();
    std::swap(third.features[2].geometry.points[1], third.features[2].geometry.points[2]);
    Diagnostics d3;
    ValidPolygons again(learnt);
    EXPECT_EQ(validate(third, again, d3).repaired, 2u);
    EXPECT_EQ(again.hits(), 1u);
    EXPECT_NE(d3.format().find("feature also-ok: invalid polygon"), std::string::npos) << d3.format();
    EXPECT_EQ(again.learned().size(), 1u);
}

// The memo's digests are kept in the prepared cache between builds: a polygon's digest is the XXH3-128
// of its bytes end to end (append_geometry_bytes), however it is computed, so that a memo written by an
// earlier version is still found.
TEST(Validation, APolygonsDigestIsTheDigestOfItsBytes) {
    Feature f = polygon("square", {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}});
    f.geometry.begin_part();
    f.geometry.points.insert(f.geometry.points.end(), {{20, 0}, {30, 0}, {30, 10}, {20, 0}});
    f.geometry.end_ring();
    std::string bytes;
    append_geometry_bytes(bytes, f.geometry);
    const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
    EXPECT_EQ(ValidPolygons::digest(f.geometry), (ValidPolygons::Digest{h.high64, h.low64}));
    Feature g = polygon("other", {{0, 0}, {10, 0}, {10, 11}, {0, 10}, {0, 0}});
    EXPECT_NE(ValidPolygons::digest(g.geometry), ValidPolygons::digest(f.geometry));
}
