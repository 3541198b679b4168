// Visual regression: the seed maps and the layout fixtures rendered at a low DPI, compared with the
// reviewed images under tests/golden/. CARTELIER_UPDATE_GOLDENS=1 rewrites them (see tests/README.md);
// a failure writes NAME.actual.png and NAME.diff.png in the test's temporary folder and says where.
#include <filesystem>
#include <fstream>
#include <iostream>

#include <cairo.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "golden.hpp"
#include "page_fixture.hpp"
#include "render/text.hpp"
#include "test_paths.hpp"

using namespace cartelier;
namespace fs = std::filesystem;

namespace {

const test::Tolerance kTolerance;

void check_golden(const std::string& golden_rel, const std::string& png_bytes) {
    const std::string golden_path = test::sourcepath("tests/golden/" + golden_rel);
    if (test::update_goldens()) {
        fs::create_directories(fs::path(golden_path).parent_path());
        std::ofstream(golden_path, std::ios::binary) << png_bytes;
        std::cout << "updated " << golden_path << "\n";
        return;
    }
    ASSERT_TRUE(fs::exists(golden_path)) << "no golden " << golden_path
                                         << ": run the tests with CARTELIER_UPDATE_GOLDENS=1, review, commit";
    test::Image actual = test::decode_png(png_bytes);
    test::Image golden = test::read_png(golden_path);
    ASSERT_FALSE(golden.empty()) << "cannot read " << golden_path;
    test::Comparison c = test::compare_images(actual, golden, kTolerance);
    if (!c.passes(kTolerance)) {
        const std::string dir = test::temp_dir("golden");
        const std::string stem = fs::path(golden_rel).stem().string();
        std::ofstream(dir + "/" + stem + ".actual.png", std::ios::binary) << png_bytes;
        if (c.same_size) test::write_png(c.diff, dir + "/" + stem + ".diff.png");
        ADD_FAILURE() << golden_rel << ": "
                      << (c.same_size ? fmt::format("{} differing pixels ({:.4f} %, allowed {:.4f} %)", c.differing,
                                                    c.fraction * 100, kTolerance.max_fraction * 100)
                                      : fmt::format("size {}×{}, golden {}×{}", actual.width, actual.height,
                                                    golden.width, golden.height))
                      << "\n  actual: " << dir << "/" << stem << ".actual.png\n  diff:   " << dir << "/" << stem
                      << ".diff.png\n  golden: " << golden_path;
    }
}

}  // namespace

