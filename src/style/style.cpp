// Layer evaluation (with fallback to the spec default), style files and conversion to JSON.
#include "style/style.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "core/file_io.hpp"

namespace cartelier::style {

namespace {

std::string text_of(const expr::Value& v) {
    // MapLibre's coercion of a value to text ("to-string"): null is empty, strings as they are,
    // everything else as its JSON text.
    if (v.is_null()) return {};
    if (const auto* s = v.as_string()) return *s;
    if (const auto* b = v.as_bool()) return *b ? "true" : "false";
    if (const auto* c = v.as_color()) return c->to_string();
    return v.to_json();
}

/// Whether `text` is one of the property's enum values (any text when it has none); else the reason in
/// `why`, after `expected` ("expected one of").
bool in_enum(const PropertySpec& s, const std::string& text, const char* expected, std::string& why) {
    if (s.enum_values.empty() || std::find(s.enum_values.begin(), s.enum_values.end(), text) != s.enum_values.end())
        return true;
    std::string list;
    for (const auto& e : s.enum_values) list += (list.empty() ? "" : ", ") + e;
    why = fmt::format("{} {}, found \"{}\"", expected, list, text);
    return false;
}

/// The value if it has the property's type, else nullopt (with the reason in `why`).
bool fits(const PropertySpec& s, const expr::Value& v, std::string& why) {
    auto found = [&] { return v.type().name(); };
    switch (s.type.kind) {
        case expr::Kind::Number:
            if (!v.as_number()) return why = fmt::format("expected a number, found {}", found()), false;
            return true;
        case expr::Kind::Boolean:
            if (!v.as_bool()) return why = fmt::format("expected a boolean, found {}", found()), false;
            return true;
        case expr::Kind::Color:
            if (!v.as_color()) return why = fmt::format("expected a color, found {}", found()), false;
            return true;
        case expr::Kind::String:
            if (!v.as_string()) return why = fmt::format("expected a string, found {}", found()), false;
            return in_enum(s, *v.as_string(), "expected one of", why);
        case expr::Kind::Array: {
            const auto* a = v.as_array();
            if (!a) return why = fmt::format("expected {}, found {}", s.type.name(), found()), false;
            if (s.type.length && a->size() != *s.type.length)
                return why = fmt::format("expected {}, found {}", s.type.name(), found()), false;
            const expr::Kind item = s.type.item ? s.type.item->kind : expr::Kind::Value;
            for (const auto& e : *a) {
                if ((item == expr::Kind::Number && !e.as_number()) || (item == expr::Kind::String && !e.as_string()))
                    return why = fmt::format("expected {}, found {}", s.type.name(), found()), false;
                // An array of enum values (text-variable-anchor): each one of them.
                if (item == expr::Kind::String && !in_enum(s, *e.as_string(), "expected each item one of", why))
                    return false;
            }
            return true;
        }
        default: return true;
    }
}

}  // namespace

expr::Result Layer::try_evaluate(Prop p, const expr::EvaluationContext& ctx) const {
    const PropertySpec& s = spec(p);
    const expr::Expression* e = expression(p);
    if (!e) {
        // MapLibre draws a fill's outline in the fill colour unless fill-outline-color is set.
        if (p == Prop::FillOutlineColor) return try_evaluate(Prop::FillColor, ctx);
        return expr::Result::ok(s.default_value);
    }
    expr::Result r;
    try {
        r = e->evaluate(ctx);
    } catch (const std::exception& ex) {
        return expr::Result::fail(ex.what());
    }
    if (!r) return r;
    if (p == Prop::TextField) r.value = expr::Value(text_of(*r.value));
    std::string why;
    if (!fits(s, *r.value, why)) return expr::Result::fail(why);
    return r;
}

expr::Value Layer::evaluate(Prop p, const expr::EvaluationContext& ctx, std::string* error) const {
    if (p == Prop::FillOutlineColor && !is_set(p)) return evaluate(Prop::FillColor, ctx, error);
    expr::Result r = try_evaluate(p, ctx);
    if (r) return std::move(*r.value);
    if (error) *error = fmt::format("layer \"{}\": {}: {}; the default value is used", id, spec(p).name, r.error);
    return spec(p).default_value;
}

Color Layer::color(Prop p, const expr::EvaluationContext& ctx, std::string* error) const {
    expr::Value v = evaluate(p, ctx, error);
    if (const auto* c = v.as_color()) return *c;
    if (const auto* c = spec(p).default_value.as_color()) return *c;
    return Color{};
}

double Layer::number(Prop p, const expr::EvaluationContext& ctx, std::string* error) const {
    expr::Value v = evaluate(p, ctx, error);
    if (const auto* n = v.as_number()) return *n;
    if (const auto* n = spec(p).default_value.as_number()) return *n;
    return 0;
}

std::string Layer::string(Prop p, const expr::EvaluationContext& ctx, std::string* error) const {
    expr::Value v = evaluate(p, ctx, error);
    if (const auto* s = v.as_string()) return *s;
    if (const auto* s = spec(p).default_value.as_string()) return *s;
    return {};
}

std::vector<double> Layer::numbers(Prop p, const expr::EvaluationContext& ctx, std::string* error) const {
    expr::Value v = evaluate(p, ctx, error);
    std::vector<double> out;
    if (const auto* a = v.as_array())
        for (const auto& e : *a)
            if (const auto* n = e.as_number()) out.push_back(*n);
    return out;
}

std::vector<std::string> Layer::strings(Prop p, const expr::EvaluationContext& ctx, std::string* error) const {
    expr::Value v = evaluate(p, ctx, error);
    std::vector<std::string> out;
    if (const auto* a = v.as_array())
        for (const auto& e : *a)
            if (const auto* s = e.as_string()) out.push_back(*s);
    return out;
}

bool Layer::visible() const {
    expr::EvaluationContext ctx;
    return string(Prop::Visibility, ctx) != "none";
}

bool Layer::accepts(const expr::EvaluationContext& ctx) const {
    if (!filter) return true;
    try {
        expr::Result r = filter->evaluate(ctx);
        if (!r) return false;
        const bool* b = r.value->as_bool();
        return b && *b;
    } catch (const std::exception&) {
        return false;
    }
}

std::vector<std::string> Style::source_layers() const {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& l : layers)
        if (!l.source_layer.empty() && seen.insert(l.source_layer).second) out.push_back(l.source_layer);
    return out;
}

