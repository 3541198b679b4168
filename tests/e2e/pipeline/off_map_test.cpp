// Points off the map (pipeline/prepare.cpp, prepare_off_map_checks): a few sites of a drawn layer outside
// the map and its insets while the others lie inside are a warning naming them; sites the style leaves
// out, and a map that shows a part of the layer by design, are not.
#include <string>

#include <gtest/gtest.h>

#include "nightly_fixture.hpp"
#include "text_files.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;

namespace {

/// The mini fixture with eight sites in département 01 (2–3°E, 46–47°N), the first `off` of them with
/// their longitude and latitude swapped; `filter`, when given, is the labels' and sites' style filter.
std::string sites_project(const std::string& name, int off, const std::string& filter = "") {
    std::string dir = copy_mini(name);
    std::string csv = "id;nom_court;departements;lon;lat;session\n";
    for (int i = 0; i < 8; ++i) {
        const double lon = 2.2 + 0.08 * i, lat = 46.2 + 0.07 * i;
        csv += i < off ? fmt::format("site-{};Site {};01;{:.2f};{:.2f};s-flash\n", i, i, lat, lon)
                       : fmt::format("site-{};Site {};01;{:.2f};{:.2f};s-flash\n", i, i, lon, lat);
    }
    write_file(dir + "/sites.csv", csv);
    // Without the within check, which would catch them as errors.
    std::string project = read_file(dir + "/cartelier.yaml");
    const auto checks = project.find("    checks:");
    project.erase(checks, project.find("maps:") - checks);
    write_file(dir + "/cartelier.yaml", project);
    if (!filter.empty()) {
        std::string style = read_file(dir + "/style.json");
        style = replace_all(style, R"("source-layer": "sites",)", R"("source-layer": "sites", "filter": )" + filter + ",");
        write_file(dir + "/style.json", style);
    }
    return dir;
}

}  // namespace

TEST(OffMap, ASiteWithItsCoordinatesSwappedIsNamed) {
    const std::string dir = sites_project("off-map-one", 1);
    const auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("warning: layers.sites: map 'mini': 1 of the 8 features of layer 'sites' lie outside the map "
                            "and its insets, while the others lie inside: site-0 at (46.2, 2.2) (coordinates in EPSG:4326)"),
              std::string::npos)
        << r.output;
    // Strict (a nightly build): an error, the map fails.
    EXPECT_EQ(run_cartelier(dir, "--strict --force").status, 1);
}

TEST(OffMap, SitesTheStyleLeavesOutAreNotNamed) {
    const std::string dir = sites_project("off-map-filtered", 1, R"(["!=", ["get", "id"], "site-0"])");
    const auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.find("lie outside the map"), std::string::npos) << r.output;
}

TEST(OffMap, AMapShowingAPartOfTheLayerIsNotWarned) {
    // Half of the sites outside: a map of a part of them, by design.
    const std::string dir = sites_project("off-map-half", 4);
    const auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.find("lie outside the map"), std::string::npos) << r.output;
}
