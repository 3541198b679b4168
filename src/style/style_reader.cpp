// parse_style: a MapLibre style document (JSON or YAML) into typed layers with compiled expressions.
// Every problem of the file is collected (with file, line, column and JSON path) before throwing.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "style/style_internal.hpp"

namespace cartelier::style {

using doc::Kind;
using detail::join_names;
using detail::Reporter;

namespace {

const std::vector<std::string> kRootKeys = {"version", "name",       "metadata", "center",   "centerAltitude",
                                            "zoom",    "bearing",    "pitch",    "roll",     "state",
                                            "light",   "sky",        "projection", "terrain", "sources",
                                            "sprite",  "glyphs",     "font-faces", "transition", "layers"};
const std::vector<std::string> kLayerKeys = {"id",      "type",    "metadata", "source", "source-layer",
                                             "minzoom", "maxzoom", "filter",   "layout", "paint"};
const std::vector<std::string> kSupportedTypes = {"background", "fill", "line", "circle", "symbol"};
const std::vector<std::string> kUnsupportedTypes = {"raster", "hillshade", "heatmap", "fill-extrusion",
                                                    "color-relief"};
const std::vector<std::string> kSourceTypes = {"vector", "raster", "raster-dem", "geojson", "image", "video"};

std::optional<LayerType> layer_type_from(const std::string& name) {
    if (name == "background") return LayerType::Background;
    if (name == "fill") return LayerType::Fill;
    if (name == "line") return LayerType::Line;
    if (name == "circle") return LayerType::Circle;
    if (name == "symbol") return LayerType::Symbol;
    return std::nullopt;
}

std::string key_text(const YAML::Node& key) { return key.Scalar(); }

/// Every key of an object, in order, reporting duplicated keys (JSON allows them, MapLibre keeps the last).
std::vector<std::pair<YAML::Node, YAML::Node>> entries(const YAML::Node& object, const std::string& path,
                                                       const Reporter& r) {
    std::vector<std::pair<YAML::Node, YAML::Node>> out;
    std::map<std::string, int> seen;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const std::string k = key_text(it->first);
        auto [pos, inserted] = seen.emplace(k, it->first.Mark().line + 1);
        if (!inserted) {
            r.error(it->first, doc::key(path, k),
                    fmt::format("duplicate key '{}' (first defined on line {})", k, pos->second));
            continue;
        }
        out.emplace_back(it->first, it->second);
    }
    return out;
}

struct SourceInfo {
    std::string type;
    YAML::Node node;
};

/// The icons folder beside the style file and the folder icons must stay in (the project folder; the
/// style's own folder when the style lies outside the project or no project is given).
void locate_icons(Style& style, const StyleEnvironment* env) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path folder = fs::absolute(fs::path(style.file), ec).parent_path().lexically_normal();
    style.icon_dir = (folder / "icons").lexically_normal().string();
    const fs::path real_folder = fs::weakly_canonical(folder, ec);
    fs::path root = real_folder;
    if (env && !env->project_root.empty()) {
        fs::path project = fs::weakly_canonical(fs::absolute(env->project_root, ec), ec);
        auto [p, f] = std::mismatch(project.begin(), project.end(), real_folder.begin(), real_folder.end());
        if (p == project.end()) root = project;
    }
    style.icon_root = root.string();
}

class Reader {
public:
    Reader(const doc::Document& document, Diagnostics& errors, Diagnostics* warnings, const StyleEnvironment* env)
        : doc_(document), r_{document.file, errors, warnings}, env_(env) {}

    Style read() {
        Style style;
        style.file = doc_.file;
        style_ = &style;
        locate_icons(style, env_);
        const YAML::Node& root = doc_.root;
        if (doc::kind(root) != Kind::Object) {
            r_.error(root, "",
                     fmt::format("expected a style: a JSON object with \"version\": 8, \"sources\" and \"layers\", "
                                 "found {}",
                                 doc::describe(root)));
            return style;
        }
        std::optional<YAML::Node> layers_node, sources_node, version_node;
        for (const auto& [k, v] : entries(root, "", r_)) {
            const std::string name = key_text(k);
            if (name == "version") version_node = v;
            else if (name == "name") read_name(style, v);
            else if (name == "metadata") read_metadata(style, v);
            else if (name == "sources") sources_node = v;
            else if (name == "layers") layers_node = v;
            else if (std::find(kRootKeys.begin(), kRootKeys.end(), name) == kRootKeys.end())
                r_.error(k, name, fmt::format("unknown root key '{}'", name),
                         suggest_name(name, kRootKeys));
            // the others (center, zoom, sprite, glyphs, light…) describe an interactive map: ignored for print
        }
        if (!version_node) {
            r_.error(root, "version", "missing required key \"version\": expected \"version\": 8");
        } else {
            auto v = doc::number(*version_node);
            if (!v || *v != 8)
                r_.error(*version_node, "version",
                         fmt::format("expected version 8 (MapLibre style specification v8), found {}",
                                     doc::describe(*version_node)));
        }
        if (!sources_node) r_.error(root, "sources", "missing required key \"sources\" (an object of sources)");
        else read_sources(*sources_node);
        if (!layers_node) r_.error(root, "layers", "missing required key \"layers\" (an array of layers)");
        else read_layers(style, *layers_node);
        // The fonts the style names: the page elements' first (whatever the order of the root keys).
        for (const auto* stacks : {&page_stacks_, &layer_stacks_})
            for (const auto& stack : *stacks) {
                for (const auto& f : stack.fonts)
                    if (std::find(style.fonts.begin(), style.fonts.end(), f) == style.fonts.end()) style.fonts.push_back(f);
                if (std::none_of(style.font_stacks.begin(), style.font_stacks.end(),
                                 [&](const Style::FontStack& s) { return s.fonts == stack.fonts; }))
                    style.font_stacks.push_back(stack);
            }
        return style;
    }

private:
    void read_name(Style& style, const YAML::Node& v) {
        if (auto s = doc::string(v)) style.name = *s;
        else r_.error(v, "name", fmt::format("expected a string (the style's name), found {}", doc::describe(v)));
    }

