// The page around the map is driven by the style: a colour of "cartelier:page" in the style's metadata
// changes the title's pixels with no C++ involved; an icon layer shows its icon in the legend and its
// labels keep clear of the icons.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "layout/page_layout.hpp"
#include "render/cairo_handles.hpp"
#include "render/page.hpp"
#include "test_layers.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using render::Rect;
namespace fs = std::filesystem;

namespace {

/// Two départements (squares of 100 km) and three sites, in Lambert-93.
struct Data {
    Layer departements = test::square_layer("departements", "memory", "EPSG:2154", "code", 100000,
                                            {{"01", {600000, 6500000}}, {"02", {700000, 6500000}}});
    Layer sites;
    render::LayerSet set;
    Data() {
        sites.name = "sites";
        sites.source = "memory";
        sites.crs = "EPSG:2154";
        sites.schema->add("nom");
        for (auto [id, name, at] : {std::tuple{"a", "Alpha", Point{650000, 6570000}},
                                    std::tuple{"b", "Bravo", Point{760000, 6560000}},
                                    std::tuple{"c", "Charlie", Point{775000, 6545000}}}) {
            Feature f;
            f.id = id;
            f.values = {Value(std::string(name))};
            f.geometry = Geometry::point(at);
            sites.features.push_back(std::move(f));
        }
        set.add(departements);
        set.add(sites);
    }
};

struct Rendered {
    render::SurfacePtr surface;
    render::PageReport report;
    layout::PageLayout page;

    /// Pixels of `area` (page points = pixels) for which `test(r, g, b)` holds.
    template <typename Fn>
    int count(const Rect& area, Fn&& test) const {
        cairo_surface_flush(surface.get());
        const unsigned char* data = cairo_image_surface_get_data(surface.get());
        const int stride = cairo_image_surface_get_stride(surface.get());
        int n = 0;
        for (int y = static_cast<int>(area.y); y < static_cast<int>(area.bottom()); ++y)
            for (int x = static_cast<int>(area.x); x < static_cast<int>(area.right()); ++x) {
                const std::uint32_t p = *reinterpret_cast<const std::uint32_t*>(data + y * stride + x * 4);
                if (test((p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff)) ++n;
            }
        return n;
    }
};

/// A 150 × 110 mm page of the data with a style (text) written in `dir`, drawn at 72 dpi.
Rendered render_page(const std::string& dir, const std::string& style_text) {
    std::ofstream(dir + "/style.json") << style_text;
    static Data data;
    style::Style style = style::load_style(dir + "/style.json");
    Rendered out;
    out.page.paper = {150, 110};
    out.page.title = "Titre de la carte";
    out.page.subtitle = "Sous-titre";
    out.page.legend_position = "bottom-left";
    out.page.scale_bar_position = "none";
    out.surface.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(out.page.width_pt()),
                                                 static_cast<int>(out.page.height_pt())));
    render::ContextPtr cr(cairo_create(out.surface.get()));
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    render::MapContent content{&style, &data.set, "EPSG:2154", Box{580000, 6480000, 820000, 6620000}, {}, nullptr};
    out.report = render::compose_page(cr.get(), out.page, content);
    return out;
}

std::string style_text(const std::string& metadata, const std::string& extra_layers = "") {
    return R"({"version": 8, "metadata": )" + metadata + R"(,
 "sources": {"p": {"type": "vector", "url": "cartelier://project"}},
 "layers": [
  {"id": "sea", "type": "background", "paint": {"background-color": "#dfeaf2"}},
  {"id": "land", "type": "fill", "source": "p", "source-layer": "departements", "paint": {"fill-color": "#fbf8f1"}},
  {"id": "borders", "type": "line", "source": "p", "source-layer": "departements",
   "metadata": {"cartelier:legend": "Limite"}, "paint": {"line-color": "#a29d95", "line-width": 0.35}})" +
           extra_layers + "]}";
}

bool red(int r, int g, int b) { return r > 200 && g < 70 && b < 70; }
bool dark(int r, int g, int b) { return r < 90 && g < 90 && b < 90; }

}  // namespace

