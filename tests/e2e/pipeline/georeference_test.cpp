// Issue 20, georeferenced PNG: beside each PNG a world file (.pgw) and the CRS (.png.aux.xml), read back
// with GDAL's own tools (gdalinfo, gdallocationinfo), part of the incremental build.
#include <cmath>
#include <filesystem>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gdal_readback.hpp"
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

    const test::GdalGeoreference g = test::gdalinfo_georeference(png);
    EXPECT_NE(g.wkt.find("Lambert-93"), std::string::npos) << g.wkt;
    EXPECT_NE(g.wkt.find("ID[\"EPSG\",2154]"), std::string::npos) << g.wkt;
    ASSERT_EQ(g.geotransform.size(), 6u);
    EXPECT_EQ(g.geotransform[2], 0.0);
    EXPECT_EQ(g.geotransform[4], 0.0);
    EXPECT_EQ(g.width, 3508);

    // Each flash site, projected to Lambert-93: GDAL puts it where the seed test finds its pixel (the
    // main frame's view), within a pixel, on a pixel drawn in the flash red.
    pipeline::Project project = pipeline::load_project(test::sourcepath("cartelier.yaml"));
    const pipeline::MapDecl* map = project.find_map("flash");
    ASSERT_NE(map, nullptr);
    ASSERT_EQ(map->crs, "EPSG:2154");
    render::View view = render::View::fit(map->crs, map->extent, map->page.map_frame());
    int checked = 0;
    for (const test::SeedSite& site : test::seed_sites()) {
        if (site.dispositif != "flash") continue;
        Point m;
        const Point want = test::drawn_pixel(view, site.lon_lat, map->dpi, &m);
        const double want_x = want.x, want_y = want.y;
        // From the geotransform.
        const Point got = test::gdal_pixel(g, m);
        EXPECT_NEAR(got.x, want_x, 1.0) << site.id;
        EXPECT_NEAR(got.y, want_y, 1.0) << site.id;
        // From gdallocationinfo: the pixel holding the point, and its colour.
        auto loc = test::run(fmt::format("gdallocationinfo -geoloc -xml {} {:.3f} {:.3f} 2>/dev/null", png, m.x, m.y));
        ASSERT_EQ(loc.status, 0) << loc.output;
        std::smatch px;
        ASSERT_TRUE(std::regex_search(loc.output, px, std::regex(R"re(pixel="(\d+)" line="(\d+)")re"))) << loc.output;
        EXPECT_NEAR(std::stoi(px[1]), want_x, 1.0) << site.id;
        EXPECT_NEAR(std::stoi(px[2]), want_y, 1.0) << site.id;
        std::vector<int> values;
        const std::regex value(R"(<Value>(\d+)</Value>)");
        for (auto it = std::sregex_iterator(loc.output.begin(), loc.output.end(), value); it != std::sregex_iterator(); ++it)
            values.push_back(std::stoi((*it)[1]));
        ASSERT_EQ(values.size(), 3u) << loc.output;
        EXPECT_NEAR(values[0], 0xd7, 3) << site.id;
        EXPECT_NEAR(values[1], 0x30, 3) << site.id;
        EXPECT_NEAR(values[2], 0x1f, 3) << site.id;
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
