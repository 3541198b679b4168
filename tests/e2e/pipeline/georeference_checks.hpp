// Reading a georeferenced output back with GDAL's own tools, for the tests of the PNG (world file + CRS
// file), the GeoTIFF and the PDF (its viewports): gdalinfo -json for the CRS and geotransform,
// gdallocationinfo -geoloc for the pixel a projected point falls on and its colour.
#pragma once

#include <array>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/geometry.hpp"
#include "geo/projection.hpp"
#include "render/view.hpp"
#include "test_paths.hpp"

namespace cartelier::test {

/// `gdalinfo -json ARGS` parsed (ARGS: a file, with options before it if needed; `-checksum` added when
/// asked); fails the calling test when gdalinfo fails (then the object is empty).
inline nlohmann::json gdalinfo(const std::string& args, bool checksum = false) {
    auto info = run(fmt::format("gdalinfo -json {}{} 2>/dev/null", checksum ? "-checksum " : "", args));
    EXPECT_EQ(info.status, 0) << info.output;
    if (info.status != 0) return nlohmann::json::object();
    return nlohmann::json::parse(info.output);
}

/// What `gdalinfo -json ARGS` says of a georeferenced output.
struct GdalGeoreference {
    std::string wkt;                  ///< WKT2, as gdalinfo prints it ("" when GDAL finds no CRS)
    int width = 0, height = 0;        ///< raster size in pixels
    std::vector<double> geotransform; ///< GDAL's six numbers (empty when GDAL finds none)
};

inline GdalGeoreference gdalinfo_georeference(const std::string& args) {
    GdalGeoreference out;
    const nlohmann::json j = gdalinfo(args);
    if (j.empty()) return out;
    out.wkt = j.value("coordinateSystem", nlohmann::json::object()).value("wkt", "");
    out.width = j["size"][0].get<int>();
    out.height = j["size"][1].get<int>();
    if (j.contains("geoTransform")) out.geotransform = j["geoTransform"].get<std::vector<double>>();
    return out;
}

/// Where the geotransform `gt` (GDAL's six numbers, no rotation) puts map coordinate `m`: pixel and line,
/// fractional, from the upper-left corner of the upper-left pixel.
inline Point gdal_pixel(const std::vector<double>& gt, Point m) {
    return {(m.x - gt[0]) / gt[1], (m.y - gt[3]) / gt[5]};
}

/// Where the program draws a point given in longitude/latitude (EPSG:4326) on a page whose frame shows
/// `view`, in pixels of that page rendered at `dpi`; `map` receives the point in the view's CRS.
inline Point drawn_pixel(const render::View& view, Point lon_lat, double dpi, Point* map = nullptr) {
    geo::Transformation to_map("EPSG:4326", view.crs);
    const Point m = to_map.transform(lon_lat);
    if (map) *map = m;
    const Point page = view.to_page(m);
    return {page.x * dpi / 72.0, page.y * dpi / 72.0};
}

/// Expects `info` (gdalinfo -json) to give Lambert-93 (EPSG:2154) and an unrotated geotransform; returns it.
inline std::vector<double> expect_lambert93(const nlohmann::json& info) {
    const std::string wkt = info.value("coordinateSystem", nlohmann::json::object()).value("wkt", "");
    EXPECT_NE(wkt.find("Lambert-93"), std::string::npos) << wkt;
    EXPECT_NE(wkt.find("ID[\"EPSG\",2154]"), std::string::npos) << wkt;
    if (!info.contains("geoTransform") || info["geoTransform"].size() != 6u) {
        ADD_FAILURE() << "no geotransform: " << info.dump(1);
        return {};
    }
    std::vector<double> gt = info["geoTransform"].get<std::vector<double>>();
    EXPECT_EQ(gt[2], 0.0);
    EXPECT_EQ(gt[4], 0.0);
    return gt;
}

/// Expects the map point `m` (in the raster's CRS), which `view` puts on the page, to be found by GDAL on
/// `raster` within one pixel of where the page is drawn at `dpi` — through the geotransform `gt` and
/// through `gdallocationinfo -geoloc` — on a pixel of colour `rgb` (±3 per channel). `what` names it.
inline void expect_point_on_pixel(const std::string& raster, const std::vector<double>& gt, const render::View& view,
                                  double dpi, Point m, std::array<int, 3> rgb, const std::string& what) {
    SCOPED_TRACE(what);
    ASSERT_EQ(gt.size(), 6u);
    const Point page = view.to_page(m);
    const double want_x = page.x * dpi / 72.0, want_y = page.y * dpi / 72.0;  // pixel space
    // From the geotransform (GDAL's: origin at the upper-left corner of the upper-left pixel).
    const Point got = gdal_pixel(gt, m);
    EXPECT_NEAR(got.x, want_x, 1.0);
    EXPECT_NEAR(got.y, want_y, 1.0);
    // From gdallocationinfo: the pixel holding the point, and its colour.
    auto loc = run(fmt::format("gdallocationinfo -geoloc -xml {} {:.3f} {:.3f} 2>/dev/null", raster, m.x, m.y));
    ASSERT_EQ(loc.status, 0) << loc.output;
    std::smatch px;
    ASSERT_TRUE(std::regex_search(loc.output, px, std::regex(R"re(pixel="(\d+)" line="(\d+)")re"))) << loc.output;
    EXPECT_NEAR(std::stoi(px[1]), want_x, 1.0);
    EXPECT_NEAR(std::stoi(px[2]), want_y, 1.0);
    std::vector<int> values;
    const std::regex value(R"(<Value>(\d+)</Value>)");
    for (auto it = std::sregex_iterator(loc.output.begin(), loc.output.end(), value); it != std::sregex_iterator(); ++it)
        values.push_back(std::stoi((*it)[1]));
    ASSERT_EQ(values.size(), 3u) << loc.output;
    for (int band = 0; band < 3; ++band) EXPECT_NEAR(values[band], rgb[band], 3) << "band " << band + 1;
}

}  // namespace cartelier::test
