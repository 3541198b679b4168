// fill-pattern (render/symbolizers.cpp, fill_with_pattern): an area filled with an image of the style's
// icons folder, repeated from the page's origin at its natural size (1 CSS px = 0.75 pt), instead of the
// fill colour and without the outline, as MapLibre fills it; crisp tiles at the page's resolution on a
// raster page, a PDF tiling pattern on a vector one; names computed per feature checked before drawing.
#include <cairo-pdf.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "render/cairo_handles.hpp"
#include "render/icons.hpp"
#include "render/map_renderer.hpp"
#include "test_layers.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using render::Rect;
namespace fs = std::filesystem;

namespace {

/// A folder with icons/stripes.png: 4 × 4 px (3 × 3 pt), its left two columns red, its right two blue.
struct PatternProject {
    std::string dir;
    explicit PatternProject(const std::string& name) : dir(test::temp_dir("render-fill-pattern-" + name)) {
        fs::create_directories(dir + "/icons");
        render::SurfacePtr s(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4));
        render::ContextPtr cr(cairo_create(s.get()));
        cairo_set_source_rgb(cr.get(), 1, 0, 0);
        cairo_rectangle(cr.get(), 0, 0, 2, 4);
        cairo_fill(cr.get());
        cairo_set_source_rgb(cr.get(), 0, 0, 1);
        cairo_rectangle(cr.get(), 2, 0, 2, 4);
        cairo_fill(cr.get());
        cairo_surface_write_to_png(s.get(), (dir + "/icons/stripes.png").c_str());
    }
    /// A style filling layer "square" with `paint` over a white background.
    style::Style style(const std::string& paint) const {
        const std::string text = fmt::format(
            "{{\"version\": 8, \"sources\": {{\"p\": {{\"type\": \"vector\", \"url\": \"cartelier://project\"}}}},\n"
            "\"layers\": [\n"
            "{{\"id\": \"paper\", \"type\": \"background\", \"paint\": {{\"background-color\": \"#ffffff\"}}}},\n"
            "{{\"id\": \"area\", \"type\": \"fill\", \"source\": \"p\", \"source-layer\": \"square\",\n"
            " \"paint\": {}}}\n]}}",
            paint);
        return style::parse_style(doc::load_string(text, dir + "/style.json"));
    }
};

/// Squares of 30 m (30 pt on the page) with a field "code".
Layer pattern_squares(std::initializer_list<std::pair<const char*, Point>> at) {
    return test::square_layer("square", "memory", "EPSG:2154", "code", 30, at);
}

/// A 60 × 60 pt page drawn at `pixels_per_point` (a 60 × 60 m map), RGB.
struct PatternPage {
    explicit PatternPage(double pixels_per_point)
        : surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(60 * pixels_per_point),
                                             static_cast<int>(60 * pixels_per_point))),
          cr(cairo_create(surface.get())) {
        cairo_scale(cr.get(), pixels_per_point, pixels_per_point);
    }
    render::SurfacePtr surface;
    render::ContextPtr cr;
    render::View view = render::View::fit("EPSG:2154", Box{0, 0, 60, 60}, Rect{0, 0, 60, 60});

    void draw(const style::Style& style, const Layer& layer) {
        render::LayerSet set;
        set.add(layer);
        render::draw_map(cr.get(), style, set, view, 6);
        cairo_surface_flush(surface.get());
    }
    std::uint32_t pixel(int x, int y) const {
        return *reinterpret_cast<const std::uint32_t*>(cairo_image_surface_get_data(surface.get()) +
                                                        y * cairo_image_surface_get_stride(surface.get()) + x * 4) &
               0xffffff;
    }
};

constexpr std::uint32_t kPatternRed = 0xff0000, kPatternBlue = 0x0000ff, kPatternWhite = 0xffffff;

}  // namespace

