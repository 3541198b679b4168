// Where the map goes on the page: the map extent (in the map's CRS) fitted into a frame (in points).
#pragma once

#include <string>

#include "core/geometry.hpp"

namespace cartelier::layout {

/// A rectangle on the page, in points, origin top-left.
struct Rect {
    double x = 0, y = 0, w = 0, h = 0;
    double right() const { return x + w; }
    double bottom() const { return y + h; }
    bool intersects(const Rect& o) const { return x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom(); }
    bool contains(const Rect& o) const { return o.x >= x && o.y >= y && o.right() <= right() && o.bottom() <= bottom(); }
    Rect inflated(double d) const { return {x - d, y - d, w + 2 * d, h + 2 * d}; }
};

/// Page points per metre of paper.
inline constexpr double kPointsPerMetre = 72.0 / 0.0254;

struct View {
    std::string crs;   ///< CRS of the map coordinates
    Box extent;        ///< map extent shown in the frame (after fitting: same aspect as the frame)
    Rect frame;        ///< on the page
    double scale = 1;  ///< page points per map unit
    double scale_factor = 1;  ///< projection scale factor at the map centre (ground → map units)

    /// Fits `requested` into `frame`, centred, keeping its aspect (the extent grows to fill the frame).
    static View fit(const std::string& crs, const Box& requested, const Rect& frame);

    Point to_page(Point m) const {
        return {frame.x + (m.x - extent.min_x) * scale, frame.y + (extent.max_y - m.y) * scale};
    }
    Point to_map(Point p) const {
        return {extent.min_x + (p.x - frame.x) / scale, extent.max_y - (p.y - frame.y) / scale};
    }
    /// The N of the scale 1:N, true at the centre (map units in metres; corrected by the scale factor).
    double scale_denominator() const { return kPointsPerMetre / scale / scale_factor; }
    /// The web-map zoom level with the same ground resolution at latitude `lat_deg`:
    /// 2^z = 40075016.686 · cos(lat) / (512 · N · 0.0254 / 96), MapLibre's 512-px world at zoom 0 and
    /// a CSS pixel of 1/96 inch on paper.
    double zoom(double lat_deg) const;
};

}  // namespace cartelier::layout
