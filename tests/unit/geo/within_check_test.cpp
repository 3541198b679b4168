#include <gtest/gtest.h>

#include "geo/within_check.hpp"
#include "test_layers.hpp"

using namespace cartelier;
using namespace cartelier::geo;

namespace {

Layer squares() {
    return test::square_layer("departements", "departements.geojson", "EPSG:2154", "code", 1000,
                              {{"01", {0, 0}}, {"02", {1000, 0}}});
}

Layer sites(std::vector<std::tuple<std::string, std::string, Point>> rows) {
    Layer l;
    l.name = "sites";
    l.source = "sites.csv";
    l.crs = "EPSG:2154";
    l.schema->add("departements");
    std::uint32_t line = 2;
    for (auto& [id, codes, p] : rows) {
        Feature f;
        f.id = id;
        f.line = line++;
        f.values = {Value(codes)};
        f.geometry = Geometry::point(p);
        l.features.push_back(std::move(f));
    }
    return l;
}

}  // namespace

TEST(WithinCheck, AcceptsPointsInAnyOfTheirListedAreas) {
    Diagnostics d;
    auto n = check_within(sites({{"a", "01", {500, 500}}, {"b", "01;02", {1500, 500}}}), squares(),
                          {"departements", "code", ";", 0, {}}, d);
    EXPECT_EQ(n, 2u);
    EXPECT_FALSE(d.has_errors()) << d.format();
}

TEST(WithinCheck, APointOutsideItsAreaIsAnErrorSayingWhereItIs) {
    Diagnostics d;
    check_within(sites({{"a", "01", {1500, 500}}}), squares(), {"departements", "code", ";", 0, {}}, d);
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].format(),
              "sites.csv:2: error: column 'departements': feature 'a' at (1500, 500 in EPSG:2154) lies outside "
              "departements 01, 0.5 km away; it falls in 02 (check its coordinates (swapped longitude/latitude?) or "
              "the codes it lists)");
}

TEST(WithinCheck, AnUnknownCodeIsAnError) {
    Diagnostics d;
    check_within(sites({{"a", "99", {500, 500}}}), squares(), {"departements", "code", ";", 0, {}}, d);
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_NE(d.items()[0].message.find("names departements '99', which is not in departements.geojson"),
              std::string::npos);
}

TEST(WithinCheck, ToleranceAcceptsPointsJustOutside) {
    Diagnostics d;
    check_within(sites({{"a", "01", {1010, 500}}}), squares(), {"departements", "code", ";", 20, {}}, d);
    EXPECT_FALSE(d.has_errors());
}

TEST(WithinCheck, ACodeThatLostItsLeadingZeroGetsTheHint) {
    Diagnostics d;
    check_within(sites({{"a", "1", {500, 500}}}), squares(), {"departements", "code", ";", 0, {}}, d);
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].hint,
              "did you mean 01? the leading zero was lost (a spreadsheet read the code as a number); write the code "
              "as text");
    // A code that would not exist with a zero either gets no such hint.
    Diagnostics other;
    check_within(sites({{"a", "9", {500, 500}}}), squares(), {"departements", "code", ";", 0, {}}, other);
    ASSERT_EQ(other.error_count(), 1u);
    EXPECT_EQ(other.items()[0].hint.find("did you mean"), std::string::npos) << other.items()[0].hint;
}

TEST(WithinCheck, APointInNoAreaAtAllSaysSoAndNamesTheNearestListedOne) {
    Diagnostics d;
    check_within(sites({{"a", "01", {500, 5000}}, {"b", "02;01", {1400, -3000}}}), squares(),
                 {"departements", "code", ";", 0, {}}, d);
    ASSERT_EQ(d.error_count(), 2u);
    EXPECT_EQ(d.items()[0].format(),
              "sites.csv:2: error: column 'departements': feature 'a' at (500, 5000 in EPSG:2154) lies in no "
              "departements (nearest: 01, 4.0 km away) (check its coordinates (swapped longitude/latitude? a site on "
              "the coast placed at sea?))");
    EXPECT_NE(d.items()[1].message.find("lies in no departements (nearest: 02 of 02, 01, 3.0 km away)"),
              std::string::npos)
        << d.items()[1].message;
}

TEST(WithinCheck, WithMissingAsWarningAnUnknownCodeIsAWarningAndAPointOutsideStillAnError) {
    // Territories whose members could not all be sourced: a site without one keeps its point (warned),
    // a site outside the territory it names is still wrong.
    Diagnostics d;
    WithinSpec spec{"departements", "code", ";", 0, true, {}};
    check_within(sites({{"a", "99", {500, 500}}, {"b", "01", {1500, 500}}}), squares(), spec, d);
    ASSERT_EQ(d.error_count(), 1u) << d.format();
    ASSERT_EQ(d.items().size(), 2u) << d.format();
    EXPECT_EQ(d.items()[0].severity, Severity::Warning);
    EXPECT_NE(d.items()[0].message.find("feature 'a' is not checked: no feature of departements has code '99'"),
              std::string::npos)
        << d.items()[0].message;
    EXPECT_NE(d.items()[1].message.find("feature 'b' at (1500, 500 in EPSG:2154) lies outside departements 01"),
              std::string::npos);
}

TEST(WithinCheck, WithMissingAsWarningAnEmptyContainerLayerIsOneWarning) {
    Diagnostics d;
    Layer none = squares();
    none.features.clear();
    check_within(sites({{"a", "01", {500, 500}}, {"b", "02", {1500, 500}}}), none,
                 {"departements", "code", ";", 0, true, {}}, d);
    ASSERT_EQ(d.items().size(), 1u) << d.format();
    EXPECT_EQ(d.items()[0].severity, Severity::Warning);
    EXPECT_EQ(d.items()[0].message, "layer 'departements' is empty: the features of layer 'sites' are not checked against it");
    Diagnostics strict;
    check_within(sites({{"a", "01", {500, 500}}}), none, {"departements", "code", ";", 0, false, {}}, strict);
    EXPECT_EQ(strict.error_count(), 1u);
}
