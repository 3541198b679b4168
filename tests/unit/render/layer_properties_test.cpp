// Layer properties that order, place or offset what a layer draws (render/map_renderer.cpp):
// - the sort keys (fill-, line-, circle- and symbol-sort-key): a layer with one draws its features in
//   ascending key, a higher key over a lower one, ties in the data's order, and a symbol layer's label
//   requests come in that order with their keys (the placement's priority within the layer:
//   layout/labels.hpp). Before, the keys were ignored with a warning, and proportional circles were
//   stacked in the data's order, the large ones possibly over the small;
// - text-variable-anchor and text-radial-offset, carried by the label requests;
// - fill-, line- and circle-translate: the layer drawn off by that much;
// - line-offset and fill-antialias, which were read and not drawn.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "render/cairo_handles.hpp"
#include "render/map_renderer.hpp"
#include "test_layers.hpp"
#include "test_styles.hpp"

using namespace cartelier;
using render::Rect;

namespace {

/// A layer "things" of EPSG:2154 with a text field "code" and a number "rank": one feature per
/// (code, rank, geometry), in that order.
struct Thing {
    const char* code;
    double rank;
    Geometry geometry;
};
Layer things(const std::vector<Thing>& list) {
    Layer l;
    l.name = "things";
    l.source = "memory";
    l.crs = "EPSG:2154";
    l.schema->add("code");
    l.schema->add("rank");
    for (const Thing& t : list) {
        Feature f;
        f.id = t.code;
        f.values = {Value(std::string(t.code)), Value(t.rank)};
        f.geometry = t.geometry;
        l.features.push_back(std::move(f));
    }
    return l;
}

Geometry point(double x, double y) { return Geometry::point({x, y}); }
using test::square;

/// The colours of the features by code: "red", "green", "blue".
const char* kColourByCode = R"(["match", ["get", "code"], "red", "#ff0000", "green", "#00ff00", "#0000ff"])";

/// `layer_json` drawn over a white 100 × 100 pt page showing 100 × 100 m; the draw result, and the RGB
/// of page point (x, y) through `pixel`.
struct Drawn {
    render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_RGB24, 100, 100)};
    render::MapDrawResult result;
    Drawn(const std::string& layer_json, const Layer& layer) {
        const style::Style style = test::points_style(
            R"({"id": "paper", "type": "background", "paint": {"background-color": "#ffffff"}},)" + layer_json,
            "/tmp/layer-properties-style.json");
        render::ContextPtr cr{cairo_create(surface.get())};
        render::LayerSet set;
        set.add(layer);
        result = render::draw_map(cr.get(), style, set, render::View::fit("EPSG:2154", Box{0, 0, 100, 100}, Rect{0, 0, 100, 100}), 6);
        cairo_surface_flush(surface.get());
    }
    std::uint32_t pixel(int x, int y) const {
        return *reinterpret_cast<const std::uint32_t*>(cairo_image_surface_get_data(surface.get()) +
                                                        y * cairo_image_surface_get_stride(surface.get()) + x * 4) &
               0xffffff;
    }
};

std::string circles(const std::string& extra) {
    return std::string(R"({"id": "c", "type": "circle", "source": "p", "source-layer": "things",)") + extra +
           R"("paint": {"circle-radius": 10, "circle-color": )" + kColourByCode + "}}";
}

}  // namespace

TEST(SortKey, CirclesAreDrawnInAscendingKeyTheHighestOnTop) {
    // Three circles at one place, in the data's order red (rank 3), green (1), blue (2).
    const Layer l = things({{"red", 3, point(50, 50)}, {"green", 1, point(50, 50)}, {"blue", 2, point(50, 50)}});
    EXPECT_EQ(Drawn(circles(""), l).pixel(50, 50), 0x0000ffu);  // no key: the last one, blue
    EXPECT_EQ(Drawn(circles(R"("layout": {"circle-sort-key": ["get", "rank"]},)"), l).pixel(50, 50), 0xff0000u);
    EXPECT_EQ(Drawn(circles(R"("layout": {"circle-sort-key": ["-", ["get", "rank"]]},)"), l).pixel(50, 50), 0x00ff00u);
    // Equal keys: the data's order.
    EXPECT_EQ(Drawn(circles(R"("layout": {"circle-sort-key": 7},)"), l).pixel(50, 50), 0x0000ffu);
}

