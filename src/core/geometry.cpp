#include "core/geometry.hpp"

namespace cartelier {

std::string_view geometry_type_name(const Geometry& g) {
    const bool multi = g.is_multi();
    switch (g.type) {
        case GeometryType::Point: return multi ? "MultiPoint" : "Point";
        case GeometryType::LineString: return multi ? "MultiLineString" : "LineString";
        case GeometryType::Polygon: return multi ? "MultiPolygon" : "Polygon";
        case GeometryType::None: break;
    }
    return "Unknown";
}

void append_geometry_bytes(std::string& bytes, const Geometry& g) {
    geometry_bytes(g, [&](const char* data, std::size_t size) { bytes.append(data, size); });
}

}  // namespace cartelier
