// The property table: names, types, defaults, enums and bounds as MapLibre's style specification
// (src/reference/v8.json of maplibre-style-spec) defines them, for the properties Cartelier renders.
#include <cassert>
#include <string>
#include <vector>

#include "style/style.hpp"

namespace cartelier::style {

namespace {

using expr::Type;
using expr::Value;

constexpr Color rgba(double r, double g, double b, double a) { return Color{r, g, b, a}; }

const std::vector<std::string> kAnchors = {"center", "left", "right", "top", "bottom",
                                           "top-left", "top-right", "bottom-left", "bottom-right"};

struct Row {
    Prop id;
    const char* name;
    LayerType layer;
    bool layout;
    Type type;
    Value default_value;
    bool data_driven;
    std::vector<std::string> enum_values = {};
    double minimum = -1e300;
    double maximum = 1e300;
    const char* units = "";
    bool interpolated = false;
};

std::vector<PropertySpec> build_table() {
    using L = LayerType;
    const Color black = rgba(0, 0, 0, 1);
    const Color transparent = rgba(0, 0, 0, 0);
    const Type number = Type::number();
    const Type color = Type::color();
    const Type string = Type::string();
    const Type boolean = Type::boolean();
    const Value no_numbers = Value(expr::Array{});
    const Value no_offset = Value(expr::Array{Value(0.0), Value(0.0)});  // [0, 0]: offsets and translations

    // clang-format off
    std::vector<Row> rows = {
        // id                       name                     layer        layout type     default                data-driven
        {Prop::BackgroundColor,    "background-color",      L::Background, false, color,  black,                 false, {}, -1e300, 1e300, "", true},
        {Prop::BackgroundOpacity,  "background-opacity",    L::Background, false, number, 1.0,                   false, {}, 0, 1, "", true},

        {Prop::FillColor,          "fill-color",            L::Fill,  false, color,   black,                     true, {}, -1e300, 1e300, "", true},
        {Prop::FillOpacity,        "fill-opacity",          L::Fill,  false, number,  1.0,                       true, {}, 0, 1, "", true},
        // No default in the spec: MapLibre draws the outline in fill-color (Layer::evaluate does the same).
        {Prop::FillOutlineColor,   "fill-outline-color",    L::Fill,  false, color,   black,                     true, {}, -1e300, 1e300, "", true},
        // fill-pattern is "resolvedImage" in the spec: an image name (icons/NAME.svg or .png), here a string.
        {Prop::FillPattern,        "fill-pattern",          L::Fill,  false, string,  "",                        true},
        {Prop::FillAntialias,      "fill-antialias",        L::Fill,  false, boolean, true,                      false},
        // The sort keys have no default in the spec: a layer without one draws in the data's order
        // (Layer::is_set); a feature whose key is null sorts as 0, as MapLibre Native does.
        {Prop::FillSortKey,        "fill-sort-key",         L::Fill,  true,  number,  0.0,                       true},
        {Prop::FillTranslate,      "fill-translate",        L::Fill,  false, Type::array(number, 2), no_offset,  false, {}, -1e300, 1e300, "pixels", true},

        {Prop::LineColor,          "line-color",            L::Line,  false, color,   black,                     true, {}, -1e300, 1e300, "", true},
        {Prop::LineWidth,          "line-width",            L::Line,  false, number,  1.0,                       true, {}, 0, 1e300, "pixels", true},
        {Prop::LineOpacity,        "line-opacity",          L::Line,  false, number,  1.0,                       true, {}, 0, 1, "", true},
        {Prop::LineDasharray,      "line-dasharray",        L::Line,  false, Type::array(number), no_numbers,    true, {}, 0, 1e300, "line widths"},
        {Prop::LineJoin,           "line-join",             L::Line,  true,  string,  "miter",                   true, {"bevel", "round", "miter"}},
        {Prop::LineCap,            "line-cap",              L::Line,  true,  string,  "butt",                    true, {"butt", "round", "square"}},
        {Prop::LineOffset,         "line-offset",           L::Line,  false, number,  0.0,                       true, {}, -1e300, 1e300, "pixels", true},
        {Prop::LineSortKey,        "line-sort-key",         L::Line,  true,  number,  0.0,                       true},
        {Prop::LineTranslate,      "line-translate",        L::Line,  false, Type::array(number, 2), no_offset,  false, {}, -1e300, 1e300, "pixels", true},

        {Prop::CircleRadius,       "circle-radius",         L::Circle, false, number, 5.0,                       true, {}, 0, 1e300, "pixels", true},
        {Prop::CircleColor,        "circle-color",          L::Circle, false, color,  black,                     true, {}, -1e300, 1e300, "", true},
        {Prop::CircleOpacity,      "circle-opacity",        L::Circle, false, number, 1.0,                       true, {}, 0, 1, "", true},
        {Prop::CircleStrokeColor,  "circle-stroke-color",   L::Circle, false, color,  black,                     true, {}, -1e300, 1e300, "", true},
        {Prop::CircleStrokeWidth,  "circle-stroke-width",   L::Circle, false, number, 0.0,                       true, {}, 0, 1e300, "pixels", true},
        {Prop::CircleStrokeOpacity,"circle-stroke-opacity", L::Circle, false, number, 1.0,                       true, {}, 0, 1, "", true},
        {Prop::CircleSortKey,      "circle-sort-key",       L::Circle, true,  number, 0.0,                       true},
        {Prop::CircleTranslate,    "circle-translate",      L::Circle, false, Type::array(number, 2), no_offset, false, {}, -1e300, 1e300, "pixels", true},

        // text-field is "formatted" in the spec: Cartelier evaluates it to plain text.
        {Prop::TextField,          "text-field",            L::Symbol, true,  string, "",                        true},
        {Prop::TextFont,           "text-font",             L::Symbol, true,  Type::array(string),
                                   Value(expr::Array{Value("Open Sans Regular"), Value("Arial Unicode MS Regular")}), true},
        {Prop::TextSize,           "text-size",             L::Symbol, true,  number, 16.0,                      true, {}, 0, 1e300, "pixels", true},
        {Prop::TextColor,          "text-color",            L::Symbol, false, color,  black,                     true, {}, -1e300, 1e300, "", true},
        {Prop::TextOpacity,        "text-opacity",          L::Symbol, false, number, 1.0,                       true, {}, 0, 1, "", true},
        {Prop::TextHaloColor,      "text-halo-color",       L::Symbol, false, color,  transparent,               true, {}, -1e300, 1e300, "", true},
        {Prop::TextHaloWidth,      "text-halo-width",       L::Symbol, false, number, 0.0,                       true, {}, 0, 1e300, "pixels", true},
        {Prop::TextAnchor,         "text-anchor",           L::Symbol, true,  string, "center",                  true, kAnchors},
        {Prop::TextOffset,         "text-offset",           L::Symbol, true,  Type::array(number, 2),
                                   no_offset,                                                                     true, {}, -1e300, 1e300, "ems", true},
        {Prop::TextJustify,        "text-justify",          L::Symbol, true,  string, "center",                  true, {"auto", "left", "center", "right"}},
        {Prop::TextMaxWidth,       "text-max-width",        L::Symbol, true,  number, 10.0,                      true, {}, 0, 1e300, "ems", true},
        {Prop::TextTransform,      "text-transform",        L::Symbol, true,  string, "none",                    true, {"none", "uppercase", "lowercase"}},
        {Prop::TextLetterSpacing,  "text-letter-spacing",   L::Symbol, true,  number, 0.0,                       true, {}, -1e300, 1e300, "ems", true},
        {Prop::TextLineHeight,     "text-line-height",      L::Symbol, true,  number, 1.2,                       false, {}, -1e300, 1e300, "ems", true},
        // No default in the spec: unset, the label tries text-anchor first, then every position.
        {Prop::TextVariableAnchor, "text-variable-anchor",  L::Symbol, true,  Type::array(string), Value(expr::Array{}), false, kAnchors},
        {Prop::TextRadialOffset,   "text-radial-offset",    L::Symbol, true,  number, 0.0,                       true, {}, -1e300, 1e300, "ems", true},

        // icon-image is "resolvedImage" in the spec: an image name, here a string.
        {Prop::IconImage,          "icon-image",            L::Symbol, true,  string, "",                        true},
        {Prop::IconSize,           "icon-size",             L::Symbol, true,  number, 1.0,                       true, {}, 0, 1e300, "factor of the original icon size", true},
        {Prop::IconAnchor,         "icon-anchor",           L::Symbol, true,  string, "center",                  true, kAnchors},
        {Prop::IconOffset,         "icon-offset",           L::Symbol, true,  Type::array(number, 2),
                                   no_offset,                                                                     true, {}, -1e300, 1e300, "", true},
        {Prop::IconOpacity,        "icon-opacity",          L::Symbol, false, number, 1.0,                       true, {}, 0, 1, "", true},

        {Prop::SymbolSortKey,      "symbol-sort-key",       L::Symbol, true,  number, 0.0,                       true},

        {Prop::Visibility,         "visibility",            L::Background, true, string, "visible",              false, {"visible", "none"}},
    };
    // clang-format on

    std::vector<PropertySpec> table;
    table.reserve(rows.size());
    for (auto& r : rows) {
        PropertySpec s{r.id, r.name, r.layer, r.layout, r.type, r.default_value, r.data_driven, r.enum_values};
        s.minimum = r.minimum;
        s.maximum = r.maximum;
        s.units = r.units;
        s.interpolated = r.interpolated;
        table.push_back(std::move(s));
    }
    return table;
}

}  // namespace

const std::vector<PropertySpec>& property_specs() {
    static const std::vector<PropertySpec> table = [] {
        auto t = build_table();
        for (std::size_t i = 0; i < t.size(); ++i) assert(static_cast<std::size_t>(t[i].id) == i);
        assert(t.size() == static_cast<std::size_t>(Prop::Count));
        return t;
    }();
    return table;
}

const PropertySpec& spec(Prop p) { return property_specs().at(static_cast<std::size_t>(p)); }

std::optional<Prop> find_property(const std::string& name, LayerType layer, bool layout) {
    for (const auto& s : property_specs()) {
        if (s.layout != layout || name != s.name) continue;
        if (s.id == Prop::Visibility || s.layer == layer) return s.id;
    }
    return std::nullopt;
}

const std::vector<IgnoredProperty>& ignored_properties() {
    using L = LayerType;
    static const std::vector<IgnoredProperty> list = {
        {"background-pattern", L::Background, false},
        {"fill-layer-opacity", L::Fill, false},
        {"fill-layer-blend", L::Fill, false},
        {"fill-translate-anchor", L::Fill, false, "*"},
        {"line-miter-limit", L::Line, true},
        {"line-round-limit", L::Line, true},
        {"line-layer-opacity", L::Line, false},
        {"line-layer-blend", L::Line, false},
        {"line-translate-anchor", L::Line, false, "*"},
        {"line-gap-width", L::Line, false, "0"},
        {"line-blur", L::Line, false, "0"},
        {"line-pattern", L::Line, false},
        {"line-gradient", L::Line, false},
        {"circle-blur", L::Circle, false, "0"},
        {"circle-translate-anchor", L::Circle, false, "*"},
        {"circle-pitch-scale", L::Circle, false, "*"},
        {"circle-pitch-alignment", L::Circle, false, "*"},
        {"symbol-placement", L::Symbol, true, "point"},
        {"symbol-spacing", L::Symbol, true, "*"},
        {"symbol-avoid-edges", L::Symbol, true, "*"},
        {"symbol-z-order", L::Symbol, true},
        // Cartelier draws every icon (a site is never hidden), as MapLibre does with icon-allow-overlap;
        // and a text with no room is left out while its icon stays, as text-optional asks.
        {"icon-allow-overlap", L::Symbol, true, "true"},
        {"icon-overlap", L::Symbol, true},
        {"icon-ignore-placement", L::Symbol, true},
        {"icon-optional", L::Symbol, true},
        {"icon-rotation-alignment", L::Symbol, true, "*"},
        {"icon-text-fit", L::Symbol, true},
        {"icon-text-fit-padding", L::Symbol, true},
        {"icon-rotate", L::Symbol, true, "0"},
        {"icon-padding", L::Symbol, true},
        {"icon-keep-upright", L::Symbol, true, "*"},
        {"icon-pitch-alignment", L::Symbol, true, "*"},
        {"text-pitch-alignment", L::Symbol, true, "*"},
        {"text-rotation-alignment", L::Symbol, true, "*"},
        {"text-variable-anchor-offset", L::Symbol, true},
        {"text-max-angle", L::Symbol, true, "*"},
        {"text-writing-mode", L::Symbol, true},
        {"text-rotate", L::Symbol, true, "0"},
        {"text-padding", L::Symbol, true},
        {"text-keep-upright", L::Symbol, true, "*"},
        {"text-allow-overlap", L::Symbol, true, "false"},
        {"text-overlap", L::Symbol, true, "never"},
        {"text-ignore-placement", L::Symbol, true, "false"},
        {"text-optional", L::Symbol, true, "true"},
        {"symbol-height-offset", L::Symbol, true},
        {"symbol-height-anchor", L::Symbol, true},
        {"icon-color", L::Symbol, false},
        {"icon-halo-color", L::Symbol, false},
        {"icon-halo-width", L::Symbol, false},
        {"icon-halo-blur", L::Symbol, false},
        {"icon-translate", L::Symbol, false, "[0,0]"},
        {"icon-translate-anchor", L::Symbol, false, "*"},
        {"text-halo-blur", L::Symbol, false, "0"},
        {"text-translate", L::Symbol, false, "[0,0]"},
        {"text-translate-anchor", L::Symbol, false, "*"},
    };
    return list;
}

const char* layer_type_name(LayerType t) {
    switch (t) {
        case LayerType::Background: return "background";
        case LayerType::Fill: return "fill";
        case LayerType::Line: return "line";
        case LayerType::Circle: return "circle";
        case LayerType::Symbol: return "symbol";
    }
    return "?";
}

double points_per_unit(Units u) {
    switch (u) {
        case Units::Px: return 0.75;
        case Units::Pt: return 1.0;
        case Units::Mm: return 72.0 / 25.4;
    }
    return 1.0;
}

}  // namespace cartelier::style
