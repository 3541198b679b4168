// Constant checks and MapLibre's legacy syntaxes (token strings, function objects, legacy filters),
// converted to expressions the way maplibre-style-spec does (src/function/convert.ts,
// src/feature_filter/convert.ts) so that the expression engine sees only expressions.
#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "style/style_internal.hpp"

namespace cartelier::style::detail {

using doc::Kind;

std::string join_names(const std::vector<std::string>& names, const char* last) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? last : ", ";
        out += names[i];
    }
    return out;
}

YAML::Node str_node(const std::string& s) {
    YAML::Node n(s);
    n.SetTag("!");  // as a quoted scalar: doc::kind reads it as a string whatever its text
    return n;
}

YAML::Node num_node(double d) { return YAML::Node(fmt::format("{}", d)); }

YAML::Node seq_node(std::initializer_list<YAML::Node> items) {
    YAML::Node n(YAML::NodeType::Sequence);
    for (const auto& i : items) n.push_back(i);
    return n;
}

YAML::Node literal_node(const YAML::Node& value) {
    Kind k = doc::kind(value);
    if (k == Kind::Array || k == Kind::Object) return seq_node({str_node("literal"), value});
    return value;
}

bool is_maplibre_operator(const std::string& name) {
    // expression_name.values of the style spec (v8.json).
    static const std::set<std::string> names = {
        "!", "!=", "%", "*", "+", "-", "/", "<", "<=", "==", ">", ">=", "^", "abs", "accumulated", "acos", "all",
        "any", "array", "asin", "at", "atan", "boolean", "case", "ceil", "coalesce", "collator", "concat", "cos",
        "distance", "downcase", "e", "elevation", "feature-state", "floor", "format", "geometry-type", "get",
        "global-state", "has", "heatmap-density", "id", "image", "in", "index-of", "interpolate", "interpolate-hcl",
        "interpolate-lab", "is-supported-script", "join", "length", "let", "line-progress", "literal", "ln", "ln2",
        "log10", "log2", "match", "max", "min", "number", "number-format", "object", "pi", "properties",
        "resolved-locale", "rgb", "rgba", "round", "semiliteral", "sin", "slice", "split", "sqrt", "step", "string",
        "tan", "to-boolean", "to-color", "to-number", "to-rgba", "to-string", "typeof", "upcase", "var", "within",
        "zoom"};
    return names.count(name) > 0;
}

// ---------------------------------------------------------------- constants

namespace {

std::string number_text(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{}", v);
}

std::string bounds_text(double minimum, double maximum) {
    bool has_min = minimum > -1e299, has_max = maximum < 1e299;
    if (has_min && has_max) return fmt::format("between {} and {}", number_text(minimum), number_text(maximum));
    if (has_min) return fmt::format(">= {}", number_text(minimum));
    if (has_max) return fmt::format("<= {}", number_text(maximum));
    return {};
}

bool check_number(const PropertySpec& s, const YAML::Node& v, const std::string& path, const Reporter& r,
                  const char* what) {
    auto n = doc::number(v);
    if (!n) {
        r.error(v, path, fmt::format("expected {}, found {}", what, doc::describe(v)));
        return false;
    }
    if (*n < s.minimum || *n > s.maximum) {
        r.error(v, path,
                fmt::format("expected a number {}, found {}", bounds_text(s.minimum, s.maximum),
                            number_text(*n)));
        return false;
    }
    return true;
}

}  // namespace

/// Whether `text` (the string at `v`) is one of the property's enum values (any text when it has none);
/// else an error at `path` naming them, with the nearest.
bool check_enum(const PropertySpec& s, const YAML::Node& v, const std::string& text, const std::string& path,
                const Reporter& r) {
    if (s.enum_values.empty() || std::find(s.enum_values.begin(), s.enum_values.end(), text) != s.enum_values.end())
        return true;
    r.error(v, path, fmt::format("expected one of {}, found \"{}\"", join_names(s.enum_values), text),
            suggest_name(text, s.enum_values));
    return false;
}