TEST(SortKey, OverlappingAreasAndLinesToo) {
    // Two overlapping squares, red (rank 2) then green (rank 1): the overlap shows the higher key.
    const Layer l = things({{"red", 2, square(20, 20, 40)}, {"green", 1, square(40, 40, 40)}});
    const std::string fill = std::string(R"({"id": "f", "type": "fill", "source": "p", "source-layer": "things", )") +
                             R"("paint": {"fill-color": )" + kColourByCode + "}";
    EXPECT_EQ(Drawn(fill + "}", l).pixel(50, 50), 0x00ff00u);
    EXPECT_EQ(Drawn(fill + R"(, "layout": {"fill-sort-key": ["get", "rank"]}})", l).pixel(50, 50), 0xff0000u);
    // Their outlines as wide lines, crossing at page (60, 60) (map y up: page y = 100 - 40).
    const std::string line = std::string(R"({"id": "o", "type": "line", "source": "p", "source-layer": "things", )") +
                             R"("paint": {"line-width": 6, "line-color": )" + kColourByCode + "}";
    EXPECT_EQ(Drawn(line + "}", l).pixel(60, 60), 0x00ff00u);
    EXPECT_EQ(Drawn(line + R"(, "layout": {"line-sort-key": ["get", "rank"]}})", l).pixel(60, 60), 0xff0000u);
}

TEST(SortKey, LabelRequestsComeInKeyOrderWithTheirKeys) {
    const Layer l = things({{"red", 3, point(20, 20)}, {"green", 1, point(50, 50)}, {"blue", 2, point(80, 80)}});
    const std::string names = R"({"id": "n", "type": "symbol", "source": "p", "source-layer": "things",
                                  "layout": {"text-field": ["get", "code"], "text-size": 6)";
    const Drawn plain(names + "}}", l);
    ASSERT_EQ(plain.result.labels.size(), 3u);
    EXPECT_EQ(plain.result.labels[0].text, "red");
    EXPECT_FALSE(plain.result.labels[0].sort_key.has_value());
    const Drawn keyed(names + R"(, "symbol-sort-key": ["get", "rank"]}})", l);
    ASSERT_EQ(keyed.result.labels.size(), 3u);
    std::vector<std::string> texts;
    for (const auto& r : keyed.result.labels) {
        texts.push_back(r.text);
        ASSERT_TRUE(r.sort_key.has_value());
    }
    EXPECT_EQ(texts, (std::vector<std::string>{"green", "blue", "red"}));
    EXPECT_EQ(*keyed.result.labels[2].sort_key, 3);
}

// text-variable-anchor and text-radial-offset reach the label requests (layout/labels.hpp places them).
TEST(VariableAnchor, TheAnchorsAndTheRadialOffsetReachTheRequests) {
    const Layer l = things({{"red", 3, point(20, 20)}});
    const std::string names = R"({"id": "n", "type": "symbol", "source": "p", "source-layer": "things",
                                  "layout": {"text-field": ["get", "code"], "text-size": 10, "text-offset": [0.3, 0.4])";
    const Drawn plain(names + "}}", l);
    ASSERT_EQ(plain.result.labels.size(), 1u);
    EXPECT_TRUE(plain.result.labels[0].anchors.empty());
    EXPECT_DOUBLE_EQ(plain.result.labels[0].clearance_pt, 5);  // |text-offset| 0.5 em of 10 pt
    const Drawn variable(names + R"(, "text-variable-anchor": ["left", "right"], "text-radial-offset": 1.2}})", l);
    ASSERT_EQ(variable.result.labels.size(), 1u);
    EXPECT_EQ(variable.result.labels[0].anchors, (std::vector<std::string>{"left", "right"}));
    EXPECT_DOUBLE_EQ(variable.result.labels[0].clearance_pt, 12);  // the radial offset, not text-offset
}

