// Every kind of style error: named by file, line, column and JSON path, with what was expected and
// what was found, and all of them reported in one run.
#include <gtest/gtest.h>

#include "style/style.hpp"
#include "test_paths.hpp"

namespace cartelier::style {
namespace {

using test::datapath;

/// The diagnostics of a style that must fail to parse.
Diagnostics errors_of(const std::string& text, const std::string& name = "bad.json") {
    try {
        parse_style(doc::load_string(text, name));
    } catch (const Error& e) {
        return e.diagnostics();
    }
    ADD_FAILURE() << "the style was accepted:\n" << text;
    return {};
}

Diagnostics file_errors(const std::string& relative) {
    try {
        load_style(datapath(relative));
    } catch (const Error& e) {
        return e.diagnostics();
    }
    ADD_FAILURE() << relative << " was accepted";
    return {};
}

/// One layer in an otherwise valid style; the layer starts on line 2.
std::string with_layer(const std::string& layer) {
    return "{\"version\": 8, \"sources\": {\"p\": {\"type\": \"vector\", \"url\": \"cartelier://project\"}}, "
           "\"layers\": [\n" +
           layer + "\n]}";
}

Diagnostic only_error(const Diagnostics& d) {
    EXPECT_EQ(d.error_count(), 1u) << d.format();
    return d.items().empty() ? Diagnostic{} : d.items().front();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(StyleErrors, SyntaxErrorHasLineAndColumn) {
    Diagnostics d = file_errors("fixtures/styles/syntax_error.json");
    const Diagnostic e = only_error(d);
    EXPECT_TRUE(contains(e.where.file, "syntax_error.json")) << e.format();
    EXPECT_EQ(e.where.line, 5) << e.format();
    EXPECT_GT(e.where.column, 0) << e.format();
    EXPECT_TRUE(contains(e.message, "syntax error")) << e.format();
}

TEST(StyleErrors, WrongVersion) {
    const Diagnostic e = only_error(errors_of("{\"version\": 7, \"sources\": {}, \"layers\": []}"));
    EXPECT_EQ(e.where.path, "version");
    EXPECT_EQ(e.where.file, "bad.json");
    EXPECT_EQ(e.where.line, 1);
    EXPECT_EQ(e.where.column, 13);
    EXPECT_TRUE(contains(e.message, "expected version 8")) << e.message;
    EXPECT_TRUE(contains(e.message, "found number 7")) << e.message;

    const Diagnostic missing = only_error(errors_of("{\"sources\": {}, \"layers\": []}"));
    EXPECT_TRUE(contains(missing.message, "missing required key \"version\"")) << missing.message;
}

TEST(StyleErrors, UnknownRootKeyWithSuggestion) {
    const Diagnostic e = only_error(errors_of("{\"version\": 8,\n \"sources\": {},\n \"layers\": [],\n \"glyph\": \"x\"}"));
    EXPECT_EQ(e.where.path, "glyph");
    EXPECT_EQ(e.where.line, 4);
    EXPECT_EQ(e.where.column, 2);
    EXPECT_TRUE(contains(e.message, "unknown root key 'glyph'")) << e.message;
    EXPECT_EQ(e.hint, "did you mean 'glyphs'?");
}

TEST(StyleErrors, MissingSourcesAndLayers) {
    Diagnostics d = errors_of("{\"version\": 8}");
    EXPECT_EQ(d.error_count(), 2u) << d.format();
    EXPECT_TRUE(contains(d.format(), "missing required key \"sources\"")) << d.format();
    EXPECT_TRUE(contains(d.format(), "missing required key \"layers\"")) << d.format();
}

TEST(StyleErrors, SourcesMustBeAnObject) {
    const Diagnostic e = only_error(errors_of("{\"version\": 8, \"sources\": [], \"layers\": []}"));
    EXPECT_EQ(e.where.path, "sources");
    EXPECT_TRUE(contains(e.message, "expected an object of sources")) << e.message;
    EXPECT_TRUE(contains(e.message, "found array of 0")) << e.message;
}

TEST(StyleErrors, UnknownPropertyWithSuggestion) {
    const Diagnostic e = only_error(errors_of(with_layer(
        R"({"id": "w", "type": "fill", "source": "p", "source-layer": "water", "paint": {"fil-color": "blue"}})")));
    EXPECT_EQ(e.where.path, "layers[0].paint.fil-color");
    EXPECT_EQ(e.where.line, 2);
    EXPECT_EQ(e.where.column, 79);
    EXPECT_TRUE(contains(e.message, "unknown paint property 'fil-color' for a fill layer")) << e.message;
    EXPECT_EQ(e.hint, "did you mean 'fill-color'?");
}

TEST(StyleErrors, PaintPropertyInLayout) {
    const Diagnostic e = only_error(errors_of(with_layer(
        R"({"id": "r", "type": "line", "source": "p", "source-layer": "roads", "layout": {"line-color": "red"}})")));
    EXPECT_EQ(e.where.path, "layers[0].layout.line-color");
    EXPECT_TRUE(contains(e.message, "'line-color' is a paint property, not a layout property")) << e.message;
    EXPECT_TRUE(contains(e.message, "move it into \"paint\"")) << e.message;

    const Diagnostic l = only_error(errors_of(with_layer(
        R"({"id": "r", "type": "line", "source": "p", "source-layer": "roads", "paint": {"line-cap": "round"}})")));
    EXPECT_TRUE(contains(l.message, "'line-cap' is a layout property, not a paint property")) << l.message;
}

TEST(StyleErrors, AVariableAnchorThatIsNoAnchorIsNamedAtItsItem) {
    const Diagnostic e = only_error(errors_of(with_layer(
        R"({"id": "n", "type": "symbol", "source": "p", "source-layer": "towns", "layout": {"text-field": "x", "text-variable-anchor": ["top", "botom"]}})")));
    EXPECT_EQ(e.where.path, "layers[0].layout.text-variable-anchor[1]");
    EXPECT_TRUE(contains(e.message, "expected one of center, left, right, top, bottom, top-left, top-right, "
                                    "bottom-left or bottom-right, found \"botom\"")) << e.message;
    EXPECT_EQ(e.hint, "did you mean 'bottom'?");
    // Through an expression (a zoom step), the value is checked when evaluated: said once, at the property.
    const style::Style s = parse_style(doc::load_string(with_layer(
        R"({"id": "n", "type": "symbol", "source": "p", "source-layer": "towns", "layout": {"text-field": "x", "text-variable-anchor": ["step", ["zoom"], ["literal", ["top"]], 8, ["literal", ["uper"]]]}})"), "ok.json"));
    std::string why;
    const expr::EvaluationContext at9{9, nullptr};
    EXPECT_TRUE(s.layers[0].strings(Prop::TextVariableAnchor, at9, &why).empty());
    EXPECT_TRUE(contains(why, "found \"uper\"")) << why;
    const expr::EvaluationContext at5{5, nullptr};
    EXPECT_EQ(s.layers[0].strings(Prop::TextVariableAnchor, at5, &why), (std::vector<std::string>{"top"}));
}

TEST(StyleErrors, PropertyOfAnotherLayerType) {
    const Diagnostic e = only_error(errors_of(with_layer(
        R"({"id": "r", "type": "fill", "source": "p", "source-layer": "roads", "paint": {"line-width": 2}})")));
    EXPECT_EQ(e.where.path, "layers[0].paint.line-width");
    EXPECT_TRUE(contains(e.message, "'line-width' is a property of line layers, not of fill layers")) << e.message;
}

TEST(StyleErrors, BadEnumWithSuggestion) {
    const Diagnostic e = only_error(errors_of(with_layer(
        R"({"id": "r", "type": "line", "source": "p", "source-layer": "roads", "layout": {"line-join": "rond"}})")));
    EXPECT_EQ(e.where.path, "layers[0].layout.line-join");
    EXPECT_EQ(e.where.line, 2);
    EXPECT_EQ(e.where.column, 93);
    EXPECT_TRUE(contains(e.message, "expected one of bevel, round or miter, found \"rond\"")) << e.message;
    EXPECT_EQ(e.hint, "did you mean 'round'?");
}

TEST(StyleErrors, WrongTypeNamesPathLineAndColumn) {
    const Diagnostic e = only_error(errors_of(with_layer(
        "{\"id\": \"r\", \"type\": \"line\", \"source\": \"p\", \"source-layer\": \"roads\",\n"
        " \"paint\": {\n"
        "   \"line-width\": \"wide\"}}")));
    EXPECT_EQ(e.where.file, "bad.json");
    EXPECT_EQ(e.where.path, "layers[0].paint.line-width");
    EXPECT_EQ(e.where.line, 4);
    EXPECT_EQ(e.where.column, 18);
    EXPECT_TRUE(contains(e.message, "expected a number, found string \"wide\"")) << e.message;
    EXPECT_TRUE(contains(e.format(), "bad.json:4:18: error: layers[0].paint.line-width:")) << e.format();

    const Diagnostic c = only_error(errors_of(with_layer(
        R"({"id": "r", "type": "line", "source": "p", "source-layer": "roads", "paint": {"line-color": "reddish"}})")));
    EXPECT_TRUE(contains(c.message, "expected a color")) << c.message;
    EXPECT_TRUE(contains(c.message, "\"reddish\"")) << c.message;

    const Diagnostic a = only_error(errors_of(with_layer(
        R"({"id": "t", "type": "symbol", "source": "p", "source-layer": "x", "layout": {"text-offset": [1, 2, 3]}})")));
    EXPECT_TRUE(contains(a.message, "expected an array of 2 numbers, found an array of 3")) << a.message;
}

TEST(StyleErrors, WrongTypeInsideAnExpression) {
    Diagnostics d = errors_of(with_layer(
        R"({"id": "c", "type": "circle", "source": "p", "source-layer": "x",
 "paint": {"circle-radius": ["match", ["get", "k"], "a", 2, "big"]}})"));
    ASSERT_GE(d.error_count(), 1u);
    const Diagnostic e = d.items().front();
    EXPECT_TRUE(contains(e.where.path, "layers[0].paint.circle-radius")) << e.format();
    EXPECT_EQ(e.where.line, 3) << e.format();
    EXPECT_GT(e.where.column, 0) << e.format();
}

TEST(StyleErrors, BelowMinimum) {
    const Diagnostic e = only_error(errors_of(with_layer(
        R"({"id": "c", "type": "circle", "source": "p", "source-layer": "x", "paint": {"circle-radius": -2}})")));
    EXPECT_EQ(e.where.path, "layers[0].paint.circle-radius");
    EXPECT_TRUE(contains(e.message, "expected a number >= 0, found -2")) << e.message;

    const Diagnostic o = only_error(errors_of(with_layer(
        R"({"id": "c", "type": "circle", "source": "p", "source-layer": "x", "paint": {"circle-opacity": 2}})")));
    EXPECT_TRUE(contains(o.message, "expected a number between 0 and 1, found 2")) << o.message;
}

TEST(StyleErrors, FeatureDependentValueOnNonDataDrivenProperty) {
    const Diagnostic e = only_error(errors_of(with_layer(
        R"({"id": "t", "type": "symbol", "source": "p", "source-layer": "x",
 "layout": {"text-line-height": ["get", "lh"]}})")));
    EXPECT_EQ(e.where.path, "layers[0].layout.text-line-height");
    EXPECT_EQ(e.where.line, 3);
    EXPECT_TRUE(contains(e.message, "does not support data-driven styling")) << e.message;

    // a zoom expression is fine there
    EXPECT_NO_THROW(parse_style(doc::load_string(
        with_layer(R"({"id": "t", "type": "symbol", "source": "p", "source-layer": "x",
 "layout": {"text-line-height": ["interpolate", ["linear"], ["zoom"], 5, 1, 10, 1.4]}})"),
        "ok.json")));
    // a legacy property function too is feature-dependent
    const Diagnostic f = only_error(errors_of(with_layer(
        R"({"id": "b", "type": "background", "paint": {"background-opacity": {"property": "x", "stops": [[0, 1]]}}})")));
    EXPECT_TRUE(contains(f.message, "property functions are not supported")) << f.message;
}

TEST(StyleErrors, VisibilityMustBeAConstant) {
    const Diagnostic e = only_error(errors_of(with_layer(
        R"({"id": "b", "type": "background", "layout": {"visibility": ["get", "v"]}})")));
    EXPECT_TRUE(contains(e.message, "expected \"visible\" or \"none\"")) << e.message;
}

TEST(StyleErrors, DuplicateLayerIdNamesBothLines) {
    const Diagnostic e = only_error(errors_of(with_layer(
        "{\"id\": \"water\", \"type\": \"background\"},\n"
        "{\"id\": \"land\", \"type\": \"background\"},\n"
        "{\"id\": \"water\", \"type\": \"background\"}")));
    EXPECT_EQ(e.where.path, "layers[2].id");
    EXPECT_EQ(e.where.line, 4);
    EXPECT_TRUE(contains(e.message, "duplicate layer id \"water\"")) << e.message;
    EXPECT_TRUE(contains(e.message, "layers[0] on line 2")) << e.message;
}

TEST(StyleErrors, MissingSourceLayer) {
    const Diagnostic e = only_error(errors_of(with_layer(R"({"id": "r", "type": "line", "source": "p"})")));
    EXPECT_EQ(e.where.path, "layers[0]");
    EXPECT_EQ(e.where.line, 2);
    EXPECT_TRUE(contains(e.message, "missing required key \"source-layer\"")) << e.message;
}

TEST(StyleErrors, UnknownSourceWithSuggestion) {
    const Diagnostic e = only_error(
        errors_of("{\"version\": 8, \"sources\": {\"cartelier\": {\"type\": \"vector\"}}, \"layers\": [\n"
                  "{\"id\": \"r\", \"type\": \"line\", \"source\": \"carteiler\", \"source-layer\": \"roads\"}]}"));
    EXPECT_EQ(e.where.path, "layers[0].source");
    EXPECT_EQ(e.where.line, 2);
    EXPECT_EQ(e.where.column, 39);
    EXPECT_TRUE(contains(e.message, "unknown source \"carteiler\"")) << e.message;
    EXPECT_EQ(e.hint, "did you mean 'cartelier'?");

    const Diagnostic m = only_error(errors_of(with_layer(R"({"id": "r", "type": "line", "source-layer": "roads"})")));
    EXPECT_TRUE(contains(m.message, "missing required key \"source\"")) << m.message;
}

TEST(StyleErrors, NonVectorSource) {
    const Diagnostic e = only_error(errors_of(
        "{\"version\": 8, \"sources\": {\"g\": {\"type\": \"geojson\", \"data\": \"x.geojson\"}}, \"layers\": [\n"
        "{\"id\": \"r\", \"type\": \"line\", \"source\": \"g\", \"source-layer\": \"roads\"}]}"));
    EXPECT_TRUE(contains(e.message, "is a geojson source")) << e.message;
}

TEST(StyleErrors, UnsupportedLayerType) {
    const Diagnostic e = only_error(errors_of(
        with_layer(R"({"id": "shade", "type": "hillshade", "source": "p", "paint": {"hillshade-exaggeration": 1}})")));
    EXPECT_EQ(e.where.path, "layers[0].type");
    EXPECT_TRUE(contains(e.message, "layer type \"hillshade\" is not supported for print")) << e.message;

    const Diagnostic t = only_error(errors_of(with_layer(R"({"id": "x", "type": "lines", "source": "p",
 "source-layer": "roads"})")));
    EXPECT_TRUE(contains(t.message, "found string \"lines\"")) << t.message;
    EXPECT_EQ(t.hint, "did you mean 'line'?");
}

TEST(StyleErrors, RefLayersAndUnknownLayerKeys) {
    Diagnostics d = errors_of(with_layer(R"({"id": "a", "type": "background"},
{"id": "b", "ref": "a", "paint": {}},
{"id": "c", "type": "background", "filtre": true})"));
    EXPECT_TRUE(contains(d.format(), "layers[1].ref: layer references (\"ref\") are not supported")) << d.format();
    EXPECT_TRUE(contains(d.format(), "unknown layer key 'filtre'")) << d.format();
    EXPECT_TRUE(contains(d.format(), "did you mean 'filter'?")) << d.format();
}

TEST(StyleErrors, BadUnits) {
    const Diagnostic e = only_error(
        errors_of("{\"version\": 8, \"metadata\": {\"cartelier:units\": \"cm\"}, \"sources\": {}, \"layers\": []}"));
    EXPECT_EQ(e.where.path, "metadata.cartelier:units");
    EXPECT_TRUE(contains(e.message, "one of \"px\", \"pt\" or \"mm\", found string \"cm\"")) << e.message;
}

TEST(StyleErrors, BadFilters) {
    const Diagnostic e = only_error(errors_of(with_layer(
        R"({"id": "r", "type": "line", "source": "p", "source-layer": "roads", "filter": ["=", "class", "river"]})")));
    EXPECT_TRUE(contains(e.where.path, "layers[0].filter")) << e.format();
    EXPECT_EQ(e.where.line, 2);

    const Diagnostic t = only_error(errors_of(with_layer(
        R"({"id": "r", "type": "line", "source": "p", "source-layer": "roads", "filter": ["+", 1, ["get", "n"]]})")));
    EXPECT_TRUE(contains(t.where.path, "layers[0].filter")) << t.format();
    EXPECT_TRUE(contains(t.message, "boolean")) << t.format();
}

TEST(StyleErrors, BadLegacyFunctions) {
    Diagnostics d = errors_of(with_layer(R"({"id": "r", "type": "line", "source": "p", "source-layer": "roads",
 "layout": {"line-cap": {"type": "exponential", "stops": [[1, "round"]]}},
 "paint": {"line-width": {"stops": [[10, 1], [5, 2]]}, "line-opacity": {"stops": [[1, 2]]}}})"));
    EXPECT_EQ(d.error_count(), 3u) << d.format();
    std::string all = d.format();
    EXPECT_TRUE(contains(all, "line-cap: exponential functions are not supported for this property")) << all;
    EXPECT_TRUE(contains(all, "layers[0].paint.line-width.stops[1][0]")) << all;
    EXPECT_TRUE(contains(all, "strictly ascending order")) << all;
    EXPECT_TRUE(contains(all, "layers[0].paint.line-opacity.stops[0][1]")) << all;

    const Diagnostic z = only_error(errors_of(with_layer(R"({"id": "r", "type": "line", "source": "p",
 "source-layer": "roads", "paint": {"line-width": {"property": "w", "stops": [[{"zoom": 1, "value": 1}, 2]]}}})")));
    EXPECT_TRUE(contains(z.message, "zoom-and-property functions")) << z.message;
}

TEST(StyleErrors, UnknownExpressionOperator) {
    Diagnostics d = errors_of(with_layer(R"({"id": "r", "type": "line", "source": "p", "source-layer": "roads",
 "paint": {"line-width": ["gett", "w"]}})"));
    ASSERT_GE(d.error_count(), 1u);
    EXPECT_TRUE(contains(d.items()[0].where.path, "layers[0].paint.line-width")) << d.format();
    EXPECT_EQ(d.items()[0].where.line, 3) << d.format();
}

TEST(StyleErrors, SeveralErrorsReportedAtOnce) {
    Diagnostics d = file_errors("fixtures/styles/several_errors.json");
    EXPECT_EQ(d.error_count(), 8u) << d.format();
    std::string all = d.format();
    for (const char* expected :
         {"several_errors.json:4:3: error: layer: unknown root key 'layer'",
          "several_errors.json:11:17: error: layers[0].paint.fil-color: unknown paint property",
          "several_errors.json:11:57: error: layers[0].paint.fill-opacity:",
          "several_errors.json:18:31: error: layers[1].layout.line-join:",
          "several_errors.json:19:31: error: layers[1].paint.line-width:",
          "several_errors.json:22:13: error: layers[2].id: duplicate layer id \"water\": already used by layers[0] on "
          "line 7",
          "several_errors.json:24:17: error: layers[2].source: unknown source \"carteiler\"",
          "several_errors.json:21:5: error: layers[2]: missing required key \"source-layer\""}) {
        EXPECT_TRUE(contains(all, expected)) << "missing: " << expected << "\nin:\n" << all;
    }
    for (const auto& item : d.items()) {
        EXPECT_GT(item.where.line, 0) << item.format();
        EXPECT_GT(item.where.column, 0) << item.format();
    }
}

TEST(StyleErrors, SeveralErrorsInYaml) {
    Diagnostics d = file_errors("fixtures/styles/several_errors.yaml");
    std::string all = d.format();
    EXPECT_EQ(d.error_count(), 3u) << all;
    EXPECT_TRUE(contains(all, "several_errors.yaml:1:10: error: version: expected version 8")) << all;
    EXPECT_TRUE(contains(all, "several_errors.yaml:6:11: error: layers[0].type: layer type \"hillshade\"")) << all;
    EXPECT_TRUE(contains(all, "several_errors.yaml:13:7: error: layers[1].paint.text-size: 'text-size' is a layout "
                              "property"))
        << all;
}

}  // namespace
}  // namespace cartelier::style