    void read_metadata(Style& style, const YAML::Node& v) {
        if (doc::kind(v) != Kind::Object) {
            // The spec allows any value; Cartelier reads its settings from an object.
            if (doc::kind(v) != Kind::Null)
                r_.warning(v, "metadata", fmt::format("expected an object, found {}: ignored", doc::describe(v)));
            return;
        }
        // Other "cartelier:" keys are probably misspelt; keys of other namespaces belong to other tools.
        static const std::vector<std::string> known = {"cartelier:units", "cartelier:page", "cartelier:labels"};
        for (auto it = v.begin(); it != v.end(); ++it) {
            const std::string k = key_text(it->first);
            if (k.rfind("cartelier:", 0) == 0 && std::find(known.begin(), known.end(), k) == known.end())
                r_.warning(it->first, doc::key("metadata", k),
                           fmt::format("unknown Cartelier metadata key '{}' (the style's root metadata knows {}): "
                                       "ignored",
                                       k, join_names(known, " and ")),
                           suggest_name(k, known));
        }
        if (const YAML::Node units = v["cartelier:units"]) {
            const std::string path = "metadata.cartelier:units";
            auto s = doc::string(units);
            static const std::vector<std::string> names = {"px", "pt", "mm"};
            if (s && *s == "px") style.units = Units::Px;
            else if (s && *s == "pt") style.units = Units::Pt;
            else if (s && *s == "mm") style.units = Units::Mm;
            else
                r_.error(units, path,
                         fmt::format("expected the style's length unit, one of \"px\", \"pt\" or \"mm\", found {}",
                                     doc::describe(units)),
                         s ? suggest_name(*s, names) : std::string());
        }
        if (const YAML::Node page = v["cartelier:page"]) read_page(style, page);
        if (const YAML::Node labels = v["cartelier:labels"]) read_label_settings(style, labels);
    }

    /// "cartelier:labels": {"max-displacement-mm": 10, "overflow": "unplaced" | "number"}
    void read_label_settings(Style& style, const YAML::Node& node) {
        const std::string path = "metadata.cartelier:labels";
        static const std::vector<std::string> keys = {"max-displacement-mm", "overflow"};
        if (doc::kind(node) != Kind::Object) {
            r_.error(node, path,
                     fmt::format("expected an object of label settings ({}), found {}", join_names(keys, " and "),
                                 doc::describe(node)));
            return;
        }
        for (const auto& [k, v] : entries(node, path, r_)) {
            const std::string name = key_text(k);
            const std::string p = doc::key(path, name);
            if (name == "max-displacement-mm") {
                auto n = doc::number(v);
                if (n && *n > 0 && *n <= 100) style.labels.max_displacement_mm = *n;
                else
                    r_.error(v, p,
                             fmt::format("expected the furthest a displaced label may be from its point, in mm "
                                         "(a number above 0, at most 100), found {}",
                                         doc::describe(v)));
            } else if (name == "overflow") {
                static const std::vector<std::string> values = {"unplaced", "number"};
                auto s = doc::string(v);
                if (s && (*s == "unplaced" || *s == "number")) style.labels.number_overflow = *s == "number";
                else
                    r_.error(v, p,
                             fmt::format("expected what becomes of a label with no room, \"unplaced\" (reported) "
                                         "or \"number\" (a number at the point and a row in a numbered list), "
                                         "found {}",
                                         doc::describe(v)),
                             s ? suggest_name(*s, values) : std::string());
            } else {
                r_.error(k, p, fmt::format("unknown label setting '{}' (expected {})", name, join_names(keys, " or ")),
                         suggest_name(name, keys));
            }
        }
    }

