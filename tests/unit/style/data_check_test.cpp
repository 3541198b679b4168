// Checks of a style against the data a map draws (style/data_check.hpp): evaluation errors once each
// with their place, count and feature ids; comparisons that can never hold; layers that draw nothing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/document.hpp"
#include "style/data_check.hpp"
#include "style/style.hpp"
#include "test_layers.hpp"

namespace cartelier::style {
namespace {

/// A point layer 'sites' with the fields id, year (text), pop (a number) and kind (text), one point per
/// row, at (i, i) for the i-th row.
cartelier::Layer sites(std::size_t n = 3) {
    cartelier::Layer l;
    l.name = "sites";
    l.source = "sites.csv";
    l.crs = "EPSG:2154";
    for (const char* f : {"year", "pop", "kind"}) l.schema->add(f);
    const char* kinds[] = {"flash", "local", "flash"};
    for (std::size_t i = 0; i < n; ++i) {
        Feature f;
        f.id = fmt::format("site-{}", static_cast<char>('a' + i));
        f.values = {Value(std::string(i % 2 ? "2019" : "2020")), Value(100.0 * static_cast<double>(i + 1)),
                    Value(std::string(kinds[i % 3]))};
        f.geometry = Geometry::point({static_cast<double>(i), static_cast<double>(i)});
        l.features.push_back(std::move(f));
    }
    return l;
}

/// A style whose only layer (on line 2) draws 'sites'; `body` is written inside the layer object.
Style style_with(const std::string& body, const std::string& type = "circle") {
    const std::string text = R"({"version": 8, "sources": {"p": {"type": "vector", "url": "cartelier://project"}},
"layers": [{"id": "s", "type": ")" + type + R"(", "source": "p", "source-layer": "sites", )" + body + "}]}";
    return parse_style(doc::load_string(text, "dc.json"));
}

/// One frame at `zoom` showing `extent`, whose layers are `layer`.
std::vector<DataFrame> one_frame(const cartelier::Layer& layer, double zoom = 6,
                                 Box extent = Box{-1, -1, 100, 100}) {
    return {DataFrame{zoom, extent, [&layer](const std::string& name) { return name == layer.name ? &layer : nullptr; }}};
}

Diagnostics check(const std::string& body, const cartelier::Layer& data, const std::string& type = "circle") {
    return check_style_against_data(style_with(body, type), one_frame(data));
}

std::string all(const Diagnostics& d) { return d.format(); }

// ---- static type checks

TEST(DataCheck, NumberLiteralAgainstATextFieldIsAWarningWithItsPlace) {
    const auto data = sites(11);
    const Diagnostics d = check(R"("filter": ["==", ["get", "year"], 2020])", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);  // no second "draws nothing" warning for the same cause
    const Diagnostic& w = d.items()[0];
    EXPECT_EQ(w.severity, Severity::Warning);
    EXPECT_EQ(w.where.file, "dc.json");
    EXPECT_EQ(w.where.line, 2);
    EXPECT_EQ(w.where.column, 92);  // the filter's opening bracket
    EXPECT_EQ(w.where.path, "layers[0].filter");
    EXPECT_EQ(w.message, "'year' is text in all 11 features of 'sites'; compared with the number 2020, this filter is "
                         "always false");
    EXPECT_EQ(w.hint, "did you mean \"2020\"?");
}

TEST(DataCheck, LegacyFiltersAreCheckedToo) {
    const auto data = sites();
    Diagnostics d = check(R"("filter": ["==", "year", 2020])", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].message,
              "'year' is text in all 3 features of 'sites'; compared with the number 2020, this filter is always false");
    d = check(R"("filter": ["!=", "year", 2020])", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_NE(d.items()[0].message.find("this filter is always true"), std::string::npos) << all(d);
    d = check(R"("filter": ["<", "year", 2020])", data);  // all(typeof == "number", <): false, not an error
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].severity, Severity::Warning);
    EXPECT_NE(d.items()[0].message.find("this filter is always false"), std::string::npos) << all(d);
}

