// coverage_union(): the union of a clean coverage by cancelling shared edges, and dissolve()'s fallback
// to GEOS when the polygons are not one.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "geo/dissolve.hpp"
#include "wkt_fixture.hpp"

using namespace cartelier;
using namespace cartelier::geo;
using cartelier::test::WktFeature;

namespace {

std::optional<Geometry> union_of_wkt(std::initializer_list<const char*> wkts) {
    GeosContext ctx;
    std::vector<Geometry> geometries;
    for (const char* w : wkts) geometries.push_back(from_wkt(ctx, w));
    std::vector<const Geometry*> pointers;
    for (const auto& g : geometries) pointers.push_back(&g);
    return coverage_union(pointers);
}

/// The layer dissolved by its field "g".
Layer dissolved_by_g(const Layer& l, DissolveStats& stats) {
    DissolveSpec spec;
    spec.by = "g";
    Diagnostics d;
    Layer out = dissolve(l, spec, d, &stats);
    EXPECT_TRUE(d.empty()) << test::all_text(d);
    return out;
}

}  // namespace

TEST(CoverageUnion, SharedEdgesCancelWhateverTheRingsOrientation) {
    // The second square is given clockwise; the third has the vertex (1 1) on its bottom edge, as the
    // two squares below it have: shared borders have the same vertices on both sides.
    auto u = union_of_wkt({"POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))", "POLYGON ((1 0, 1 1, 2 1, 2 0, 1 0))",
                           "POLYGON ((0 1, 1 1, 2 1, 2 2, 0 2, 0 1))"});
    ASSERT_TRUE(u.has_value());
    EXPECT_TRUE(test::same_shape(*u, "POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))"));
    EXPECT_EQ(u->ring_count(), 1u);
    EXPECT_TRUE(test::geos_valid(*u));
}

TEST(CoverageUnion, SquaresTouchingAtACornerStayTwoParts) {
    auto u = union_of_wkt({"POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))", "POLYGON ((1 1, 2 1, 2 2, 1 2, 1 1))"});
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->part_count(), 2u);
    EXPECT_TRUE(test::geos_valid(*u));
    EXPECT_TRUE(test::same_shape(*u, "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((1 1, 2 1, 2 2, 1 2, 1 1)))"));
}

TEST(CoverageUnion, AnIslandInALakeKeepsTheLakeInTheRightExterior) {
    // A 5 × 5 frame of four members around the lake [1, 4]², and an island [2, 3]² in the lake.
    auto u = union_of_wkt({"POLYGON ((0 0, 5 0, 5 1, 4 1, 1 1, 0 1, 0 0))", "POLYGON ((0 4, 1 4, 4 4, 5 4, 5 5, 0 5, 0 4))",
                           "POLYGON ((0 1, 1 1, 1 4, 0 4, 0 1))", "POLYGON ((4 1, 5 1, 5 4, 4 4, 4 1))",
                           "POLYGON ((2 2, 3 2, 3 3, 2 3, 2 2))"});
    ASSERT_TRUE(u.has_value());
    EXPECT_TRUE(test::geos_valid(*u));
    EXPECT_EQ(u->part_count(), 2u);
    EXPECT_EQ(u->ring_count(), 3u);
    EXPECT_TRUE(test::same_shape(
        *u, "MULTIPOLYGON (((0 0, 5 0, 5 5, 0 5, 0 0), (1 1, 1 4, 4 4, 4 1, 1 1)), ((2 2, 3 2, 3 3, 2 3, 2 2)))"));
}

TEST(CoverageUnion, AHoleTouchingTheExteriorAtAPointIsARingOfItsOwn) {
    // The square [0, 4]² less the triangle (1 2, 3 2, 2 4), an enclave whose apex touches the top edge.
    auto u = union_of_wkt({"POLYGON ((0 0, 4 0, 4 2, 3 2, 1 2, 0 2, 0 0))", "POLYGON ((0 2, 1 2, 2 4, 0 4, 0 2))",
                           "POLYGON ((3 2, 4 2, 4 4, 2 4, 3 2))"});
    ASSERT_TRUE(u.has_value());
    EXPECT_TRUE(test::geos_valid(*u));
    EXPECT_EQ(u->part_count(), 1u);
    EXPECT_EQ(u->ring_count(), 2u);
    EXPECT_TRUE(test::same_shape(*u, "POLYGON ((0 0, 4 0, 4 4, 2 4, 0 4, 0 0), (1 2, 2 4, 3 2, 1 2))"));
}

TEST(CoverageUnion, OverlappingMembersAreRefused) {
    EXPECT_FALSE(union_of_wkt({"POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))", "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))"}).has_value());
    EXPECT_TRUE(union_of_wkt({}).has_value());
    EXPECT_TRUE(union_of_wkt({})->empty());
}

TEST(CoverageUnion, DissolveFallsBackToGeosOnATJunction) {
    // The bottom member's top edge runs (2 1) → (0 1) without the vertex (1 1) its two neighbours share:
    // the edges do not cancel; the result of cancelling is invalid, and GEOS's general union is taken.
    Layer l = test::wkt_layer("communes", {"g"},
                              {WktFeature{"bottom", "POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))", {Value("x")}},
                               WktFeature{"left", "POLYGON ((0 1, 1 1, 1 2, 0 2, 0 1))", {Value("x")}},
                               WktFeature{"right", "POLYGON ((1 1, 2 1, 2 2, 1 2, 1 1))", {Value("x")}}});
    DissolveStats stats;
    Layer out = dissolved_by_g(l, stats);
    ASSERT_EQ(out.features.size(), 1u);
    EXPECT_TRUE(test::geos_valid(out.features[0].geometry));
    EXPECT_TRUE(test::same_shape(out.features[0].geometry, "POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))"));
    EXPECT_EQ(out.features[0].geometry.ring_count(), 1u);
    EXPECT_EQ(stats.geos_coverage_unions, 1u);
    EXPECT_EQ(stats.general_unions, 1u);
}

TEST(CoverageUnion, ACleanCoverageNeedsNoGeosUnion) {
    Layer l = test::wkt_layer("communes", {"g"},
                              {WktFeature{"a", "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))", {Value("x")}},
                               WktFeature{"b", "POLYGON ((1 0, 2 0, 2 1, 1 1, 1 0))", {Value("x")}}});
    DissolveStats stats;
    Layer out = dissolved_by_g(l, stats);
    ASSERT_EQ(out.features.size(), 1u);
    EXPECT_EQ(stats.geos_coverage_unions, 0u);
    // Every vertex is an input vertex: the junction's two vertices stay on the straight edges.
    EXPECT_EQ(out.features[0].geometry.points.size(), 7u);
    EXPECT_TRUE(test::same_shape(out.features[0].geometry, "POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))"));
}
