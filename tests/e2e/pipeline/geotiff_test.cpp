// Issue 20, GeoTIFF (`formats: [tif]`): the PNG's pixels with the main frame's geotransform and CRS in one
// file, written through the GDAL module and read back with GDAL's own tools; deterministic, part of the
// incremental build. One small map (the mini fixture's alpha, 72 dpi).
#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "geo/projection.hpp"
#include "georeference_checks.hpp"
#include "nightly_fixture.hpp"
#include "pipeline/project.hpp"
#include "render/view.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;
namespace fs = std::filesystem;

namespace {

/// The per-band checksums gdalinfo -checksum gives.
std::vector<int> checksums(const nlohmann::json& info) {
    std::vector<int> out;
    for (const auto& band : info["bands"]) out.push_back(band.value("checksum", -1));
    return out;
}

}  // namespace

TEST(GeoTiff, GdalReadsLambert93ThePngsGeotransformAndPixelsAndFindsTheSiteOnItsPixel) {
    std::string dir = make_project("geotiff", "formats: [png, tif]");
    auto r = run_cartelier(dir, "--map alpha");
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string tif = dir + "/out/alpha.tif", png = dir + "/out/alpha.png";
    ASSERT_TRUE(fs::exists(tif)) << r.output;

    const nlohmann::json t = test::gdalinfo(tif, true), p = test::gdalinfo(png, true);
    EXPECT_EQ(t["driverShortName"], "GTiff");
    const std::vector<double> gt = test::expect_lambert93(t);
    // The same pixel grid as GDAL reads from the PNG's world file, to the bit, and the same pixels.
    EXPECT_EQ(gt, p["geoTransform"].get<std::vector<double>>());
    EXPECT_EQ(t["size"], p["size"]);
    ASSERT_EQ(t["bands"].size(), 3u) << t.dump(1);
    for (const auto& band : t["bands"]) EXPECT_EQ(band["type"], "Byte");
    EXPECT_EQ(checksums(t), checksums(p));
    EXPECT_EQ(t["metadata"]["IMAGE_STRUCTURE"]["COMPRESSION"], "DEFLATE");
    EXPECT_EQ(t["metadata"][""]["TIFFTAG_XRESOLUTION"], "72");
    EXPECT_FALSE(t["metadata"][""].contains("TIFFTAG_DATETIME")) << t.dump(1);

    // The flash site of the fixture (site-a), where the page draws it, on a pixel of the flash red.
    pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    const pipeline::MapDecl* map = project.find_map("alpha");
    ASSERT_NE(map, nullptr);
    render::View view = render::View::fit(map->crs, map->extent, map->page.map_frame());
    geo::Transformation to_map("EPSG:4326", map->crs);
    test::expect_point_on_pixel(tif, gt, view, map->dpi, to_map.transform({2.5, 46.5}), {0xd7, 0x30, 0x1f}, "site-a");
}

TEST(GeoTiff, IsDeterministicPartOfTheIncrementalBuildAndPlainWithoutGeoreference) {
    std::string dir = make_project("geotiff-inc", "formats: [tif]");
    auto first = run_cartelier(dir, "--map alpha");
    ASSERT_EQ(first.status, 0) << first.output;
    const std::string tif = dir + "/out/alpha.tif";
    ASSERT_TRUE(fs::exists(tif));
    EXPECT_FALSE(fs::exists(dir + "/out/alpha.png"));
    EXPECT_FALSE(fs::exists(dir + "/out/alpha.pgw"));
    const std::string sha = pipeline::sha256_hex(read_file(tif));
    // Its own entry in the report, with its hash.
    const nlohmann::json outputs = report(dir)["maps"][0]["outputs"];
    ASSERT_EQ(outputs.size(), 1u) << outputs.dump(1);
    EXPECT_EQ(outputs[0]["file"], tif);
    EXPECT_EQ(outputs[0]["sha256"], sha);
    EXPECT_EQ(outputs[0]["bytes"].get<std::uintmax_t>(), fs::file_size(tif));

    // Up to date; byte-identical when rebuilt; a deleted GeoTIFF rebuilds its map.
    auto again = run_cartelier(dir, "--map alpha");
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}})) << again.output;
    auto forced = run_cartelier(dir, "--map alpha --force");
    ASSERT_EQ(forced.status, 0) << forced.output;
    EXPECT_EQ(pipeline::sha256_hex(read_file(tif)), sha);
    fs::remove(tif);
    auto third = run_cartelier(dir, "--map alpha");
    ASSERT_EQ(third.status, 0) << third.output;
    EXPECT_NE(third.output.find("because: output alpha.tif is missing"), std::string::npos) << third.output;
    EXPECT_EQ(pipeline::sha256_hex(read_file(tif)), sha);
    EXPECT_TRUE(temp_files(dir + "/out").empty());

    // `georeference: false`: a plain TIFF of the same pixels, no geotransform, no CRS.
    std::string off = make_project("geotiff-off", "formats: [tif]\n    georeference: false");
    auto r = run_cartelier(off, "--map alpha");
    ASSERT_EQ(r.status, 0) << r.output;
    const nlohmann::json plain = test::gdalinfo(off + "/out/alpha.tif", true);
    EXPECT_FALSE(plain.contains("geoTransform")) << plain.dump(1);
    EXPECT_FALSE(plain.contains("coordinateSystem")) << plain.dump(1);
    EXPECT_EQ(checksums(plain), checksums(test::gdalinfo(tif, true)));
}
