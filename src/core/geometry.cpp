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
    bytes += static_cast<char>('0' + static_cast<int>(g.type));
    bytes.append(reinterpret_cast<const char*>(g.points.data()), g.points.size() * sizeof(Point));
    bytes.append(reinterpret_cast<const char*>(g.rings.data()), g.rings.size() * sizeof(std::uint32_t));
    bytes.append(reinterpret_cast<const char*>(g.parts.data()), g.parts.size() * sizeof(std::uint32_t));
}

}  // namespace cartelier
