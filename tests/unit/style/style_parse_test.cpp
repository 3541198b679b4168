// The style model on a valid style: layers, units, legacy syntaxes and evaluation with defaults.
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "test_layers.hpp"

#include "style/style.hpp"
#include "test_paths.hpp"

namespace cartelier::style {
namespace {

using test::datapath;

using test::MapFeature;

expr::EvaluationContext at(const MapFeature& f, double zoom = 10) { return {zoom, &f}; }

const Layer& find_layer(const Style& s, const std::string& id) {
    for (const auto& l : s.layers)
        if (l.id == id) return l;
    throw std::runtime_error("no layer " + id);
}

Style parse_text(const std::string& text, const std::string& name = "inline.json") {
    return parse_style(doc::load_string(text, name));
}

std::string minimal_with(const std::string& layer) {
    return R"({"version": 8, "sources": {"p": {"type": "vector", "url": "cartelier://project"}}, "layers": [)" +
           layer + "]}";
}

TEST(StyleParse, ValidFixtureLayersAndMetadata) {
    Style s = load_style(datapath("fixtures/styles/valid.json"));
    EXPECT_EQ(s.name, "Cartelier test style");
    EXPECT_EQ(s.units, Units::Mm);
    ASSERT_EQ(s.layers.size(), 5u);
    EXPECT_EQ(s.layers[0].type, LayerType::Background);
    EXPECT_EQ(s.layers[1].type, LayerType::Fill);
    EXPECT_EQ(s.layers[2].type, LayerType::Line);
    EXPECT_EQ(s.layers[3].type, LayerType::Circle);
    EXPECT_EQ(s.layers[4].type, LayerType::Symbol);
    EXPECT_EQ(s.layers[2].source_layer, "roads");
    EXPECT_EQ(s.layers[2].minzoom, 5);
    EXPECT_EQ(s.layers[2].maxzoom, 24);
    EXPECT_EQ(s.source_layers(), (std::vector<std::string>{"communes", "roads", "sites"}));
    // Its metadata "legend" is not Cartelier's ("cartelier:legend"): no legend entry.
    EXPECT_FALSE(s.layers[1].legend.has_value());
    EXPECT_EQ(s.layers[1].where.line, 16);
    EXPECT_EQ(s.layers[1].where.path, "layers[1]");
    EXPECT_TRUE(s.layers[1].is_set(Prop::FillColor));
    EXPECT_EQ(s.layers[0].filter, nullptr);
    EXPECT_NE(s.layers[1].filter, nullptr);
}

TEST(StyleParse, ExpressionEvaluation) {
    Style s = load_style(datapath("fixtures/styles/valid.json"));
    const Layer& communes = find_layer(s, "communes");
    MapFeature urban({{"kind", "urban"}, {"dept", "75"}});
    MapFeature other({{"kind", "forest"}});
    std::string error;
    Color c = communes.color(Prop::FillColor, at(urban), &error);
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_EQ(c, *Color::parse("#d9c7b0"));
    EXPECT_EQ(communes.color(Prop::FillColor, at(other)), *Color::parse("#eeeeee"));
    EXPECT_DOUBLE_EQ(communes.number(Prop::FillOpacity, at(urban)), 0.8);
    EXPECT_EQ(communes.color(Prop::FillOutlineColor, at(urban)), *Color::parse("rgba(80, 60, 40, 0.5)"));
}

TEST(StyleParse, DefaultsWhenUnset) {
    Style s = load_style(datapath("fixtures/styles/valid.json"));
    MapFeature f({});
    const Layer& roads = find_layer(s, "roads");
    EXPECT_FALSE(roads.is_set(Prop::LineOpacity));
    EXPECT_DOUBLE_EQ(roads.number(Prop::LineOpacity, at(f)), 1.0);
    EXPECT_DOUBLE_EQ(roads.number(Prop::LineOffset, at(f)), 0.0);
    const Layer& labels = find_layer(s, "site-labels");
    EXPECT_DOUBLE_EQ(labels.number(Prop::TextMaxWidth, at(f)), 10.0);
    EXPECT_DOUBLE_EQ(labels.number(Prop::TextLineHeight, at(f)), 1.2);
    EXPECT_EQ(labels.string(Prop::TextJustify, at(f)), "center");
    EXPECT_EQ(labels.string(Prop::IconImage, at(f)), "");
    EXPECT_EQ(labels.numbers(Prop::IconOffset, at(f)), (std::vector<double>{0, 0}));
    EXPECT_EQ(labels.color(Prop::FillColor, at(f)), (Color{0, 0, 0, 1}));  // not a symbol property: its default
    const Layer& sites = find_layer(s, "sites");
    EXPECT_DOUBLE_EQ(sites.number(Prop::CircleOpacity, at(f)), 1.0);
    EXPECT_DOUBLE_EQ(sites.number(Prop::CircleStrokeOpacity, at(f)), 1.0);
    // A fill with no outline colour draws its outline in the fill colour (as MapLibre does).
    Style fill = parse_text(minimal_with(
        R"({"id": "f", "type": "fill", "source": "p", "source-layer": "x", "paint": {"fill-color": "red"}})"));
    EXPECT_EQ(fill.layers[0].color(Prop::FillOutlineColor, at(f)), *Color::parse("red"));
    EXPECT_TRUE(fill.layers[0].visible());
    EXPECT_TRUE(fill.layers[0].accepts(at(f)));
    EXPECT_EQ(fill.units, Units::Px);
}

TEST(StyleParse, LegacyFilters) {
    Style s = load_style(datapath("fixtures/styles/valid.json"));
    const Layer& communes = find_layer(s, "communes");
    MapFeature paris({{"dept", "75"}}, "Polygon");
    MapFeature hauts({{"dept", "92"}}, "Polygon");
    MapFeature number({{"dept", 75}}, "Polygon");  // legacy "==" is strictly typed
    MapFeature none({}, "Polygon");
    EXPECT_TRUE(communes.accepts(at(paris)));
    EXPECT_FALSE(communes.accepts(at(hauts)));
    EXPECT_FALSE(communes.accepts(at(number)));
    EXPECT_FALSE(communes.accepts(at(none)));

    const Layer& roads = find_layer(s, "roads");
    EXPECT_TRUE(roads.accepts(at(MapFeature({{"class", "primary"}}, "LineString"))));
    EXPECT_TRUE(roads.accepts(at(MapFeature({{"class", "secondary"}}, "LineString"))));
    EXPECT_FALSE(roads.accepts(at(MapFeature({{"class", "track"}}, "LineString"))));
    EXPECT_FALSE(roads.accepts(at(MapFeature({{"class", "primary"}}, "Polygon"))));

    Style more = parse_text(minimal_with(R"(
        {"id": "a", "type": "circle", "source": "p", "source-layer": "x",
         "filter": ["none", ["has", "closed"], ["<", "rank", 3], ["in", "kind", "a", "b"]]})"));
    const Layer& a = more.layers[0];
    EXPECT_TRUE(a.accepts(at(MapFeature({{"rank", 5}, {"kind", "c"}}))));
    EXPECT_TRUE(a.accepts(at(MapFeature({{"rank", "text"}, {"kind", "c"}}))));  // "<" on a string: false
    EXPECT_FALSE(a.accepts(at(MapFeature({{"rank", 1}, {"kind", "c"}}))));
    EXPECT_FALSE(a.accepts(at(MapFeature({{"rank", 5}, {"kind", "a"}}))));
    EXPECT_FALSE(a.accepts(at(MapFeature({{"rank", 5}, {"closed", true}}))));
}

TEST(StyleParse, LegacyZoomFunctionBecomesInterpolate) {
    Style s = load_style(datapath("fixtures/styles/valid.json"));
    const Layer& roads = find_layer(s, "roads");
    MapFeature f({});
    ASSERT_TRUE(roads.is_set(Prop::LineWidth));
    EXPECT_EQ(roads.expression(Prop::LineWidth)->op(), "interpolate");
    EXPECT_NEAR(roads.number(Prop::LineWidth, at(f, 4)), 0.2, 1e-12);
    EXPECT_NEAR(roads.number(Prop::LineWidth, at(f, 5)), 0.2, 1e-12);
    EXPECT_NEAR(roads.number(Prop::LineWidth, at(f, 12)), 0.6, 1e-12);
    // exponential, base 1.5: t = (1.5^2.5 - 1) / (1.5^5 - 1)
    double t = (std::pow(1.5, 2.5) - 1) / (std::pow(1.5, 5) - 1);
    EXPECT_NEAR(roads.number(Prop::LineWidth, at(f, 7.5)), 0.2 + 0.4 * t, 1e-9);
    EXPECT_EQ(roads.numbers(Prop::LineDasharray, at(f)), (std::vector<double>{2, 1}));
    EXPECT_EQ(roads.string(Prop::LineJoin, at(f)), "round");
}

TEST(StyleParse, LegacyPropertyFunctions) {
    Style s = load_style(datapath("fixtures/styles/valid.json"));
    const Layer& sites = find_layer(s, "sites");
    EXPECT_EQ(sites.expression(Prop::CircleColor)->op(), "match");
    EXPECT_EQ(sites.color(Prop::CircleColor, at(MapFeature({{"status", "open"}}))), *Color::parse("#207020"));
    EXPECT_EQ(sites.color(Prop::CircleColor, at(MapFeature({{"status", "closed"}}))), *Color::parse("#902020"));
    EXPECT_EQ(sites.color(Prop::CircleColor, at(MapFeature({}))), *Color::parse("#808080"));

    Style more = parse_text(minimal_with(R"(
        {"id": "c", "type": "circle", "source": "p", "source-layer": "x", "paint": {
          "circle-radius": {"property": "rank", "type": "interval", "stops": [[0, 1], [10, 2], [100, 4]]},
          "circle-opacity": {"property": "o", "type": "identity", "default": 0.5},
          "circle-stroke-width": {"property": "w", "stops": [[0, 0], [10, 1]], "default": 0.25}}})"));
    const Layer& c = more.layers[0];
    EXPECT_EQ(c.expression(Prop::CircleRadius)->op(), "step");
    EXPECT_DOUBLE_EQ(c.number(Prop::CircleRadius, at(MapFeature({{"rank", -5}}))), 1);
    EXPECT_DOUBLE_EQ(c.number(Prop::CircleRadius, at(MapFeature({{"rank", 10}}))), 2);
    EXPECT_DOUBLE_EQ(c.number(Prop::CircleRadius, at(MapFeature({{"rank", 99}}))), 2);
    EXPECT_DOUBLE_EQ(c.number(Prop::CircleRadius, at(MapFeature({{"rank", 1000}}))), 4);
    EXPECT_DOUBLE_EQ(c.number(Prop::CircleOpacity, at(MapFeature({{"o", 0.25}}))), 0.25);
    EXPECT_DOUBLE_EQ(c.number(Prop::CircleOpacity, at(MapFeature({{"o", "x"}}))), 0.5);
    EXPECT_DOUBLE_EQ(c.number(Prop::CircleStrokeWidth, at(MapFeature({{"w", 5}}))), 0.5);
    EXPECT_DOUBLE_EQ(c.number(Prop::CircleStrokeWidth, at(MapFeature({{"w", "n/a"}}))), 0.25);
}

TEST(StyleParse, TokenTextField) {
    Style s = load_style(datapath("fixtures/styles/valid.json"));
    const Layer& labels = find_layer(s, "site-labels");
    EXPECT_EQ(labels.expression(Prop::TextField)->op(), "concat");
    EXPECT_EQ(labels.string(Prop::TextField, at(MapFeature({{"name", "Louvre"}, {"visitors", 1200}}))),
              "Louvre (1200)");
    EXPECT_EQ(labels.string(Prop::TextField, at(MapFeature({{"name", "Orsay"}}))), "Orsay ()");
    EXPECT_EQ(labels.strings(Prop::TextFont, at(MapFeature({}))), (std::vector<std::string>{"Noto Sans Regular"}));
    EXPECT_EQ(labels.numbers(Prop::TextOffset, at(MapFeature({}))), (std::vector<double>{0, 0.6}));

    Style single = parse_text(minimal_with(R"(
        {"id": "t", "type": "symbol", "source": "p", "source-layer": "x",
         "layout": {"text-field": "{ref}", "icon-image": "marker-{kind}"}})"));
    const Layer& t = single.layers[0];
    EXPECT_EQ(t.expression(Prop::TextField)->op(), "to-string");
    EXPECT_EQ(t.string(Prop::TextField, at(MapFeature({{"ref", 42}}))), "42");
    EXPECT_EQ(t.string(Prop::IconImage, at(MapFeature({{"kind", "museum"}}))), "marker-museum");

    Style plain = parse_text(minimal_with(R"(
        {"id": "t", "type": "symbol", "source": "p", "source-layer": "x",
         "layout": {"text-field": "Paris {", "text-transform": "uppercase"}})"));
    EXPECT_EQ(plain.layers[0].string(Prop::TextField, at(MapFeature({}))), "Paris {");
    EXPECT_EQ(plain.layers[0].string(Prop::TextTransform, at(MapFeature({}))), "uppercase");
}

TEST(StyleParse, TextFieldCoercesValuesToText) {
    Style s = parse_text(minimal_with(R"(
        {"id": "t", "type": "symbol", "source": "p", "source-layer": "x",
         "layout": {"text-field": ["get", "population"]}})"));
    const Layer& t = s.layers[0];
    EXPECT_EQ(t.string(Prop::TextField, at(MapFeature({{"population", 2100000}}))), "2100000");
    EXPECT_EQ(t.string(Prop::TextField, at(MapFeature({{"population", "many"}}))), "many");
    EXPECT_EQ(t.string(Prop::TextField, at(MapFeature({}))), "");
}

TEST(StyleParse, EvaluationErrorFallsBackToDefault) {
    Style s = parse_text(minimal_with(R"(
        {"id": "c", "type": "circle", "source": "p", "source-layer": "x",
         "paint": {"circle-radius": ["get", "r"], "circle-color": ["get", "c"]}},
        {"id": "l", "type": "line", "source": "p", "source-layer": "x",
         "layout": {"line-join": ["get", "j"]}})"));
    std::string error;
    EXPECT_DOUBLE_EQ(s.layers[0].number(Prop::CircleRadius, at(MapFeature({{"r", 7}})), &error), 7);
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_DOUBLE_EQ(s.layers[0].number(Prop::CircleRadius, at(MapFeature({{"r", "big"}})), &error), 5);
    EXPECT_NE(error.find("circle-radius"), std::string::npos) << error;
    EXPECT_NE(error.find("\"c\""), std::string::npos) << error;  // the layer id
    error.clear();
    EXPECT_EQ(s.layers[0].color(Prop::CircleColor, at(MapFeature({{"c", "not a colour"}})), &error),
              (Color{0, 0, 0, 1}));
    EXPECT_FALSE(error.empty());
    error.clear();
    EXPECT_EQ(s.layers[1].string(Prop::LineJoin, at(MapFeature({{"j", "bevel"}})), &error), "bevel");
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_EQ(s.layers[1].string(Prop::LineJoin, at(MapFeature({{"j", "rond"}})), &error), "miter");
    EXPECT_NE(error.find("bevel, round, miter"), std::string::npos) << error;
}

TEST(StyleParse, VisibilityAndZoomRange) {
    Style s = parse_text(minimal_with(R"(
        {"id": "hidden", "type": "line", "source": "p", "source-layer": "x", "layout": {"visibility": "none"},
         "minzoom": 8, "maxzoom": 12})"));
    EXPECT_FALSE(s.layers[0].visible());
    EXPECT_FALSE(s.layers[0].in_zoom_range(7.9));
    EXPECT_TRUE(s.layers[0].in_zoom_range(8));
    EXPECT_FALSE(s.layers[0].in_zoom_range(12));
}

TEST(StyleParse, Units) {
    EXPECT_DOUBLE_EQ(points_per_unit(Units::Px), 0.75);
    EXPECT_DOUBLE_EQ(points_per_unit(Units::Pt), 1.0);
    EXPECT_DOUBLE_EQ(points_per_unit(Units::Mm), 72.0 / 25.4);
    auto with_units = [](const std::string& u) {
        return parse_text(R"({"version": 8, "metadata": {"cartelier:units": ")" + u +
                          R"("}, "sources": {}, "layers": []})")
            .units;
    };
    EXPECT_EQ(with_units("px"), Units::Px);
    EXPECT_EQ(with_units("pt"), Units::Pt);
    EXPECT_EQ(with_units("mm"), Units::Mm);
    EXPECT_THROW(with_units("cm"), Error);
}

TEST(StyleParse, IgnoredPropertiesAreWarnings) {
    Diagnostics warnings;
    Style s = parse_style(doc::load_string(minimal_with(R"(
        {"id": "l", "type": "line", "source": "p", "source-layer": "x",
         "paint": {"line-blur": 2, "line-color-transition": {"duration": 300}}})"),
                                           "w.json"),
                          &warnings);
    ASSERT_EQ(warnings.items().size(), 1u) << warnings.format();
    EXPECT_NE(warnings.items()[0].message.find("line-blur"), std::string::npos);
    EXPECT_EQ(warnings.items()[0].where.path, "layers[0].paint.line-blur");
    EXPECT_EQ(warnings.items()[0].where.line, 3);
}

TEST(StyleParse, AnIgnoredPropertyWhoseValueChangesNothingInPrintIsNotWarned) {
    // What Maputnik and QGIS write out: the defaults, and the alignments of a pitched or rotated web map.
    Diagnostics warnings;
    parse_style(doc::load_string(minimal_with(R"(
        {"id": "l", "type": "symbol", "source": "p", "source-layer": "x",
         "layout": {"text-field": "{nom}", "symbol-placement": "point", "text-rotate": 0, "text-allow-overlap": false,
                    "text-rotation-alignment": "map", "text-pitch-alignment": "viewport", "symbol-spacing": 250,
                    "icon-allow-overlap": true, "text-optional": true},
         "paint": {"text-translate": [0, 0.0], "text-halo-blur": 0}},
        {"id": "f", "type": "fill", "source": "p", "source-layer": "x", "paint": {"fill-translate": [0, 0]}})"),
                                 "w.json"),
                &warnings);
    EXPECT_TRUE(warnings.empty()) << warnings.format();
    // Any other value is ignored with a warning: line placement, a rotation, an overlap, a translation.
    parse_style(doc::load_string(minimal_with(R"(
        {"id": "l", "type": "symbol", "source": "p", "source-layer": "x",
         "layout": {"text-field": "{nom}", "symbol-placement": "line", "text-rotate": 10, "text-allow-overlap": true,
                    "icon-allow-overlap": false},
         "paint": {"text-translate": [0, 2]}},
        {"id": "f", "type": "line", "source": "p", "source-layer": "x", "paint": {"line-blur": 1}})"),
                                 "w.json"),
                &warnings);
    std::vector<std::string> paths;
    for (const auto& w : warnings.items()) paths.push_back(w.where.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"layers[0].layout.symbol-placement", "layers[0].layout.text-rotate",
                                                "layers[0].layout.text-allow-overlap",
                                                "layers[0].layout.icon-allow-overlap", "layers[0].paint.text-translate",
                                                "layers[1].paint.line-blur"}))
        << warnings.format();
}

TEST(StyleParse, LoadStyleRejectsOtherExtensions) {
    try {
        load_style(datapath("fixtures/styles/valid.txt"));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(".json, .yaml or .yml"), std::string::npos) << e.what();
    }
}

TEST(StyleParse, SourceLayerLocationNamesTheFirstLayerDrawingIt) {
    Style s = parse_text(minimal_with("{\"id\": \"a\", \"type\": \"fill\", \"source\": \"p\", \"source-layer\": \"land\"},\n"
                                      "{\"id\": \"b\", \"type\": \"line\", \"source\": \"p\", \"source-layer\": \"site\"},\n"
                                      "{\"id\": \"c\", \"type\": \"circle\", \"source\": \"p\", \"source-layer\": \"site\"}"));
    const SourceLocation where = s.source_layer_location("site");
    EXPECT_EQ(where.format(), "inline.json:2:60: layers[1].source-layer");
    EXPECT_EQ(s.source_layer_location("rivers").format(), "inline.json");
}

}  // namespace
}  // namespace cartelier::style
