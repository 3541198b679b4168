// The typed, immutable Style: Cartelier's layer metadata (the legend) parsed at load time with its
// errors placed in the file, the fonts the style names, the style file read once with its bytes kept,
// and one const Style evaluated by several threads at once.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_layers.hpp"

#include "core/file_io.hpp"
#include "style/style.hpp"
#include "test_paths.hpp"

namespace cartelier::style {
namespace {

namespace fs = std::filesystem;
using test::MapFeature;

/// One layer in an otherwise valid style; the layer starts on line 2.
std::string with_layers(const std::string& layers, const std::string& root_metadata = "") {
    return "{\"version\": 8, " + (root_metadata.empty() ? std::string() : "\"metadata\": " + root_metadata + ", ") +
           "\"sources\": {\"p\": {\"type\": \"vector\", \"url\": \"cartelier://project\"}}, \"layers\": [\n" + layers +
           "\n]}";
}

std::string line_layer(const std::string& legend, const std::string& id = "limits") {
    return R"({"id": ")" + id + R"(", "type": "line", "source": "p", "source-layer": "l",
 "metadata": {"cartelier:legend": )" +
           legend + "}}";
}

Style parse_text(const std::string& text, Diagnostics* warnings = nullptr) {
    return parse_style(doc::load_string(text, "typed.json"), warnings);
}

Diagnostics errors_of(const std::string& text) {
    try {
        parse_text(text);
    } catch (const Error& e) {
        return e.diagnostics();
    }
    ADD_FAILURE() << "the style was accepted:\n" << text;
    return {};
}

Diagnostic only_error(const Diagnostics& d) {
    EXPECT_EQ(d.error_count(), 1u) << d.format();
    return d.items().empty() ? Diagnostic{} : d.items().front();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---- legend metadata

TEST(StyleTyped, LegendLabel) {
    Style s = parse_text(with_layers(line_layer(R"("Limite de département")")));
    ASSERT_TRUE(s.layers[0].legend);
    EXPECT_FALSE(s.layers[0].legend->by_category);
    EXPECT_EQ(s.layers[0].legend->label, "Limite de département");
}

TEST(StyleTyped, LegendObjectLabelDefaultsToTheLayerId) {
    Style s = parse_text(with_layers(line_layer(R"({"label": "Route"})") + ",\n" + line_layer("{}", "canals")));
    ASSERT_TRUE(s.layers[0].legend && s.layers[1].legend);
    EXPECT_EQ(s.layers[0].legend->label, "Route");
    EXPECT_FALSE(s.layers[1].legend->by_category);
    EXPECT_EQ(s.layers[1].legend->label, "canals");
}

TEST(StyleTyped, LegendCategoriesKeepTheirOrder) {
    Style s = parse_text(with_layers(
        line_layer(R"({"title": "Dispositif", "labels": {"local": "Local", "flash": "Flash", "75": "Paris"},
                      "show": "all"})")));
    ASSERT_TRUE(s.layers[0].legend);
    const LegendSpec& l = *s.layers[0].legend;
    EXPECT_TRUE(l.by_category);
    EXPECT_EQ(l.title, "Dispositif");
    EXPECT_TRUE(l.show_all);
    ASSERT_EQ(l.categories.size(), 3u);
    EXPECT_EQ(l.categories[0].value, "local");
    EXPECT_EQ(l.categories[0].label, "Local");
    EXPECT_EQ(l.categories[1].value, "flash");
    EXPECT_EQ(l.categories[2].value, "75");
    EXPECT_EQ(l.categories[2].label, "Paris");

    Style present = parse_text(with_layers(line_layer(R"({"labels": {"a": "A"}, "show": "present"})")));
    EXPECT_FALSE(present.layers[0].legend->show_all);
    EXPECT_EQ(present.layers[0].legend->title, "");
}

TEST(StyleTyped, NoLegend) {
    Style s = parse_text(with_layers(line_layer("false") + ",\n" + line_layer("null", "b") + ",\n" +
                                     R"({"id": "c", "type": "line", "source": "p", "source-layer": "l",
                                         "metadata": {"maputnik:note": "x"}})"));
    for (const auto& l : s.layers) EXPECT_FALSE(l.legend) << l.id;
}

TEST(StyleTyped, SeedStylesLegends) {
    Style s = load_style(test::sourcepath("styles/flash.json"));
    std::map<std::string, const Layer*> by_id;
    for (const auto& l : s.layers) by_id[l.id] = &l;
    ASSERT_TRUE(by_id.count("departements") && by_id.count("sites"));
    ASSERT_TRUE(by_id["departements"]->legend);
    EXPECT_EQ(by_id["departements"]->legend->label, "Limite de département");
    ASSERT_TRUE(by_id["sites"]->legend);
    EXPECT_TRUE(by_id["sites"]->legend->by_category);
    EXPECT_EQ(by_id["sites"]->legend->title, "Dispositif");
    ASSERT_EQ(by_id["sites"]->legend->categories.size(), 1u);
    EXPECT_EQ(by_id["sites"]->legend->categories[0].value, "flash");
    EXPECT_EQ(by_id["sites"]->legend->categories[0].label, "Atelier flash (2019-2020)");
}

TEST(StyleTyped, LegendBadShowIsPlaced) {
    // line 2: {"id": …; line 3: "metadata": {"cartelier:legend": {"labels": {…}, "show": "everything"}}}
    const std::string text = with_layers(line_layer(R"({"labels": {"a": "A"}, "show": "everything"})"));
    const Diagnostic e = only_error(errors_of(text));
    EXPECT_EQ(e.where.file, "typed.json");
    EXPECT_EQ(e.where.path, "layers[0].metadata.cartelier:legend.show") << e.format();
    EXPECT_EQ(e.where.line, 3) << e.format();
    const std::size_t line_start = text.find('\n', text.find('\n') + 1) + 1;
    EXPECT_EQ(e.where.column, static_cast<int>(text.find("\"everything\"") - line_start) + 1) << e.format();
    EXPECT_TRUE(contains(e.message, "\"present\"") && contains(e.message, "\"all\"")) << e.format();
    EXPECT_TRUE(contains(e.message, "everything")) << e.format();
}

TEST(StyleTyped, LegendBadValuesAreReportedTogether) {
    const std::string text = with_layers(line_layer("42", "a") + ",\n" + line_layer(R"({"labels": ["a", "b"]})", "b") +
                                         ",\n" + line_layer(R"({"labels": {"a": 3}})", "c") + ",\n" +
                                         line_layer(R"({"lable": "x"})", "d") + ",\n" + line_layer("true", "e") +
                                         ",\n" + line_layer(R"({"title": ["x"], "labels": {}})", "f"));
    Diagnostics d = errors_of(text);
    ASSERT_EQ(d.error_count(), 6u) << d.format();
    const auto& items = d.items();
    EXPECT_EQ(items[0].where.path, "layers[0].metadata.cartelier:legend");
    EXPECT_EQ(items[0].where.line, 3);
    EXPECT_TRUE(contains(items[0].message, "found number 42")) << items[0].format();
    EXPECT_EQ(items[1].where.path, "layers[1].metadata.cartelier:legend.labels");
    EXPECT_EQ(items[1].where.line, 5);
    EXPECT_TRUE(contains(items[1].message, "object of category labels")) << items[1].format();
    EXPECT_EQ(items[2].where.path, "layers[2].metadata.cartelier:legend.labels.a");
    EXPECT_EQ(items[2].where.line, 7);
    EXPECT_TRUE(contains(items[2].message, "found number 3")) << items[2].format();
    EXPECT_EQ(items[3].where.path, "layers[3].metadata.cartelier:legend.lable");
    EXPECT_EQ(items[3].hint, "did you mean 'label'?") << items[3].format();
    EXPECT_EQ(items[4].where.path, "layers[4].metadata.cartelier:legend");
    EXPECT_TRUE(contains(items[4].message, "found true")) << items[4].format();
    EXPECT_TRUE(contains(items[4].hint, "\"e\"")) << items[4].format();
    EXPECT_EQ(items[5].where.path, "layers[5].metadata.cartelier:legend.title");
    EXPECT_EQ(items[5].where.line, 13);
    for (const auto& i : items) EXPECT_GT(i.where.column, 0) << i.format();
}

TEST(StyleTyped, UnknownCartelierLayerMetadataWarns) {
    Diagnostics warnings;
    Style s = parse_text(with_layers(R"({"id": "a", "type": "line", "source": "p", "source-layer": "l",
 "metadata": {"cartelier:legende": "x", "maputnik:note": "y"}})"),
                         &warnings);
    EXPECT_FALSE(s.layers[0].legend);
    ASSERT_EQ(warnings.items().size(), 1u) << warnings.format();
    EXPECT_EQ(warnings.items()[0].where.path, "layers[0].metadata.cartelier:legende");
    EXPECT_EQ(warnings.items()[0].where.line, 3);
    EXPECT_EQ(warnings.items()[0].hint, "did you mean 'cartelier:legend'?");
}

TEST(StyleTyped, LabelBesideLabelsWarns) {
    Diagnostics warnings;
    Style s = parse_text(with_layers(line_layer(R"({"label": "x", "labels": {"a": "A"}})")), &warnings);
    ASSERT_TRUE(s.layers[0].legend);
    EXPECT_TRUE(s.layers[0].legend->by_category);
    ASSERT_EQ(warnings.items().size(), 1u) << warnings.format();
    EXPECT_EQ(warnings.items()[0].where.path, "layers[0].metadata.cartelier:legend.label");
}

// ---- fonts

TEST(StyleTyped, SeedStylesFonts) {
    // Each seed style: no page element names a font; the one symbol layer (sites-labels) writes
    // "text-font": ["DejaVu Sans Book"].
    for (const char* name : {"styles/flash.json", "styles/local.json", "styles/sessions.json"}) {
        Style s = load_style(test::sourcepath(name));
        EXPECT_EQ(s.fonts, (std::vector<std::string>{"DejaVu Sans Book"})) << name;
        EXPECT_FALSE(s.uses_default_text_font) << name;
    }
}

TEST(StyleTyped, FontsOfPageElementsThenSymbolLayers) {
    // Layers are written before the root metadata: page fonts still come first.
    const std::string layers =
        R"({"id": "a", "type": "symbol", "source": "p", "source-layer": "l",
            "layout": {"text-field": "x", "text-font": ["Noto Sans Bold", "DejaVu Sans Bold"]}},
           {"id": "b", "type": "symbol", "source": "p", "source-layer": "l",
            "layout": {"text-field": "x", "text-font": ["literal", ["Noto Sans Italic"]]}},
           {"id": "c", "type": "symbol", "source": "p", "source-layer": "l",
            "layout": {"text-field": "x", "text-font": ["step", ["zoom"], ["literal", ["Zoomed Font"]], 8,
                                                         ["literal", ["Other Font"]]]}},
           {"id": "d", "type": "line", "source": "p", "source-layer": "l"})";
    const std::string text = "{\"version\": 8, \"sources\": {\"p\": {\"type\": \"vector\", \"url\": \"x\"}}, "
                             "\"layers\": [" + layers + "], \"metadata\": {\"cartelier:page\": {"
                             "\"credits\": {\"text-font\": \"Liberation Serif Italic\"}, "
                             "\"title\": {\"text-font\": [\"Noto Sans Bold\", \"Liberation Sans Bold\"]}}}}";
    Style s = parse_text(text);
    EXPECT_EQ(s.fonts, (std::vector<std::string>{"Liberation Serif Italic", "Noto Sans Bold", "Liberation Sans Bold",
                                                 "DejaVu Sans Bold", "Noto Sans Italic"}));
    EXPECT_FALSE(s.uses_default_text_font);

