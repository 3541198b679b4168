// What a map depends on is one list (pipeline/dependencies.hpp): the incremental state hashes it and
// `cartelier watch` follows it. These tests build a project whose map depends on every kind of file —
// a layer reached only through geocoding, a shapefile with its sidecars, SOURCES.json, a join table, a
// logo — and check that both consumers see all of them.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "pipeline/dependencies.hpp"
#include "pipeline/project.hpp"
#include "pipeline/state.hpp"
#include "pipeline/watch.hpp"
#include "test_paths.hpp"

namespace cartelier {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

/// A project folder whose map `m` draws `sites` (geocoded against `communes`, joined to a table) and
/// `zones` (a shapefile), with a logo; returns the project file.
std::string project_with_every_dependency() {
    const fs::path dir = test::temp_dir("dependencies");
    const fs::path common = test::datapath("bad-inputs/_common");
    fs::create_directories(dir / "data");
    fs::copy_file(common / "communes.geojson", dir / "data/communes.geojson");
    fs::copy_file(common / "sessions.csv", dir / "data/sessions.csv");
    fs::copy_file(common / "marker.svg", dir / "logo.svg");
    write(dir / "data/SOURCES.json", "{}\n");
    write(dir / "data/sites.csv", "id,insee,session,lon,lat\ns1,07341,1,,\n");
    for (const char* ext : {".shp", ".shx", ".dbf", ".prj"}) write(dir / (std::string("shapes/zones") + ext), "x");
    write(dir / "shapes/other.dbf", "x");  // another shapefile's sidecar: not a dependency
    write(dir / "styles/style.json", R"({"version": 8, "sources": {}, "layers": [
  {"id": "z", "type": "fill", "source": "cartelier", "source-layer": "zones"},
  {"id": "s", "type": "circle", "source": "cartelier", "source-layer": "sites"}]})");
    write(dir / "cartelier.yaml", R"(version: 1
layers:
  communes: {source: data/communes.geojson, id: code}
  zones: {source: shapes/zones.shp, id: id}
  sites:
    source: data/sites.csv
    crs: EPSG:4326
    x: lon
    y: lat
    id: id
    geocode: {layer: communes, code: insee, match: code}
    joins: [{table: data/sessions.csv, on: session, key: session}]
maps:
  m:
    style: styles/style.json
    crs: EPSG:2154
    extent: [600000, 6480000, 860000, 6720000]
    logo: logo.svg
)");
    return (dir / "cartelier.yaml").string();
}

std::set<std::string> names_of(const std::vector<std::string>& paths, const fs::path& root) {
    std::set<std::string> out;
    for (const auto& p : paths) out.insert(fs::path(p).lexically_relative(fs::weakly_canonical(root)).string());
    return out;
}

TEST(Dependencies, AMapDependsOnEveryFileItsLayersReadThroughGeocodingJoinsAndSidecars) {
    const std::string file = project_with_every_dependency();
    const pipeline::Project project = pipeline::load_project(file);
    const pipeline::MapDecl& map = *project.find_map("m");
    const pipeline::MapDependencies deps = pipeline::map_dependencies(project, map, {"zones", "sites"}, {});
    EXPECT_EQ(deps.layers, (std::vector<std::string>{"communes", "sites", "zones"}));
    std::vector<std::string> data;
    for (const auto& f : deps.data) data.push_back(fs::weakly_canonical(f).string());
    EXPECT_EQ(names_of(data, project.root),
              (std::set<std::string>{"data/communes.geojson", "data/SOURCES.json", "data/sites.csv",
                                     "data/sessions.csv", "shapes/zones.shp", "shapes/zones.shx",
                                     "shapes/zones.dbf", "shapes/zones.prj", "shapes/SOURCES.json"}));
    ASSERT_TRUE(deps.logo.has_value());
    EXPECT_EQ(fs::path(*deps.logo).filename(), "logo.svg");
}

TEST(Dependencies, WatchFollowsEveryFileTheIncrementalStateHashes) {
    const std::string file = project_with_every_dependency();
    const pipeline::Project project = pipeline::load_project(file);
    const pipeline::MapDecl& map = *project.find_map("m");
    pipeline::InputContext inputs(project, 0);
    const auto records = inputs.collect(map, {"zones", "sites"}, {}, {}, nullptr);

    const auto watched = pipeline::watched_files(file, {});
    const std::set<std::string> followed(watched.begin(), watched.end());
    std::size_t files = 0;
    for (const auto& r : records) {
        if (r.kind != "data" && r.kind != "asset" && r.kind != "style") continue;
        ++files;
        EXPECT_TRUE(followed.count(fs::weakly_canonical(r.name).string()))
            << r.kind << " input " << r.name << " is hashed by the state but not followed by watch";
    }
    EXPECT_EQ(files, 11u);  // style, logo, and the nine data files of the test above
}

}  // namespace
}  // namespace cartelier
