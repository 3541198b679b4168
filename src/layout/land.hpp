// The land drawn in one map frame, on the page: the polygons of every fill layer the frame's map drew
// (départements, neighbouring countries, an overseas island), in page points. Page furniture (legend,
// scale bars, north arrow, inset names, logo) is placed where it hides the least of it
// (layout/furniture.hpp), and the build report states how much it still hides.
#pragma once

#include <vector>

#include "core/geometry.hpp"
#include "layout/view.hpp"

namespace cartelier::layout {

class LandCover {
public:
    LandCover() = default;
    /// Land drawn in `frame` (page points): what lies outside it is not on the page.
    explicit LandCover(const Rect& frame) : frame_(frame) {}

    /// Adds every polygon part of `g` (in the map coordinates of `view`), moved onto the page; parts
    /// that miss the frame and geometries that are not polygons are left out. A part is its exterior
    /// ring and its holes (even-odd); overlapping parts and layers count once (their union).
    void add(const Geometry& g, const View& view);
    /// Adds one polygon already in page points: its exterior ring, then its holes.
    void add_polygon(std::vector<std::vector<Point>> rings);

    /// True when some land lies inside `box` (its interior, within the frame): exact, from the rings'
    /// edges and vertices, however thin the land.
    bool touches(const Rect& box) const;
    /// Area in pt² of the land (the union of the polygons) inside `box` within the frame: exact along
    /// x, sampled every 0.25 pt along y. 0 whenever touches(box) is false.
    double area_within(const Rect& box) const;
    /// 0 when touches(box) is false, else the larger of area_within(box) and `at_least` (so that a sliver
    /// thinner than the scanlines still counts): one test of touches(box) where calling both takes two.
    double land_within(const Rect& box, double at_least) const;

    const Rect& frame() const { return frame_; }
    bool empty() const { return parts_.empty(); }

private:
    struct Part {
        std::vector<std::vector<Point>> rings;
        Rect bounds;
    };
    /// area_within(r) once `r` is known to be within the frame, non-empty and touching land.
    double scanned_area(const Rect& r) const;

    Rect frame_;
    std::vector<Part> parts_;
};

/// Square points to square millimetres.
inline constexpr double kMm2PerPt2 = (25.4 / 72.0) * (25.4 / 72.0);

}  // namespace cartelier::layout