TEST(FillPattern, TheAreaIsTiledFromThePageOriginAtTheImagesNaturalSize) {
    PatternProject p("tiles");
    // At 4 pixels per point: a tile of 3 × 3 pt is 12 × 12 px, red in its left 6 columns, blue in the right.
    PatternPage page(4);
    page.draw(p.style(R"({"fill-color": "#00ff00", "fill-pattern": "stripes"})"), pattern_squares({{"a", Point{15, 15}}}));
    // The square spans page points 15–45 (y: 15–45): pixels 60–180.
    for (int x = 62; x < 178; ++x) {
        const int column = x % 12;  // the tile's column, from the page's origin
        if (column == 5 || column == 6 || column == 11 || column == 0) continue;  // the colours' edges
        EXPECT_EQ(page.pixel(x, 100), column < 6 ? kPatternRed : kPatternBlue) << x;
    }
    // Not the fill colour anywhere; outside the square, the page.
    EXPECT_EQ(page.pixel(30, 30), kPatternWhite);
    EXPECT_EQ(page.pixel(100, 200), kPatternWhite);
}

TEST(FillPattern, NeighboursPatternsLineUpAndOpacityApplies) {
    PatternProject p("neighbours");
    PatternPage page(4);
    // Two squares side by side (0–30 and 30–60 m): the tiles continue across their shared edge.
    page.draw(p.style(R"({"fill-pattern": "stripes", "fill-opacity": 0.5})"),
              pattern_squares({{"a", Point{0, 15}}, {"b", Point{30, 15}}}));
    for (int x : {0, 48, 108, 120, 168, 228}) {  // the red half of tiles (column 2 of 12), in both squares
        const std::uint32_t px = page.pixel(x + 2, 100);
        // Half red over white: (255, 127/128, 127/128).
        EXPECT_EQ(px >> 16, 0xffu) << x;
        EXPECT_NEAR(static_cast<int>((px >> 8) & 0xff), 128, 1) << x;
    }
}

TEST(FillPattern, AVectorPageKeepsATilingPattern) {
    PatternProject p("pdf");
    const std::string pdf = p.dir + "/out.pdf";
    {
        render::SurfacePtr surface(cairo_pdf_surface_create(pdf.c_str(), 60, 60));
        render::ContextPtr cr(cairo_create(surface.get()));
        render::LayerSet set;
        const Layer l = pattern_squares({{"a", Point{15, 15}}});
        set.add(l);
        render::draw_map(cr.get(), p.style(R"({"fill-pattern": "stripes"})"), set,
                         render::View::fit("EPSG:2154", Box{0, 0, 60, 60}, Rect{0, 0, 60, 60}), 6);
    }
    std::ifstream in(pdf, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(bytes.find("/PatternType 1"), std::string::npos);  // a tiling pattern, not an image of the page
}

TEST(FillPattern, NamesComputedPerFeatureAreCheckedBeforeDrawingAndAreInputs) {
    PatternProject p("check");
    const style::Style s = p.style(R"({"fill-pattern": ["get", "code"]})");
    const Layer l = pattern_squares({{"stripes", Point{0, 0}}, {"dots", Point{30, 30}}});
    render::LayerSet set;
    set.add(l);
    render::IconCache cache;
    std::set<std::string> files;
    const Diagnostics d = render::check_icons(s, set, {6.0}, cache, &files);
    ASSERT_EQ(d.error_count(), 1u) << d.format();
    EXPECT_NE(d.items()[0].format().find("error: layers[1].paint.fill-pattern: feature 'dots': icon \"dots\" not found"),
              std::string::npos)
        << d.format();
    // Each name's files decide the map: inputs of incremental builds.
    EXPECT_EQ(files, (std::set<std::string>{p.dir + "/icons/dots.png", p.dir + "/icons/dots.svg",
                                            p.dir + "/icons/stripes.png", p.dir + "/icons/stripes.svg"}));
}

TEST(FillPattern, AConstantNameThatIsNoIconIsAnErrorWhenTheStyleLoads) {
    PatternProject p("constant");
    try {
        p.style(R"({"fill-pattern": "hachures"})");
        FAIL() << "a missing pattern was accepted";
    } catch (const Error& e) {
        EXPECT_NE(e.diagnostics().format().find("layers[1].paint.fill-pattern: icon \"hachures\" not found"),
                  std::string::npos)
            << e.diagnostics().format();
    }
}
