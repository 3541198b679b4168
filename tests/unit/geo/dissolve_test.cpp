// dissolve(): features merged by a field, attributes aggregated; on a coverage, shared borders vanish.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "geo/dissolve.hpp"
#include "wkt_fixture.hpp"

using namespace cartelier;
using namespace cartelier::geo;
using cartelier::test::WktFeature;

namespace {

std::string square_wkt(double x, double y, double side = 1) {
    return fmt::format("POLYGON (({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))", x, y, x + side, y + side);
}

/// A 4 × 3 grid of unit squares, communes of three groups: "247" the column x ∈ [3, 4], listed first;
/// "245" the 3 × 3 block around "246", its one commune at (1, 1), an enclave.
Layer enclave_coverage() {
    Layer l = test::wkt_layer("communes", {"code", "epci"}, {});
    GeosContext ctx;
    auto add = [&](int x, int y, const char* epci) {
        Feature f;
        f.id = fmt::format("c{}{}", x, y);
        f.values = {Value(f.id), Value(std::string(epci))};
        f.geometry = from_wkt(ctx, square_wkt(x, y));
        l.features.push_back(std::move(f));
    };
    for (int y = 0; y < 3; ++y) add(3, y, "247");
    for (int x = 0; x < 3; ++x)
        for (int y = 0; y < 3; ++y) add(x, y, x == 1 && y == 1 ? "246" : "245");
    return l;
}

DissolveSpec by(const std::string& field) {
    DissolveSpec spec;
    spec.by = field;
    spec.declared_at = SourceLocation{"cartelier.yaml", 12, 9, "layers.epci.steps[1].dissolve.by"};
    return spec;
}

const Feature* find(const Layer& l, const std::string& id) {
    for (const auto& f : l.features)
        if (f.id == id) return &f;
    return nullptr;
}

}  // namespace

TEST(Dissolve, CoverageWithAnEnclaveHasAHoleOnlyWhereTheEnclaveIs) {
    Layer communes = enclave_coverage();
    Diagnostics d;
    DissolveStats stats;
    Layer epci = dissolve(communes, by("epci"), d, &stats);
    ASSERT_TRUE(d.empty()) << test::all_text(d);
    ASSERT_EQ(epci.features.size(), 3u);
    // First-appearance order, ids the values.
    EXPECT_EQ(epci.features[0].id, "247");
    EXPECT_EQ(epci.features[1].id, "245");
    EXPECT_EQ(epci.features[2].id, "246");
    EXPECT_TRUE(test::same_shape(epci.features[0].geometry, "POLYGON ((3 0, 4 0, 4 3, 3 3, 3 0))"));
    EXPECT_TRUE(test::same_shape(epci.features[1].geometry,
                                 "POLYGON ((0 0, 3 0, 3 3, 0 3, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))"));
    EXPECT_TRUE(test::same_shape(epci.features[2].geometry, square_wkt(1, 1)));
    // One part, exactly two rings: the border with "247" left no crack, the enclave one hole.
    EXPECT_EQ(epci.features[1].geometry.part_count(), 1u);
    EXPECT_EQ(epci.features[1].geometry.ring_count(), 2u);
    EXPECT_EQ(epci.features[0].geometry.ring_count(), 1u);
    for (const auto& f : epci.features) EXPECT_TRUE(test::geos_valid(f.geometry)) << f.id;
    EXPECT_DOUBLE_EQ(test::area_of(epci.features[1].geometry), 8.0);
    EXPECT_EQ(stats.input_features, 12u);
    EXPECT_EQ(stats.groups, 3u);
    EXPECT_EQ(stats.general_unions, 0u);
    EXPECT_EQ(epci.name, "communes");
    EXPECT_EQ(epci.crs, "EPSG:2154");
    EXPECT_EQ(epci.schema->fields(), (std::vector<std::string>{"epci"}));
    EXPECT_EQ(std::get<std::string>(epci.features[2].values.at(0)), "246");
}