    /// "cartelier:page": {"title": {"text-color": "#1a1a1a", "text-size": 17, …}, "legend": {…}, …}
    void read_page(Style& style, const YAML::Node& page) {
        const std::string path = "metadata.cartelier:page";
        const auto& specs = page_element_specs();
        std::vector<std::string> element_names;
        for (const auto& s : specs) element_names.push_back(s.name);
        if (doc::kind(page) != Kind::Object) {
            r_.error(page, path,
                     fmt::format("expected an object of page elements ({}), found {}", join_names(element_names, " and "),
                                 doc::describe(page)));
            return;
        }
        const double ppu = points_per_unit(style.units);
        for (const auto& [k, v] : entries(page, path, r_)) {
            const std::string name = key_text(k);
            const std::string ep = doc::key(path, name);
            auto spec = std::find_if(specs.begin(), specs.end(), [&](const PageElementSpec& s) { return name == s.name; });
            if (spec == specs.end()) {
                r_.error(k, ep,
                         fmt::format("unknown page element '{}' (expected one of {})", name,
                                     join_names(element_names)),
                         suggest_name(name, element_names));
                continue;
            }
            if (doc::kind(v) != Kind::Object) {
                r_.error(v, ep,
                         fmt::format("expected an object of properties ({}), found {}",
                                     join_names(spec->properties, " and "), doc::describe(v)));
                continue;
            }
            ElementLook& look = style.page.*(spec->member);
            for (const auto& [pk, pv] : entries(v, ep, r_)) {
                const std::string prop = key_text(pk);
                const std::string pp = doc::key(ep, prop);
                if (std::find(spec->properties.begin(), spec->properties.end(), prop) == spec->properties.end()) {
                    r_.error(pk, pp,
                             fmt::format("unknown property '{}' of the page element '{}' (it accepts {})", prop, name,
                                         join_names(spec->properties, " and ")),
                             suggest_name(prop, spec->properties));
                    continue;
                }
                read_page_property(look, prop, pv, pp, ppu);
            }
        }
    }

    void read_page_property(ElementLook& look, const std::string& prop, const YAML::Node& v, const std::string& path,
                            double ppu) {
        if (prop == "text-color" || prop == "background-color" || prop == "line-color") {
            auto s = doc::string(v);
            auto c = s ? Color::parse(*s) : std::nullopt;
            if (!c) {
                r_.error(v, path,
                         fmt::format("expected a CSS colour (\"#1a1a1a\", \"rgb(10%, 10%, 10%)\", \"navy\"…), found {}",
                                     doc::describe(v)));
                return;
            }
            (prop == "text-color" ? look.text_color : prop == "background-color" ? look.background_color
                                                                                 : look.line_color) = *c;
            return;
        }
        if (prop == "text-font") {
            // A font stack, as MapLibre's text-font: ["DejaVu Sans Bold", "Noto Sans Bold"] (a lone string too).
            std::vector<std::string> fonts;
            bool ok = true;
            if (auto s = doc::string(v)) fonts.push_back(*s);
            else if (doc::kind(v) == Kind::Array && v.size() > 0)
                for (const auto& f : v) {
                    auto s = doc::string(f);
                    if (!s || s->empty()) ok = false;
                    else fonts.push_back(*s);
                }
            else ok = false;
            if (!ok || fonts.empty() || fonts.front().empty()) {
                r_.error(v, path,
                         fmt::format("expected a font stack, an array of font names such as [\"DejaVu Sans Bold\"], "
                                     "found {}",
                                     doc::describe(v)));
                return;
            }
            page_stacks_.push_back({fonts, doc::location(r_.file, v, path)});
            look.text_font = std::move(fonts);
            return;
        }
        // Numbers: sizes and widths in the style's unit, opacity in [0, 1].
        auto n = doc::number(v);
        const bool opacity = prop == "background-opacity";
        if (!n || !std::isfinite(*n) || *n < 0 || (opacity && *n > 1) || (prop == "text-size" && *n == 0)) {
            r_.error(v, path,
                     fmt::format("expected {}, found {}",
                                 opacity ? "a number between 0 and 1"
                                 : prop == "text-size" ? "a positive number (in the style's unit, \"cartelier:units\")"
                                                       : "a number ≥ 0 (in the style's unit, \"cartelier:units\")",
                                 doc::describe(v)));
            return;
        }
        if (opacity) look.background_opacity = *n;
        else if (prop == "text-size") look.text_size_pt = *n * ppu;
        else look.line_width_pt = *n * ppu;
    }

    void read_sources(const YAML::Node& v) {
        if (doc::kind(v) != Kind::Object) {
            r_.error(v, "sources",
                     fmt::format("expected an object of sources (e.g. {{\"cartelier\": {{\"type\": \"vector\", "
                                 "\"url\": \"cartelier://project\"}}}}), found {}",
                                 doc::describe(v)));
            return;
        }
        for (const auto& [k, s] : entries(v, "sources", r_)) {
            const std::string name = key_text(k);
            const std::string path = doc::key("sources", name);
            SourceInfo info{"", s};
            if (doc::kind(s) != Kind::Object) {
                r_.error(s, path, fmt::format("expected a source object with a \"type\", found {}", doc::describe(s)));
            } else if (!s["type"]) {
                r_.error(s, path, "missing required key \"type\" (for the project's layers: \"vector\")");
            } else {
                auto t = doc::string(s["type"]);
                if (!t || std::find(kSourceTypes.begin(), kSourceTypes.end(), *t) == kSourceTypes.end()) {
                    r_.error(s["type"], doc::key(path, "type"),
                             fmt::format("expected a source type, one of {}, found {}", join_names(kSourceTypes),
                                         doc::describe(s["type"])),
                             t ? suggest_name(*t, kSourceTypes) : std::string());
                } else {
                    info.type = *t;
                }
            }
            sources_.emplace(name, info);
        }
    }

