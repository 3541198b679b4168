// The lines a frame's map drew — strokes, and the edges of filled areas (a coast, a border between two
// colours) — as their length in each small cell of the page. Label placement scores a candidate by the
// lines its text would hide (layout/labels.hpp), as QGIS PAL counts the features under a label: a name
// laid along a border or across a coast costs more than one over plain land.
//
// A cell holds the length of the segments whose pieces fall in it, each weighted (a thick line counts
// more than a hairline); a summed table answers "how much lies within this box" in constant time
// whatever the box's size, so scoring stays cheap for ten thousand labels.
#pragma once

#include <vector>

#include "layout/view.hpp"

namespace cartelier::layout {

class DrawnLines {
public:
    /// Nothing drawn: every box hides no line.
    DrawnLines() = default;
    /// Lines drawn in `frame` (page points), counted in square cells of `cell_pt`; what lies outside the
    /// frame is not on the page and is not counted.
    explicit DrawnLines(const Rect& frame, double cell_pt = 2.0);

    /// Adds the segment a–b (page points) with a weight per point of length (the renderer gives a
    /// line's width in points). Throws std::logic_error once finish() was called.
    void add(Point a, Point b, double weight);
    /// Ends the adding and builds the summed table (called once; within() before it counts nothing).
    void finish();

    /// The weighted length (points) of the lines in the cells `box` touches, each cell counted in
    /// proportion to the part of it the box covers.
    double within(const Rect& box) const;
    /// The weighted length of every line added.
    double total() const { return total_; }
    bool empty() const { return total_ <= 0; }

private:
    double at(long cx, long cy) const;  ///< the summed table: cells [0, cx) × [0, cy)
    Rect frame_;
    double cell_ = 2.0;
    long nx_ = 0, ny_ = 0;
    std::vector<double> cells_;  ///< per cell, then (after finish) the summed table of (nx+1)(ny+1)
    bool finished_ = false;
    double total_ = 0;
};

}  // namespace cartelier::layout