bool check_constant(const PropertySpec& s, const YAML::Node& v, const std::string& path, const Reporter& r) {
    switch (s.type.kind) {
        case expr::Kind::Number: return check_number(s, v, path, r, "a number");
        case expr::Kind::Boolean:
            if (!doc::boolean(v)) {
                r.error(v, path, fmt::format("expected a boolean (true or false), found {}", doc::describe(v)));
                return false;
            }
            return true;
        case expr::Kind::Color: {
            auto text = doc::string(v);
            if (!text) {
                r.error(v, path,
                        fmt::format("expected a color (a CSS color string such as \"#d0e0f0\" or "
                                    "\"rgba(20, 60, 200, 0.5)\"), found {}", doc::describe(v)));
                return false;
            }
            if (!Color::parse(*text)) {
                r.error(v, path,
                        fmt::format("expected a color (a CSS color: a name, #rgb, #rrggbb, rgb(), rgba(), "
                                    "hsl() or hsla()), found \"{}\" which is not a color", *text));
                return false;
            }
            return true;
        }
        case expr::Kind::String: {
            auto text = doc::string(v);
            if (!text) {
                if (!s.enum_values.empty())
                    r.error(v, path,
                            fmt::format("expected one of {}, found {}", join_names(s.enum_values),
                                        doc::describe(v)));
                else
                    r.error(v, path, fmt::format("expected a string, found {}", doc::describe(v)));
                return false;
            }
            return check_enum(s, v, *text, path, r);
        }
        case expr::Kind::Array: {
            const expr::Type item = s.type.item ? *s.type.item : expr::Type::value();
            std::string expected = s.type.length ? fmt::format("an array of {} {}s", *s.type.length, item.name())
                                                 : fmt::format("an array of {}s", item.name());
            if (doc::kind(v) != Kind::Array) {
                r.error(v, path, fmt::format("expected {}, found {}", expected, doc::describe(v)));
                return false;
            }
            if (s.type.length && v.size() != *s.type.length) {
                r.error(v, path, fmt::format("expected {}, found an array of {}", expected, v.size()));
                return false;
            }
            bool ok = true;
            for (std::size_t i = 0; i < v.size(); ++i) {
                const YAML::Node e = v[i];
                std::string p = doc::index(path, i);
                if (item.kind == expr::Kind::Number) {
                    ok = check_number(s, e, p, r, "a number") && ok;
                } else if (item.kind == expr::Kind::String && !doc::string(e)) {
                    r.error(e, p, fmt::format("expected a string, found {}", doc::describe(e)));
                    ok = false;
                } else if (item.kind == expr::Kind::String) {
                    ok = check_enum(s, e, *doc::string(e), p, r) && ok;  // text-variable-anchor: each item
                }
            }
            return ok;
        }
        default: return true;
    }
}

// ---------------------------------------------------------------- token strings

std::optional<YAML::Node> convert_token_string(const YAML::Node& value) {
    // maplibre-style-spec convertTokenString: /{([^{}]+)}/g → ["concat", text, ["get", name], …].
    const std::string s = value.Scalar();
    YAML::Node result(YAML::NodeType::Sequence);
    result.push_back(str_node("concat"));
    std::size_t pos = 0, search = 0;
    bool any = false;
    while (search < s.size()) {
        std::size_t open = s.find('{', search);
        if (open == std::string::npos) break;
        std::size_t close = s.find_first_of("{}", open + 1);
        if (close == std::string::npos) break;
        if (s[close] == '{' || close == open + 1) {  // "{{", "{}": not a token
            search = s[close] == '{' ? close : close + 1;
            continue;
        }
        if (open > pos) result.push_back(str_node(s.substr(pos, open - pos)));
        result.push_back(seq_node({str_node("get"), str_node(s.substr(open + 1, close - open - 1))}));
        any = true;
        pos = search = close + 1;
    }
    if (!any) return std::nullopt;
    if (pos < s.size()) result.push_back(str_node(s.substr(pos)));
    else if (result.size() == 2) return seq_node({str_node("to-string"), result[1]});
    return result;
}

// ---------------------------------------------------------------- function objects

