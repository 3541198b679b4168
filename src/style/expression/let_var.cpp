// ["let", name, value, …, body] and ["var", name].
#include <fmt/format.h>

#include "core/document.hpp"
#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

const std::string& Var::op() const {
    static const std::string n = "var";
    return n;
}

namespace {

class Let final : public Expression {
public:
    Let(std::vector<std::pair<std::string, ExpressionPtr>> bindings, ExpressionPtr result, Type t)
        : Expression(std::move(t)), bindings_(std::move(bindings)), result_(std::move(result)) {}
    const std::string& op() const override {
        static const std::string n = "let";
        return n;
    }
    std::vector<const Expression*> children() const override {
        std::vector<const Expression*> out;
        for (const auto& [name, e] : bindings_) out.push_back(e.get());
        out.push_back(result_.get());
        return out;
    }
    Result evaluate(const EvaluationContext& ctx) const override { return result_->evaluate(ctx); }

private:
    std::vector<std::pair<std::string, ExpressionPtr>> bindings_;
    ExpressionPtr result_;
};

ExpressionPtr parse_let(const ParsingContext& ctx) {
    std::size_t n = ctx.size();
    if (n < 4) {
        ctx.error(fmt::format("Expected at least 3 arguments, but found {} instead.", n - 1));
        return nullptr;
    }
    std::vector<std::pair<std::string, ExpressionPtr>> bindings;
    Scope scope{ctx.scope(), {}};
    bool failed = false;
    for (std::size_t i = 1; i + 1 < n; i += 2) {
        auto name = doc::string(ctx.arg(i));
        if (!name) {
            auto k = doc::kind(ctx.arg(i));
            const char* t = k == doc::Kind::Number ? "number" : k == doc::Kind::Boolean ? "boolean" : "object";
            ctx.error_at(fmt::format("Expected string, but found {} instead.", t), i);
            return nullptr;
        }
        for (char c : *name) {
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
                ctx.error_at("Variable names must contain only alphanumeric characters or '_'.", i);
                return nullptr;
            }
        }
        auto value = ctx.parse(i + 1);
        if (!value) {
            failed = true;
            continue;
        }
        bindings.emplace_back(*name, std::move(value));
    }
    if (failed) return nullptr;
    for (const auto& [name, e] : bindings) scope.bindings.emplace_back(name, e.get());
    auto result = ctx.parse(n - 1, ctx.expected(), Annotation::Default, &scope);
    if (!result) return nullptr;
    Type t = result->type();
    return std::make_unique<Let>(std::move(bindings), std::move(result), std::move(t));
}

ExpressionPtr parse_var(const ParsingContext& ctx) {
    auto name = ctx.size() == 2 ? doc::string(ctx.arg(1)) : std::nullopt;
    if (!name) {
        ctx.error("'var' expression requires exactly one string literal argument.");
        return nullptr;
    }
    const Expression* bound = ctx.scope() ? ctx.scope()->find(*name) : nullptr;
    if (!bound) {
        ctx.error_at(fmt::format(R"(Unknown variable "{}". Make sure "{}" has been bound in an enclosing "let" expression before using it.)",
                                 *name, *name),
                     1);
        return nullptr;
    }
    return std::make_unique<Var>(*name, bound);
}

}  // namespace

void register_let_var(std::map<std::string, ParseFunction>& r) {
    r["let"] = parse_let;
    r["var"] = parse_var;
}

}  // namespace cartelier::style::expr
