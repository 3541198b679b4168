// Scale and fit of the main map: with `extent`, the extent is fitted to the frame whatever the paper
// (it touches two opposite sides of the frame, the scale follows); with `scale`, the map is centred on
// the extent's centre at that scale. Plans only (plan_frames): no rendering.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include "layout/page_layout.hpp"
#include "layout/page_plan.hpp"
#include "pipeline/project.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using layout::Rect;

namespace {

/// Bounds of the metropolitan départements (Corsica included) in Lambert-93, from layers/cache.
const Box kMetropole{99102, 6046556, 1242436, 7110480};

pipeline::MapDecl sessions_on(const std::string& paper, const std::string& orientation) {
    static const pipeline::Project project = pipeline::load_project(test::sourcepath("cartelier.yaml"));
    pipeline::MapDecl m = *project.find_map("sessions");
    m.page.paper = *layout::Paper::named(paper, orientation);
    return m;
}

/// The page rectangle of a box of map coordinates under `view`.
Rect on_page(const layout::View& view, const Box& b) {
    const Point a = view.to_page({b.min_x, b.max_y}), c = view.to_page({b.max_x, b.min_y});
    return Rect{a.x, a.y, c.x - a.x, c.y - a.y};
}

std::string write_project(const std::string& name, const std::string& yaml) {
    const std::string dir = test::temp_dir(name);
    { std::ofstream(dir + "/style.json") << R"({"version": 8, "sources": {}, "layers": []})"; }
    std::ofstream(dir + "/cartelier.yaml") << "version: 1\nlayers: {}\n" << yaml;
    return dir + "/cartelier.yaml";
}

}  // namespace

TEST(Fit, TheSessionsMapFillsItsFrameOnAnyPaper) {
    for (const auto& [paper, orientation] : std::vector<std::pair<std::string, std::string>>{
             {"A4", "landscape"}, {"A3", "portrait"}, {"A4", "portrait"}, {"A2", "landscape"}}) {
        SCOPED_TRACE(paper + " " + orientation);
        const pipeline::MapDecl m = sessions_on(paper, orientation);
        const layout::FramePlan main = layout::plan_frames(m.page, m.crs, m.extent).front();
        const Rect& frame = main.view.frame;
        const Rect extent = on_page(main.view, m.extent);
        // The whole extent is shown, and it touches two opposite sides of the frame.
        constexpr double tolerance = 0.5;  // points
        EXPECT_TRUE(frame.inflated(tolerance).contains(extent));
        const bool left_right = std::abs(extent.x - frame.x) < tolerance && std::abs(extent.right() - frame.right()) < tolerance;
        const bool top_bottom = std::abs(extent.y - frame.y) < tolerance && std::abs(extent.bottom() - frame.bottom()) < tolerance;
        EXPECT_TRUE(left_right || top_bottom) << "extent " << extent.x << " " << extent.y << " " << extent.w << " × "
                                              << extent.h << " in frame " << frame.x << " " << frame.y << " "
                                              << frame.w << " × " << frame.h;
        // And France fills it: the project's extent is France's, not a page's (no margin of sea to the
        // aspect of one paper, which another paper would then shrink France into).
        const Rect france = on_page(main.view, kMetropole);
        EXPECT_TRUE(france.w >= 0.9 * frame.w || france.h >= 0.9 * frame.h)
            << "France " << france.w << " × " << france.h << " in a frame " << frame.w << " × " << frame.h;
    }
}

TEST(Fit, AnotherPaperRefits) {
    const double a4 = layout::plan_frames(sessions_on("A4", "landscape").page, "EPSG:2154", sessions_on("A4", "landscape").extent)
                          .front()
                          .scale_denominator();
    const pipeline::MapDecl a3 = sessions_on("A3", "portrait");
    const double a3_scale = layout::plan_frames(a3.page, a3.crs, a3.extent).front().scale_denominator();
    EXPECT_LT(a3_scale, 0.85 * a4);  // larger on the larger paper: France drawn bigger
}

TEST(Fit, AFixedScaleIsThePlansScaleCentredOnTheExtent) {
    pipeline::MapDecl m = sessions_on("A4", "landscape");
    m.page.scale = 5'000'000;
    const layout::FramePlan main = layout::plan_frames(m.page, m.crs, m.extent).front();
    EXPECT_NEAR(main.scale_denominator(), 5'000'000, 1e-3);
    const Box& e = main.view.extent;
    EXPECT_NEAR((e.min_x + e.max_x) / 2, (m.extent.min_x + m.extent.max_x) / 2, 1e-6);
    EXPECT_NEAR((e.min_y + e.max_y) / 2, (m.extent.min_y + m.extent.max_y) / 2, 1e-6);
    // The frame's aspect, and the frame's size at that scale (France larger than the frame: cut).
    EXPECT_NEAR(e.width() / e.height(), main.view.frame.w / main.view.frame.h, 1e-9);
    EXPECT_LT(e.height(), m.extent.height());
}

TEST(Fit, ScaleKeyReadsEitherForm) {
    const std::string path = write_project("fit-scale",
                                           "defaults:\n  extent: [0, 6000000, 100000, 6100000]\n  crs: EPSG:2154\n"
                                           "  scale: \"1:5 000 000\"\nmaps:\n"
                                           "  a: {style: style.json}\n"
                                           "  b: {style: style.json, scale: 250000}\n"
                                           "  c: {style: style.json, scale: fit}\n");
    const pipeline::Project p = pipeline::load_project(path);
    ASSERT_TRUE(p.find_map("a")->page.scale);
    EXPECT_EQ(*p.find_map("a")->page.scale, 5'000'000);
    EXPECT_EQ(*p.find_map("b")->page.scale, 250'000);
    EXPECT_FALSE(p.find_map("c")->page.scale);  // back to the fit
}
