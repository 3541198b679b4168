// DrawnLines (layout/drawn_lines.hpp): the weighted length of the drawn lines within a box, from a
// summed table of small cells.
#include <gtest/gtest.h>

#include "layout/drawn_lines.hpp"

using namespace cartelier;
using layout::DrawnLines;
using layout::Rect;

TEST(DrawnLines, CountsTheLengthOfTheLinesInABoxByTheirWeight) {
    DrawnLines lines(Rect{0, 0, 200, 100});
    lines.add({10, 50}, {190, 50}, 1.0);   // 180 pt across the frame
    lines.add({100, 0}, {100, 100}, 2.0);  // 100 pt down it, twice as heavy
    lines.finish();
    EXPECT_NEAR(lines.total(), 180 + 200, 1e-9);
    // A box across the horizontal line only: the 60 pt of it inside.
    EXPECT_NEAR(lines.within(Rect{20, 40, 60, 20}), 60, 2.0);
    // A box over both: 40 pt of the first, 20 pt of the second at weight 2.
    EXPECT_NEAR(lines.within(Rect{80, 40, 40, 20}), 40 + 2 * 20, 3.0);
    // Away from both.
    EXPECT_NEAR(lines.within(Rect{10, 5, 60, 30}), 0, 1e-9);
    // The whole frame, and beyond it (clipped).
    EXPECT_NEAR(lines.within(Rect{-50, -50, 300, 200}), 380, 1e-6);
}

TEST(DrawnLines, LeavesOutWhatLiesOutsideTheFrameAndCountsNothingBeforeFinish) {
    DrawnLines lines(Rect{100, 100, 100, 100});
    lines.add({0, 150}, {300, 150}, 1.0);  // 100 pt of it in the frame
    EXPECT_EQ(lines.within(Rect{100, 100, 100, 100}), 0);
    lines.finish();
    EXPECT_NEAR(lines.total(), 100, 1.0);
    EXPECT_NEAR(lines.within(Rect{150, 140, 20, 20}), 20, 1.0);
    EXPECT_THROW(lines.add({0, 0}, {1, 1}, 1), std::logic_error);
    EXPECT_EQ(DrawnLines().within(Rect{0, 0, 10, 10}), 0);
}

TEST(DrawnLines, ALineOnTheFramesEdgeIsInTheFrame) {
    DrawnLines lines(Rect{0, 0, 100, 50});
    lines.add({100, 0}, {100, 50}, 1.0);  // the right edge
    lines.add({0, 50}, {100, 50}, 1.0);   // the bottom edge
    lines.finish();
    EXPECT_NEAR(lines.total(), 150, 1e-9);
    EXPECT_NEAR(lines.within(Rect{90, 0, 10, 50}), 50 + 10, 1.0);
}
