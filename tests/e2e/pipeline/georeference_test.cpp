// Issue 20, georeferenced PNG: beside each PNG a world file (.pgw) and the CRS (.png.aux.xml), read back
// with GDAL's own tools (gdalinfo, gdallocationinfo), part of the incremental build.
#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "geo/projection.hpp"
#include "georeference_checks.hpp"
#include "nightly_fixture.hpp"
#include "pipeline/project.hpp"
#include "render/view.hpp"
#include "seed_sites.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;
namespace fs = std::filesystem;

TEST(GeoreferencedPng, GdalReadsLambert93AndFindsEachSeedSiteOnItsPixel) {
    if (!fs::exists(test::sourcepath("layers/cache/departements.geojson")))
        GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    std::string out = test::temp_dir("georef-seed");
    auto r = test::run(fmt::format("cd {} && {} build --map flash --out {}", test::sourcepath(""),
                                   test::cartelier_binary(), out));
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string png = out + "/flash.png";
    ASSERT_TRUE(fs::exists(out + "/flash.pgw"));
    ASSERT_TRUE(fs::exists(out + "/flash.png.aux.xml"));

    const nlohmann::json info = test::gdalinfo(png);
    std::vector<double> gt = test::expect_lambert93(info);
    ASSERT_EQ(gt.size(), 6u);
    EXPECT_EQ(info["size"][0].get<int>(), 3508);

    // Each flash site, projected to Lambert-93: GDAL puts it where the seed test finds its pixel (the
    // main frame's view), within a pixel, on a pixel drawn in the flash red.
    pipeline::Project project = pipeline::load_project(test::sourcepath("cartelier.yaml"));
    const pipeline::MapDecl* map = project.find_map("flash");
    ASSERT_NE(map, nullptr);
    ASSERT_EQ(map->crs, "EPSG:2154");
    render::View view = render::View::fit(map->crs, map->extent, map->page.map_frame());
    geo::Transformation to_map("EPSG:4326", map->crs);
    int checked = 0;
    for (const test::SeedSite& site : test::seed_sites()) {
        if (site.dispositif != "flash") continue;
        test::expect_point_on_pixel(png, gt, view, map->dpi, to_map.transform(site.lon_lat), {0xd7, 0x30, 0x1f}, site.id);
        ++checked;
    }
    EXPECT_EQ(checked, 6);
}

TEST(GeoreferencedPng, TheFilesArePartOfTheIncrementalBuildAndTheKeyTurnsThemOff) {
    std::string dir = make_project("georef-inc", "formats: [png]");
    auto first = run_cartelier(dir);
    ASSERT_EQ(first.status, 0) << first.output;
    for (const char* id : {"alpha", "beta", "gamma"})
        for (const char* ext : {"png", "pgw", "png.aux.xml"})
            EXPECT_TRUE(fs::exists(fmt::format("{}/out/{}.{}", dir, id, ext))) << id << "." << ext;
    // Listed in the report with their hashes.
    std::set<std::string> listed;
    const nlohmann::json built = report(dir);
    for (const auto& m : built["maps"])
        for (const auto& o : m["outputs"]) listed.insert(fs::path(o["file"].get<std::string>()).filename().string());
    EXPECT_TRUE(listed.count("alpha.pgw") && listed.count("alpha.png.aux.xml")) << built.dump(1);
    auto before = digests(dir + "/out");

    // A deleted world file makes its map stale, and the rebuild gives the same bytes.
    fs::remove(dir + "/out/beta.pgw");
    auto second = run_cartelier(dir);
    ASSERT_EQ(second.status, 0) << second.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "built"}, {"gamma", "up to date"}}));
    EXPECT_NE(second.output.find("because: output beta.pgw is missing"), std::string::npos) << second.output;
    EXPECT_EQ(digests(dir + "/out"), before);

    // An edited CRS file too.
    write_file(dir + "/out/gamma.png.aux.xml", "<PAMDataset/>\n");
    auto third = run_cartelier(dir);
    ASSERT_EQ(third.status, 0) << third.output;
    EXPECT_NE(third.output.find("because: output gamma.png.aux.xml was modified since the last build"), std::string::npos)
        << third.output;
    EXPECT_EQ(digests(dir + "/out"), before);

    // `georeference: false`: the PNG alone.
    std::string off = make_project("georef-off", "georeference: false");
    auto r = run_cartelier(off);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(fs::exists(off + "/out/alpha.png"));
    EXPECT_FALSE(fs::exists(off + "/out/alpha.pgw"));
    EXPECT_FALSE(fs::exists(off + "/out/alpha.png.aux.xml"));
}