TEST(Dissolve, AMultiPolygonMemberKeepsItsSeparatePart) {
    Layer l = test::wkt_layer(
        "communes", {"epci"},
        {WktFeature{"island", "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((3 0, 4 0, 4 1, 3 1, 3 0)))", {Value("A")}},
         WktFeature{"mainland", square_wkt(1, 0), {Value("A")}}});
    Diagnostics d;
    Layer out = dissolve(l, by("epci"), d);
    ASSERT_EQ(out.features.size(), 1u);
    EXPECT_TRUE(test::same_shape(out.features[0].geometry,
                                 "MULTIPOLYGON (((0 0, 2 0, 2 1, 0 1, 0 0)), ((3 0, 4 0, 4 1, 3 1, 3 0)))"));
    EXPECT_EQ(out.features[0].geometry.part_count(), 2u);
    EXPECT_TRUE(test::geos_valid(out.features[0].geometry));
}

TEST(Dissolve, NullsAreSkippedAndNumbersGroupByTheirText) {
    Layer l = test::wkt_layer("communes", {"n"},
                              {WktFeature{"a", square_wkt(0, 0), {Value(1.0)}},
                               WktFeature{"b", square_wkt(1, 0), {Value()}},
                               WktFeature{"c", square_wkt(2, 0), {Value(std::string("1"))}},
                               WktFeature{"d", square_wkt(5, 5), {Value(2.5)}},
                               WktFeature{"e", square_wkt(6, 5), {}}});  // value missing altogether: null
    Diagnostics d;
    DissolveStats stats;
    Layer out = dissolve(l, by("n"), d, &stats);
    ASSERT_EQ(out.features.size(), 2u);
    EXPECT_EQ(out.features[0].id, "1");
    EXPECT_EQ(out.features[1].id, "2.5");
    EXPECT_DOUBLE_EQ(std::get<double>(out.features[0].values.at(0)), 1.0);  // the first value, as it was
    // b left out: a and c are not neighbours, so two parts.
    EXPECT_TRUE(test::same_shape(out.features[0].geometry,
                                 "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((2 0, 3 0, 3 1, 2 1, 2 0)))"));
    EXPECT_EQ(stats.skipped_null, 2u);
    EXPECT_EQ(stats.groups, 2u);
}

TEST(Dissolve, EveryAggregation) {
    Layer l = test::wkt_layer(
        "communes", {"epci", "nom", "pop", "dep"},
        {WktFeature{"a", square_wkt(0, 0), {Value("E1"), Value("Alpha"), Value(100.0), Value("77")}},
         WktFeature{"b", square_wkt(1, 0), {Value("E1"), Value("Beta"), Value(std::string("2.5")), Value("51")}},
         WktFeature{"c", square_wkt(2, 0), {Value("E1"), Value("Gamma"), Value(), Value("77")}},
         WktFeature{"d", square_wkt(0, 1), {Value("E2"), Value(), Value(), Value()}}});
    DissolveSpec spec = by("epci");
    spec.separator = " | ";
    spec.aggregates = {{"premier", "nom", Aggregation::First, {}},
                       {"population", "pop", Aggregation::Sum, {}},
                       {"communes", "", Aggregation::Count, {}},
                       {"departements", "dep", Aggregation::List, {}}};
    Diagnostics d;
    Layer out = dissolve(l, spec, d);
    ASSERT_TRUE(d.empty()) << test::all_text(d);
    ASSERT_EQ(out.features.size(), 2u);
    EXPECT_EQ(out.schema->fields(),
              (std::vector<std::string>{"epci", "premier", "population", "communes", "departements"}));
    const auto& e1 = out.features[0].values;
    ASSERT_EQ(e1.size(), 5u);
    EXPECT_EQ(std::get<std::string>(e1[0]), "E1");
    EXPECT_EQ(std::get<std::string>(e1[1]), "Alpha");
    EXPECT_DOUBLE_EQ(std::get<double>(e1[2]), 102.5);
    EXPECT_DOUBLE_EQ(std::get<double>(e1[3]), 3.0);
    EXPECT_EQ(std::get<std::string>(e1[4]), "77 | 51");
    const auto& e2 = out.features[1].values;
    EXPECT_TRUE(is_null(e2[1]));      // first: the first feature's null
    EXPECT_TRUE(is_null(e2[2]));      // sum of nulls only
    EXPECT_DOUBLE_EQ(std::get<double>(e2[3]), 1.0);
    EXPECT_EQ(std::get<std::string>(e2[4]), "");
    EXPECT_TRUE(test::same_shape(out.features[0].geometry, "POLYGON ((0 0, 3 0, 3 1, 0 1, 0 0))"));
}

