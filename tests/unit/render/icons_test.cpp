// Icons of symbol layers on a small page: drawn where icon-anchor, icon-offset and icon-size say, with
// icon-opacity, from SVG (vectors in PDF) or PNG; each file read once; names computed per feature
// checked before rendering, naming the feature; icons are label obstacles and labels sit around them.
#include <cairo-pdf.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "layout/labels.hpp"
#include "render/cairo_handles.hpp"
#include "render/icons.hpp"
#include "render/map_renderer.hpp"
#include "render/text.hpp"
#include "test_layers.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using render::Rect;
namespace fs = std::filesystem;

namespace {

// 20 × 20 CSS px = 15 × 15 pt, pure red.
const char* kRedSquare =
    "<svg xmlns='http://www.w3.org/2000/svg' width='20' height='20'><rect width='20' height='20' fill='#ff0000'/></svg>";

void write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

/// An 8 × 8 px blue PNG (6 × 6 pt).
void write_blue_png(const std::string& path) {
    fs::create_directories(fs::path(path).parent_path());
    render::SurfacePtr s(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8));
    render::ContextPtr cr(cairo_create(s.get()));
    cairo_set_source_rgb(cr.get(), 0, 0, 1);
    cairo_paint(cr.get());
    cairo_surface_write_to_png(s.get(), path.c_str());
}

/// A folder with icons/red.svg and icons/blue.png, and a style (text) in it.
struct IconProject {
    std::string dir;
    explicit IconProject(const std::string& name) : dir(test::temp_dir("render-icons-" + name)) {
        write(dir + "/icons/red.svg", kRedSquare);
        write_blue_png(dir + "/icons/blue.png");
    }
    style::Style style(const std::string& layout, const std::string& paint = "{}") const {
        const std::string text = fmt::format(
            "{{\"version\": 8, \"sources\": {{\"p\": {{\"type\": \"vector\", \"url\": \"cartelier://project\"}}}},\n"
            "\"layers\": [\n"
            "{{\"id\": \"paper\", \"type\": \"background\", \"paint\": {{\"background-color\": \"#ffffff\"}}}},\n"
            "{{\"id\": \"sites\", \"type\": \"symbol\", \"source\": \"p\", \"source-layer\": \"sites\",\n"
            " \"layout\": {},\n \"paint\": {}}}\n]}}",
            layout, paint);
        return style::parse_style(doc::load_string(text, dir + "/style.json"));
    }
};

/// Point features of layer "sites" with a field "kind", in EPSG:2154 metres.
Layer sites(std::initializer_list<std::tuple<const char*, const char*, Point>> features) {
    Layer l;
    l.name = "sites";
    l.source = "memory";
    l.crs = "EPSG:2154";
    l.schema->add("kind");
    for (const auto& [id, kind, at] : features) {
        Feature f;
        f.id = id;
        f.values = {Value(std::string(kind))};
        f.geometry = Geometry::point(at);
        l.features.push_back(std::move(f));
    }
    return l;
}

/// A 100 × 100 pt page at 72 dpi (1 pt = 1 px) showing map metres 0–100 (1 m = 1 pt).
struct Page {
    render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_RGB24, 100, 100)};
    render::ContextPtr cr{cairo_create(surface.get())};
    render::View view = render::View::fit("EPSG:2154", Box{0, 0, 100, 100}, Rect{0, 0, 100, 100});

    render::MapDrawResult draw(const style::Style& style, const Layer& layer, render::IconCache* icons = nullptr) {
        render::LayerSet set;
        set.add(layer);
        return render::draw_map(cr.get(), style, set, view, 6, icons);
    }
    /// 0xRRGGBB at page point (x, y), y down.
    std::uint32_t pixel(int x, int y) {
        cairo_surface_flush(surface.get());
        return *reinterpret_cast<const std::uint32_t*>(cairo_image_surface_get_data(surface.get()) +
                                                        y * cairo_image_surface_get_stride(surface.get()) + x * 4) &
               0xffffff;
    }
};

}  // namespace

