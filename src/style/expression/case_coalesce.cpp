// ["case", cond, out, …, fallback] and ["coalesce", a, b, …].
#include <fmt/format.h>

#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

namespace {

class Case final : public Expression {
public:
    Case(Type t, std::vector<std::pair<ExpressionPtr, ExpressionPtr>> branches, ExpressionPtr otherwise)
        : Expression(std::move(t)), branches_(std::move(branches)), otherwise_(std::move(otherwise)) {}
    const std::string& op() const override {
        static const std::string n = "case";
        return n;
    }
    std::vector<const Expression*> children() const override {
        std::vector<const Expression*> out;
        for (const auto& [test, result] : branches_) {
            out.push_back(test.get());
            out.push_back(result.get());
        }
        out.push_back(otherwise_.get());
        return out;
    }
    Result evaluate(const EvaluationContext& ctx) const override {
        for (const auto& [test, result] : branches_) {
            CARTELIER_EVAL(t, *test);
            if (js_truthy(t)) return result->evaluate(ctx);
        }
        return otherwise_->evaluate(ctx);
    }

private:
    std::vector<std::pair<ExpressionPtr, ExpressionPtr>> branches_;
    ExpressionPtr otherwise_;
};

class Coalesce final : public Expression {
public:
    Coalesce(Type t, std::vector<ExpressionPtr> args) : Expression(std::move(t)), args_(std::move(args)) {}
    const std::string& op() const override {
        static const std::string n = "coalesce";
        return n;
    }
    std::vector<const Expression*> children() const override {
        std::vector<const Expression*> out;
        for (const auto& a : args_) out.push_back(a.get());
        return out;
    }
    Result evaluate(const EvaluationContext& ctx) const override {
        Value result;
        for (const auto& a : args_) {
            Result r = a->evaluate(ctx);
            if (!r) return r;
            result = *r.value;
            if (!result.is_null()) break;
        }
        return Result::ok(result);
    }

private:
    std::vector<ExpressionPtr> args_;
};

ExpressionPtr parse_case(const ParsingContext& ctx) {
    std::size_t n = ctx.size();
    if (n < 4) {
        ctx.error(fmt::format("Expected at least 3 arguments, but found only {}.", n - 1));
        return nullptr;
    }
    if (n % 2 != 0) {
        ctx.error("Expected an odd number of arguments.");
        return nullptr;
    }
    std::optional<Type> output;
    if (ctx.expected() && ctx.expected()->kind != Kind::Value) output = ctx.expected();
    std::vector<std::pair<ExpressionPtr, ExpressionPtr>> branches;
    bool failed = false;
    for (std::size_t i = 1; i + 1 < n; i += 2) {
        auto test = ctx.parse(i, Type::boolean());
        auto result = ctx.parse(i + 1, output);
        if (!test || !result) {
            failed = true;
            continue;
        }
        if (!output) output = result->type();
        branches.emplace_back(std::move(test), std::move(result));
    }
    auto otherwise = ctx.parse(n - 1, output);
    if (failed || !otherwise) return nullptr;
    return std::make_unique<Case>(*output, std::move(branches), std::move(otherwise));
}

ExpressionPtr parse_coalesce(const ParsingContext& ctx) {
    if (ctx.size() < 2) {
        ctx.error("Expected at least one argument.");
        return nullptr;
    }
    std::optional<Type> output;
    const auto& expected = ctx.expected();
    if (expected && expected->kind != Kind::Value) output = expected;
    std::vector<ExpressionPtr> args;
    bool failed = false;
    for (std::size_t i = 1; i < ctx.size(); ++i) {
        auto a = ctx.parse(i, output, Annotation::Omit);
        if (!a) {
            failed = true;
            continue;
        }
        if (!output) output = a->type();
        args.push_back(std::move(a));
    }
    if (failed) return nullptr;
    // Arguments parsed without annotations (a null must fall through, not fail an assertion); if one needed
    // an annotation, the whole coalesce is typed "value" and the caller annotates it instead.
    bool needs_annotation = false;
    if (expected)
        for (const auto& a : args)
            if (check_subtype(*expected, a->type())) needs_annotation = true;
    return std::make_unique<Coalesce>(needs_annotation ? Type::value() : *output, std::move(args));
}

}  // namespace

void register_case_coalesce(std::map<std::string, ParseFunction>& r) {
    r["case"] = parse_case;
    r["coalesce"] = parse_coalesce;
}

}  // namespace cartelier::style::expr