TEST(DataCheck, LegacyInIsToldOnceWithEveryValue) {
    const auto data = sites();
    const Diagnostics d = check(R"("filter": ["in", "year", 2019, 2020])", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].message, "'year' is text in all 3 features of 'sites'; compared with the numbers 2019, "
                                    "2020, this filter is always false");
}

TEST(DataCheck, OrderingAnExpressionFieldFailsOnEveryFeature) {
    const auto data = sites();
    const Diagnostics d = check(R"("filter": [">=", ["get", "year"], 2020])", data);
    ASSERT_EQ(d.items().size(), 2u) << all(d);
    EXPECT_EQ(d.items()[0].severity, Severity::Warning);
    EXPECT_NE(d.items()[0].message.find("this comparison fails with an evaluation error on every feature"),
              std::string::npos);
    EXPECT_EQ(d.items()[1].severity, Severity::Error);
    EXPECT_EQ(d.items()[1].message, "Expected value to be of type number, but found string instead. (on 3 features of "
                                    "'sites' drawn on this map: 'site-a', 'site-b', 'site-c')");
}

TEST(DataCheck, TextLiteralAgainstANumberFieldSuggestsTheNumber) {
    const auto data = sites();
    const Diagnostics d = check(R"("filter": ["==", ["get", "pop"], "200"])", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].message,
              "'pop' is a number in all 3 features of 'sites'; compared with the text \"200\", this filter is always "
              "false");
    EXPECT_EQ(d.items()[0].hint, "did you mean 200?");
}

TEST(DataCheck, NestedComparisonMatchAndInInProperties) {
    const auto data = sites();
    Diagnostics d = check(R"("paint": {"circle-color": ["case", ["==", ["get", "year"], 2019], "red", "blue"]})", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].where.path, "layers[0].paint.circle-color");
    EXPECT_EQ(d.items()[0].message, "'year' is text in all 3 features of 'sites'; compared with the number 2019, this "
                                    "comparison is always false");

    d = check(R"("paint": {"circle-color": ["match", ["get", "year"], [2019, 2020], "red", "blue"]})", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].message, "'year' is text in all 3 features of 'sites'; the match labels 2019, 2020 are "
                                    "numbers, so no feature matches them (each gets the fallback output)");
    EXPECT_EQ(d.items()[0].hint, "did you mean \"2019\"?");

    d = check(R"("filter": ["in", ["get", "year"], ["literal", [2019, 2020]]])", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].message, "'year' is text in all 3 features of 'sites'; compared with the numbers 2019, "
                                    "2020, this filter is always false");
}

TEST(DataCheck, NoWarningWhenKindsAgreeOrTheFieldIsMixed) {
    auto data = sites();
    EXPECT_TRUE(check(R"("filter": ["==", ["get", "year"], "2020"])", data).empty());
    EXPECT_TRUE(check(R"("filter": ["==", ["to-number", ["get", "year"]], 2020])", data).empty());
    EXPECT_TRUE(check(R"("filter": ["match", ["get", "kind"], ["flash"], true, false])", data).empty());
    data.features[1].values[0] = Value(2019.0);  // year: text in two features, a number in one
    EXPECT_TRUE(check(R"("filter": ["==", ["get", "year"], 2019])", data).empty());
}

TEST(DataCheck, FeaturesWithoutTheFieldAreCounted) {
    auto data = sites();
    data.features[2].values[0] = Value();
    const Diagnostics d = check(R"("filter": ["==", ["get", "year"], 2020])", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].message, "'year' is text in the 2 features of 'sites' that have it (the other 1 have no "
                                    "value); compared with the number 2020, this filter is always false");
}

TEST(DataCheck, AFieldTheLayerDoesNotHaveIsAWarning) {
    const auto data = sites();
    const Diagnostics d = check(R"("paint": {"circle-radius": ["*", 2, ["to-number", ["get", "pops"], 1]]})", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].where.path, "layers[0].paint.circle-radius");
    EXPECT_EQ(d.items()[0].message, "'pops' is not a field of 'sites': [\"get\", \"pops\"] is null for every feature");
    EXPECT_EQ(d.items()[0].hint, "did you mean 'pop'?");
    // A default for it, or a test of its presence: the style expects it may be missing.
    EXPECT_TRUE(check(R"("paint": {"circle-radius": ["coalesce", ["get", "size"], 4]})", data).empty());
    EXPECT_TRUE(
        check(R"("paint": {"circle-radius": ["case", ["has", "size"], ["get", "size"], 4]})", data).empty());
}

