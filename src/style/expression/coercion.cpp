// ["to-number", …], ["to-string", v], ["to-boolean", v], ["to-color", …]
#include <unordered_map>

#include <fmt/format.h>

#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

Coercion::Coercion(Type t, std::vector<ExpressionPtr> args)
    : Expression(std::move(t)), name_(std::string("to-") + kind_name(type_.kind)), args_(std::move(args)) {}

std::vector<const Expression*> Coercion::children() const {
    std::vector<const Expression*> out;
    for (const auto& a : args_) out.push_back(a.get());
    return out;
}

namespace {

/// MapLibre's validateRGBA: nullopt when r, g, b are numbers in 0–255 and a (if any) in 0–1.
std::optional<std::string> validate_rgba(const Array& rgba) {
    auto in_range = [](const Value& v, double hi) {
        const double* d = v.as_number();
        return d && *d >= 0 && *d <= hi;
    };
    bool has_alpha = rgba.size() > 3;
    if (!(in_range(rgba[0], 255) && in_range(rgba[1], 255) && in_range(rgba[2], 255))) {
        Array shown(rgba.begin(), rgba.begin() + 3);
        if (has_alpha && rgba[3].as_number()) shown.push_back(rgba[3]);
        return fmt::format("Invalid rgba value [{}]: 'r', 'g', and 'b' must be between 0 and 255.",
                           js_join(shown, ", "));
    }
    if (has_alpha && !in_range(rgba[3], 1))
        return fmt::format("Invalid rgba value [{}]: 'a' must be between 0 and 1.", js_join(rgba, ", "));
    return std::nullopt;
}

// Colour strings met at run time (per feature) are parsed once per thread, as MapLibre caches parseColor.
std::optional<Color> parse_color_cached(const std::string& s) {
    thread_local std::unordered_map<std::string, std::optional<Color>> cache;
    auto it = cache.find(s);
    if (it != cache.end()) return it->second;
    if (cache.size() > 4096) cache.clear();
    return cache.emplace(s, Color::parse(s)).first->second;
}

}  // namespace

std::optional<std::string> validate_rgba_value(const Array& rgba) { return validate_rgba(rgba); }

Result Coercion::evaluate(const EvaluationContext& ctx) const {
    switch (type_.kind) {
        case Kind::Boolean: {
            CARTELIER_EVAL(v, *args_[0]);
            return Result::ok(js_truthy(v));
        }
        case Kind::Color: {
            Value input;
            std::optional<std::string> error;
            for (const auto& arg : args_) {
                Result r = arg->evaluate(ctx);
                if (!r) return r;
                input = *r.value;
                error.reset();
                if (const Color* c = input.as_color()) return Result::ok(*c);
                if (const std::string* s = input.as_string()) {
                    if (auto c = parse_color_cached(*s)) return Result::ok(*c);
                } else if (const Array* a = input.as_array()) {
                    if (a->size() < 3 || a->size() > 4)
                        error = fmt::format(
                            "Invalid rgba value {}: expected an array containing either three or four numeric values.",
                            json_stringify(input));
                    else
                        error = validate_rgba(*a);
                    if (!error) {
                        double alpha = a->size() > 3 ? num((*a)[3]) : 1.0;
                        return Result::ok(Color{num((*a)[0]) / 255, num((*a)[1]) / 255, num((*a)[2]) / 255, alpha});
                    }
                }
            }
            if (error) return Result::fail(*error);
            const std::string* s = input.as_string();
            return Result::fail(
                fmt::format("Could not parse color from value '{}'", s ? *s : json_stringify(input)));
        }
        case Kind::Number: {
            Value value;
            for (const auto& arg : args_) {
                Result r = arg->evaluate(ctx);
                if (!r) return r;
                value = *r.value;
                if (value.is_null()) return Result::ok(0.0);
                double d = js_to_number(value);
                if (std::isnan(d)) continue;
                return Result::ok(d);
            }
            return Result::fail(fmt::format("Could not convert {} to number.", json_stringify(value)));
        }
        default: {
            CARTELIER_EVAL(v, *args_[0]);
            return Result::ok(value_to_string(v));
        }
    }
}

namespace {

ExpressionPtr parse_coercion(const ParsingContext& ctx) {
    if (ctx.size() < 2) {
        ctx.error("Expected at least one argument.");
        return nullptr;
    }
    std::string name = ctx.arg(0).Scalar();
    if ((name == "to-boolean" || name == "to-string") && ctx.size() != 2) {
        ctx.error("Expected one argument.");
        return nullptr;
    }
    Type type = name == "to-boolean" ? Type::boolean()
              : name == "to-color"   ? Type::color()
              : name == "to-number"  ? Type::number()
                                     : Type::string();
    std::vector<ExpressionPtr> args;
    bool failed = false;
    for (std::size_t i = 1; i < ctx.size(); ++i) {
        auto input = ctx.parse(i, Type::value());
        if (!input) failed = true;
        else args.push_back(std::move(input));
    }
    if (failed) return nullptr;
    return std::make_unique<Coercion>(std::move(type), std::move(args));
}

}  // namespace

void register_coercion(std::map<std::string, ParseFunction>& r) {
    for (const char* n : {"to-boolean", "to-color", "to-number", "to-string"}) r[n] = parse_coercion;
}

}  // namespace cartelier::style::expr