TEST(Dissolve, WithoutAFieldEverythingBecomesOneFeature) {
    Layer communes = enclave_coverage();
    Diagnostics d;
    DissolveSpec spec;
    spec.aggregates = {{"n", "", Aggregation::Count, {}}};
    Layer out = dissolve(communes, spec, d);
    ASSERT_EQ(out.features.size(), 1u);
    EXPECT_EQ(out.features[0].id, "all");
    EXPECT_EQ(out.schema->fields(), (std::vector<std::string>{"n"}));
    EXPECT_DOUBLE_EQ(std::get<double>(out.features[0].values.at(0)), 12.0);
    EXPECT_TRUE(test::same_shape(out.features[0].geometry, "POLYGON ((0 0, 4 0, 4 3, 0 3, 0 0))"));
    EXPECT_EQ(out.features[0].geometry.ring_count(), 1u);
}

TEST(Dissolve, OverlappingMembersTakeTheGeneralUnion) {
    Layer l = test::wkt_layer("zones", {"g"},
                              {WktFeature{"a", square_wkt(0, 0, 2), {Value("x")}},
                               WktFeature{"b", square_wkt(1, 1, 2), {Value("x")}},
                               WktFeature{"c", square_wkt(10, 10), {Value("y")}}});
    Diagnostics d;
    DissolveStats stats;
    Layer out = dissolve(l, by("g"), d, &stats);
    ASSERT_TRUE(d.empty()) << test::all_text(d);
    ASSERT_EQ(out.features.size(), 2u);
    EXPECT_EQ(stats.general_unions, 1u);
    EXPECT_TRUE(test::same_shape(out.features[0].geometry, "POLYGON ((0 0, 2 0, 2 1, 3 1, 3 3, 1 3, 1 2, 0 2, 0 0))"));
    EXPECT_TRUE(test::geos_valid(out.features[0].geometry));
}

TEST(Dissolve, SeveralThreadsGiveTheSameLayer) {
    // A 24 × 24 grid into 36 blocks of 4 × 4, listed column by column so that groups interleave.
    Layer l = test::wkt_layer("grid", {"block"}, {});
    GeosContext ctx;
    for (int x = 0; x < 24; ++x)
        for (int y = 0; y < 24; ++y) {
            Feature f;
            f.id = fmt::format("{}-{}", x, y);
            f.values = {Value(static_cast<double>((y / 4) * 6 + x / 4))};
            f.geometry = from_wkt(ctx, square_wkt(x, y));
            l.features.push_back(std::move(f));
        }
    DissolveSpec one = by("block"), three = by("block");
    one.threads = 1;
    three.threads = 3;
    Diagnostics d;
    DissolveStats stats_one, stats_three;
    Layer a = dissolve(l, one, d, &stats_one), b = dissolve(l, three, d, &stats_three);
    ASSERT_TRUE(d.empty()) << test::all_text(d);
    EXPECT_EQ(stats_one.threads, 1u);
    EXPECT_EQ(stats_three.threads, 3u);
    ASSERT_EQ(a.features.size(), 36u);
    ASSERT_EQ(b.features.size(), 36u);
    for (std::size_t i = 0; i < a.features.size(); ++i) {
        EXPECT_EQ(a.features[i].id, b.features[i].id);
        EXPECT_TRUE(test::bit_for_bit(a.features[i].geometry, b.features[i].geometry)) << a.features[i].id;
    }
    EXPECT_EQ(a.features[0].id, "0");
    EXPECT_EQ(a.features[1].id, "6");
    EXPECT_TRUE(test::same_shape(a.features[1].geometry, square_wkt(0, 4, 4)));
}