    void read_layers(Style& style, const YAML::Node& v) {
        if (doc::kind(v) != Kind::Array) {
            r_.error(v, "layers", fmt::format("expected an array of layers, found {}", doc::describe(v)));
            return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            auto layer = read_layer(v[i], doc::index("layers", i));
            if (layer) style.layers.push_back(std::move(*layer));
        }
    }

    std::optional<Layer> read_layer(const YAML::Node& node, const std::string& path) {
        if (doc::kind(node) != Kind::Object) {
            r_.error(node, path, fmt::format("expected a layer object, found {}", doc::describe(node)));
            return std::nullopt;
        }
        const std::size_t before = r_.errors.error_count();
        Layer layer;
        layer.where = doc::location(doc_.file, node, path);
        std::map<std::string, YAML::Node> keys;
        for (const auto& [k, v] : entries(node, path, r_)) {
            const std::string name = key_text(k);
            if (name == "ref") {
                r_.error(k, doc::key(path, name),
                         "layer references (\"ref\") are not supported (they were removed from the style "
                         "specification): copy the referenced layer's type, source, source-layer, filter and layout "
                         "into this layer");
                continue;
            }
            if (std::find(kLayerKeys.begin(), kLayerKeys.end(), name) == kLayerKeys.end()) {
                r_.error(k, doc::key(path, name),
                         fmt::format("unknown layer key '{}' (a layer's keys are {})", name,
                                     join_names(kLayerKeys, " and ")),
                         suggest_name(name, kLayerKeys));
                continue;
            }
            keys.emplace(name, v);
        }

        // id
        if (!keys.count("id")) {
            r_.error(node, path, "missing required key \"id\" (a unique layer name)");
        } else {
            const YAML::Node id = keys["id"];
            if (auto s = doc::string(id)) {
                layer.id = *s;
                auto [pos, inserted] = ids_.emplace(*s, std::make_pair(path, id.Mark().line + 1));
                if (!inserted)
                    r_.error(id, doc::key(path, "id"),
                             fmt::format("duplicate layer id \"{}\": already used by {} on line {}", *s,
                                         pos->second.first, pos->second.second));
            } else {
                r_.error(id, doc::key(path, "id"), fmt::format("expected a string, found {}", doc::describe(id)));
            }
        }

        // type
        std::optional<LayerType> type;
        bool unsupported_type = false;  // a spec layer type Cartelier does not print: its other keys are moot
        if (!keys.count("type")) {
            r_.error(node, path,
                     fmt::format("missing required key \"type\" (one of {})", join_names(kSupportedTypes)));
        } else {
            const YAML::Node t = keys["type"];
            auto s = doc::string(t);
            if (s) type = layer_type_from(*s);
            if (type) {
                layer.type = *type;
            } else if (s && std::find(kUnsupportedTypes.begin(), kUnsupportedTypes.end(), *s) !=
                                kUnsupportedTypes.end()) {
                unsupported_type = true;
                r_.error(t, doc::key(path, "type"),
                         fmt::format("layer type \"{}\" is not supported for print: Cartelier draws {} layers", *s,
                                     join_names(kSupportedTypes)));
            } else {
                std::vector<std::string> all = kSupportedTypes;
                all.insert(all.end(), kUnsupportedTypes.begin(), kUnsupportedTypes.end());
                r_.error(t, doc::key(path, "type"),
                         fmt::format("expected a layer type, one of {}, found {}", join_names(kSupportedTypes),
                                     doc::describe(t)),
                         s ? suggest_name(*s, kSupportedTypes) : std::string());
            }
        }

        if (!unsupported_type) read_source(layer, node, keys, path, type);

        // zoom range
        for (const char* z : {"minzoom", "maxzoom"}) {
            if (!keys.count(z)) continue;
            const YAML::Node v = keys[z];
            auto n = doc::number(v);
            if (!n || *n < 0 || *n > 24) {
                r_.error(v, doc::key(path, z),
                         fmt::format("expected a zoom level, a number between 0 and 24, found {}", doc::describe(v)));
                continue;
            }
            (std::string(z) == "minzoom" ? layer.minzoom : layer.maxzoom) = *n;
        }
        if (layer.minzoom >= layer.maxzoom && keys.count("maxzoom"))
            r_.warning(keys["maxzoom"], doc::key(path, "maxzoom"),
                       fmt::format("maxzoom {} is not above minzoom {}: the layer is never drawn", layer.maxzoom,
                                   layer.minzoom));

        if (keys.count("metadata")) read_layer_metadata(layer, keys["metadata"], doc::key(path, "metadata"));

        if (keys.count("filter")) {
            if (type == LayerType::Background)
                r_.warning(keys["filter"], doc::key(path, "filter"), "background layers have no features: the filter "
                                                                     "is ignored");
            else {
                layer.filter = read_filter(keys["filter"], doc::key(path, "filter"));
                layer.filter_where = doc::location(doc_.file, keys["filter"], doc::key(path, "filter"));
            }
        }

        for (bool layout : {true, false}) {
            const char* section = layout ? "layout" : "paint";
            if (!keys.count(section)) continue;
            const YAML::Node v = keys[section];
            const std::string sp = doc::key(path, section);
            if (doc::kind(v) == Kind::Null) continue;
            if (doc::kind(v) != Kind::Object) {
                r_.error(v, sp, fmt::format("expected an object of {} properties, found {}", section, doc::describe(v)));
                continue;
            }
            if (!type) continue;  // the layer type is already reported: its properties cannot be checked
            for (const auto& [k, value] : entries(v, sp, r_)) read_property(layer, *type, layout, k, value, sp);
        }

        if (type == LayerType::Symbol) note_fonts(layer);

        if (r_.errors.error_count() > before) return std::nullopt;
        return layer;
    }

