// Operators defined by a signature (or several overloads) and an evaluation function, like MapLibre's
// CompoundExpression: math, strings, feature accessors, logic, colours.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

using Args = std::vector<ExpressionPtr>;
using Evaluator = std::function<Result(const EvaluationContext&, const Args&)>;

struct Varargs {
    Type type;
};
using Signature = std::variant<std::vector<Type>, Varargs>;

struct Overload {
    Signature params;
    Evaluator evaluate;
};

struct Definition {
    Type type;
    std::vector<Overload> overloads;
};

using Definitions = std::map<std::string, Definition>;

// One hook per family, each in its own file.
void define_math(Definitions& d);
void define_string_ops(Definitions& d);
void define_feature_ops(Definitions& d);
void define_logical(Definitions& d);
void define_color_ops(Definitions& d);

/// A compound expression: a named operator applied to typed arguments.
class CompoundExpression final : public Expression {
public:
    CompoundExpression(std::string name, Type type, Evaluator evaluate, Args args)
        : Expression(std::move(type)), name_(std::move(name)), evaluate_(std::move(evaluate)),
          args_(std::move(args)) {}
    const std::string& op() const override { return name_; }
    Result evaluate(const EvaluationContext& ctx) const override { return evaluate_(ctx, args_); }
    std::vector<const Expression*> children() const override {
        std::vector<const Expression*> out;
        for (const auto& a : args_) out.push_back(a.get());
        return out;
    }

private:
    std::string name_;
    Evaluator evaluate_;
    Args args_;
};

/// Evaluates every argument as a number (arguments are type-checked numbers).
bool eval_numbers(const EvaluationContext& ctx, const Args& args, std::vector<double>& out, Result& error);

/// MapLibre's validateRGBA for [r, g, b] or [r, g, b, a] (coercion.cpp).
std::optional<std::string> validate_rgba_value(const Array& rgba);

}  // namespace cartelier::style::expr
