// ["string", …], ["number", …], ["boolean", …], ["object", …], ["array", (type, (N,))? value]:
// the first argument whose value has the type, else an evaluation error.
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/document.hpp"
#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

Assertion::Assertion(Type t, std::vector<ExpressionPtr> args)
    : Expression(std::move(t)), name_(kind_name(type_.kind)), args_(std::move(args)) {}

std::vector<const Expression*> Assertion::children() const {
    std::vector<const Expression*> out;
    for (const auto& a : args_) out.push_back(a.get());
    return out;
}

Result Assertion::evaluate(const EvaluationContext& ctx) const {
    for (std::size_t i = 0; i < args_.size(); ++i) {
        Result r = args_[i]->evaluate(ctx);
        if (!r) return r;
        Type actual = r.value->type();
        if (!check_subtype(type_, actual)) return r;
        if (i + 1 == args_.size())
            return Result::fail(fmt::format("Expected value to be of type {}, but found {} instead.", type_.name(),
                                            actual.name()));
    }
    return Result::ok(Value{});
}

namespace {

ExpressionPtr parse_assertion(const ParsingContext& ctx) {
    if (ctx.size() < 2) {
        ctx.error("Expected at least one argument.");
        return nullptr;
    }
    std::string name = ctx.arg(0).Scalar();
    std::size_t i = 1;
    Type type;
    if (name == "array") {
        Type item = Type::value();
        if (ctx.size() > 2) {
            auto t = doc::string(ctx.arg(1));
            if (!t || (*t != "string" && *t != "number" && *t != "boolean")) {
                ctx.error_at(R"(The item type argument of "array" must be one of string, number, boolean)", 1);
                return nullptr;
            }
            item = *t == "string" ? Type::string() : *t == "number" ? Type::number() : Type::boolean();
            ++i;
        }
        std::optional<std::size_t> n;
        if (ctx.size() > 3) {
            YAML::Node len = ctx.arg(2);
            if (doc::kind(len) != doc::Kind::Null) {
                auto d = doc::number(len);
                if (!d || *d < 0 || *d != std::floor(*d)) {
                    ctx.error_at(R"(The length argument to "array" must be a positive integer literal)", 2);
                    return nullptr;
                }
                // A length no array can have (beyond what size_t holds) is kept as the largest size_t:
                // like MapLibre, the literal is accepted and no value ever matches it.
                constexpr double too_long = 18446744073709551616.0;  // 2^64
                n = *d >= too_long ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(*d);
            }
            ++i;
        }
        type = Type::array(item, n);
    } else {
        type = name == "string" ? Type::string()
             : name == "number" ? Type::number()
             : name == "boolean" ? Type::boolean()
                                 : Type::object();
    }
    std::vector<ExpressionPtr> args;
    bool failed = false;
    for (; i < ctx.size(); ++i) {
        auto input = ctx.parse(i, Type::value());
        if (!input) failed = true;
        else args.push_back(std::move(input));
    }
    if (failed) return nullptr;
    return std::make_unique<Assertion>(std::move(type), std::move(args));
}

}  // namespace

void register_assertion(std::map<std::string, ParseFunction>& r) {
    for (const char* n : {"string", "number", "boolean", "object", "array"}) r[n] = parse_assertion;
}

}  // namespace cartelier::style::expr