    /// The fonts a symbol layer names: its text-font when constant; unset: the renderer's default.
    void note_fonts(const Layer& layer) {
        const expr::Expression* e = layer.expression(Prop::TextFont);
        if (!e) {
            style_->uses_default_text_font = true;
            return;
        }
        if (!e->is_feature_constant() || !e->is_zoom_constant()) return;
        expr::Result r;
        try {
            r = e->evaluate(expr::EvaluationContext{});
        } catch (const std::exception&) {
            return;
        }
        if (!r || !r.value->as_array()) return;
        Style::FontStack stack{{}, layer.location(Prop::TextFont)};
        for (const auto& f : *r.value->as_array())
            if (const auto* name = f.as_string()) stack.fonts.push_back(*name);
        if (!stack.fonts.empty()) layer_stacks_.push_back(std::move(stack));
    }

    /// A layer's metadata: Cartelier reads "cartelier:legend"; other namespaces belong to other tools.
    void read_layer_metadata(Layer& layer, const YAML::Node& v, const std::string& path) {
        if (doc::kind(v) != Kind::Object) {
            if (doc::kind(v) != Kind::Null)
                r_.warning(v, path, fmt::format("expected an object, found {}: ignored", doc::describe(v)));
            return;
        }
        static const std::vector<std::string> known = {"cartelier:legend"};
        for (const auto& [k, value] : entries(v, path, r_)) {
            const std::string name = key_text(k);
            if (name == "cartelier:legend") layer.legend = read_legend(layer, value, doc::key(path, name));
            else if (name.rfind("cartelier:", 0) == 0)
                r_.warning(k, doc::key(path, name),
                           fmt::format("unknown Cartelier metadata key '{}' (a layer's metadata knows {}): ignored",
                                       name, join_names(known)),
                           suggest_name(name, known));
        }
    }

