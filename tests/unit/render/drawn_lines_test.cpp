// What the map renderer records of the lines it draws, for label placement (layout/drawn_lines.hpp):
// every stroke at its width, the edge of an area filled in one paint at half a point, nothing for
// areas filled one by one without an outline, and nothing at all when no layer has text to place.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/document.hpp"
#include "render/cairo_handles.hpp"
#include "render/map_renderer.hpp"
#include "test_styles.hpp"

using namespace cartelier;
using render::Rect;

namespace {

/// An empty layer in EPSG:2154 metres with one text field.
Layer layer(const std::string& name, const std::string& field) {
    Layer l;
    l.name = name;
    l.source = "memory";
    l.crs = "EPSG:2154";
    l.schema->add(field);
    return l;
}

/// Two squares side by side, (0, 25)–(50, 75) and (50, 25)–(100, 75).
Layer squares() {
    Layer l = layer("squares", "kind");
    for (double x0 : {0.0, 50.0}) {
        Feature f;
        f.id = x0 == 0 ? "west" : "east";
        f.values = {Value(std::string(x0 == 0 ? "a" : "b"))};
        f.geometry.type = GeometryType::Polygon;
        f.geometry.begin_part();
        for (Point p : {Point{x0, 25}, Point{x0 + 50, 25}, Point{x0 + 50, 75}, Point{x0, 75}, Point{x0, 25}})
            f.geometry.points.push_back(p);
        f.geometry.end_ring();
        l.features.push_back(std::move(f));
    }
    return l;
}

Layer one_site() {
    Layer l = layer("sites", "name");
    Feature f;
    f.id = "s";
    f.values = {Value(std::string("Site"))};
    f.geometry = Geometry::point({25, 50});
    l.features.push_back(std::move(f));
    return l;
}

style::Style style_of(const std::string& layers) { return test::points_style(layers, "/tmp/drawn-lines-style.json"); }

const char* kFillOne = R"({"id": "land", "type": "fill", "source": "p", "source-layer": "squares", "paint": {"fill-color": "#eeeeee"}})";
const char* kFillEach =
    R"({"id": "land", "type": "fill", "source": "p", "source-layer": "squares",
        "paint": {"fill-color": ["match", ["get", "kind"], "a", "#ff0000", "#00ff00"]}})";
const char* kBorders = R"({"id": "borders", "type": "line", "source": "p", "source-layer": "squares", "paint": {"line-width": 2}})";
const char* kLabels =
    R"({"id": "labels", "type": "symbol", "source": "p", "source-layer": "sites", "layout": {"text-field": ["get", "name"]}})";

/// A 100 × 100 pt page at 72 dpi showing map metres 0–100 (1 m = 1 pt), moved by `shift` points; its
/// pixels in `pixels`.
render::MapDrawResult draw(const style::Style& style, std::vector<unsigned char>* pixels = nullptr, double shift = 0) {
    render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_RGB24, 100, 100)};
    render::ContextPtr cr{cairo_create(surface.get())};
    const render::View view =
        render::View::fit("EPSG:2154", Box{shift, shift, 100 + shift, 100 + shift}, Rect{0, 0, 100, 100});
    const Layer a = squares(), b = one_site();
    render::LayerSet set;
    set.add(a);
    set.add(b);
    render::MapDrawResult result = render::draw_map(cr.get(), style, set, view, 6);
    if (pixels) {
        cairo_surface_flush(surface.get());
        const unsigned char* data = cairo_image_surface_get_data(surface.get());
        pixels->assign(data, data + cairo_image_surface_get_stride(surface.get()) * 100);
    }
    return result;
}

}  // namespace

TEST(DrawnLinesRecorded, StrokesAtTheirWidthAndTheEdgeOfOneFillAtHalfAPoint) {
    const auto r = draw(style_of(fmt::format("{}, {}, {}", kFillOne, kBorders, kLabels)));
    ASSERT_TRUE(r.lines);
    // The borders: 350 pt of line (the shared one once) at 2 pt; the land's edge: 300 pt at 0.5.
    EXPECT_NEAR(r.lines->total(), 350 * 2 + 300 * 0.5, 2.0);
    // Along the shared border more than inside a square.
    EXPECT_GT(r.lines->within(Rect{45, 30, 10, 40}), 70.0);
    EXPECT_NEAR(r.lines->within(Rect{10, 35, 30, 30}), 0, 1e-9);
}

TEST(DrawnLinesRecorded, AreasFilledOneByOneCountOnlyByTheirOutline) {
    const auto each = draw(style_of(fmt::format("{}, {}", kFillEach, kLabels)));
    ASSERT_TRUE(each.lines);
    EXPECT_EQ(each.lines->total(), 0);
    const auto one = draw(style_of(fmt::format("{}, {}", kFillOne, kLabels)));
    EXPECT_NEAR(one.lines->total(), 300 * 0.5, 1.0);
}

TEST(DrawnLinesRecorded, NothingIsRecordedWithoutTextToPlace) {
    const auto r = draw(style_of(fmt::format("{}, {}", kFillOne, kBorders)));
    EXPECT_FALSE(r.lines);
}

TEST(DrawnLinesRecorded, AFilteredLayerOfBordersStrokesEachBorderOfTheFeaturesItKeepsOnce) {
    // The filter keeps both squares: each border once, the shared one too, as without a filter.
    const std::string both =
        R"({"id": "borders", "type": "line", "source": "p", "source-layer": "squares",
            "filter": ["in", ["get", "kind"], ["literal", ["a", "b"]]], "paint": {"line-width": 2}})";
    std::vector<unsigned char> filtered, unfiltered;
    const auto r = draw(style_of(fmt::format("{}, {}", both, kLabels)));
    ASSERT_TRUE(r.lines);
    EXPECT_NEAR(r.lines->total(), 350 * 2, 2.0);  // not 400 × 2: the shared border is not stroked twice
    EXPECT_EQ(r.features_drawn, 2u + 1);  // and the site of the labels layer
    // The same pixels as the layer without a filter; off the pixel grid, where a border stroked twice
    // would be darker in its anti-aliased pixels.
    draw(style_of(both), &filtered, 0.3);
    draw(style_of(kBorders), &unfiltered, 0.3);
    EXPECT_TRUE(filtered == unfiltered) << "the filtered layer drew other pixels";

    // The filter keeps the west square: its four sides, the shared border among them, and nothing of
    // the east square's other sides.
    const std::string west =
        R"({"id": "borders", "type": "line", "source": "p", "source-layer": "squares",
            "filter": ["==", ["get", "kind"], "a"], "paint": {"line-width": 2}})";
    const auto w = draw(style_of(fmt::format("{}, {}", west, kLabels)));
    EXPECT_NEAR(w.lines->total(), 200 * 2, 2.0);
    EXPECT_EQ(w.features_drawn, 1u + 1);
    EXPECT_GT(w.lines->within(Rect{45, 30, 10, 40}), 70.0);
    EXPECT_NEAR(w.lines->within(Rect{90, 30, 10, 40}), 0, 1e-9);
}