// ---- evaluation errors

TEST(DataCheck, EvaluationErrorIsReportedOnceWithCountAndFirstIds) {
    const auto data = sites(5);
    const Diagnostics d = check(R"("layout": {"text-field": ["+", ["get", "year"], 1]})", data, "symbol");
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    const Diagnostic& e = d.items()[0];
    EXPECT_EQ(e.severity, Severity::Error);
    EXPECT_EQ(e.where.path, "layers[0].layout.text-field");
    EXPECT_EQ(e.where.line, 2);
    EXPECT_EQ(e.where.column, 107);  // the text-field's opening bracket
    EXPECT_EQ(e.message, "Expected value to be of type number, but found string instead. (on 5 features of 'sites' "
                         "drawn on this map: 'site-a', 'site-b', 'site-c' and 2 more)");
    EXPECT_NE(e.hint.find("coalesce"), std::string::npos);
}

TEST(DataCheck, DefaultsTheStyleGivesAreNotErrors) {
    const auto data = sites();
    // 'size' is missing: null, made 4 by coalesce; without it, null is no number.
    EXPECT_TRUE(check(R"("paint": {"circle-radius": ["coalesce", ["get", "size"], 4]})", data).empty());
    EXPECT_TRUE(check(R"("paint": {"circle-radius": ["to-number", ["get", "kind"], 3]})", data).empty());
    EXPECT_TRUE(
        check(R"("layout": {"text-field": ["+", ["to-number", ["get", "year"], 0], 1]})", data, "symbol").empty());
    const Diagnostics d = check(R"("paint": {"circle-radius": ["get", "size"]})", data);
    ASSERT_EQ(d.error_count(), 1u) << all(d);  // and the warning that 'size' is no field
    EXPECT_NE(all(d).find("error: layers[0].paint.circle-radius: Expected value to be of type number, but found null"),
              std::string::npos)
        << all(d);
}

TEST(DataCheck, OnlyFeaturesTheMapDrawsAreEvaluated) {
    const auto data = sites();
    // The filter keeps site-b only (year "2019"); the property fails on it alone.
    Diagnostics d = check(R"("filter": ["==", ["get", "year"], "2019"], "paint": {"circle-radius": ["get", "kind"]})",
                          data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_NE(d.items()[0].message.find("(on 1 feature of 'sites' drawn on this map: 'site-b')"), std::string::npos)
        << all(d);
    // Outside the extent: site-c at (2, 2) is not drawn.
    const Style s = style_with(R"("paint": {"circle-radius": ["get", "kind"]})");
    d = check_style_against_data(s, one_frame(data, 6, Box{-1, -1, 1.5, 1.5}));
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_NE(d.items()[0].message.find("(on 2 features of 'sites' drawn on this map: 'site-a', 'site-b')"),
              std::string::npos)
        << all(d);
}

TEST(DataCheck, ZoomDependentExpressionsAreEvaluatedAtEachFramesZoom) {
    const auto data = sites();
    const Style s = style_with(R"("paint": {"circle-radius": ["step", ["zoom"], ["get", "pop"], 7, ["get", "kind"]]})");
    std::vector<DataFrame> frames = one_frame(data, 6);
    EXPECT_TRUE(check_style_against_data(s, frames).empty());
    frames.push_back(one_frame(data, 8).front());  // an inset at zoom 8: 'kind' is text
    const Diagnostics d = check_style_against_data(s, frames);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_NE(d.items()[0].message.find("on 3 features"), std::string::npos) << all(d);
}

// ---- layers that draw nothing

TEST(DataCheck, FilterRejectingEveryFeatureIsAWarning) {
    const auto data = sites();
    const Diagnostics d = check(R"("filter": ["==", ["get", "kind"], "nationale"])", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].severity, Severity::Warning);
    EXPECT_EQ(d.items()[0].where.path, "layers[0].filter");
    EXPECT_EQ(d.items()[0].message,
              "layer 's' draws nothing on this map: its filter rejects all 3 features of 'sites' inside the map");
}

