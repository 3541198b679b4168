// Logos: SVG through librsvg and PNG through Cairo, drawn into a box with their aspect kept.
#include <fstream>

#include <gtest/gtest.h>

#include "core/diagnostic.hpp"
#include "render/cairo_handles.hpp"
#include "render/picture.hpp"
#include "test_paths.hpp"

using namespace cartelier;

TEST(Picture, SvgLogoDrawsItsColoursInTheBox) {
    auto logo = render::Picture::load(test::datapath("fixtures/layout/logo.svg"));
    EXPECT_DOUBLE_EQ(logo.width(), 120);
    EXPECT_DOUBLE_EQ(logo.height(), 40);
    render::SurfacePtr s(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 100));
    render::ContextPtr cr(cairo_create(s.get()));
    cairo_set_source_rgb(cr.get(), 0.5, 0.5, 0.5);
    cairo_paint(cr.get());
    logo.draw(cr.get(), render::Rect{20, 20, 120, 60});  // 120×40 centred vertically: y 30…70
    cairo_surface_flush(s.get());
    auto pixel = [&](int x, int y) {
        return *reinterpret_cast<const uint32_t*>(cairo_image_surface_get_data(s.get()) +
                                                   y * cairo_image_surface_get_stride(s.get()) + x * 4) & 0xffffff;
    };
    EXPECT_EQ(pixel(40, 50), 0x000091u);   // blue band
    EXPECT_EQ(pixel(120, 50), 0xe1000fu);  // red band
    EXPECT_EQ(pixel(40, 25), 0x808080u);   // above the picture: the grey background untouched (aspect kept)
}

TEST(Picture, ErrorsNameTheFile) {
    try {
        render::Picture::load("/nonexistent/logo.svg");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/logo.svg"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos) << e.what();
    }
    const std::string bad = test::temp_dir("picture") + "/broken.svg";
    { std::ofstream(bad) << "<svg"; }
    try {
        render::Picture::load(bad);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("broken.svg"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("cannot read the SVG logo"), std::string::npos) << e.what();
    }
}