// fill-, line- and circle-translate: the layer drawn that far right and down (in the style's units), a
// drop shadow's offset; the circles' symbols (label obstacles) where they are drawn.
TEST(Translate, AreasLinesAndCirclesAreDrawnOffAndRecordedWhereDrawn) {
    // A 20 m square at (20, 20)–(40, 40): page x 20–40, y 60–80.
    const Layer sq = things({{"red", 1, square(20, 20, 20)}});
    const std::string fill = std::string(R"({"id": "f", "type": "fill", "source": "p", "source-layer": "things", )") +
                             R"("paint": {"fill-color": "#ff0000")";
    const Drawn still(fill + "}}", sq), moved(fill + R"(, "fill-translate": [10, 5]}})", sq);
    EXPECT_EQ(still.pixel(25, 62), 0xff0000u);
    EXPECT_EQ(still.pixel(45, 70), 0xffffffu);
    EXPECT_EQ(moved.pixel(25, 62), 0xffffffu);  // left of and above the moved square
    EXPECT_EQ(moved.pixel(45, 70), 0xff0000u);  // inside it: x 30–50, y 65–85
    EXPECT_EQ(moved.pixel(45, 83), 0xff0000u);
    // Its outline as a line, moved 10 left: the left edge at page x 10.
    const std::string line = std::string(R"({"id": "o", "type": "line", "source": "p", "source-layer": "things", )") +
                             R"("paint": {"line-width": 4, "line-color": "#0000ff", "line-translate": [-10, 0]}})";
    const Drawn outline(line, sq);
    EXPECT_EQ(outline.pixel(10, 70), 0x0000ffu);
    EXPECT_EQ(outline.pixel(20, 70), 0xffffffu);
    // A circle at (50, 50) moved 20 right: drawn and recorded at page (70, 50).
    const Layer pt = things({{"red", 1, point(50, 50)}});
    const Drawn circle(R"({"id": "c", "type": "circle", "source": "p", "source-layer": "things",
                           "paint": {"circle-radius": 5, "circle-color": "#00ff00", "circle-translate": [20, 0]}})",
                       pt);
    EXPECT_EQ(circle.pixel(70, 50), 0x00ff00u);
    EXPECT_EQ(circle.pixel(50, 50), 0xffffffu);
    ASSERT_EQ(circle.result.symbols.size(), 1u);
    EXPECT_DOUBLE_EQ(circle.result.symbols[0].centre.x, 70);
    EXPECT_DOUBLE_EQ(circle.result.symbols[0].centre.y, 50);
}