TEST(Icons, SvgIconIsDrawnCentredOnItsPointAndIsAnObstacle) {
    IconProject p("centre");
    Page page;
    // Map (50, 50) is page (50, 50): a 15 × 15 pt square from 42.5 to 57.5.
    auto result = page.draw(p.style(R"({"icon-image": "red"})"), sites({{"a", "x", {50, 50}}}));
    EXPECT_EQ(page.pixel(50, 50), 0xff0000u);
    EXPECT_EQ(page.pixel(44, 44), 0xff0000u);
    EXPECT_EQ(page.pixel(56, 56), 0xff0000u);
    EXPECT_EQ(page.pixel(40, 50), 0xffffffu);
    EXPECT_EQ(page.pixel(60, 50), 0xffffffu);
    ASSERT_EQ(result.symbols.size(), 1u);
    ASSERT_TRUE(result.symbols[0].box);
    EXPECT_DOUBLE_EQ(result.symbols[0].box->x, 42.5);
    EXPECT_DOUBLE_EQ(result.symbols[0].box->w, 15);
    EXPECT_EQ(result.symbols[0].feature_id, "a");
}

TEST(Icons, AnchorOffsetSizeAndOpacityFollowTheSpec) {
    IconProject p("layout");
    {
        // "bottom": the icon stands above its point.
        Page page;
        page.draw(p.style(R"({"icon-image": "red", "icon-anchor": "bottom"})"), sites({{"a", "x", {50, 50}}}));
        EXPECT_EQ(page.pixel(50, 40), 0xff0000u);
        EXPECT_EQ(page.pixel(50, 53), 0xffffffu);
    }
    {
        // icon-offset [20, 0] px × icon-size 2 = 40 px = 30 pt to the right; the icon 30 × 30 pt.
        Page page;
        auto r = page.draw(p.style(R"({"icon-image": "red", "icon-size": 2, "icon-offset": [20, 0]})"),
                           sites({{"a", "x", {30, 50}}}));
        ASSERT_EQ(r.symbols.size(), 1u);
        EXPECT_DOUBLE_EQ(r.symbols[0].box->x, 30 + 30 - 15);
        EXPECT_DOUBLE_EQ(r.symbols[0].box->w, 30);
        EXPECT_EQ(page.pixel(30, 50), 0xffffffu);
        EXPECT_EQ(page.pixel(47, 50), 0xff0000u);
        EXPECT_EQ(page.pixel(73, 50), 0xff0000u);
    }
    {
        // Half opacity over white: pink.
        Page page;
        page.draw(p.style(R"({"icon-image": "red"})", R"({"icon-opacity": 0.5})"), sites({{"a", "x", {50, 50}}}));
        const std::uint32_t c = page.pixel(50, 50);
        EXPECT_EQ(c >> 16, 0xffu);
        EXPECT_NEAR(static_cast<int>((c >> 8) & 0xff), 128, 2);
    }
}

TEST(Icons, DataDrivenNamesAndPngIcons) {
    IconProject p("driven");
    Page page;
    render::IconCache cache;
    auto r = page.draw(p.style(R"({"icon-image": ["match", ["get", "kind"], "flash", "red", "blue"]})"),
                       sites({{"a", "flash", {25, 50}}, {"b", "local", {75, 50}}, {"c", "flash", {25, 20}}}), &cache);
    EXPECT_EQ(page.pixel(25, 50), 0xff0000u);
    EXPECT_EQ(page.pixel(75, 50), 0x0000ffu);  // 6 × 6 pt PNG
    EXPECT_EQ(page.pixel(75, 46), 0xffffffu);
    EXPECT_EQ(page.pixel(25, 80), 0xff0000u);  // map y 20 is page y 80
    EXPECT_EQ(r.symbols.size(), 3u);
    EXPECT_EQ(cache.files_read(), 2u) << "each file read once";
    page.draw(p.style(R"({"icon-image": "red"})"), sites({{"d", "x", {50, 50}}}), &cache);
    EXPECT_EQ(cache.files_read(), 2u);
}

