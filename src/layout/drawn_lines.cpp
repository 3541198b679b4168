#include "layout/drawn_lines.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cartelier::layout {

DrawnLines::DrawnLines(const Rect& frame, double cell_pt) : frame_(frame), cell_(cell_pt) {
    if (!(cell_pt > 0) || !(frame.w > 0) || !(frame.h > 0)) return;
    nx_ = static_cast<long>(std::ceil(frame.w / cell_pt));
    ny_ = static_cast<long>(std::ceil(frame.h / cell_pt));
    cells_.assign(static_cast<std::size_t>(nx_ * ny_), 0.0);
}

void DrawnLines::add(Point a, Point b, double weight) {
    if (finished_) throw std::logic_error("DrawnLines::add after finish");
    if (nx_ == 0 || !(weight > 0)) return;
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double length = std::sqrt(dx * dx + dy * dy);  // page points: no overflow to guard against
    if (!std::isfinite(length)) return;
    // In pieces no longer than half a cell, each counted in the cell of its middle.
    const int pieces = std::max(1, static_cast<int>(std::ceil(length / (cell_ / 2))));
    const double piece = length / pieces * weight;
    for (int i = 0; i < pieces; ++i) {
        const double t = (i + 0.5) / pieces;
        const double x = a.x + (b.x - a.x) * t - frame_.x, y = a.y + (b.y - a.y) * t - frame_.y;
        if (x < 0 || y < 0 || x > frame_.w || y > frame_.h) continue;  // on its edges: in the frame
        const long cx = std::min(nx_ - 1, static_cast<long>(x / cell_));
        const long cy = std::min(ny_ - 1, static_cast<long>(y / cell_));
        cells_[static_cast<std::size_t>(cy * nx_ + cx)] += piece;
        total_ += piece;
    }
}

void DrawnLines::finish() {
    if (finished_) return;
    finished_ = true;
    if (nx_ == 0) return;
    std::vector<double> sums(static_cast<std::size_t>((nx_ + 1) * (ny_ + 1)), 0.0);
    for (long y = 0; y < ny_; ++y) {
        double row = 0;
        for (long x = 0; x < nx_; ++x) {
            row += cells_[static_cast<std::size_t>(y * nx_ + x)];
            sums[static_cast<std::size_t>((y + 1) * (nx_ + 1) + x + 1)] = sums[static_cast<std::size_t>(y * (nx_ + 1) + x + 1)] + row;
        }
    }
    cells_ = std::move(sums);
}

double DrawnLines::at(long cx, long cy) const {
    return cells_[static_cast<std::size_t>(cy * (nx_ + 1) + cx)];
}

double DrawnLines::within(const Rect& box) const {
    if (!finished_ || nx_ == 0 || total_ <= 0) return 0;
    // The box in cell units, clipped to the grid.
    const double x0 = std::clamp((box.x - frame_.x) / cell_, 0.0, static_cast<double>(nx_));
    const double x1 = std::clamp((box.right() - frame_.x) / cell_, 0.0, static_cast<double>(nx_));
    const double y0 = std::clamp((box.y - frame_.y) / cell_, 0.0, static_cast<double>(ny_));
    const double y1 = std::clamp((box.bottom() - frame_.y) / cell_, 0.0, static_cast<double>(ny_));
    if (x1 <= x0 || y1 <= y0) return 0;
    // The sum over a fractional rectangle of cells: the table's sums interpolated bilinearly, which
    // counts a partly covered cell in proportion to the part covered.
    auto summed = [&](double x, double y) {
        const long cx = std::min(nx_ - 1, static_cast<long>(x)), cy = std::min(ny_ - 1, static_cast<long>(y));
        const double fx = x - cx, fy = y - cy;
        const double s00 = at(cx, cy), s10 = at(cx + 1, cy), s01 = at(cx, cy + 1), s11 = at(cx + 1, cy + 1);
        return s00 + (s10 - s00) * fx + (s01 - s00) * fy + (s11 - s10 - s01 + s00) * fx * fy;
    };
    return std::max(0.0, summed(x1, y1) - summed(x0, y1) - summed(x1, y0) + summed(x0, y0));
}

}  // namespace cartelier::layout
