// Arrays and strings: at, in, index-of, slice, length (JavaScript indexing: UTF-16 for index-of searches,
// code points for lengths and slices, as MapLibre).
#include <fmt/format.h>

#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

namespace {

template <typename F>
class Node final : public Expression {
public:
    Node(std::string name, Type t, std::vector<ExpressionPtr> args, F fn)
        : Expression(std::move(t)), name_(std::move(name)), args_(std::move(args)), fn_(std::move(fn)) {}
    const std::string& op() const override { return name_; }
    std::vector<const Expression*> children() const override {
        std::vector<const Expression*> out;
        for (const auto& a : args_) out.push_back(a.get());
        return out;
    }
    Result evaluate(const EvaluationContext& ctx) const override {
        std::vector<Value> values;
        values.reserve(args_.size());  // one allocation, not one per argument as the vector grows
        for (const auto& a : args_) {
            Result r = a->evaluate(ctx);
            if (!r) return r;
            values.push_back(std::move(*r.value));
        }
        return fn_(values);
    }

private:
    std::string name_;
    std::vector<ExpressionPtr> args_;
    F fn_;
};

template <typename F>
ExpressionPtr make(std::string name, Type t, std::vector<ExpressionPtr> args, F fn) {
    return std::make_unique<Node<F>>(std::move(name), std::move(t), std::move(args), std::move(fn));
}

double to_integer(double d) {
    if (std::isnan(d)) return 0;
    return std::trunc(d);
}

// Relative index of Array.prototype.slice.
std::size_t relative(double d, std::size_t len) {
    double r = to_integer(d);
    double l = static_cast<double>(len);
    if (r < 0) return static_cast<std::size_t>(std::max(l + r, 0.0));
    return static_cast<std::size_t>(std::min(r, l));
}

bool is_needle(const Value& v) { return v.is_null() || v.as_bool() || v.as_number() || v.as_string(); }

std::string needle_error(const Value& needle) {
    return fmt::format("Expected first argument to be of type boolean, string, number or null, but found {} instead.",
                       needle.type().name());
}

Result index_in_array(const Array& a, const Value& needle, double from) {
    double len = static_cast<double>(a.size());
    double n = to_integer(from);
    if (n >= len) return Result::ok(-1.0);
    std::size_t k = n >= 0 ? static_cast<std::size_t>(n) : static_cast<std::size_t>(std::max(len + n, 0.0));
    for (; k < a.size(); ++k)
        if (js_strict_equal(a[k], needle)) return Result::ok(static_cast<double>(k));
    return Result::ok(-1.0);
}

// haystack.indexOf(String(needle), from) in UTF-16 units, returned as a code-point index.
double index_in_string(const std::string& haystack, const Value& needle, double from) {
    std::u16string h = to_utf16(haystack);
    std::u16string n = to_utf16(needle.is_null() ? std::string("null") : value_to_string(needle));
    double start = std::min(std::max(to_integer(from), 0.0), static_cast<double>(h.size()));
    std::size_t p = h.find(n, static_cast<std::size_t>(start));
    if (p == std::u16string::npos) return -1;
    return static_cast<double>(code_points(from_utf16(h.substr(0, p))).size());
}

ExpressionPtr parse_at(const ParsingContext& ctx) {
    if (ctx.size() != 3) {
        ctx.error(fmt::format("Expected 2 arguments, but found {} instead.", ctx.size() - 1));
        return nullptr;
    }
    auto index = ctx.parse(1, Type::number());
    auto input = ctx.parse(2, Type::array(ctx.expected() ? *ctx.expected() : Type::value()));
    if (!index || !input) return nullptr;
    Type item = input->type().item ? *input->type().item : Type::value();
    std::vector<ExpressionPtr> args;
    args.push_back(std::move(index));
    args.push_back(std::move(input));
    return make("at", item, std::move(args), [](const std::vector<Value>& v) {
        double i = num(v[0]);
        const Array* a = v[1].as_array();
        std::size_t len = a ? a->size() : 0;
        if (i < 0) return Result::fail(fmt::format("Array index out of bounds: {} < 0.", js_number(i)));
        if (i >= static_cast<double>(len))
            return Result::fail(fmt::format("Array index out of bounds: {} > {}.", js_number(i),
                                            js_number(static_cast<double>(len) - 1)));
        if (i != std::floor(i))
            return Result::fail(fmt::format("Array index must be an integer, but found {} instead.", js_number(i)));
        return Result::ok((*a)[static_cast<std::size_t>(i)]);
    });
}

bool check_needle_type(const ParsingContext& ctx, const Expression& needle) {
    Kind k = needle.type().kind;
    if (k == Kind::Boolean || k == Kind::String || k == Kind::Number || k == Kind::Null || k == Kind::Value) return true;
    ctx.error(fmt::format(
        "Expected first argument to be of type boolean, string, number or null, but found {} instead",
        needle.type().name()));
    return false;
}

ExpressionPtr parse_in(const ParsingContext& ctx) {
    if (ctx.size() != 3) {
        ctx.error(fmt::format("Expected 2 arguments, but found {} instead.", ctx.size() - 1));
        return nullptr;
    }
    auto needle = ctx.parse(1, Type::value());
    auto haystack = ctx.parse(2, Type::value());
    if (!needle || !haystack) return nullptr;
    if (!check_needle_type(ctx, *needle)) return nullptr;
    std::vector<ExpressionPtr> args;
    args.push_back(std::move(needle));
    args.push_back(std::move(haystack));
    return make("in", Type::boolean(), std::move(args), [](const std::vector<Value>& v) {
        const Value& needle = v[0];
        const Value& haystack = v[1];
        if (!js_truthy(haystack)) return Result::ok(false);
        if (!is_needle(needle)) return Result::fail(needle_error(needle));
        if (const std::string* s = haystack.as_string()) return Result::ok(index_in_string(*s, needle, 0) >= 0);
        if (const Array* a = haystack.as_array()) return Result::ok(num(*index_in_array(*a, needle, 0).value) >= 0);
        return Result::fail(fmt::format(
            "Expected second argument to be of type array or string, but found {} instead.", haystack.type().name()));
    });
}

ExpressionPtr parse_index_of(const ParsingContext& ctx) {
    if (ctx.size() <= 2 || ctx.size() >= 5) {
        ctx.error(fmt::format("Expected 2 or 3 arguments, but found {} instead.", ctx.size() - 1));
        return nullptr;
    }
    auto needle = ctx.parse(1, Type::value());
    auto haystack = ctx.parse(2, Type::value());
    if (!needle || !haystack) return nullptr;
    if (!check_needle_type(ctx, *needle)) return nullptr;
    std::vector<ExpressionPtr> args;
    args.push_back(std::move(needle));
    args.push_back(std::move(haystack));
    if (ctx.size() == 4) {
        auto from = ctx.parse(3, Type::number());
        if (!from) return nullptr;
        args.push_back(std::move(from));
    }
    return make("index-of", Type::number(), std::move(args), [](const std::vector<Value>& v) {
        const Value& needle = v[0];
        const Value& haystack = v[1];
        if (!is_needle(needle)) return Result::fail(needle_error(needle));
        double from = v.size() > 2 ? num(v[2]) : 0;
        if (const std::string* s = haystack.as_string()) return Result::ok(index_in_string(*s, needle, from));
        if (const Array* a = haystack.as_array()) return index_in_array(*a, needle, from);
        return Result::fail(fmt::format(
            "Expected second argument to be of type array or string, but found {} instead.", haystack.type().name()));
    });
}

ExpressionPtr parse_slice(const ParsingContext& ctx) {
    if (ctx.size() <= 2 || ctx.size() >= 5) {
        ctx.error(fmt::format("Expected 2 or 3 arguments, but found {} instead.", ctx.size() - 1));
        return nullptr;
    }
    auto input = ctx.parse(1, Type::value());
    auto begin = ctx.parse(2, Type::number());
    if (!input || !begin) return nullptr;
    Kind k = input->type().kind;
    if (k != Kind::Array && k != Kind::String && k != Kind::Value) {
        ctx.error(fmt::format("Expected first argument to be of type array or string, but found {} instead",
                              input->type().name()));
        return nullptr;
    }
    Type t = input->type();
    std::vector<ExpressionPtr> args;
    args.push_back(std::move(input));
    args.push_back(std::move(begin));
    if (ctx.size() == 4) {
        auto end = ctx.parse(3, Type::number());
        if (!end) return nullptr;
        args.push_back(std::move(end));
    }
    return make("slice", t, std::move(args), [](const std::vector<Value>& v) {
        const Value& input = v[0];
        auto range = [&](std::size_t len) {
            std::size_t b = relative(num(v[1]), len);
            std::size_t e = v.size() > 2 ? relative(num(v[2]), len) : len;
            return std::pair{b, std::max(b, e)};
        };
        if (const std::string* s = input.as_string()) {
            if (is_ascii(*s)) {  // one byte per code point: the same slice, without splitting the text
                auto [b, e] = range(s->size());
                return Result::ok(s->substr(b, e - b));
            }
            auto cps = code_points(*s);
            auto [b, e] = range(cps.size());
            std::string out;
            for (std::size_t i = b; i < e; ++i) out += cps[i];
            return Result::ok(out);
        }
        if (const Array* a = input.as_array()) {
            auto [b, e] = range(a->size());
            return Result::ok(Value(Array(a->begin() + static_cast<long>(b), a->begin() + static_cast<long>(e))));
        }
        return Result::fail(fmt::format(
            "Expected first argument to be of type array or string, but found {} instead.", input.type().name()));
    });
}

ExpressionPtr parse_length(const ParsingContext& ctx) {
    if (ctx.size() != 2) {
        ctx.error(fmt::format("Expected 1 argument, but found {} instead.", ctx.size() - 1));
        return nullptr;
    }
    auto input = ctx.parse(1);
    if (!input) return nullptr;
    Kind k = input->type().kind;
    if (k != Kind::Array && k != Kind::String && k != Kind::Value) {
        ctx.error(fmt::format("Expected argument of type string or array, but found {} instead.",
                              input->type().name()));
        return nullptr;
    }
    std::vector<ExpressionPtr> args;
    args.push_back(std::move(input));
    return make("length", Type::number(), std::move(args), [](const std::vector<Value>& v) {
        if (const std::string* s = v[0].as_string())
            return Result::ok(static_cast<double>(is_ascii(*s) ? s->size() : code_points(*s).size()));
        if (const Array* a = v[0].as_array()) return Result::ok(static_cast<double>(a->size()));
        return Result::fail(fmt::format("Expected value to be of type string or array, but found {} instead.",
                                        v[0].type().name()));
    });
}

}  // namespace

void register_array_ops(std::map<std::string, ParseFunction>& r) {
    r["at"] = parse_at;
    r["in"] = parse_in;
    r["index-of"] = parse_index_of;
    r["slice"] = parse_slice;
    r["length"] = parse_length;
}

}  // namespace cartelier::style::expr
