// A georeferenced output read back with GDAL's own tool (`gdalinfo -json`): its CRS, raster size and
// geotransform, where that geotransform puts a map coordinate, and where the program drew it. Shared by
// the georeferenced PNG and PDF tests.
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/geometry.hpp"
#include "geo/projection.hpp"
#include "layout/view.hpp"
#include "test_paths.hpp"

namespace cartelier::test {

struct GdalGeoreference {
    std::string wkt;                  ///< WKT2, as gdalinfo prints it ("" when GDAL finds no CRS)
    int width = 0, height = 0;        ///< raster size in pixels
    std::vector<double> geotransform; ///< GDAL's six numbers (empty when GDAL finds none)
};

/// `gdalinfo -json ARGS` (a file and options). Fails the calling test when gdalinfo fails.
inline GdalGeoreference gdalinfo_georeference(const std::string& args) {
    GdalGeoreference out;
    auto info = run(fmt::format("gdalinfo -json {} 2>/dev/null", args));
    EXPECT_EQ(info.status, 0) << info.output;
    if (info.status != 0) return out;
    nlohmann::json j = nlohmann::json::parse(info.output);
    if (j.contains("coordinateSystem") && j["coordinateSystem"].contains("wkt"))
        out.wkt = j["coordinateSystem"]["wkt"].get<std::string>();
    out.width = j["size"][0].get<int>();
    out.height = j["size"][1].get<int>();
    if (j.contains("geoTransform")) out.geotransform = j["geoTransform"].get<std::vector<double>>();
    return out;
}

/// Where GDAL's geotransform (no rotation) puts map coordinate `m`: pixel and line, fractional, from the
/// upper-left corner of the upper-left pixel.
inline Point gdal_pixel(const GdalGeoreference& g, Point m) {
    return {(m.x - g.geotransform[0]) / g.geotransform[1], (m.y - g.geotransform[3]) / g.geotransform[5]};
}

/// Where the program draws a point given in longitude/latitude (EPSG:4326) on a page whose frame shows
/// `view`, in pixels of that page rendered at `dpi`; `map` receives the point in the view's CRS.
inline Point drawn_pixel(const layout::View& view, Point lon_lat, double dpi, Point* map = nullptr) {
    geo::Transformation to_map("EPSG:4326", view.crs);
    const Point m = to_map.transform(lon_lat);
    if (map) *map = m;
    const Point page = view.to_page(m);
    return {page.x * dpi / 72.0, page.y * dpi / 72.0};
}

}  // namespace cartelier::test