    Style plain = parse_text(with_layers(R"({"id": "a", "type": "symbol", "source": "p", "source-layer": "l",
                                             "layout": {"text-field": "x"}})"));
    EXPECT_TRUE(plain.fonts.empty());
    EXPECT_TRUE(plain.uses_default_text_font);
}

// ---- read once, bytes kept

TEST(StyleTyped, LoadStyleReadsTheFileOnceAndKeepsItsBytes) {
    const std::string dir = test::temp_dir("style_typed_read_once");
    const std::string path = dir + "/style.json";
    const std::string bytes = with_layers(line_layer(R"("Limite")")) + "\n";
    std::ofstream(path, std::ios::binary) << bytes;
    EXPECT_EQ(file_read_count(path), 0u);
    std::shared_ptr<const Style> s = load_shared_style(path);
    EXPECT_EQ(file_read_count(path), 1u);
    EXPECT_EQ(s->source, bytes);
    EXPECT_EQ(s->file, path);
    ASSERT_TRUE(s->layers[0].legend);
    EXPECT_EQ(s->layers[0].legend->label, "Limite");
    // Parsed from a document, a style has no bytes of its own.
    EXPECT_TRUE(parse_text(bytes).source.empty());
}

TEST(StyleTyped, ReadFileNamesTheFileItCannotRead) {
    const std::string path = test::temp_dir("style_typed_missing") + "/absent.json";
    try {
        read_file(path);
        ADD_FAILURE() << "read_file accepted a missing file";
    } catch (const Error& e) {
        ASSERT_EQ(e.diagnostics().items().size(), 1u);
        EXPECT_EQ(e.diagnostics().items()[0].where.file, path);
        EXPECT_TRUE(contains(e.diagnostics().items()[0].message, "cannot open file")) << e.what();
    }
    EXPECT_EQ(file_read_count(path), 1u);
    EXPECT_THROW(load_style(path), Error);
    EXPECT_EQ(file_read_count(path), 2u);
}

// ---- one const Style, several threads

/// Every property of every layer, its filter and visibility, for each feature at a few zooms, as text.
std::string evaluate_all(const Style& style, const std::vector<MapFeature>& features) {
    std::string out;
    for (const auto& layer : style.layers) {
        out += layer.id + (layer.visible() ? " visible\n" : " hidden\n");
        for (double zoom : {3.0, 6.1, 9.5, 14.0})
            for (const auto& f : features) {
                expr::EvaluationContext ctx{zoom, &f};
                out += layer.accepts(ctx) ? "+" : "-";
                for (const auto& p : property_specs()) {
                    std::string error;
                    out += " " + layer.evaluate(p.id, ctx, &error).to_json();
                    if (!error.empty()) out += "!";
                }
                out += fmt::format(" {} {}", layer.color(Prop::TextColor, ctx).to_string(),
                                   layer.number(Prop::LineWidth, ctx));
                out += "\n";
            }
    }
    return out;
}

TEST(StyleTyped, OneConstStyleEvaluatedByFourThreads) {
    std::vector<std::shared_ptr<const Style>> styles = {load_shared_style(test::datapath("fixtures/styles/valid.json")),
                                                        load_shared_style(test::sourcepath("styles/flash.json"))};
    std::vector<MapFeature> features;
    for (int i = 0; i < 12; ++i) {
        const expr::Value kind(i % 3 ? "urban" : "rural"), dept = i % 2 ? expr::Value(75.0) : expr::Value("75"),
                          road(i % 4 ? "primary" : "secondary"), dispositif(i % 2 ? "flash" : "local"),
                          colour(i % 2 ? "#336699" : "rgba(10, 20, 30, 0.5)");
        features.push_back(MapFeature({{"kind", kind},
                                       {"dept", dept},
                                       {"class", road},
                                       {"dispositif", dispositif},
                                       {"visitors", expr::Value(100.0 * i)},
                                       {"colour", colour},
                                       {"name", expr::Value(fmt::format("Site {}", i))}},
                                      i % 3 == 2 ? "LineString" : "Point"));
    }
    for (const auto& style : styles) {
        const std::string expected = evaluate_all(*style, features);
        ASSERT_FALSE(expected.empty());
        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int round = 0; round < 8; ++round)
                    if (evaluate_all(*style, features) != expected) ++mismatches;
            });
        for (auto& t : threads) t.join();
        EXPECT_EQ(mismatches.load(), 0) << style->file;
    }
}

}  // namespace
}  // namespace cartelier::style
