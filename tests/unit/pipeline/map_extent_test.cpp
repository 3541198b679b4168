// A map's `extent` and `extent_crs` (pipeline/project.cpp): an extent may be written in another CRS than
// the map's (longitudes and latitudes, most often) and is converted when the project is read; one written
// in degrees but read in a CRS in metres is an error at its line, not a blank map.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "core/diagnostic.hpp"
#include "geo/projection.hpp"
#include "pipeline/project.hpp"
#include "test_paths.hpp"

namespace cartelier {
namespace {

namespace fs = std::filesystem;

/// The project whose maps section is `maps` (and defaults `defaults`), with an empty style.
pipeline::Project load_maps(const std::string& name, const std::string& maps, const std::string& defaults = "") {
    const fs::path dir = test::temp_dir(name);
    std::ofstream(dir / "style.json") << R"({"version": 8, "sources": {}, "layers": []})";
    std::ofstream(dir / "cartelier.yaml") << "version: 1\nlayers: {}\n" << defaults << "maps:\n" << maps;
    return pipeline::load_project((dir / "cartelier.yaml").string());
}

/// The text of the errors load_project throws, or "" when it reads the project.
std::string errors_of(const std::string& name, const std::string& maps) {
    try {
        load_maps(name, maps);
    } catch (const Error& e) {
        return e.diagnostics().format();
    }
    return "";
}

void expect_box_near(const Box& got, const Box& expected, double tolerance) {
    EXPECT_NEAR(got.min_x, expected.min_x, tolerance);
    EXPECT_NEAR(got.min_y, expected.min_y, tolerance);
    EXPECT_NEAR(got.max_x, expected.max_x, tolerance);
    EXPECT_NEAR(got.max_y, expected.max_y, tolerance);
}

TEST(MapExtent, AnExtentInDegreesIsConvertedToTheMapsCrs) {
    const auto p = load_maps("extent-crs", "  m:\n    style: style.json\n    extent: [2, 46, 3, 47.5]\n    extent_crs: EPSG:4326\n");
    const Box expected = geo::Transformation("EPSG:4326", "EPSG:2154").transform_box(Box{2, 46, 3, 47.5});
    expect_box_near(p.maps.at(0).extent, expected, 1e-6);
    // Lambert-93 metres: 2°E to 3°E at 46°–47.5°N (its bounds: the densified edges, not the corners alone).
    expect_box_near(p.maps.at(0).extent, Box{622609, 6544474, 700000, 6711547}, 1);
}

TEST(MapExtent, ExtentCrsIsInheritedFromDefaultsLikeAnyKey) {
    const auto p = load_maps("extent-crs-defaults", "  m:\n    style: style.json\n    extent: [2, 46, 3, 47.5]\n",
                             "defaults:\n  extent_crs: EPSG:4326\n");
    expect_box_near(p.maps.at(0).extent, Box{622609, 6544474, 700000, 6711547}, 1);
}

TEST(MapExtent, AnExtentInMetresIsKeptAsWritten) {
    const auto p = load_maps("extent-metres", "  m:\n    style: style.json\n    extent: [600000, 6480000, 860000, 6720000]\n");
    expect_box_near(p.maps.at(0).extent, Box{600000, 6480000, 860000, 6720000}, 0);
    // The same CRS named as the extent's: nothing to convert.
    const auto q = load_maps("extent-same-crs", "  m:\n    style: style.json\n    extent: [600000, 6480000, 860000, 6720000]\n"
                                                "    extent_crs: EPSG:2154\n");
    expect_box_near(q.maps.at(0).extent, Box{600000, 6480000, 860000, 6720000}, 0);
}

TEST(MapExtent, DegreesReadAsMetresAreAnErrorAtTheExtent) {
    const std::string e = errors_of("extent-degrees", "  m:\n    style: style.json\n    extent: [2, 46, 3, 47.5]\n");
    EXPECT_NE(e.find("cartelier.yaml:6:13: error: maps.m.extent: map 'm': the extent [2, 46, 3, 47.5] is read in "
                     "EPSG:2154, in metres"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find("add `extent_crs: EPSG:4326`"), std::string::npos) << e;
    EXPECT_NE(e.find("[622609, 6544474, 700000, 6711547]"), std::string::npos) << e;
}

TEST(MapExtent, ASmallExtentNearAnOriginInsideTheAreaOfUseIsNotRefused) {
    // Web Mercator's origin (0°, 0°) lies inside its area of use: a 1 m box there may be meant.
    EXPECT_EQ(errors_of("extent-origin", "  m:\n    style: style.json\n    crs: EPSG:3857\n    extent: [2, 46, 3, 47.5]\n"), "");
    // Numbers beyond a longitude's or a latitude's range are metres whatever they are.
    EXPECT_EQ(errors_of("extent-far", "  m:\n    style: style.json\n    extent: [200, 46, 300, 47.5]\n"), "");
}

}  // namespace
}  // namespace cartelier