namespace {

bool interpolatable(const PropertySpec& s) { return s.interpolated; }

YAML::Node get_node(const YAML::Node& property) { return seq_node({str_node("get"), property}); }

/// The value a property function falls back to: its "default", else the spec default.
YAML::Node fallback_node(const PropertySpec& s, const YAML::Node& function) {
    if (function["default"]) return literal_node(function["default"]);
    const expr::Value& d = s.default_value;
    if (const auto* c = d.as_color()) return str_node(c->to_string());
    if (const auto* n = d.as_number()) return num_node(*n);
    if (const auto* b = d.as_bool()) return YAML::Node(*b ? "true" : "false");
    if (const auto* t = d.as_string()) return str_node(*t);
    if (const auto* a = d.as_array()) {
        YAML::Node arr(YAML::NodeType::Sequence);
        for (const auto& e : *a) {
            if (const auto* n = e.as_number()) arr.push_back(num_node(*n));
            else if (const auto* t = e.as_string()) arr.push_back(str_node(*t));
        }
        return seq_node({str_node("literal"), arr});
    }
    return YAML::Node(YAML::NodeType::Null);
}

YAML::Node interpolation_node(const YAML::Node& function) {
    double base = 1;
    if (auto b = doc::number(function["base"])) base = *b;
    if (base == 1) return seq_node({str_node("linear")});
    return seq_node({str_node("exponential"), function["base"]});
}

std::string interpolate_operator(const YAML::Node& function) {
    auto space = doc::string(function["colorSpace"]);
    if (space && *space == "hcl") return "interpolate-hcl";
    if (space && *space == "lab") return "interpolate-lab";
    return "interpolate";
}

}  // namespace

