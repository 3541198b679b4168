// How finely the renderer generalises for each output (render::Generalisation).
#include <gtest/gtest.h>

#include "render/map_renderer.hpp"

namespace cartelier::render {
namespace {

TEST(Generalisation, VectorOutputUsesTheVectorTolerance) {
    Generalisation g;
    EXPECT_DOUBLE_EQ(g.tolerance_points(false, 1), g.vector_points);
}

TEST(Generalisation, RasterToleranceIsRoundedDownToTheLadderOfTheVectorOne) {
    Generalisation g;  // 0.25 px, 0.05 pt
    // 300 dpi: 0.25 px = 0.06 pt → 0.05 pt, the PDF's: one simplification serves both outputs.
    EXPECT_DOUBLE_EQ(g.tolerance_points(true, 300.0 / 72), g.vector_points);
    // 72 dpi: 0.25 pt → 0.05 × √2^4 = 0.2 pt; 600 dpi: 0.03 pt → 0.05 / 2 = 0.025 pt.
    EXPECT_NEAR(g.tolerance_points(true, 1), 0.2, 1e-12);
    EXPECT_NEAR(g.tolerance_points(true, 600.0 / 72), 0.025, 1e-12);
    // Never coarser than the pixel fraction asked, at any resolution.
    for (double dpi = 30; dpi <= 2400; dpi *= 1.07) {
        const double asked = g.raster_pixels / (dpi / 72);
        const double used = g.tolerance_points(true, dpi / 72);
        EXPECT_LE(used, asked * (1 + 1e-12)) << dpi;
        EXPECT_GT(used, asked / std::sqrt(2.0) * (1 - 1e-12)) << dpi;
    }
}

TEST(Generalisation, OnTheLadderAToleranceStaysAsItIs) {
    Generalisation g;
    g.raster_pixels = 0.05 * 2;  // at 2 px per point: 0.05 pt exactly
    EXPECT_DOUBLE_EQ(g.tolerance_points(true, 2), 0.05);
}

}  // namespace
}  // namespace cartelier::render
