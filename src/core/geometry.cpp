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

double ring_area2(std::span<const Point> ring) {
    double a = 0;
    for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
        const Point& p = ring[i];
        const Point& q = ring[(i + 1) % n];
        a += (p.x - ring[0].x) * (q.y - ring[0].y) - (q.x - ring[0].x) * (p.y - ring[0].y);
    }
    return a;
}

}  // namespace cartelier