TEST(Icons, SvgIconsStayVectorsInPdfPngIconsAreImages) {
    IconProject p("pdf");
    auto pdf_of = [&](const std::string& icon) {
        std::string bytes;
        {
            render::SurfacePtr s(cairo_pdf_surface_create_for_stream(
                [](void* closure, const unsigned char* data, unsigned int length) {
                    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
                    return CAIRO_STATUS_SUCCESS;
                },
                &bytes, 100, 100));
            render::ContextPtr cr(cairo_create(s.get()));
            render::LayerSet set;
            Layer l = sites({{"a", "x", {50, 50}}});
            set.add(l);
            render::draw_map(cr.get(), p.style(fmt::format(R"({{"icon-image": "{}"}})", icon)), set,
                             render::View::fit("EPSG:2154", Box{0, 0, 100, 100}, Rect{0, 0, 100, 100}), 6);
            cairo_surface_finish(s.get());
        }
        return bytes;
    };
    const std::string svg = pdf_of("red"), png = pdf_of("blue");
    EXPECT_EQ(svg.find("/Subtype /Image"), std::string::npos) << "the SVG icon was rasterised";
    EXPECT_NE(png.find("/Subtype /Image"), std::string::npos);
}

TEST(Icons, UnreadableFilesAreReportedWithWhatWasExpected) {
    IconProject p("broken");
    write(p.dir + "/icons/broken.svg", "<svg");
    write(p.dir + "/icons/broken-png.png", "not a png");
    write(p.dir + "/icons/empty.svg", "<svg xmlns='http://www.w3.org/2000/svg' width='0' height='0'/>");
    render::IconCache cache;
    const std::string svg = cache.check(p.dir + "/icons/broken.svg");
    EXPECT_NE(svg.find("expected an SVG or PNG image that can be drawn, found " + p.dir +
                       "/icons/broken.svg, which cannot be read (cannot read the SVG icon"),
              std::string::npos)
        << svg;
    const std::string png = cache.check(p.dir + "/icons/broken-png.png");
    EXPECT_NE(png.find("cannot read the PNG icon"), std::string::npos) << png;
    EXPECT_FALSE(cache.check(p.dir + "/icons/empty.svg").empty());
    EXPECT_EQ(cache.check(p.dir + "/icons/red.svg"), "");
    const std::size_t reads = cache.files_read();
    cache.check(p.dir + "/icons/broken.svg");
    EXPECT_EQ(cache.files_read(), reads) << "a failure is remembered too";

    // Through the style environment, a constant name fails the style at load time.
    auto env = cache.environment(p.dir);
    const std::string text = R"({"version": 8, "sources": {"p": {"type": "vector", "url": "cartelier://project"}},
"layers": [{"id": "s", "type": "symbol", "source": "p", "source-layer": "sites",
            "layout": {"icon-image": "broken"}}]})";
    try {
        style::parse_style(doc::load_string(text, p.dir + "/style.json"), nullptr, &env);
        FAIL() << "accepted";
    } catch (const Error& e) {
        const std::string m = e.diagnostics().format();
        EXPECT_NE(m.find(p.dir + "/style.json:3:38: error: layers[0].layout.icon-image: expected an SVG or PNG image"),
                  std::string::npos)
            << m;
    }
}

TEST(Icons, NamesComputedPerFeatureAreCheckedBeforeRenderingNamingTheFeature) {
    IconProject p("check");
    style::Style s = p.style(R"({"icon-image": ["concat", "", ["get", "kind"]]})");
    Layer l = sites({{"site-a", "red", {10, 10}}, {"site-b", "nope", {20, 20}}, {"site-c", "nope", {30, 30}},
                     {"site-d", "blue", {40, 40}}});
    render::LayerSet set;
    set.add(l);
    render::IconCache cache;
    std::set<std::string> files;
    Diagnostics d = render::check_icons(s, set, {6.1}, cache, &files);
    ASSERT_EQ(d.error_count(), 1u) << d.format();
    const std::string m = d.items()[0].format();
    EXPECT_NE(m.find(p.dir + "/style.json:5:27: error: layers[1].layout.icon-image: feature 'site-b': icon \"nope\" "
                     "not found: expected " + p.dir + "/icons/nope.svg or " + p.dir + "/icons/nope.png, found neither "
                     "(and 1 other feature(s) of layer 'sites')"),
              std::string::npos)
        << m;
    EXPECT_EQ(files, (std::set<std::string>{p.dir + "/icons/blue.png", p.dir + "/icons/blue.svg",
                                            p.dir + "/icons/nope.png", p.dir + "/icons/nope.svg",
                                            p.dir + "/icons/red.png", p.dir + "/icons/red.svg"}));
    // Drawing it anyway stops at the first feature without its icon.
    Page page;
    try {
        page.draw(s, l);
        FAIL() << "drew a missing icon";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("feature 'site-b'"), std::string::npos) << e.what();
    }
}