    /// "cartelier:legend": "Label" | false | null | {"label": …} | {"title": …, "labels": {…}, "show": …}
    std::optional<LegendSpec> read_legend(const Layer& layer, const YAML::Node& v, const std::string& path) {
        static const char* expected =
            "a legend label (a string such as \"Limite de département\"), false (no legend), or an object "
            "{\"label\": …} or {\"title\": …, \"labels\": {category: label, …}, \"show\": \"present\" | \"all\"}";
        const Kind kind = doc::kind(v);
        if (kind == Kind::Null) return std::nullopt;
        if (kind == Kind::Boolean) {
            if (*doc::boolean(v)) {
                r_.error(v, path, fmt::format("expected {}, found true", expected),
                         fmt::format("write the entry's label: \"cartelier:legend\": \"{}\"", layer.id));
            }
            return std::nullopt;
        }
        if (kind == Kind::String) return LegendSpec{false, *doc::string(v), {}, {}, false};
        if (kind != Kind::Object) {
            r_.error(v, path, fmt::format("expected {}, found {}", expected, doc::describe(v)));
            return std::nullopt;
        }
        static const std::vector<std::string> keys = {"label", "title", "labels", "show"};
        LegendSpec spec;
        spec.label = layer.id;
        bool ok = true;
        auto text = [&](const YAML::Node& node, const std::string& at, const char* what) -> std::optional<std::string> {
            if (auto s = doc::string(node)) return s;
            r_.error(node, at, fmt::format("expected {} (a string), found {}", what, doc::describe(node)));
            ok = false;
            return std::nullopt;
        };
        std::optional<YAML::Node> label_key;
        for (const auto& [k, value] : entries(v, path, r_)) {
            const std::string name = key_text(k);
            const std::string at = doc::key(path, name);
            if (name == "label") {
                label_key = k;
                if (auto s = text(value, at, "the entry's label")) spec.label = *s;
            } else if (name == "title") {
                if (auto s = text(value, at, "the section's title")) spec.title = *s;
            } else if (name == "show") {
                auto s = doc::string(value);
                if (s && (*s == "present" || *s == "all")) {
                    spec.show_all = *s == "all";
                } else {
                    r_.error(value, at,
                             fmt::format("expected \"present\" (the categories on the map) or \"all\", found {}",
                                         doc::describe(value)),
                             s ? suggest_name(*s, {"present", "all"}) : std::string());
                    ok = false;
                }
            } else if (name == "labels") {
                if (doc::kind(value) != Kind::Object) {
                    r_.error(value, at,
                             fmt::format("expected an object of category labels ({{\"flash\": \"Atelier flash\", …}}), "
                                         "found {}",
                                         doc::describe(value)));
                    ok = false;
                    continue;
                }
                spec.by_category = true;
                for (const auto& [ck, cv] : entries(value, at, r_)) {
                    const std::string category = key_text(ck);
                    if (auto s = text(cv, doc::key(at, category), "the category's label"))
                        spec.categories.push_back({category, *s});
                }
            } else {
                r_.error(k, at, fmt::format("unknown legend key '{}' (expected {})", name, join_names(keys)),
                         suggest_name(name, keys));
                ok = false;
            }
        }
        if (spec.by_category && label_key)
            r_.warning(*label_key, doc::key(path, "label"),
                       "\"label\" is ignored: with \"labels\", the legend has one entry per category, under "
                       "\"title\"");
        if (!ok) return std::nullopt;
        return spec;
    }

    void read_source(Layer& layer, const YAML::Node& node, std::map<std::string, YAML::Node>& keys,
                     const std::string& path, std::optional<LayerType> type) {
        if (type == LayerType::Background) {
            for (const char* k : {"source", "source-layer"})
                if (keys.count(k))
                    r_.warning(keys[k], doc::key(path, k), fmt::format("background layers draw no source: \"{}\" is "
                                                                       "ignored",
                                                                       k));
            return;
        }
        const char* kind = type ? layer_type_name(*type) : "this";
        if (!keys.count("source")) {
            r_.error(node, path,
                     fmt::format("missing required key \"source\": a {} layer must name a source of \"sources\"{}",
                                 kind, sources_.empty() ? "" : fmt::format(" ({})", source_names())));
        } else {
            const YAML::Node v = keys["source"];
            auto s = doc::string(v);
            if (!s) {
                r_.error(v, doc::key(path, "source"),
                         fmt::format("expected a string (the name of a source), found {}", doc::describe(v)));
            } else if (!sources_.count(*s)) {
                std::vector<std::string> names;
                for (const auto& [n, info] : sources_) names.push_back(n);
                r_.error(v, doc::key(path, "source"),
                         fmt::format("unknown source \"{}\": \"sources\" defines {}", *s,
                                     names.empty() ? std::string("no source") : source_names()),
                         suggest_name(*s, names));
            } else if (const auto& info = sources_.at(*s); !info.type.empty() && info.type != "vector") {
                r_.error(v, doc::key(path, "source"),
                         fmt::format("source \"{}\" is a {} source: Cartelier draws the project's layers, from a "
                                     "vector source (e.g. {{\"type\": \"vector\", \"url\": \"cartelier://project\"}})",
                                     *s, info.type));
            }
        }
        if (!keys.count("source-layer")) {
            r_.error(node, path,
                     fmt::format("missing required key \"source-layer\": a {} layer must name the project layer it "
                                 "draws",
                                 kind));
        } else {
            const YAML::Node v = keys["source-layer"];
            auto s = doc::string(v);
            if (!s || s->empty())
                r_.error(v, doc::key(path, "source-layer"),
                         fmt::format("expected the name of a project layer (a non-empty string), found {}",
                                     doc::describe(v)));
            else {
                layer.source_layer = *s;
                layer.source_layer_where = doc::location(doc_.file, v, doc::key(path, "source-layer"));
            }
        }
    }

    std::string source_names() const {
        std::vector<std::string> names;
        for (const auto& [n, info] : sources_) names.push_back(fmt::format("\"{}\"", n));
        return join_names(names, " and ");
    }

    /// Compiles a (possibly synthesized) expression node; errors without a position are placed at `origin`.
    expr::ExpressionPtr compile(const YAML::Node& node, const YAML::Node& origin, const std::string& path,
                                std::optional<expr::Type> expected) {
        Diagnostics local;
        expr::ExpressionPtr e = expr::compile(node, doc_.file, path, std::move(expected), local);
        for (Diagnostic d : local.items()) {
            if (d.where.line == 0) {
                auto loc = doc::location(doc_.file, origin, path);
                d.where.line = loc.line;
                d.where.column = loc.column;
                if (d.where.file.empty()) d.where.file = doc_.file;
                if (d.where.path.empty()) d.where.path = path;
            }
            if (d.severity == Severity::Error) r_.errors.add(d);
            else if (r_.warnings) r_.warnings->add(d);
        }
        if (local.has_errors()) return nullptr;
        return e;
    }

