// draw_map's `on_white_raster` (render/map_renderer.hpp): on a raster page already painted white, a white
// background that comes first is not painted again — the same pixels, whatever the frame's fractions of a
// pixel — and every other background is painted as before.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/document.hpp"
#include "render/cairo_handles.hpp"
#include "render/map_renderer.hpp"
#include "test_layers.hpp"
#include "test_styles.hpp"

using namespace cartelier;
using render::Rect;

namespace {

/// A square of map metres (20, 20)–(60, 60) in EPSG:2154.
Layer square() { return test::square_layer("square", "memory", "EPSG:2154", "code", 40, {{"sq", Point{20, 20}}}); }

style::Style style_of(const std::string& layers) { return test::points_style(layers, "/tmp/white-background-style.json"); }

const char* kWhite = R"({"id": "paper", "type": "background", "paint": {"background-color": "#ffffff"}})";
const char* kFill = R"({"id": "land", "type": "fill", "source": "p", "source-layer": "square", "paint": {"fill-color": "#2060a0"}})";

/// A 100 × 100 pixel ARGB32 page filled with `page` (0xAARRGGBB), a frame at fractions of a pixel
/// showing map metres 0–80; the map drawn with `on_white_raster`. Returns the pixels.
std::vector<std::uint32_t> draw(const style::Style& style, std::uint32_t page, bool on_white_raster) {
    render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 100, 100)};
    cairo_surface_flush(surface.get());
    auto* data = reinterpret_cast<std::uint32_t*>(cairo_image_surface_get_data(surface.get()));
    const int stride = cairo_image_surface_get_stride(surface.get()) / 4;
    for (int y = 0; y < 100; ++y)
        for (int x = 0; x < 100; ++x) data[y * stride + x] = page;
    cairo_surface_mark_dirty(surface.get());
    render::ContextPtr cr{cairo_create(surface.get())};
    const Rect frame{10.3, 9.6, 80.4, 80.5};
    const render::View view = render::View::fit("EPSG:2154", Box{0, 0, 80, 80}, frame);
    const Layer layer = square();
    render::LayerSet set;
    set.add(layer);
    render::draw_map(cr.get(), style, set, view, 6, nullptr, on_white_raster);
    cairo_surface_flush(surface.get());
    std::vector<std::uint32_t> pixels;
    for (int y = 0; y < 100; ++y) pixels.insert(pixels.end(), data + y * stride, data + y * stride + 100);
    return pixels;
}

std::uint32_t at(const std::vector<std::uint32_t>& pixels, int x, int y) { return pixels[y * 100 + x]; }

constexpr std::uint32_t kWhitePixel = 0xffffffff;
constexpr std::uint32_t kMarker = 0xffff00ff;  // magenta: what a page was not promised to be

}  // namespace

TEST(WhiteBackground, OnAWhitePageTheSamePixelsWithOrWithoutPaintingIt) {
    const style::Style style = style_of(fmt::format("{}, {}", kWhite, kFill));
    const auto painted = draw(style, kWhitePixel, false);
    const auto skipped = draw(style, kWhitePixel, true);
    EXPECT_EQ(painted, skipped);
    EXPECT_NE(at(painted, 45, 45), kWhitePixel);  // the square is drawn
}

TEST(WhiteBackground, TheFirstOpaqueWhiteBackgroundIsNotPaintedOverThePromisedWhite) {
    // The page is magenta, though white was promised: the background left out shows it.
    const auto skipped = draw(style_of(kWhite), kMarker, true);
    EXPECT_EQ(at(skipped, 50, 50), kMarker);
    const auto painted = draw(style_of(kWhite), kMarker, false);
    EXPECT_EQ(at(painted, 50, 50), kWhitePixel);
    EXPECT_EQ(at(painted, 5, 5), kMarker);  // outside the frame: not drawn either way
}

TEST(WhiteBackground, PaintedWhenALayerDrewBeforeIt) {
    // The square first, then the white background over it: the square must be covered.
    const auto pixels = draw(style_of(fmt::format("{}, {}", kFill, kWhite)), kWhitePixel, true);
    EXPECT_EQ(at(pixels, 45, 45), kWhitePixel);
}

TEST(WhiteBackground, PaintedWhenNotOpaqueWhite) {
    const char* grey = R"({"id": "paper", "type": "background", "paint": {"background-color": "#fefefe"}})";
    EXPECT_EQ(at(draw(style_of(grey), kMarker, true), 50, 50), 0xfffefefe);
    const char* faint = R"({"id": "paper", "type": "background", "paint": {"background-color": "#ffffff", "background-opacity": 0.5}})";
    EXPECT_NE(at(draw(style_of(faint), kMarker, true), 50, 50), kMarker);
    const char* translucent =
        R"json({"id": "paper", "type": "background", "paint": {"background-color": "rgba(255, 255, 255, 0.5)"}})json";
    EXPECT_NE(at(draw(style_of(translucent), kMarker, true), 50, 50), kMarker);
    // Two white backgrounds: the first left out, the second too (the frame is still white).
    const char* again = R"({"id": "paper-again", "type": "background", "paint": {"background-color": "white"}})";
    EXPECT_EQ(at(draw(style_of(fmt::format("{}, {}", kWhite, again)), kMarker, true), 50, 50), kMarker);
}
