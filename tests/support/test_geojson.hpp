// GeoJSON files written by tests: enough features of a chosen schema to exercise the GDAL reader.
#pragma once

#include <fstream>
#include <functional>
#include <string>

#include <fmt/format.h>

namespace cartelier::test {

/// Writes to `path` a FeatureCollection of `count` small squares (0.001°, in rows of 100 from
/// 2°E 46°N); `properties(i)` and `top(i)` give the i-th feature's properties and extra top-level
/// members, as JSON text without braces; `ring(i)`, when given, replaces its ring (JSON array text).
inline void write_squares_geojson(const std::string& path, int count, const std::function<std::string(int)>& properties,
                                  const std::function<std::string(int)>& top = {},
                                  const std::function<std::string(int)>& ring = {}) {
    std::ofstream out(path);
    out << "{\"type\":\"FeatureCollection\",\"features\":[\n";
    for (int i = 0; i < count; ++i) {
        const double x = 2.0 + 0.001 * (i % 100), y = 46.0 + 0.001 * (i / 100);
        const std::string extra = top ? top(i) : std::string();
        const std::string coordinates =
            ring ? ring(i)
                 : fmt::format("[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]", x, y, x + 0.001, y, x + 0.001, y + 0.001,
                               x, y + 0.001, x, y);
        out << fmt::format("{}{{\"type\":\"Feature\",{}\"properties\":{{{}}},\"geometry\":{{\"type\":\"Polygon\","
                           "\"coordinates\":[{}]}}}}\n",
                           i ? "," : "", extra.empty() ? "" : extra + ",", properties(i), coordinates);
    }
    out << "]}\n";
}

}  // namespace cartelier::test
