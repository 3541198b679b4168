// The geometry model shared by every stage: vertices in one flat array, rings and parts as offsets,
// so that a feature costs three allocations whatever its shape.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace cartelier {

struct Point {
    double x = 0;
    double y = 0;
};

struct Box {
    double min_x = std::numeric_limits<double>::infinity();
    double min_y = std::numeric_limits<double>::infinity();
    double max_x = -std::numeric_limits<double>::infinity();
    double max_y = -std::numeric_limits<double>::infinity();

    bool empty() const { return min_x > max_x || min_y > max_y; }
    void expand(Point p) {
        if (p.x < min_x) min_x = p.x;
        if (p.y < min_y) min_y = p.y;
        if (p.x > max_x) max_x = p.x;
        if (p.y > max_y) max_y = p.y;
    }
    void expand(const Box& b) {
        if (b.empty()) return;
        expand(Point{b.min_x, b.min_y});
        expand(Point{b.max_x, b.max_y});
    }
    bool intersects(const Box& b) const {
        return !(b.min_x > max_x || b.max_x < min_x || b.min_y > max_y || b.max_y < min_y);
    }
    bool contains(Point p) const { return p.x >= min_x && p.x <= max_x && p.y >= min_y && p.y <= max_y; }
    double width() const { return max_x - min_x; }
    double height() const { return max_y - min_y; }
};

enum class GeometryType : std::uint8_t { None, Point, LineString, Polygon };

/// A (multi)point, (multi)line or (multi)polygon.
///  - points: every vertex;
///  - rings: start offset of each line or ring into `points`, plus one final end offset;
///  - parts: start offset of each part into `rings`, plus one final end offset
///    (a polygon part is its exterior ring then its holes; a line part is one line; a point part one point).
struct Geometry {
    GeometryType type = GeometryType::None;
    std::vector<Point> points;
    std::vector<std::uint32_t> rings;
    std::vector<std::uint32_t> parts;

    bool empty() const { return points.empty(); }
    std::size_t ring_count() const { return rings.empty() ? 0 : rings.size() - 1; }
    std::size_t part_count() const { return parts.empty() ? 0 : parts.size() - 1; }
    bool is_multi() const { return part_count() > 1; }

    /// The box of every vertex: what Box::expand gives over them, one after another (a NaN coordinate
    /// is passed over), computed two vertices at a time.
    Box bounds() const;

    /// Start a new part (call before its rings).
    void begin_part() {
        if (rings.empty()) rings.push_back(0);
        if (parts.empty()) parts.push_back(0);
        parts.push_back(static_cast<std::uint32_t>(rings.size() - 1));
    }
    /// Close the ring or line made of the points appended since the last call.
    void end_ring() {
        if (rings.empty()) rings.push_back(0);
        rings.push_back(static_cast<std::uint32_t>(points.size()));
        parts.back() = static_cast<std::uint32_t>(rings.size() - 1);
    }

    static Geometry point(Point p) {
        Geometry g;
        g.type = GeometryType::Point;
        g.begin_part();
        g.points.push_back(p);
        g.end_ring();
        return g;
    }
};

/// MapLibre's names: "Point", "LineString", "Polygon" and their "Multi" forms; "Unknown" for none.
std::string_view geometry_type_name(const Geometry& g);

/// Hands `take(const char* data, std::size_t size)` the bytes of `g`'s type, vertices, rings and parts as
/// they are in memory, piece after piece without copying them: what a digest of a geometry is taken over
/// (the same bytes for the same geometry, bit for bit), fed to a streaming hash.
template <class Take>
void geometry_bytes(const Geometry& g, Take&& take) {
    const char type = static_cast<char>('0' + static_cast<int>(g.type));
    take(&type, std::size_t{1});
    take(reinterpret_cast<const char*>(g.points.data()), g.points.size() * sizeof(Point));
    take(reinterpret_cast<const char*>(g.rings.data()), g.rings.size() * sizeof(std::uint32_t));
    take(reinterpret_cast<const char*>(g.parts.data()), g.parts.size() * sizeof(std::uint32_t));
}

/// Appends the bytes geometry_bytes hands over to `bytes`.
void append_geometry_bytes(std::string& bytes, const Geometry& g);

}  // namespace cartelier