std::optional<YAML::Node> convert_function(const PropertySpec& s, const YAML::Node& fn, const std::string& path,
                                           const Reporter& r) {
    static const std::vector<std::string> keys = {"stops", "base", "property", "type", "colorSpace", "default"};
    const std::size_t before = r.errors.error_count();
    for (auto it = fn.begin(); it != fn.end(); ++it) {
        const std::string k = it->first.Scalar();
        if (std::find(keys.begin(), keys.end(), k) == keys.end())
            r.error(it->first, doc::key(path, k),
                    fmt::format("unknown key '{}' in a function object (expected {})", k,
                                join_names(keys, " and ")),
                    suggest_name(k, keys));
    }

    // type
    static const std::vector<std::string> types = {"identity", "exponential", "interval", "categorical"};
    std::string type;
    if (fn["type"]) {
        auto t = doc::string(fn["type"]);
        if (!t || std::find(types.begin(), types.end(), *t) == types.end()) {
            r.error(fn["type"], doc::key(path, "type"),
                    fmt::format("expected a function type, one of {}, found {}", join_names(types),
                                doc::describe(fn["type"])),
                    t ? suggest_name(*t, types) : std::string());
            return std::nullopt;
        }
        type = *t;
    }

    // property
    std::optional<std::string> property;
    if (fn["property"]) {
        property = doc::string(fn["property"]);
        if (!property) {
            r.error(fn["property"], doc::key(path, "property"),
                    fmt::format("a function's \"property\" must be a string (a feature property name), found {}", doc::describe(fn["property"])));
            return std::nullopt;
        }
        if (!s.data_driven) {
            r.error(fn["property"], doc::key(path, "property"),
                    fmt::format("property functions are not supported: this property cannot depend on feature "
                                "properties (use a constant or a zoom function)"));
            return std::nullopt;
        }
    }
    if (type.empty()) type = interpolatable(s) ? "exponential" : "interval";

    if (!property && (type == "identity" || type == "categorical")) {
        r.error(fn, path,
                fmt::format("a zoom function (no \"property\") must be of type exponential or interval, "
                            "found type {}", type));
        return std::nullopt;
    }
    if (type == "exponential" && !interpolatable(s)) {
        r.error(fn["type"] ? fn["type"] : fn, path,
                fmt::format("exponential functions are not supported for this property (its values cannot be "
                            "interpolated); use \"type\": \"interval\""));
        return std::nullopt;
    }
    if (fn["base"]) {
        auto b = doc::number(fn["base"]);
        if (!b || *b < 0)
            r.error(fn["base"], doc::key(path, "base"),
                    fmt::format("a function's \"base\" must be a number >= 0, found {}",
                                doc::describe(fn["base"])));
    }
    if (fn["colorSpace"]) {
        auto c = doc::string(fn["colorSpace"]);
        static const std::vector<std::string> spaces = {"rgb", "lab", "hcl"};
        if (!c || std::find(spaces.begin(), spaces.end(), *c) == spaces.end())
            r.error(fn["colorSpace"], doc::key(path, "colorSpace"),
                    fmt::format("expected a color space, one of rgb, lab or hcl, found {}", doc::describe(fn["colorSpace"])));
    }
    if (fn["default"] && !check_constant(s, fn["default"], doc::key(path, "default"), r)) return std::nullopt;

    if (type == "identity") {
        if (r.errors.error_count() > before) return std::nullopt;
        YAML::Node get = get_node(fn["property"]);
        const bool has_default = static_cast<bool>(fn["default"]);
        if (!s.enum_values.empty()) {
            if (!has_default) return seq_node({str_node("string"), get});
            YAML::Node labels(YAML::NodeType::Sequence);
            for (const auto& v : s.enum_values) labels.push_back(str_node(v));
            return seq_node({str_node("match"), get, labels, get_node(fn["property"]), fn["default"]});
        }
        std::string assertion;
        switch (s.type.kind) {
            case expr::Kind::Number: assertion = "number"; break;
            case expr::Kind::String: assertion = "string"; break;
            case expr::Kind::Boolean: assertion = "boolean"; break;
            case expr::Kind::Color: assertion = "to-color"; break;
            default: assertion = "array"; break;
        }
        YAML::Node e = seq_node({str_node(assertion)});
        if (assertion == "array") {
            const expr::Type item = s.type.item ? *s.type.item : expr::Type::value();
            e.push_back(str_node(item.name()));
            if (s.type.length) e.push_back(num_node(static_cast<double>(*s.type.length)));
        }
        e.push_back(get);
        if (has_default) e.push_back(literal_node(fn["default"]));
        return e;
    }

    // stops
    const YAML::Node stops = fn["stops"];
    const std::string stops_path = doc::key(path, "stops");
    if (!stops) {
        r.error(fn, path, fmt::format("a {} function needs \"stops\": an array of [input, output] pairs",
                                      type));
        return std::nullopt;
    }
    if (doc::kind(stops) != Kind::Array || stops.size() == 0) {
        r.error(stops, stops_path,
                fmt::format("\"stops\" must be a non-empty array of [input, output] pairs, found {}",
                            doc::describe(stops)));
        return std::nullopt;
    }
    std::optional<Kind> input_kind;
    std::optional<double> previous;
    std::set<std::string> seen_labels;
    for (std::size_t i = 0; i < stops.size(); ++i) {
        const YAML::Node stop = stops[i];
        const std::string p = doc::index(stops_path, i);
        if (doc::kind(stop) != Kind::Array || stop.size() != 2) {
            r.error(stop, p, fmt::format("each stop must be an [input, output] pair, found {}", doc::describe(stop)));
            continue;
        }
        const YAML::Node in = stop[0];
        const Kind k = doc::kind(in);
        if (k == Kind::Object) {
            r.error(in, doc::index(p, 0),
                    fmt::format("zoom-and-property functions ({{\"zoom\": …, \"value\": …}} stop inputs) are not "
                                "supported; write an expression instead, e.g. [\"interpolate\", [\"linear\"], "
                                "[\"zoom\"], z1, [\"match\", [\"get\", …], …], z2, …]"));
            continue;
        }
        if (type == "categorical") {
            if (k != Kind::String && k != Kind::Number && k != Kind::Boolean) {
                r.error(in, doc::index(p, 0),
                        fmt::format("a categorical stop input must be a string, number or boolean, found {}", doc::describe(in)));
            } else if (input_kind && *input_kind != k) {
                r.error(in, doc::index(p, 0),
                        fmt::format("stop inputs must all be of the same type: expected {}, found {}", doc::kind_name(*input_kind), doc::describe(in)));
            } else {
                input_kind = k;
                if (!seen_labels.insert(in.Scalar()).second)
                    r.error(in, doc::index(p, 0),
                            fmt::format("duplicate stop input {}", doc::describe(in)));
            }
        } else {
            auto n = doc::number(in);
            if (!n) {
                r.error(in, doc::index(p, 0),
                        fmt::format("expected a number as stop input ({}), found {}", property ? "a feature property value" : "a zoom level", doc::describe(in)));
            } else {
                if (previous && *n <= *previous)
                    r.error(in, doc::index(p, 0),
                            fmt::format("stop inputs must be in strictly ascending order: {} follows {}", number_text(*n), number_text(*previous)));
                previous = n;
            }
        }
        check_constant(s, stop[1], doc::index(p, 1), r);
    }
    if (r.errors.error_count() > before) return std::nullopt;

    const YAML::Node input = property ? seq_node({str_node("number"), get_node(fn["property"])})
                                      : seq_node({str_node("zoom")});
    if (type == "categorical") {
        const YAML::Node get = get_node(fn["property"]);
        if (input_kind == Kind::Boolean) {
            YAML::Node e = seq_node({str_node("case")});
            for (const auto& stop : stops) {
                e.push_back(seq_node({str_node("=="), get, stop[0]}));
                e.push_back(literal_node(stop[1]));
            }
            e.push_back(fallback_node(s, fn));
            return e;
        }
        YAML::Node e = seq_node({str_node("match"), get});
        for (const auto& stop : stops) {
            e.push_back(stop[0]);
            e.push_back(literal_node(stop[1]));
        }
        e.push_back(fallback_node(s, fn));
        return e;
    }
    YAML::Node curve;
    if (type == "interval") {
        curve = seq_node({str_node("step"), input});
        for (std::size_t i = 0; i < stops.size(); ++i) {
            if (i > 0) curve.push_back(stops[i][0]);
            curve.push_back(literal_node(stops[i][1]));
        }
        if (stops.size() == 1) {  // fixupDegenerateStepCurve
            curve.push_back(num_node(0));
            curve.push_back(literal_node(stops[0][1]));
        }
    } else {
        curve = seq_node({str_node(interpolate_operator(fn)), interpolation_node(fn), input});
        for (const auto& stop : stops) {
            curve.push_back(stop[0]);
            curve.push_back(literal_node(stop[1]));
        }
    }
    if (property && fn["default"]) {
        return seq_node({str_node("case"),
                         seq_node({str_node("=="), seq_node({str_node("typeof"), get_node(fn["property"])}),
                                   str_node("number")}),
                         curve, literal_node(fn["default"])});
    }
    return curve;
}

