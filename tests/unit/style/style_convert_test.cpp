// YAML styles are the same styles as JSON ones; `style convert` writes equivalent, stable JSON.
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "test_layers.hpp"

#include "style/style.hpp"
#include "test_paths.hpp"

namespace cartelier::style {
namespace {

using test::datapath;

using test::MapFeature;

std::vector<MapFeature> sample_features() {
    std::vector<MapFeature> out;
    for (const char* geometry : {"Point", "LineString", "Polygon"}) {
        out.push_back(MapFeature({}, geometry));
        out.push_back(MapFeature({{"kind", "urban"}, {"dept", "75"}, {"class", "primary"},
                                                            {"visitors", 400}, {"status", "open"}, {"name", "A"}},
                                     geometry));
        out.push_back(MapFeature({{"kind", "rural"}, {"dept", 75}, {"class", "secondary"},
                                                            {"visitors", 1500}, {"status", "closed"}, {"name", 12}},
                                     geometry));
    }
    return out;
}

/// A layer's legend, as text.
std::string legend_text(const Layer& layer) {
    if (!layer.legend) return "no legend";
    const LegendSpec& l = *layer.legend;
    std::string out = l.by_category ? "categories " + l.title + (l.show_all ? " all" : " present") : "entry " + l.label;
    for (const auto& c : l.categories) out += " " + c.value + "=" + c.label;
    return out;
}

/// Every property of every layer, evaluated for every sample feature at a few zooms, as text.
std::vector<std::string> evaluate_all(const Style& style) {
    std::vector<std::string> out;
    auto features = sample_features();
    for (const auto& layer : style.layers) {
        out.push_back(layer.id + " " + layer_type_name(layer.type) + " " + layer.source_layer + " " +
                      std::to_string(layer.minzoom) + "-" + std::to_string(layer.maxzoom) +
                      (layer.visible() ? " visible " : " hidden ") + legend_text(layer));
        for (double zoom : {4.0, 7.5, 12.0}) {
            for (const auto& f : features) {
                expr::EvaluationContext ctx{zoom, &f};
                std::string row = layer.accepts(ctx) ? "+" : "-";
                for (const auto& s : property_specs()) {
                    std::string error;
                    row += " " + layer.evaluate(s.id, ctx, &error).to_json();
                    if (!error.empty()) row += "!";
                }
                out.push_back(row);
            }
        }
    }
    return out;
}

TEST(StyleConvert, YamlAndJsonGiveTheSameStyle) {
    Style json = load_style(datapath("fixtures/styles/valid.json"));
    Style yaml = load_style(datapath("fixtures/styles/valid.yaml"));
    EXPECT_EQ(json.name, yaml.name);
    EXPECT_EQ(json.units, yaml.units);
    ASSERT_EQ(json.layers.size(), yaml.layers.size());
    for (std::size_t i = 0; i < json.layers.size(); ++i) {
        EXPECT_EQ(json.layers[i].id, yaml.layers[i].id);
        for (const auto& s : property_specs())
            EXPECT_EQ(json.layers[i].is_set(s.id), yaml.layers[i].is_set(s.id)) << json.layers[i].id << " " << s.name;
        EXPECT_EQ(json.layers[i].filter == nullptr, yaml.layers[i].filter == nullptr);
    }
    auto a = evaluate_all(json);
    auto b = evaluate_all(yaml);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << "row " << i;
}

TEST(StyleConvert, ConvertedYamlIsTheJsonStyle) {
    std::string converted = convert_to_json(datapath("fixtures/styles/valid.yaml"));
    // Same document as the hand-written JSON (same keys in the same order, same values).
    doc::Document json = doc::load_file(datapath("fixtures/styles/valid.json"));
    EXPECT_EQ(converted, doc::to_json(json.root) + "\n");
    // Stable: converting the converted file gives the same text.
    std::string dir = test::temp_dir("style-convert");
    std::string path = dir + "/converted.json";
    std::ofstream(path) << converted;
    EXPECT_EQ(convert_to_json(path), converted);
    // And it evaluates the same.
    EXPECT_EQ(evaluate_all(load_style(path)), evaluate_all(load_style(datapath("fixtures/styles/valid.yaml"))));
}

TEST(StyleConvert, YamlScalarsBecomeJsonTypes) {
    std::string dir = test::temp_dir("style-convert-scalars");
    std::string path = dir + "/s.yml";
    std::ofstream(path) << "version: 8\nname: 'yes'\nmetadata: {cartelier:units: pt, n: 1.50, t: true, z: null, "
                           "s: \"12\", w: plain words}\nsources: {}\nlayers: []\n";
    std::string json = convert_to_json(path);
    EXPECT_NE(json.find("\"name\": \"yes\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"n\": 1.5"), std::string::npos) << json;
    EXPECT_NE(json.find("\"t\": true"), std::string::npos) << json;
    EXPECT_NE(json.find("\"z\": null"), std::string::npos) << json;
    EXPECT_NE(json.find("\"s\": \"12\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"w\": \"plain words\""), std::string::npos) << json;
    EXPECT_EQ(load_style(path).units, Units::Pt);
}

TEST(StyleConvert, InvalidStyleIsNotConverted) {
    EXPECT_THROW(convert_to_json(datapath("fixtures/styles/several_errors.yaml")), Error);
}

}  // namespace
}  // namespace cartelier::style