// The copies of a map's CRSs may be held in windows (LayerSubset: some features each, and where each is
// in the whole layer): the icons checked are those of the features with a point in one of them, as with
// copies of every feature whose geometries outside the window are empty.
TEST(Icons, CopiesHeldInWindowsAreCheckedAsCopiesOfEveryFeatureWouldBe) {
    IconProject p("check-held");
    style::Style s = p.style(R"({"icon-image": ["concat", "", ["get", "kind"]]})");
    const Layer l = sites({{"site-a", "red", {10, 10}}, {"site-b", "nope", {20, 20}}, {"site-c", "nope2", {30, 30}},
                           {"site-d", "gone", {40, 40}}});
    auto emptied = [&](const Box& window) {
        Layer c = l;
        for (Feature& f : c.features)
            if (!f.geometry.bounds().intersects(window)) f.geometry = Geometry{};
        return c;
    };
    const Box main{0, 0, 25, 25}, inset{25, 25, 35, 35};  // sites a and b; site c; site d in neither
    const Layer emptied_main = emptied(main), emptied_inset = emptied(inset);
    const Layer held_main = test::held_in(l, main), held_inset = test::held_in(l, inset);
    ASSERT_EQ(held_main.features.size(), 2u);
    ASSERT_EQ(held_inset.features.size(), 1u);
    auto check = [&](const Layer& a, const Layer& b) {
        render::LayerSet first, second;
        first.add(a);
        second.add(b);
        render::IconCache cache;
        std::set<std::string> files;
        const Diagnostics d = render::check_icons(s, {&first, &second}, {6.1}, cache, &files);
        return std::pair(d.format(), files);
    };
    const auto expected = check(emptied_main, emptied_inset);
    EXPECT_NE(expected.first.find("feature 'site-b'"), std::string::npos) << expected.first;
    EXPECT_NE(expected.first.find("feature 'site-c'"), std::string::npos) << expected.first;
    EXPECT_EQ(expected.first.find("site-d"), std::string::npos) << expected.first;
    EXPECT_EQ(check(held_main, held_inset), expected);
    EXPECT_EQ(check(held_main, emptied_inset), expected);
    EXPECT_EQ(check(emptied_main, held_inset), expected);
}

TEST(Icons, LabelsSitAroundTheirIconAndAvoidOthers) {
    render::SurfacePtr s(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10));
    render::ContextPtr cr(cairo_create(s.get()));
    // A pin standing on (100, 100): 9 × 12 pt above the point.
    const Rect pin{95.5, 88, 9, 12};
    layout::CollisionIndex index;
    index.insert(pin, "symbol a", layout::ObstacleKind::Symbol, "a");
    layout::LabelRequest r;
    r.text = "Plédran";
    r.style.size_pt = 7.5;
    r.anchor = {100, 100};
    r.clearance_pt = 1.5;
    r.preferred = "bottom-left";
    r.feature_id = "a";
    r.symbol_box = pin;
    auto placed = layout::place_labels(render::PangoTextMeasurer(cr.get()), {r}, index, Rect{0, 0, 400, 400});
    ASSERT_EQ(placed.size(), 1u);
    EXPECT_EQ(placed[0].status, layout::LabelStatus::Placed);
    EXPECT_EQ(placed[0].position, "bottom-left");
    EXPECT_FALSE(placed[0].box.intersects(pin));
    EXPECT_NEAR(placed[0].box.x, pin.right() + 1.5 * std::sqrt(0.5), 1e-9);
    EXPECT_NEAR(placed[0].box.bottom(), pin.y - 1.5 * std::sqrt(0.5), 1e-9);
    // A box of no size is the plain point.
    EXPECT_EQ(layout::candidate_box_around("left", {5, 5}, Rect{5, 5, 0, 0}, 2, 10, 4).x,
              layout::candidate_box("left", {5, 5}, 2, 10, 4).x);
}
