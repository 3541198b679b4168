// Cross-checks against the official MapLibre tooling (npm @maplibre/maplibre-gl-style-spec, installed in
// tests/reference/): gl-style-validate accepts the shipped styles and our converted YAML, and our property
// table matches the machine-readable specification (v8.json).
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "style/style.hpp"
#include "test_paths.hpp"

namespace cartelier::style {
namespace {

namespace fs = std::filesystem;
using test::datapath;
using test::sourcepath;

const std::string kPackage = "tests/reference/node_modules/@maplibre/maplibre-gl-style-spec";

std::string validator() { return sourcepath("tests/reference/node_modules/.bin/gl-style-validate"); }

std::string quoted(const std::string& path) { return "'" + path + "'"; }

/// The styles shipped in the repository (styles/*.json, *.yaml, *.yml), sorted.
std::vector<std::string> shipped_styles(bool json_only) {
    std::vector<std::string> out;
    fs::path dir = sourcepath("styles");
    if (!fs::is_directory(dir)) return out;
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::string ext = entry.path().extension().string();
        if (ext == ".json" || (!json_only && (ext == ".yaml" || ext == ".yml"))) out.push_back(entry.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

void expect_valid(const std::string& path) {
    test::CommandResult r = test::run(quoted(validator()) + " " + quoted(path));
    EXPECT_EQ(r.status, 0) << path << ":\n" << r.output;
    EXPECT_EQ(r.output, "") << path;
}

TEST(StyleValidator, ShippedStylesAndFixturesPassTheOfficialValidator) {
    if (!fs::exists(validator())) GTEST_SKIP() << "npm install --prefix tests/reference first";
    std::vector<std::string> files = shipped_styles(true);
    files.push_back(datapath("fixtures/styles/valid.json"));
    for (const auto& f : files) expect_valid(f);
}

TEST(StyleValidator, ConvertedYamlPassesTheOfficialValidator) {
    if (!fs::exists(validator())) GTEST_SKIP() << "npm install --prefix tests/reference first";
    std::string dir = test::temp_dir("style-validator");
    std::vector<std::string> yaml = {datapath("fixtures/styles/valid.yaml")};
    for (const auto& f : shipped_styles(false))
        if (fs::path(f).extension() != ".json") yaml.push_back(f);
    for (std::size_t i = 0; i < yaml.size(); ++i) {
        std::string out = dir + "/converted-" + std::to_string(i) + ".json";
        std::ofstream(out) << convert_to_json(yaml[i]);
        expect_valid(out);
    }
}

TEST(StyleValidator, OfficialValidatorAgreesOnAnInvalidStyle) {
    // The check above could not fail if the validator accepted anything.
    if (!fs::exists(validator())) GTEST_SKIP() << "npm install --prefix tests/reference first";
    test::CommandResult r = test::run(quoted(validator()) + " " + quoted(datapath("fixtures/styles/several_errors.json")));
    EXPECT_NE(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("fil-color"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("rond"), std::string::npos) << r.output;
}

TEST(StyleValidator, ParserAcceptsEveryShippedStyle) {
    for (const auto& f : shipped_styles(false)) {
        try {
            Diagnostics warnings;
            Style s = load_style(f, &warnings);
            EXPECT_FALSE(s.layers.empty()) << f;
        } catch (const Error& e) {
            ADD_FAILURE() << f << ":\n" << e.what();
        }
    }
    // and at least our own valid fixtures
    EXPECT_NO_THROW(load_style(datapath("fixtures/styles/valid.json")));
    EXPECT_NO_THROW(load_style(datapath("fixtures/styles/valid.yaml")));
}

// ---------------------------------------------------------------- the property table against v8.json

std::string spec_json() { return sourcepath(kPackage + "/dist/latest.json"); }

YAML::Node section_of(const YAML::Node& ref, const PropertySpec& s) {
    std::string layer = s.id == Prop::Visibility ? "fill" : layer_type_name(s.layer);
    return ref[(s.layout ? "layout_" : "paint_") + layer];
}

TEST(StylePropertyTable, MatchesTheSpecification) {
    if (!fs::exists(spec_json())) GTEST_SKIP() << "npm install --prefix tests/reference first";
    doc::Document d = doc::load_file(spec_json());
    for (const auto& s : property_specs()) {
        SCOPED_TRACE(s.name);
        YAML::Node def = section_of(d.root, s)[s.name];
        ASSERT_TRUE(def.IsDefined()) << "not in the spec's " << (s.layout ? "layout" : "paint") << " section";
        const std::string type = def["type"].Scalar();
        const YAML::Node dflt = def["default"];
        switch (s.type.kind) {
            case expr::Kind::Color:
                EXPECT_EQ(type, "color");
                if (dflt) EXPECT_EQ(*s.default_value.as_color(), *Color::parse(dflt.Scalar()));
                break;
            case expr::Kind::Number:
                EXPECT_EQ(type, "number");
                // No default in the spec (the sort keys): 0, what a feature's null key sorts as.
                EXPECT_DOUBLE_EQ(*s.default_value.as_number(), dflt ? dflt.as<double>() : 0.0);
                break;
            case expr::Kind::Boolean:
                EXPECT_EQ(type, "boolean");
                EXPECT_EQ(*s.default_value.as_bool(), dflt.as<bool>());
                break;
            case expr::Kind::String:
                if (type == "enum") {
                    std::vector<std::string> values;
                    for (auto it = def["values"].begin(); it != def["values"].end(); ++it)
                        values.push_back(it->first.Scalar());
                    EXPECT_EQ(s.enum_values, values);
                    EXPECT_EQ(*s.default_value.as_string(), dflt.Scalar());
                } else {
                    EXPECT_TRUE(type == "formatted" || type == "resolvedImage" || type == "string") << type;
                    EXPECT_TRUE(s.enum_values.empty());
                    EXPECT_EQ(*s.default_value.as_string(), dflt ? dflt.Scalar() : std::string());
                }
                break;
            case expr::Kind::Array: {
                EXPECT_EQ(type, "array");
                const expr::Kind item = s.type.item->kind;
                if (def["value"].Scalar() == "enum") {  // text-variable-anchor: an array of enum values
                    EXPECT_EQ(item, expr::Kind::String);
                    std::vector<std::string> values;
                    for (auto it = def["values"].begin(); it != def["values"].end(); ++it) values.push_back(it->first.Scalar());
                    EXPECT_EQ(s.enum_values, values);
                } else {
                    EXPECT_EQ(def["value"].Scalar(), item == expr::Kind::Number ? "number" : "string");
                    EXPECT_TRUE(s.enum_values.empty());
                }
                if (def["length"]) EXPECT_EQ(s.type.length, def["length"].as<std::size_t>());
                else EXPECT_FALSE(s.type.length.has_value());
                const auto* a = s.default_value.as_array();
                ASSERT_NE(a, nullptr);
                ASSERT_EQ(a->size(), dflt ? dflt.size() : 0u);
                for (std::size_t i = 0; i < a->size(); ++i) {
                    if (item == expr::Kind::Number) EXPECT_DOUBLE_EQ(*(*a)[i].as_number(), dflt[i].as<double>());
                    else EXPECT_EQ(*(*a)[i].as_string(), dflt[i].Scalar());
                }
                break;
            }
            default: ADD_FAILURE() << "unexpected type";
        }
        EXPECT_DOUBLE_EQ(s.minimum, def["minimum"] ? def["minimum"].as<double>() : -1e300);
        EXPECT_DOUBLE_EQ(s.maximum, def["maximum"] ? def["maximum"].as<double>() : 1e300);
        EXPECT_EQ(std::string(s.units), def["units"] ? def["units"].Scalar() : std::string());
        const std::string pt = def["property-type"].Scalar();
        EXPECT_EQ(s.data_driven, pt == "data-driven" || pt == "cross-faded-data-driven") << pt;
        const bool interpolated = def["expression"]["interpolated"] && def["expression"]["interpolated"].as<bool>();
        EXPECT_EQ(s.interpolated, interpolated);
    }
}

TEST(StylePropertyTable, EverySpecPropertyIsSupportedOrIgnored) {
    if (!fs::exists(spec_json())) GTEST_SKIP() << "npm install --prefix tests/reference first";
    doc::Document d = doc::load_file(spec_json());
    for (LayerType t : {LayerType::Background, LayerType::Fill, LayerType::Line, LayerType::Circle, LayerType::Symbol}) {
        for (bool layout : {true, false}) {
            YAML::Node section = d.root[(layout ? "layout_" : "paint_") + std::string(layer_type_name(t))];
            for (auto it = section.begin(); it != section.end(); ++it) {
                const std::string name = it->first.Scalar();
                bool supported = find_property(name, t, layout).has_value();
                bool ignored = std::any_of(ignored_properties().begin(), ignored_properties().end(), [&](const auto& p) {
                    return p.layer == t && p.layout == layout && name == p.name;
                });
                EXPECT_TRUE(supported != ignored) << name << " (" << layer_type_name(t) << ")";
            }
        }
    }
    for (const auto& p : ignored_properties()) {
        YAML::Node section = d.root[(p.layout ? "layout_" : "paint_") + std::string(layer_type_name(p.layer))];
        EXPECT_TRUE(section[p.name].IsDefined()) << p.name;
    }
}

TEST(StylePropertyTable, OneRowPerPropInOrder) {
    const auto& table = property_specs();
    ASSERT_EQ(table.size(), static_cast<std::size_t>(Prop::Count));
    for (std::size_t i = 0; i < table.size(); ++i) EXPECT_EQ(static_cast<std::size_t>(table[i].id), i);
    EXPECT_EQ(find_property("fill-color", LayerType::Fill, false), Prop::FillColor);
    EXPECT_EQ(find_property("fill-color", LayerType::Fill, true), std::nullopt);
    EXPECT_EQ(find_property("fill-color", LayerType::Line, false), std::nullopt);
    EXPECT_EQ(find_property("visibility", LayerType::Symbol, true), Prop::Visibility);
    EXPECT_STREQ(spec(Prop::LineWidth).units, "pixels");
}

}  // namespace
}  // namespace cartelier::style