TEST(DataCheck, ZoomRangeLeavingOutTheMapIsAWarning) {
    const auto data = sites();
    const Diagnostics d = check(R"("minzoom": 10)", data);
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].where.path, "layers[0]");
    EXPECT_EQ(d.items()[0].message,
              "layer 's' draws nothing on this map: its zoom range (minzoom 10, maxzoom 24) leaves out the map's zoom "
              "6.00");
}

TEST(DataCheck, NoFeatureInsideTheExtentIsAWarning) {
    const auto data = sites();
    const Diagnostics d = check_style_against_data(style_with(R"("paint": {"circle-radius": 3})"),
                                                   one_frame(data, 6, Box{50, 50, 60, 60}));
    ASSERT_EQ(d.items().size(), 1u) << all(d);
    EXPECT_EQ(d.items()[0].message,
              "layer 's' draws nothing on this map: none of the 3 features of 'sites' lies inside the map's extent");
}

TEST(DataCheck, ALayerTypeThatDrawsNoneOfTheKeptGeometriesIsAWarning) {
    // Points: a fill layer draws areas only, a line layer lines and outlines (MapLibre's rule too).
    const auto data = sites();
    for (const char* type : {"fill", "line"}) {
        DataCheckSummary summary;
        const Diagnostics d = check_style_against_data(style_with(R"("paint": {})", type), one_frame(data), &summary);
        ASSERT_EQ(d.items().size(), 1u) << type << ": " << all(d);
        EXPECT_EQ(d.items()[0].severity, Severity::Warning);
        EXPECT_EQ(d.items()[0].message,
                  fmt::format("layer 's' draws nothing on this map: a {} layer draws {}, and the 3 features of 'sites' it "
                              "keeps on the map are points",
                              type, std::string(type) == "fill" ? "areas" : "lines and the outlines of areas"));
        EXPECT_EQ(summary.layers_with_data, 1u);
        EXPECT_EQ(summary.layers_drawing, 0u);
    }
    // A circle and a symbol layer draw them: no warning, and the summary counts the layer as drawing.
    for (const char* type : {"circle", "symbol"}) {
        DataCheckSummary summary;
        const Diagnostics d = check_style_against_data(style_with(R"("paint": {})", type), one_frame(data), &summary);
        EXPECT_TRUE(d.empty()) << type << ": " << all(d);
        EXPECT_EQ(summary.layers_drawing, 1u) << type;
    }
}

TEST(DataCheck, TheSummaryCountsTheLayersThatDraw) {
    const auto data = sites();
    DataCheckSummary summary;
    check_style_against_data(style_with(R"("paint": {"circle-radius": 3})"), one_frame(data, 6, Box{50, 50, 60, 60}),
                             &summary);
    EXPECT_EQ(summary.layers_with_data, 1u);
    EXPECT_EQ(summary.layers_drawing, 0u);  // outside the extent
    check_style_against_data(style_with(R"("filter": ["==", ["get", "kind"], "local"])"), one_frame(data), &summary);
    EXPECT_EQ(summary.layers_drawing, 1u);  // one feature kept: it draws
    check_style_against_data(style_with(R"("minzoom": 10)"), one_frame(data), &summary);
    EXPECT_EQ(summary.layers_drawing, 0u);  // out of its zoom range
    const cartelier::Layer empty = sites(0);
    check_style_against_data(style_with(R"("paint": {})"), one_frame(empty), &summary);
    EXPECT_EQ(summary.layers_with_data, 0u);  // an empty layer: nothing to say of the map
}

TEST(DataCheck, EmptyAndInvisibleLayersAreLeftAlone) {
    cartelier::Layer empty = sites(0);
    EXPECT_TRUE(check(R"("filter": ["==", ["get", "year"], 2020])", empty).empty());
    const auto data = sites();
    EXPECT_TRUE(check(R"("layout": {"visibility": "none"}, "filter": ["==", ["get", "year"], 2020])", data).empty());
}

}  // namespace
}  // namespace cartelier::style