TEST(Golden, SeedMaps) {
    if (!test::layer_cache_present()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    if (auto why = test::golden_layers_mismatch(); !why.empty()) GTEST_SKIP() << why;
    test::ProjectRenderer renderer(test::sourcepath("cartelier.yaml"));
    for (const char* id : {"flash", "local", "sessions"}) {
        SCOPED_TRACE(id);
        auto page = renderer.render(id, render::OutputFormat::Png, 60);
        check_golden(fmt::format("seed/{}.png", id), page.bytes);
    }
}

// Issue 15: three sheets of the seed project's `fiches` atlas (a single commune, an EPCI, a PETR of
// 95 communes), reviewed by eye.
TEST(Golden, AtlasPages) {
    if (!test::layer_cache_present()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    if (auto why = test::golden_layers_mismatch(); !why.empty()) GTEST_SKIP() << why;
    test::ProjectRenderer renderer(test::sourcepath("cartelier.yaml"));
    for (const char* page : {"flash-bar-le-duc", "local-region-dieppoise", "local-pays-de-brie-champagne"}) {
        SCOPED_TRACE(page);
        auto rendered = renderer.render(fmt::format("fiches/{}", page), render::OutputFormat::Png, 60);
        check_golden(fmt::format("atlas/{}.png", page), rendered.bytes);
    }
}

TEST(Golden, LayoutFixtures) {
    if (!test::layer_cache_present()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    if (auto why = test::golden_layers_mismatch(); !why.empty()) GTEST_SKIP() << why;
    test::ProjectRenderer renderer(test::datapath("fixtures/layout/cartelier.yaml"));
    for (const char* id : {"elements", "crowded", "row"}) {
        SCOPED_TRACE(id);
        auto page = renderer.render(id, render::OutputFormat::Png, 60);
        check_golden(fmt::format("fixtures/{}.png", id), page.bytes);
    }
}

// Issue 18: the dense fixture (51 sites), its leaders, numbers and numbered lists, reviewed by eye.
TEST(Golden, DenseFixture) {
    if (!test::layer_cache_present()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    if (auto why = test::golden_layers_mismatch(); !why.empty()) GTEST_SKIP() << why;
    test::ProjectRenderer renderer(test::datapath("fixtures/dense/cartelier.yaml"));
    for (const char* id : {"dense", "dense-idf"}) {
        SCOPED_TRACE(id);
        auto page = renderer.render(id, render::OutputFormat::Png, 60);
        check_golden(fmt::format("fixtures/{}.png", id), page.bytes);
    }
}

// The comparator itself: noise passes, a moved label or a missing inset fails.
class GoldenTolerance : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::layer_cache_present()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
        test::ProjectRenderer renderer(test::datapath("fixtures/layout/cartelier.yaml"));
        page_ = renderer.render("elements", render::OutputFormat::Png, 60);
        image_ = test::decode_png(page_.bytes);
        ASSERT_FALSE(image_.empty());
    }
    /// A copy of the page with `draw` applied over it (in page points).
    template <typename Fn>
    test::Image edited(Fn&& draw) const {
        cairo_surface_t* s = test::to_surface(image_);
        cairo_t* cr = cairo_create(s);
        cairo_scale(cr, 60.0 / 72.0, 60.0 / 72.0);
        draw(cr);
        cairo_destroy(cr);
        cairo_surface_flush(s);
        test::Image out;
        out.width = image_.width;
        out.height = image_.height;
        out.pixels.resize(image_.pixels.size());
        const int stride = cairo_image_surface_get_stride(s);
        for (int y = 0; y < out.height; ++y)
            std::copy_n(reinterpret_cast<const std::uint32_t*>(cairo_image_surface_get_data(s) + y * stride), out.width,
                        out.pixels.begin() + static_cast<std::ptrdiff_t>(y) * out.width);
        cairo_surface_destroy(s);
        return out;
    }
    test::RenderedPage page_;
    test::Image image_;
};

TEST_F(GoldenTolerance, SubPixelShiftPasses) {
    // The whole page redrawn a quarter of a pixel off: anti-aliasing noise everywhere, nothing moved.
    cairo_surface_t* source = test::to_surface(image_);
    test::Image shifted = edited([&](cairo_t* cr) {
        cairo_identity_matrix(cr);
        cairo_set_source_surface(cr, source, 0.25, 0.25);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
        cairo_paint(cr);
    });
    cairo_surface_destroy(source);
    test::Comparison c = test::compare_images(shifted, image_, kTolerance);
    EXPECT_TRUE(c.passes(kTolerance)) << c.differing << " pixels differ";
    std::cout << "sub-pixel shift: " << c.differing << " differing pixels of " << image_.pixels.size() << "\n";
}

TEST_F(GoldenTolerance, MovedLabelFails) {
    // One label drawn, then the same label 6 points to the right.
    render::TextStyle style;
    style.size_pt = 7.5;
    style.halo_color = style::Color{1, 1, 1, 1};
    style.halo_width_pt = 1.1;
    auto at = [&](double x) {
        return edited([&](cairo_t* cr) { render::TextBlock(cr, "Deux-Morins", style).draw(cr, x, 300); });
    };
    test::Comparison c = test::compare_images(at(306), at(300), kTolerance);
    EXPECT_FALSE(c.passes(kTolerance)) << "only " << c.differing << " pixels differ";
    std::cout << "moved label: " << c.differing << " differing pixels\n";
}

TEST_F(GoldenTolerance, MissingInsetFails) {
    const auto& mayotte = page_.report.frames.at(5);
    ASSERT_EQ(mayotte.name, "Mayotte");
    test::Image without = edited([&](cairo_t* cr) {
        cairo_rectangle(cr, mayotte.frame.x - 1, mayotte.frame.y - 1, mayotte.frame.w + 2, mayotte.frame.h + 2);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
    });
    test::Comparison c = test::compare_images(without, image_, kTolerance);
    EXPECT_FALSE(c.passes(kTolerance));
    std::cout << "missing inset: " << c.differing << " differing pixels\n";
}