SourceLocation Style::source_layer_location(const std::string& source_layer) const {
    for (const auto& l : layers)
        if (l.source_layer == source_layer) return l.source_layer_where;
    return SourceLocation{file, 0, 0, {}};
}

namespace {

void check_style_extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext != ".json" && ext != ".yaml" && ext != ".yml")
        throw Error(SourceLocation{path, 0, 0, {}},
                    fmt::format("expected a style file ending in .json, .yaml or .yml, found \"{}\"",
                                ext.empty() ? std::string("no extension") : ext));
}

/// The bytes of a style file, read once (through read_file, which counts reads).
std::string read_style_file(const std::string& path) {
    check_style_extension(path);
    return read_file(path);
}

}  // namespace

Style load_style(const std::string& path, Diagnostics* warnings, const StyleEnvironment* environment) {
    std::string bytes = read_style_file(path);
    Style style = parse_style(doc::load_string(bytes, path), warnings, environment);
    style.source = std::move(bytes);
    return style;
}

std::shared_ptr<const Style> load_shared_style(const std::string& path, Diagnostics* warnings,
                                               const StyleEnvironment* environment) {
    return std::make_shared<const Style>(load_style(path, warnings, environment));
}

Style parse_style_file(const std::string& path, const std::string& bytes, Diagnostics* warnings,
                       const StyleEnvironment* environment) {
    check_style_extension(path);
    Style style = parse_style(doc::load_string(bytes, path), warnings, environment);
    style.source = bytes;
    return style;
}

std::string convert_to_json(const std::string& path) {
    doc::Document document = doc::load_string(read_style_file(path), path);
    parse_style(document);  // validates; throws with every problem
    return doc::to_json(document.root) + "\n";
}

}  // namespace cartelier::style