// ---------------------------------------------------------------- legacy filters

bool is_expression_filter(const YAML::Node& f) {
    const Kind k = doc::kind(f);
    if (k == Kind::Boolean) return true;
    if (k != Kind::Array || f.size() == 0) return false;
    auto op = doc::string(f[0]);
    if (!op) return true;  // not a filter at all: let the expression compiler say what is wrong
    const std::size_t n = f.size();
    auto is_array = [&](std::size_t i) { return i < n && doc::kind(f[i]) == Kind::Array; };
    if (*op == "has") {
        if (n < 2) return true;
        auto key = doc::string(f[1]);
        return !(key && (*key == "$id" || *key == "$type"));
    }
    if (*op == "in") return n >= 3 && (doc::kind(f[1]) != Kind::String || is_array(2));
    if (*op == "!in" || *op == "!has" || *op == "none") return false;
    if (*op == "==" || *op == "!=" || *op == ">" || *op == ">=" || *op == "<" || *op == "<=")
        return n != 3 || is_array(1) || is_array(2);
    if (*op == "any" || *op == "all") {
        for (std::size_t i = 1; i < n; ++i)
            if (!is_expression_filter(f[i]) && doc::kind(f[i]) != Kind::Boolean) return false;
        return true;
    }
    return true;
}