namespace cartelier::style {

// ---- copies held in a window (LayerSubset)

namespace {

/// `layer` moved by (dx, dy): the same features in another CRS.
cartelier::Layer moved(cartelier::Layer layer, double dx, double dy) {
    for (Feature& f : layer.features)
        for (Point& p : f.geometry.points) p = {p.x + dx, p.y + dy};
    return layer;
}

}  // namespace

TEST(DataCheck, ACopyHeldInAWindowIsCheckedAsTheWholeCopyWouldBe) {
    // 12 sites at (i, i); 'pop' is text in site-l (outside the window) and missing in site-k: the whole
    // layer's field is mixed, which the copy of the window alone would not show.
    cartelier::Layer whole = sites(12);
    whole.features[11].values[1] = Value(std::string("1200"));
    whole.features[10].values[1] = Value();
    const Box window{2.5, 2.5, 7.5, 7.5};  // sites d to h
    const cartelier::Layer held = test::held_in(whole, window);
    ASSERT_EQ(held.features.size(), 5u);
    const cartelier::Layer inset = moved(whole, 1000, 0);  // an inset in another CRS, held whole
    const Box main_view{3, 3, 7, 7}, inset_view{1000 + 6, 6, 1000 + 11.5, 11.5};
    auto frames = [&](const cartelier::Layer& main, bool with_inset) {
        std::vector<DataFrame> out{DataFrame{6, main_view, [&main](const std::string& n) { return n == "sites" ? &main : nullptr; }}};
        if (with_inset)
            out.push_back(DataFrame{8, inset_view, [&inset](const std::string& n) { return n == "sites" ? &inset : nullptr; }});
        return out;
    };
    const std::vector<std::string> bodies = {
        R"("filter": ["==", ["get", "year"], 2020])",                        // text field, number literal
        R"("filter": ["==", ["get", "pop"], "300"])",                        // mixed in the whole layer: no warning
        R"("filter": ["==", ["get", "kind"], 3])",                           // text field
        R"("filter": ["==", ["get", "nom"], "x"])",                          // not a field
        R"("paint": {"circle-radius": ["get", "kind"]})",                    // fails on each feature drawn
        R"("paint": {"circle-radius": ["step", ["zoom"], 3, 7, ["get", "kind"]]})",  // fails in the inset only
        R"("filter": ["==", ["get", "kind"], "nationale"])",                 // rejects every feature
        R"("paint": {"circle-radius": ["+", ["get", "pop"], 1]})",           // fails on text and null
        R"("minzoom": 7, "paint": {"circle-radius": ["get", "kind"]})",      // the inset's zoom only
    };
    for (const std::string& body : bodies) {
        const Style s = style_with(body);
        for (bool with_inset : {false, true}) {
            const Diagnostics expected = check_style_against_data(s, frames(whole, with_inset));
            const Diagnostics got = check_style_against_data(s, frames(held, with_inset));
            EXPECT_EQ(all(got), all(expected)) << body << (with_inset ? " with the inset" : "");
        }
    }
    // The test tells: some of those say something, among them what only the whole layer knows.
    EXPECT_NE(all(check_style_against_data(style_with(bodies[0]), frames(held, false))).find("all 12 features"),
              std::string::npos);
    EXPECT_NE(all(check_style_against_data(style_with(bodies[5]), frames(held, true))).find("site-i"), std::string::npos)
        << "a site the inset alone draws";
    // Held in a window that no frame sees: nothing lies inside the map, said of the whole layer.
    const cartelier::Layer none = test::held_in(whole, Box{500, 500, 501, 501});
    ASSERT_TRUE(none.features.empty());
    EXPECT_EQ(all(check_style_against_data(style_with(R"("paint": {"circle-radius": 3})"), frames(none, false))),
              all(check_style_against_data(style_with(R"("paint": {"circle-radius": 3})"),
                                           {DataFrame{6, Box{500, 500, 501, 501}, [&whole](const std::string& n) {
                                                          return n == "sites" ? &whole : nullptr;
                                                      }}})));
}

}  // namespace cartelier::style