// line-offset: the line moved to the right of its direction on the page (negative: left); a polygon's
// outline inset (negative: outset) whichever way its ring was written. Before, the offset was read and
// never drawn: the line stayed on its path, a silently wrong map.
TEST(LineOffset, ALineMovesRightOfItsDirectionAndAnOutlineInsets) {
    auto line_layer = [](std::vector<Point> points) {
        Geometry g;
        g.type = GeometryType::LineString;
        g.begin_part();
        g.points = std::move(points);
        g.end_ring();
        return things({{"red", 1, g}});
    };
    auto drawn = [](const Layer& l, double offset) {
        return Drawn(fmt::format(R"({{"id": "o", "type": "line", "source": "p", "source-layer": "things",
                                      "paint": {{"line-width": 2, "line-color": "#0000ff", "line-offset": {}}}}})",
                                 offset),
                     l);
    };
    // West to east along map y 50 (page y 50): right of the direction is down the page.
    const Layer east = line_layer({{10, 50}, {90, 50}});
    EXPECT_EQ(drawn(east, 0).pixel(50, 50), 0x0000ffu);
    EXPECT_EQ(drawn(east, 6).pixel(50, 56), 0x0000ffu);
    EXPECT_EQ(drawn(east, 6).pixel(50, 50), 0xffffffu);
    EXPECT_EQ(drawn(east, -6).pixel(50, 44), 0x0000ffu);
    // East to west: right is up the page.
    EXPECT_EQ(drawn(line_layer({{90, 50}, {10, 50}}), 6).pixel(50, 44), 0x0000ffu);
    // A bend: the corner moved along its bisector (a miter), the line unbroken around it.
    const Drawn bend = drawn(line_layer({{10, 50}, {50, 50}, {50, 90}}), 6);  // east, then north (page: up)
    EXPECT_EQ(bend.pixel(30, 56), 0x0000ffu);
    EXPECT_EQ(bend.pixel(56, 30), 0x0000ffu);
    EXPECT_EQ(bend.pixel(56, 56), 0x0000ffu);  // the corner
    // A square (20, 20)–(80, 80), its ring anticlockwise in map units, then clockwise: inset both ways.
    const Layer ccw = things({{"red", 1, square(20, 20, 60)}});
    Geometry cw = square(20, 20, 60);
    std::reverse(cw.points.begin(), cw.points.end());
    const Layer cw_layer = things({{"red", 1, cw}});
    for (const Layer* l : {&ccw, &cw_layer}) {
        EXPECT_EQ(drawn(*l, 0).pixel(20, 50), 0x0000ffu);
        EXPECT_EQ(drawn(*l, 5).pixel(25, 50), 0x0000ffu);   // the left side moved in
        EXPECT_EQ(drawn(*l, 5).pixel(20, 50), 0xffffffu);
        EXPECT_EQ(drawn(*l, 5).pixel(50, 75), 0x0000ffu);   // the bottom side (map y 20) moved up
        EXPECT_EQ(drawn(*l, -5).pixel(15, 50), 0x0000ffu);  // outset
    }
}

// fill-antialias: false fills whole pixels (on a raster page: no soft edge, no seam) and, as MapLibre,
// draws no outline. Before, it was read and ignored.
TEST(FillAntialias, FalseFillsWholePixelsWithoutTheOutline) {
    // A square whose edges fall mid-pixel at 2 px a point: 10.25 m to 30.25 m.
    const Layer sq = things({{"red", 1, square(10.25, 10.25, 20)}});
    auto drawn = [&](const std::string& extra) {
        const style::Style style = test::points_style(
            R"({"id": "paper", "type": "background", "paint": {"background-color": "#ffffff"}},
               {"id": "f", "type": "fill", "source": "p", "source-layer": "things",
                "paint": {"fill-color": "#ff0000", "fill-outline-color": "#0000ff")" + extra + "}}",
            "/tmp/layer-properties-style.json");
        render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 200)};
        render::ContextPtr cr{cairo_create(surface.get())};
        cairo_scale(cr.get(), 2, 2);
        render::LayerSet set;
        set.add(sq);
        render::draw_map(cr.get(), style, set, render::View::fit("EPSG:2154", Box{0, 0, 100, 100}, Rect{0, 0, 100, 100}), 6);
        cairo_surface_flush(surface.get());
        std::set<std::uint32_t> colours;
        const unsigned char* data = cairo_image_surface_get_data(surface.get());
        for (int y = 0; y < 200; ++y)
            for (int x = 0; x < 200; ++x)
                colours.insert(*reinterpret_cast<const std::uint32_t*>(data + y * cairo_image_surface_get_stride(surface.get()) + x * 4) & 0xffffff);
        return colours;
    };
    const std::set<std::uint32_t> soft = drawn("");
    EXPECT_GT(soft.size(), 2u);  // edge pixels between red, blue and white
    EXPECT_EQ(drawn(R"(, "fill-antialias": false)"), (std::set<std::uint32_t>{0xff0000u, 0xffffffu}));
}