namespace {

YAML::Node negate(YAML::Node e) { return seq_node({str_node("!"), std::move(e)}); }

/// The value a legacy filter compares: ["geometry-type"], ["id"] or ["get", key].
YAML::Node filter_subject(const YAML::Node& key_node, const std::string& key) {
    if (key == "$type") return seq_node({str_node("geometry-type")});
    if (key == "$id") return seq_node({str_node("id")});
    return get_node(key_node);
}

std::optional<YAML::Node> convert_filter(const YAML::Node& f, const std::string& path, const Reporter& r) {
    if (doc::kind(f) == Kind::Boolean) return f;
    if (doc::kind(f) != Kind::Array || f.size() == 0 || !doc::string(f[0])) {
        r.error(f, path,
                fmt::format("filter: expected a filter (an expression, or a legacy filter such as "
                            "[\"==\", \"class\", \"river\"]), found {}",
                            doc::describe(f)));
        return std::nullopt;
    }
    const std::string op = f[0].Scalar();
    const std::size_t n = f.size();
    if (op == "all" || op == "any" || op == "none") {
        YAML::Node e = seq_node({str_node(op == "any" ? "any" : "all")});
        bool ok = true;
        for (std::size_t i = 1; i < n; ++i) {
            auto sub = convert_filter(f[i], doc::index(path, i), r);
            if (!sub) ok = false;
            else e.push_back(op == "none" ? negate(*sub) : *sub);
        }
        if (!ok) return std::nullopt;
        return e;
    }
    static const std::vector<std::string> ops = {"==", "!=", "<", "<=", ">", ">=", "in", "!in",
                                                 "has", "!has", "all", "any", "none"};
    if (std::find(ops.begin(), ops.end(), op) == ops.end()) {
        r.error(f[0], doc::index(path, 0),
                fmt::format("filter: unknown legacy filter operator \"{}\" (expected {})", op, join_names(ops)),
                suggest_name(op, ops));
        return std::nullopt;
    }
    if (n < 2 || !doc::string(f[1])) {
        r.error(n < 2 ? f : f[1], n < 2 ? path : doc::index(path, 1),
                fmt::format("filter: [\"{}\", …] needs a feature property name (a string) as its first argument, "
                            "found {}",
                            op, n < 2 ? std::string("nothing") : doc::describe(f[1])));
        return std::nullopt;
    }
    const std::string key = f[1].Scalar();
    const YAML::Node subject = filter_subject(f[1], key);

    if (op == "has" || op == "!has") {
        YAML::Node e;
        if (key == "$type") e = YAML::Node("true");
        else if (key == "$id") e = seq_node({str_node("!="), subject, YAML::Node(YAML::NodeType::Null)});
        else e = seq_node({str_node("has"), f[1]});
        return op == "has" ? e : negate(e);
    }
    auto check_value = [&](std::size_t i) {
        Kind k = doc::kind(f[i]);
        if (k == Kind::Array || k == Kind::Object) {
            r.error(f[i], doc::index(path, i),
                    fmt::format("filter: a legacy filter compares with a string, number, boolean or null, found {}",
                                doc::describe(f[i])));
            return false;
        }
        return true;
    };
    if (op == "in" || op == "!in") {
        YAML::Node any = seq_node({str_node("any")});
        bool ok = true;
        for (std::size_t i = 2; i < n; ++i) {
            if (!check_value(i)) ok = false;
            else any.push_back(seq_node({str_node("=="), filter_subject(f[1], key), f[i]}));
        }
        if (!ok) return std::nullopt;
        return op == "in" ? any : negate(any);
    }
    // comparisons
    if (n != 3) {
        r.error(f, path,
                fmt::format("filter: a legacy [\"{}\", property, value] filter takes 2 arguments, found {}", op,
                            n - 1));
        return std::nullopt;
    }
    if (!check_value(2)) return std::nullopt;
    const YAML::Node value = f[2];
    if (op == "==") return seq_node({str_node("=="), subject, value});
    if (op == "!=") return negate(seq_node({str_node("=="), subject, value}));
    // Ordering: legacy filters are false (not an error) when the types differ.
    const Kind vk = doc::kind(value);
    if (vk != Kind::Number && vk != Kind::String) {
        r.error(value, doc::index(path, 2),
                fmt::format("filter: \"{}\" compares with a number or a string, found {}", op, doc::describe(value)));
        return std::nullopt;
    }
    return seq_node({str_node("all"),
                     seq_node({str_node("=="), seq_node({str_node("typeof"), filter_subject(f[1], key)}),
                               str_node(vk == Kind::Number ? "number" : "string")}),
                     seq_node({str_node(op), filter_subject(f[1], key), value})});
}

}  // namespace

std::optional<YAML::Node> convert_legacy_filter(const YAML::Node& filter, const std::string& path,
                                                const Reporter& r) {
    return convert_filter(filter, path, r);
}

}  // namespace cartelier::style::detail