    expr::ExpressionPtr read_filter(const YAML::Node& v, const std::string& path) {
        if (detail::is_expression_filter(v)) return compile(v, v, path, expr::Type::boolean());
        auto converted = detail::convert_legacy_filter(v, path, r_);
        if (!converted) return nullptr;
        return compile(*converted, v, path, expr::Type::boolean());
    }

    void read_property(Layer& layer, LayerType type, bool layout, const YAML::Node& key, const YAML::Node& value,
                       const std::string& section_path) {
        const std::string name = key_text(key);
        const std::string path = doc::key(section_path, name);
        const char* section = layout ? "layout" : "paint";
        const char* other = layout ? "paint" : "layout";
        const char* tname = layer_type_name(type);

        auto prop = find_property(name, type, layout);
        if (!prop) {
            // A paint transition ("fill-color-transition"): animation only, ignored for print.
            const std::string suffix = "-transition";
            if (!layout && name.size() > suffix.size() &&
                name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
                const std::string base = name.substr(0, name.size() - suffix.size());
                if (find_property(base, type, false) || is_ignored(base, type, false)) return;
            }
            if (find_property(name, type, !layout) || is_ignored(name, type, !layout)) {
                r_.error(key, path,
                         fmt::format("'{}' is a {} property, not a {} property: move it into \"{}\"", name, other,
                                     section, other));
                return;
            }
            if (const IgnoredProperty* ignored = find_ignored(name, type, layout)) {
                // Said unless its value changes nothing in print ("symbol-placement": "point").
                if (!ignored->no_effect ||
                    (std::strcmp(ignored->no_effect, "*") != 0 && compact_json(value) != ignored->no_effect))
                    r_.warning(key, path,
                               fmt::format("'{}' is not supported by Cartelier's print renderer: it is ignored", name));
                return;
            }
            for (LayerType t : {LayerType::Background, LayerType::Fill, LayerType::Line, LayerType::Circle,
                                LayerType::Symbol}) {
                if (t == type) continue;
                for (bool l : {true, false}) {
                    auto p = find_property(name, t, l);
                    if ((p && *p != Prop::Visibility) || (is_ignored(name, t, l))) {
                        r_.error(key, path,
                                 fmt::format("'{}' is a property of {} layers, not of {} layers", name,
                                             layer_type_name(t), tname));
                        return;
                    }
                }
            }
            std::vector<std::string> candidates;
            for (const auto& s : property_specs())
                if (s.layout == layout && (s.layer == type || s.id == Prop::Visibility)) candidates.push_back(s.name);
            for (const auto& s : ignored_properties())
                if (s.layout == layout && s.layer == type) candidates.push_back(s.name);
            std::string hint = suggest_name(name, candidates);
            if (hint.empty()) {
                // a typo of a property of the other section
                std::vector<std::string> others;
                for (const auto& s : property_specs())
                    if (s.layout != layout && (s.layer == type || s.id == Prop::Visibility)) others.push_back(s.name);
                std::string near = nearest_name(name, others);
                if (!near.empty()) hint = fmt::format("did you mean '{}' (a {} property)?", near, other);
            }
            r_.error(key, path, fmt::format("unknown {} property '{}' for a {} layer", section, name, tname), hint);
            return;
        }
        const PropertySpec& s = spec(*prop);
        auto e = read_value(s, value, path);
        if (!e) return;
        if (*prop == Prop::IconImage || *prop == Prop::FillPattern) check_constant_icon(*e, value, path);
        layer.set(*prop, std::move(e));
        layer.set_location(*prop, doc::location(doc_.file, value, path));
    }

    /// An icon name known without the features (a constant) is resolved and its file read now; names
    /// that depend on the feature or the zoom are checked by the build, feature by feature.
    void check_constant_icon(const expr::Expression& e, const YAML::Node& value, const std::string& path) {
        if (!e.is_feature_constant() || !e.is_zoom_constant()) return;
        expr::Result r;
        try {
            r = e.evaluate(expr::EvaluationContext{});
        } catch (const std::exception&) {
            return;
        }
        if (!r || !r.value->as_string() || r.value->as_string()->empty()) return;
        IconResolution icon = resolve_icon(*style_, *r.value->as_string());
        if (!icon) {
            r_.error(value, path, icon.error, icon.hint);
            return;
        }
        if (env_ && env_->check_icon)
            if (std::string problem = env_->check_icon(icon.path); !problem.empty()) r_.error(value, path, problem);
    }

    static const IgnoredProperty* find_ignored(const std::string& name, LayerType type, bool layout) {
        for (const auto& p : ignored_properties())
            if (p.layer == type && p.layout == layout && name == p.name) return &p;
        return nullptr;
    }
    static bool is_ignored(const std::string& name, LayerType type, bool layout) {
        return find_ignored(name, type, layout) != nullptr;
    }

