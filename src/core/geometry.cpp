#include "core/geometry.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

Box Geometry::bounds() const {
    Box b;
    const Point* p = points.data();
    const std::size_t n = points.size();
    std::size_t i = 0;
#if defined(__SSE2__)
    // (x, y) in one register; _mm_min_pd(v, m) is "v < m ? v : m" lane by lane, Box::expand's test (a
    // NaN in v leaves m), and _mm_max_pd(v, m) "v > m ? v : m". Two of each, for two vertices at a time.
    if (n >= 4) {
        __m128d lo0 = _mm_set1_pd(b.min_x), lo1 = lo0, hi0 = _mm_set1_pd(b.max_x), hi1 = hi0;
        for (; i + 2 <= n; i += 2) {
            const __m128d v0 = _mm_loadu_pd(&p[i].x), v1 = _mm_loadu_pd(&p[i + 1].x);
            lo0 = _mm_min_pd(v0, lo0);
            lo1 = _mm_min_pd(v1, lo1);
            hi0 = _mm_max_pd(v0, hi0);
            hi1 = _mm_max_pd(v1, hi1);
        }
        alignas(16) double lo[2], hi[2];
        _mm_store_pd(lo, _mm_min_pd(lo0, lo1));
        _mm_store_pd(hi, _mm_max_pd(hi0, hi1));
        b.min_x = lo[0];
        b.min_y = lo[1];
        b.max_x = hi[0];
        b.max_y = hi[1];
    }
#endif
    for (; i < n; ++i) b.expand(p[i]);
    return b;
}

void append_geometry_bytes(std::string& bytes, const Geometry& g) {
    geometry_bytes(g, [&](const char* data, std::size_t size) { bytes.append(data, size); });
}

}  // namespace cartelier