TEST(Dissolve, LinesAndPointsAreGatheredAndAMixedGroupWarns) {
    Layer l = test::wkt_layer("routes", {"route"},
                              {WktFeature{"r1", "LINESTRING (0 0, 1 0)", {Value("N7")}},
                               WktFeature{"r2", "MULTILINESTRING ((1 0, 2 0), (5 5, 6 6))", {Value("N7")}},
                               WktFeature{"p", "POINT (9 9)", {Value("N7")}},
                               WktFeature{"q", "POINT (1 1)", {Value("X")}},
                               WktFeature{"r", "POINT (2 2)", {Value("X")}}});
    Diagnostics d;
    Layer out = dissolve(l, by("route"), d);
    ASSERT_EQ(out.features.size(), 2u);
    EXPECT_EQ(out.features[0].geometry.type, GeometryType::LineString);
    EXPECT_EQ(out.features[0].geometry.part_count(), 3u);
    EXPECT_TRUE(test::same_shape(out.features[0].geometry, "MULTILINESTRING ((0 0, 1 0), (1 0, 2 0), (5 5, 6 6))"));
    EXPECT_TRUE(test::same_shape(out.features[1].geometry, "MULTIPOINT (1 1, 2 2)"));
    ASSERT_EQ(d.items().size(), 1u) << test::all_text(d);
    EXPECT_EQ(d.items()[0].severity, Severity::Warning);
    EXPECT_NE(d.items()[0].message.find("group 'N7'"), std::string::npos) << d.items()[0].message;
    EXPECT_NE(d.items()[0].message.find("lines"), std::string::npos) << d.items()[0].message;
}

TEST(Dissolve, AMissingFieldIsAnErrorWithDidYouMean) {
    Layer l = test::wkt_layer("communes", {"code", "epci_code"}, {WktFeature{"a", square_wkt(0, 0), {Value("1"), Value("E")}}});
    Diagnostics d;
    Layer out = dissolve(l, by("epci"), d);
    EXPECT_TRUE(out.features.empty());
    ASSERT_EQ(d.error_count(), 1u) << test::all_text(d);
    const Diagnostic& e = d.items()[0];
    EXPECT_EQ(e.where.path, "layers.epci.steps[1].dissolve.by");
    EXPECT_EQ(e.where.line, 12);
    EXPECT_NE(e.message.find("no field 'epci' in layer 'communes'"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("code, epci_code"), std::string::npos) << e.message;
    EXPECT_EQ(e.hint, "did you mean 'epci_code'?");
}

TEST(Dissolve, AMissingAggregateFieldNamesTheAggregate) {
    Layer l = test::wkt_layer("communes", {"epci", "population"}, {WktFeature{"a", square_wkt(0, 0), {Value("E"), Value(3.0)}}});
    DissolveSpec spec = by("epci");
    SourceLocation at{"cartelier.yaml", 15, 11, "layers.epci.steps[1].dissolve.aggregate.pop"};
    spec.aggregates = {{"pop", "populaton", Aggregation::Sum, at}};
    Diagnostics d;
    Layer out = dissolve(l, spec, d);
    EXPECT_TRUE(out.features.empty());
    ASSERT_EQ(d.error_count(), 1u) << test::all_text(d);
    EXPECT_EQ(d.items()[0].where.line, 15);
    EXPECT_NE(d.items()[0].message.find("no field 'populaton'"), std::string::npos) << d.items()[0].message;
    EXPECT_EQ(d.items()[0].hint, "did you mean 'population'?");
}

TEST(Dissolve, ASumOfTextIsAnError) {
    Layer l = test::wkt_layer("communes", {"epci", "nom"},
                              {WktFeature{"01001", square_wkt(0, 0), {Value("E"), Value("Ambérieux")}},
                               WktFeature{"01002", square_wkt(1, 0), {Value("E"), Value("Bâgé")}}});
    DissolveSpec spec = by("epci");
    spec.aggregates = {{"noms", "nom", Aggregation::Sum, {}}};
    Diagnostics d;
    Layer out = dissolve(l, spec, d);
    EXPECT_TRUE(out.features.empty());
    ASSERT_EQ(d.error_count(), 1u) << test::all_text(d);
    const Diagnostic& e = d.items()[0];
    EXPECT_EQ(e.where.path, "layers.epci.steps[1].dissolve.by");  // no location of its own: the step's
    EXPECT_NE(e.message.find("feature 01001 has 'Ambérieux'"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("and 1 other"), std::string::npos) << e.message;
    EXPECT_NE(e.hint.find("list"), std::string::npos) << e.hint;
}