    /// A literal value as compact JSON, numbers as the shortest text of their value ("0", "[0,0]",
    /// "point"); an object or an expression gives text no IgnoredProperty::no_effect equals.
    static std::string compact_json(const YAML::Node& v) {
        if (v.IsScalar()) {
            if (auto n = doc::number(v)) return fmt::format("{}", *n);
            return v.Scalar();
        }
        if (v.IsSequence()) {
            std::string out = "[";
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (i) out += ',';
                if (!v[i].IsScalar()) return "[expression]";
                out += compact_json(v[i]);
            }
            return out + "]";
        }
        return "{object}";
    }

    /// Reports a feature-dependent expression on a property that cannot depend on the feature.
    bool check_feature_constant(const PropertySpec& s, const expr::Expression& e, const YAML::Node& value,
                                const std::string& path) {
        if (s.data_driven || e.is_feature_constant()) return true;
        r_.error(value, path,
                 fmt::format("expected a value that does not depend on the feature ({} does not support "
                             "data-driven styling), found an expression that reads feature data (get, has, "
                             "properties, id or geometry-type); use a constant or a zoom expression",
                             s.name));
        return false;
    }

    expr::ExpressionPtr read_value(const PropertySpec& s, const YAML::Node& value, const std::string& path) {
        const Kind k = doc::kind(value);
        if (k == Kind::Null) return nullptr;  // null: the property keeps its default
        // text-field is "formatted" in MapLibre: any value is coerced to text (Layer::evaluate does it).
        const bool coerced_text = s.id == Prop::TextField;
        const std::optional<expr::Type> expected =
            coerced_text ? std::optional<expr::Type>() : std::optional<expr::Type>(s.type);

        if (s.id == Prop::Visibility && k != Kind::String) {
            r_.error(value, path,
                     fmt::format("visibility: expected \"visible\" or \"none\", found {}", doc::describe(value)));
            return nullptr;
        }
        if (k == Kind::Object) {
            auto converted = detail::convert_function(s, value, path, r_);
            if (!converted) return nullptr;
            auto e = compile(*converted, value, path, expected);
            if (e && !check_feature_constant(s, *e, value, path)) return nullptr;
            return e;
        }
        const bool array_property = s.type.kind == expr::Kind::Array;
        if (k == Kind::Array && value.size() > 0 && doc::kind(value[0]) == Kind::String &&
            (!array_property || detail::is_maplibre_operator(value[0].Scalar()))) {
            auto e = compile(value, value, path, expected);
            if (e && !check_feature_constant(s, *e, value, path)) return nullptr;
            return e;
        }
        // A constant.
        if ((s.id == Prop::TextField || s.id == Prop::IconImage) && k == Kind::String) {
            if (auto tokens = detail::convert_token_string(value)) return compile(*tokens, value, path, expected);
        }
        if (!detail::check_constant(s, value, path, r_)) return nullptr;
        return compile(detail::literal_node(value), value, path, expected);
    }

    const doc::Document& doc_;
    Reporter r_;
    const StyleEnvironment* env_ = nullptr;
    Style* style_ = nullptr;  ///< the style being read
    std::vector<Style::FontStack> page_stacks_;   ///< text-fonts of the page elements, in file order
    std::vector<Style::FontStack> layer_stacks_;  ///< constant text-fonts of the symbol layers, in layer order
    std::map<std::string, SourceInfo> sources_;
    std::map<std::string, std::pair<std::string, int>> ids_;  // id → (path, line)
};

}  // namespace

Style parse_style(const doc::Document& document, Diagnostics* warnings, const StyleEnvironment* environment) {
    Diagnostics errors;
    Reader reader(document, errors, warnings, environment);
    Style style = reader.read();
    if (errors.has_errors()) throw Error(std::move(errors));
    return style;
}

expr::ExpressionPtr compile_filter(const YAML::Node& filter, const std::string& file, const std::string& path,
                                   Diagnostics& diagnostics) {
    detail::Reporter reporter{file, diagnostics, nullptr};
    YAML::Node node = filter;
    if (!detail::is_expression_filter(filter)) {
        auto converted = detail::convert_legacy_filter(filter, path, reporter);
        if (!converted) return nullptr;
        node = *converted;
    }
    Diagnostics local;
    expr::ExpressionPtr e = expr::compile(node, file, path, expr::Type::boolean(), local);
    for (Diagnostic d : local.items()) {
        if (d.where.line == 0) {  // a node synthesised by the legacy conversion: the filter's position
            auto loc = doc::location(file, filter, path);
            d.where.line = loc.line;
            d.where.column = loc.column;
            if (d.where.file.empty()) d.where.file = file;
            if (d.where.path.empty()) d.where.path = path;
        }
        diagnostics.add(d);
    }
    return local.has_errors() ? nullptr : std::move(e);
}

}  // namespace cartelier::style