TEST(PageLook, AMetadataColourChangesTheTitlesPixels) {
    const std::string dir = test::temp_dir("page-look-title");
    Rendered plain = render_page(dir, style_text(R"({"cartelier:units": "pt"})"));
    Rendered styled = render_page(dir, style_text(R"({"cartelier:units": "pt",
        "cartelier:page": {"title": {"text-color": "#e00000"}}})"));
    // The title block: from the margin to the top of the map area, the title's first line.
    const double m = plain.page.margin_mm * layout::kPointsPerMm;
    const Rect title{m, m, 200, 20};
    EXPECT_GT(plain.count(title, dark), 100);
    EXPECT_EQ(plain.count(title, red), 0);
    EXPECT_GT(styled.count(title, red), 100) << "the title is drawn in the style's colour";
    EXPECT_EQ(styled.count(title, dark), 0);
    // The subtitle, below it, keeps its default grey.
    const Rect subtitle{m, m + 21, 150, 12};
    EXPECT_EQ(styled.count(subtitle, red), 0);
    EXPECT_EQ(styled.count(subtitle, dark), plain.count(subtitle, dark));
}

TEST(PageLook, FontSizeAndFrameComeFromTheStyleToo) {
    const std::string dir = test::temp_dir("page-look-more");
    Rendered big = render_page(dir, style_text(R"({"cartelier:units": "pt", "cartelier:page": {
        "title": {"text-size": 30, "text-font": ["DejaVu Serif Bold"]},
        "frame": {"line-color": "#e00000", "line-width": 2}}})"));
    Rendered plain = render_page(dir, style_text(R"({"cartelier:units": "pt"})"));
    const double m = plain.page.margin_mm * layout::kPointsPerMm;
    const Rect band{m, m, 400, 40};
    EXPECT_GT(big.count(band, dark), 1.5 * plain.count(band, dark));
    const Rect frame = plain.page.map_frame();
    const Rect left_edge{frame.x - 1, frame.y + 20, 2, frame.h - 40};
    EXPECT_GT(big.count(left_edge, red), 50);
    EXPECT_EQ(plain.count(left_edge, red), 0);
}

TEST(PageLook, AnIconLayerShowsItsIconInTheLegendAndItsLabelsAvoidIcons) {
    const std::string dir = test::temp_dir("page-look-icons");
    fs::create_directories(dir + "/icons");
    fs::copy_file(test::sourcepath("styles/icons/marker.svg"), dir + "/icons/marker.svg");
    Rendered r = render_page(dir, style_text(R"({"cartelier:units": "pt"})", R"(,
  {"id": "sites", "type": "symbol", "source": "p", "source-layer": "sites",
   "metadata": {"cartelier:legend": "Site"},
   "layout": {"icon-image": "marker", "icon-anchor": "bottom", "text-field": ["get", "nom"], "text-size": 7,
              "text-anchor": "bottom-left"}})"));
    const layout::CollisionIndex::Entry* legend = nullptr;
    std::vector<Rect> icons;
    for (const auto& o : r.report.obstacles) {
        if (o.owner == "legend") legend = &o;
        if (o.kind == layout::ObstacleKind::Symbol) {
            EXPECT_EQ(o.radius, 0) << "an icon is a box";
            icons.push_back(o.box);
        }
    }
    ASSERT_NE(legend, nullptr);
    ASSERT_EQ(icons.size(), 3u);
    // The marker's colour, #c0392b.
    auto marker_red = [](int R, int G, int B) { return R > 170 && R < 210 && G > 40 && G < 80 && B > 25 && B < 65; };
    for (const Rect& b : icons) {
        EXPECT_NEAR(b.w, 9, 1e-9);   // 12 × 16 CSS px = 9 × 12 pt
        EXPECT_NEAR(b.h, 12, 1e-9);
        EXPECT_GT(r.count(b, marker_red), 10) << "the shipped marker is drawn on the map";
    }
    // And in the legend's swatch.
    EXPECT_GT(r.count(legend->box, marker_red), 5);
    EXPECT_EQ(r.report.legend_entries, 2u);
    // Every label placed, none over an icon.
    ASSERT_EQ(r.report.labels.size(), 3u);
    for (const auto& l : r.report.labels) {
        EXPECT_NE(l.status, layout::LabelStatus::Unplaced) << l.request.text;
        for (const Rect& b : icons) EXPECT_FALSE(l.box.intersects(b)) << l.request.text;
    }
}