TEST(GeoreferencedPng, StatisticsGdalKeepsInTheCrsFileDoNotMakeTheMapStale) {
    std::string dir = make_project("georef-stats", "formats: [png]");
    ASSERT_EQ(run_cartelier(dir, "--map alpha").status, 0);
    const std::string aux = dir + "/out/alpha.png.aux.xml";
    const std::string written = read_file(aux);
    // GDAL rewrites the CRS file with the band statistics (and the SRS unescaped).
    auto stats = test::run(fmt::format("gdalinfo -stats {}/out/alpha.png", dir));
    ASSERT_EQ(stats.status, 0) << stats.output;
    const std::string extended = read_file(aux);
    ASSERT_NE(extended, written);
    ASSERT_NE(extended.find("STATISTICS_MEAN"), std::string::npos) << extended;

    // Still up to date (twice: the state takes the file's new stamp), the statistics kept.
    for (int i = 0; i < 2; ++i) {
        auto r = run_cartelier(dir, "--map alpha");
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}})) << r.output;
        EXPECT_EQ(read_file(aux), extended);
    }
    // GDAL still reads the CRS and the world file from them.
    std::vector<double> gt = test::expect_lambert93(test::gdalinfo(dir + "/out/alpha.png"));
    EXPECT_EQ(gt.size(), 6u);

    // Another CRS written into the extended file is an edit: the map is rebuilt and the file rewritten.
    write_file(aux, replace_all(extended, "Lambert-93", "Lambert-93 edited"));
    auto edited = run_cartelier(dir, "--map alpha");
    ASSERT_EQ(edited.status, 0) << edited.output;
    EXPECT_NE(edited.output.find("because: output alpha.png.aux.xml was modified since the last build"),
              std::string::npos) << edited.output;
    EXPECT_EQ(read_file(aux), written);

    // So is a geotransform GDAL would take in place of the world file's.
    write_file(aux, replace_all(extended, "</PAMDataset>", "  <GeoTransform>0, 1, 0, 0, 0, -1</GeoTransform>\n</PAMDataset>"));
    auto moved = run_cartelier(dir, "--map alpha");
    EXPECT_NE(moved.output.find("because: output alpha.png.aux.xml was modified since the last build"),
              std::string::npos) << moved.output;
}

TEST(GeoreferencedPng, OutputsNoLongerProducedAreRemovedWhenCartelierWroteThemUnchanged) {
    std::string dir = make_project("georef-leftovers", "formats: [pdf, png]");
    write_project(dir, {{"alpha", "a.json"}}, "formats: [pdf, png]");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    const std::string out = dir + "/out/";
    write_file(out + "alpha.svg", "<svg/>\n");  // not Cartelier's: never recorded, never removed
    write_file(out + "alpha.notes.txt", "mine\n");
    ASSERT_EQ(test::run(fmt::format("gdalinfo -stats {}alpha.png", out)).status, 0);  // the CRS file extended

    // `georeference: false`: the world file and the CRS file (extended by GDAL, still Cartelier's) go.
    write_project(dir, {{"alpha", "a.json"}}, "formats: [pdf, png]\n    georeference: false");
    auto off = run_cartelier(dir);
    ASSERT_EQ(off.status, 0) << off.output;
    EXPECT_FALSE(fs::exists(out + "alpha.pgw"));
    EXPECT_FALSE(fs::exists(out + "alpha.png.aux.xml"));
    EXPECT_TRUE(fs::exists(out + "alpha.png") && fs::exists(out + "alpha.pdf"));
    EXPECT_NE(off.output.find(fmt::format("removed, no longer produced: {}alpha.pgw, {}alpha.png.aux.xml", out, out)),
              std::string::npos) << off.output;
    EXPECT_EQ(report(dir)["maps"][0]["removed"],
              nlohmann::json::array({out + "alpha.pgw", out + "alpha.png.aux.xml"}));
    // PNG dropped from the formats: the PNG goes too; the PDF stays.
    write_project(dir, {{"alpha", "a.json"}}, "formats: [pdf]");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_FALSE(fs::exists(out + "alpha.png"));
    EXPECT_TRUE(fs::exists(out + "alpha.pdf"));

    // A world file edited since Cartelier wrote it is kept, with a warning naming it.
    write_project(dir, {{"alpha", "a.json"}}, "formats: [png]");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_FALSE(fs::exists(out + "alpha.pdf"));
    write_file(out + "alpha.pgw", "1\n0\n0\n-1\n0\n0\n");
    write_project(dir, {{"alpha", "a.json"}}, "formats: [png]\n    georeference: false");
    auto kept = run_cartelier(dir);
    ASSERT_EQ(kept.status, 0) << kept.output;
    EXPECT_TRUE(fs::exists(out + "alpha.pgw"));
    EXPECT_FALSE(fs::exists(out + "alpha.png.aux.xml"));
    // Named relative to the folder cartelier runs in (the project's).
    EXPECT_NE(kept.output.find("out/alpha.pgw: warning: output of map 'alpha' no longer produced"), std::string::npos)
        << kept.output;
    EXPECT_NE(kept.output.find("kept: it changed since Cartelier wrote it"), std::string::npos) << kept.output;

    // Files Cartelier never wrote are never touched.
    EXPECT_EQ(read_file(out + "alpha.svg"), "<svg/>\n");
    EXPECT_EQ(read_file(out + "alpha.notes.txt"), "mine\n");
}
