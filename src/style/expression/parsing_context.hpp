// Internals of the expression compiler: the parsing context (expected type, scope, error reporting with
// file/line/column/path), the node classes the parser itself creates (literal, assertion, coercion, var),
// and the JavaScript-compatible value helpers every operator uses.
// Model: MapLibre's parsing_context.ts / parsing_context.cpp.
#pragma once

#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/diagnostic.hpp"
#include "style/expression/expression.hpp"

namespace cartelier::style::expr {

// ---------------------------------------------------------------- type helpers

/// nullopt when `t` is a subtype of `expected`, else MapLibre's "Expected X but found Y instead."
std::optional<std::string> check_subtype(const Type& expected, const Type& t);
/// The "kind" word JavaScript prints for a type ("number", "array", …).
const char* kind_name(Kind k);

// ---------------------------------------------------------------- JavaScript value semantics

/// Number.prototype.toString(): "1", "0.1", "1e+21", "1e-7", "NaN", "Infinity".
std::string js_number(double d);
/// valueToString(): null → "", strings as is, numbers as JS prints them, colours rgba(), else JSON.
std::string value_to_string(const Value& v);
/// JSON.stringify() of a value as the reference prints it (colours as objects, NaN as null).
std::string json_stringify(const Value& v);
/// Array.prototype.join(sep) in JavaScript (null items print as nothing).
std::string js_join(const Array& a, const std::string& sep);
/// Number(string) in JavaScript (trimmed; "" is 0; hex/octal/binary prefixes; NaN if invalid).
double js_string_to_number(const std::string& s);
/// Number(v) in JavaScript (NaN when it does not convert).
double js_to_number(const Value& v);
/// Boolean(v) in JavaScript.
bool js_truthy(const Value& v);
/// a === b in JavaScript (arrays and objects by identity).
bool js_strict_equal(const Value& a, const Value& b);
/// The UTF-16 code units of a UTF-8 string and back (JavaScript string indices).
std::u16string to_utf16(const std::string& s);
std::string from_utf16(const std::u16string& s);
/// Code points of a UTF-8 string ([...s] in JavaScript), each as a UTF-8 string.
std::vector<std::string> code_points(const std::string& s);
/// Whether every byte of `s` is ASCII (below 0x80): then each byte is one code point.
bool is_ascii(const std::string& s);
/// A colour built from straight channels as the reference builds it (new Color(r, g, b, a, false)): it stores
/// r·a and gives back r·a / a, which can move a channel by one ulp; reproduced so that rounding to 0–255
/// agrees at .5 boundaries.
inline Color js_color(double r, double g, double b, double a) {
    if (a != 0) {
        r = r * a / a;
        g = g * a / a;
        b = b * a / a;
    }
    return Color{r, g, b, a};
}
/// Number as double, NaN if not a number (after type checking this is always a number).
inline double num(const Value& v) {
    const double* d = v.as_number();
    return d ? *d : std::nan("");
}

// ---------------------------------------------------------------- evaluation helpers

#define CARTELIER_EVAL(name, expression)               \
    Result name##_result = (expression).evaluate(ctx); \
    if (!name##_result) return name##_result;          \
    const Value& name = *name##_result.value

// ---------------------------------------------------------------- scope and context

struct Scope {
    const Scope* parent = nullptr;
    std::vector<std::pair<std::string, const Expression*>> bindings;
    const Expression* find(const std::string& name) const {
        for (const Scope* s = this; s; s = s->parent)
            for (auto it = s->bindings.rbegin(); it != s->bindings.rend(); ++it)
                if (it->first == name) return it->second;
        return nullptr;
    }
};

/// How a parsed argument is fitted to the expected type (Default: assertion for string/number/boolean/
/// object/array, coercion for colour, as MapLibre does).
enum class Annotation { Default, Assert, Coerce, Omit };

class ParsingContext {
public:
    ParsingContext(std::string file, std::string path, YAML::Node node, std::optional<Type> expected,
                   const Scope* scope, Diagnostics* diagnostics)
        : file_(std::move(file)), path_(std::move(path)), node_(std::move(node)), expected_(std::move(expected)),
          scope_(scope), diagnostics_(diagnostics) {}

    /// The expression node being parsed (the whole array for an operator).
    const YAML::Node& node() const { return node_; }
    /// Argument i of the expression array.
    YAML::Node arg(std::size_t i) const { return node_[i]; }
    std::size_t size() const { return node_.IsSequence() ? node_.size() : 0; }
    const std::optional<Type>& expected() const { return expected_; }
    const Scope* scope() const { return scope_; }
    const std::string& path() const { return path_; }
    const std::string& file() const { return file_; }
    Diagnostics& diagnostics() const { return *diagnostics_; }
    std::size_t error_count() const { return diagnostics_->error_count(); }

    /// The context of argument `index` (JSON path gets "[index]").
    ParsingContext child(std::size_t index, std::optional<Type> expected = std::nullopt,
                         const Scope* scope = nullptr) const;
    /// The context of a named member of an object argument (number-format options).
    ParsingContext member(std::size_t index, const std::string& key, std::optional<Type> expected) const;
    /// The same context, reporting into other diagnostics (overload resolution).
    ParsingContext with_diagnostics(Diagnostics& d) const;

    /// Parses argument `index` expecting `expected` (nullopt: anything).
    ExpressionPtr parse(std::size_t index, std::optional<Type> expected = std::nullopt,
                        Annotation annotation = Annotation::Default, const Scope* scope = nullptr) const;
    /// Parses this context's own node (the `_parse` of MapLibre).
    ExpressionPtr parse_here(Annotation annotation = Annotation::Default) const;

    /// Reports an error at this node.
    void error(std::string message, std::string hint = {}) const;
    /// Reports an error at argument `index` (and its sub-argument `sub`).
    void error_at(std::string message, std::size_t index) const;
    void error_at(std::string message, std::size_t index, std::size_t sub) const;
    /// Reports MapLibre's subtype error here; true when there was one.
    bool check(const Type& expected, const Type& t) const;

private:
    std::string file_;
    std::string path_;
    YAML::Node node_;
    std::optional<Type> expected_;
    const Scope* scope_ = nullptr;
    Diagnostics* diagnostics_ = nullptr;
};

/// How each operator is parsed: receives the context of the whole expression array.
using ParseFunction = std::function<ExpressionPtr(const ParsingContext&)>;
const std::map<std::string, ParseFunction>& registry();

// Registration hooks, one per operator family (each defined in its own file).
void register_literal(std::map<std::string, ParseFunction>& r);
void register_compound(std::map<std::string, ParseFunction>& r);
void register_assertion(std::map<std::string, ParseFunction>& r);
void register_coercion(std::map<std::string, ParseFunction>& r);
void register_comparison(std::map<std::string, ParseFunction>& r);
void register_case_coalesce(std::map<std::string, ParseFunction>& r);
void register_match(std::map<std::string, ParseFunction>& r);
void register_step(std::map<std::string, ParseFunction>& r);
void register_interpolate(std::map<std::string, ParseFunction>& r);
void register_let_var(std::map<std::string, ParseFunction>& r);
void register_array_ops(std::map<std::string, ParseFunction>& r);
void register_number_format(std::map<std::string, ParseFunction>& r);
void register_format(std::map<std::string, ParseFunction>& r);

// ---------------------------------------------------------------- nodes the parser creates itself

/// A constant.
class Literal final : public Expression {
public:
    Literal(Type t, Value v) : Expression(std::move(t)), value_(std::move(v)) {}
    const std::string& op() const override;
    Result evaluate(const EvaluationContext&) const override { return Result::ok(value_); }
    std::vector<const Expression*> children() const override { return {}; }
    const Value& value() const { return value_; }

private:
    Value value_;
};

/// ["string", …], ["number", …], ["array", …]: checks the type of the first matching argument.
class Assertion final : public Expression {
public:
    Assertion(Type t, std::vector<ExpressionPtr> args);
    const std::string& op() const override { return name_; }
    Result evaluate(const EvaluationContext& ctx) const override;
    std::vector<const Expression*> children() const override;

private:
    std::string name_;
    std::vector<ExpressionPtr> args_;
};

/// ["to-number", …], ["to-color", …], ["to-string", v], ["to-boolean", v].
class Coercion final : public Expression {
public:
    Coercion(Type t, std::vector<ExpressionPtr> args);
    const std::string& op() const override { return name_; }
    Result evaluate(const EvaluationContext& ctx) const override;
    std::vector<const Expression*> children() const override;

private:
    std::string name_;
    std::vector<ExpressionPtr> args_;
};

/// ["var", name]: refers to an expression bound by an enclosing let.
class Var final : public Expression {
public:
    Var(std::string name, const Expression* bound) : Expression(bound->type()), name_(std::move(name)), bound_(bound) {}
    const std::string& op() const override;
    Result evaluate(const EvaluationContext& ctx) const override { return bound_->evaluate(ctx); }
    std::vector<const Expression*> children() const override { return {}; }
    const Expression& bound() const { return *bound_; }
    const std::string& name() const { return name_; }

private:
    std::string name_;
    const Expression* bound_;  // owned by the enclosing Let, which outlives this node
};

/// Implemented by step and interpolate: their numeric input (to find zoom curves).
class CurveNode {
public:
    virtual ~CurveNode() = default;
    virtual const Expression& curve_input() const = 0;
};

/// True when the expression can be folded into a literal at compile time (MapLibre's isConstant).
bool is_constant(const Expression& e);
/// True if the expression uses one of the named global inputs (zoom, …).
bool uses_global(const Expression& e, const std::vector<std::string>& names);

}  // namespace cartelier::style::expr
