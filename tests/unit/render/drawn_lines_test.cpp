// What the map renderer records of the lines it draws, for label placement (layout/drawn_lines.hpp):
// every stroke at its width, the edge of an area filled in one paint at half a point, nothing for
// areas filled one by one without an outline, and nothing at all when no layer has text to place.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/document.hpp"
#include "render/cairo_handles.hpp"
#include "render/map_renderer.hpp"

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

style::Style style_of(const std::string& layers) {
    return style::parse_style(doc::load_string(
        fmt::format(R"({{"version": 8, "metadata": {{"cartelier:units": "pt"}},
                        "sources": {{"p": {{"type": "vector", "url": "cartelier://project"}}}},
                        "layers": [{}]}})",
                    layers),
        "/tmp/drawn-lines-style.json"));
}

const char* kFillOne = R"({"id": "land", "type": "fill", "source": "p", "source-layer": "squares", "paint": {"fill-color": "#eeeeee"}})";
const char* kFillEach =
    R"({"id": "land", "type": "fill", "source": "p", "source-layer": "squares",
        "paint": {"fill-color": ["match", ["get", "kind"], "a", "#ff0000", "#00ff00"]}})";
const char* kBorders = R"({"id": "borders", "type": "line", "source": "p", "source-layer": "squares", "paint": {"line-width": 2}})";
const char* kLabels =
    R"({"id": "labels", "type": "symbol", "source": "p", "source-layer": "sites", "layout": {"text-field": ["get", "name"]}})";

/// A 100 × 100 pt page at 72 dpi showing map metres 0–100 (1 m = 1 pt).
render::MapDrawResult draw(const style::Style& style) {
    render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_RGB24, 100, 100)};
    render::ContextPtr cr{cairo_create(surface.get())};
    const render::View view = render::View::fit("EPSG:2154", Box{0, 0, 100, 100}, Rect{0, 0, 100, 100});
    const Layer a = squares(), b = one_site();
    render::LayerSet set;
    set.add(a);
    set.add(b);
    return render::draw_map(cr.get(), style, set, view, 6);
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
