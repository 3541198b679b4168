// The MapLibre expression language, compiled once into a typed tree and evaluated per feature.
// Model: MapLibre Native's style/expression (one operator, one class; parsing type-checks and collects
// errors with their JSON path; evaluation returns a value or an error and never throws).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/diagnostic.hpp"
#include "style/color.hpp"

namespace cartelier::style::expr {

// ---------------------------------------------------------------- types

enum class Kind { Null, Number, String, Boolean, Color, Object, Value, Array, Error };

/// A type of the expression language. `Value` is the supertype of every other type;
/// arrays carry an item type and optionally a length (array<number, 2>).
struct Type {
    Kind kind = Kind::Value;
    std::shared_ptr<const Type> item;  ///< for arrays
    std::optional<std::size_t> length; ///< for arrays

    static Type null() { return {Kind::Null, nullptr, std::nullopt}; }
    static Type number() { return {Kind::Number, nullptr, std::nullopt}; }
    static Type string() { return {Kind::String, nullptr, std::nullopt}; }
    static Type boolean() { return {Kind::Boolean, nullptr, std::nullopt}; }
    static Type color() { return {Kind::Color, nullptr, std::nullopt}; }
    static Type object() { return {Kind::Object, nullptr, std::nullopt}; }
    static Type value() { return {Kind::Value, nullptr, std::nullopt}; }
    static Type array(Type item = value(), std::optional<std::size_t> n = std::nullopt);

    /// "number", "array<string, 2>", … as MapLibre writes types in its messages.
    std::string name() const;
    bool operator==(const Type& other) const;
};

// ---------------------------------------------------------------- values

struct Value;
using Array = std::vector<Value>;
using Object = std::map<std::string, Value>;

/// A run-time value. Arrays and objects are shared and immutable once built.
struct Value {
    std::variant<std::monostate, bool, double, std::string, Color, std::shared_ptr<const Array>,
                 std::shared_ptr<const Object>>
        v;

    Value() = default;
    Value(std::monostate) {}
    Value(bool b) : v(b) {}
    Value(double d) : v(d) {}
    Value(int i) : v(static_cast<double>(i)) {}
    Value(std::string s) : v(std::move(s)) {}
    Value(const char* s) : v(std::string(s)) {}
    Value(Color c) : v(c) {}
    Value(Array a) : v(std::make_shared<const Array>(std::move(a))) {}
    Value(Object o) : v(std::make_shared<const Object>(std::move(o))) {}

    bool is_null() const { return std::holds_alternative<std::monostate>(v); }
    const bool* as_bool() const { return std::get_if<bool>(&v); }
    const double* as_number() const { return std::get_if<double>(&v); }
    const std::string* as_string() const { return std::get_if<std::string>(&v); }
    const Color* as_color() const { return std::get_if<Color>(&v); }
    const Array* as_array() const;
    const Object* as_object() const;

    /// The most specific type of this value (arrays: array<T, N> with T the common item type).
    Type type() const;
    /// JSON text: colours as "rgba(r, g, b, a)" strings, numbers as MapLibre prints them.
    std::string to_json() const;
    bool operator==(const Value& other) const;
};

/// Converts a JSON/YAML literal node to a value (objects and arrays recursively).
Value value_from_node(const YAML::Node& node);

// ---------------------------------------------------------------- evaluation

/// What an expression can ask of the feature it is evaluated for.
class FeatureView {
public:
    virtual ~FeatureView() = default;
    /// The property, or nullopt when the feature has no such property.
    virtual std::optional<Value> property(const std::string& name) const = 0;
    /// Every property, as an object (["properties"]).
    virtual Object properties() const = 0;
    /// The feature id, or null.
    virtual Value id() const = 0;
    /// "Point", "LineString", "Polygon" (or "Unknown").
    virtual std::string geometry_type() const = 0;
};

struct EvaluationContext {
    double zoom = 0;
    const FeatureView* feature = nullptr;  ///< may be null for feature-constant expressions
};

/// The global state of the page being drawn, read by ["global-state", "name"] (MapLibre's global
/// state): an atlas page sets `atlas_id`, `atlas_page` and its feature's attributes as `atlas_<field>`
/// (pipeline/atlas.hpp). A scope sets it for the calling thread until it ends (scopes nest); where none
/// is set, or the name is not in it, ["global-state", …] is null. Every evaluation of a page happens on
/// the thread that draws or checks it, inside such a scope; an expression using global-state is never
/// folded into a constant when a style is parsed.
class GlobalStateScope {
public:
    explicit GlobalStateScope(const Object* state);
    ~GlobalStateScope();
    GlobalStateScope(const GlobalStateScope&) = delete;
    GlobalStateScope& operator=(const GlobalStateScope&) = delete;
    /// The state set on this thread (null when none).
    static const Object* current();

private:
    const Object* previous_;
};

/// A value or the message of an evaluation error (as MapLibre words it).
struct Result {
    std::optional<Value> value;
    std::string error;

    static Result ok(Value v) { return {std::move(v), {}}; }
    static Result fail(std::string message) { return {std::nullopt, std::move(message)}; }
    explicit operator bool() const { return value.has_value(); }
};

// ---------------------------------------------------------------- the tree

class Expression {
public:
    virtual ~Expression() = default;
    /// The operator ("match", "get", "literal", …).
    virtual const std::string& op() const = 0;
    const Type& type() const { return type_; }
    virtual Result evaluate(const EvaluationContext& ctx) const = 0;
    /// Direct sub-expressions, in argument order (for analysis: legend, dependencies).
    virtual std::vector<const Expression*> children() const = 0;

    /// True when the result does not depend on the feature (no get/has/properties/id/geometry-type…).
    bool is_feature_constant() const;
    /// True when the result does not depend on ["zoom"].
    bool is_zoom_constant() const;

protected:
    explicit Expression(Type t) : type_(std::move(t)) {}
    Type type_;
};

using ExpressionPtr = std::unique_ptr<const Expression>;

/// ["match", input, label(s), output, …, fallback] — exposed for legend generation.
class MatchView {
public:
    virtual ~MatchView() = default;
    virtual const Expression& input() const = 0;
    /// Each branch: its labels (numbers or strings) and its output.
    virtual std::vector<std::pair<std::vector<Value>, const Expression*>> branches() const = 0;
    virtual const Expression& otherwise() const = 0;
};

/// One section of a ["format", text, {options}, text, {options}, …] text: its text and what its options
/// set (nothing: the layer's own text-size, text-font and text-color).
struct FormattedSection {
    std::string text;
    std::optional<double> font_scale;     ///< "font-scale": times the layer's text-size
    std::vector<std::string> text_font;   ///< "text-font": a font stack; empty: the layer's
    std::optional<Color> text_color;      ///< "text-color"
};
/// The sections of `e` for `ctx` when `e` is a ["format", …] expression (a text-field's root): nullopt
/// when it is not one or its evaluation fails. Evaluated as a whole, a format expression gives the
/// plain text of its sections, joined (what the checks, messages and numbered lists use).
std::optional<std::vector<FormattedSection>> format_sections(const Expression& e, const EvaluationContext& ctx);

/// ["step", input, output0, stop1, output1, …] — exposed for legend generation.
class StepView {
public:
    virtual ~StepView() = default;
    virtual const Expression& input() const = 0;
    /// (stop, output) pairs; the first stop is -infinity (output0).
    virtual std::vector<std::pair<double, const Expression*>> stops() const = 0;
};

/// Compiles `node` (an expression, or a literal JSON value) in `file` at document path `path`,
/// checking that its type fits `expected` (nullopt: any). String literals where a colour is expected
/// are parsed as colours, as MapLibre does. Every error is appended to `diagnostics` with the file,
/// line, column and the path of the offending argument (`layers[2].paint.circle-color[3]`);
/// returns nullptr when there was at least one error.
ExpressionPtr compile(const YAML::Node& node, const std::string& file, const std::string& path,
                      std::optional<Type> expected, Diagnostics& diagnostics);

/// True when `node` looks like an expression: an array whose first element is a string operator name.
bool is_expression(const YAML::Node& node);

/// Every operator this implementation supports. Spec operators NOT supported (compile error "Unknown
/// expression"): collator, resolved-locale, format, image, interpolate-hcl, interpolate-lab, within, distance,
/// feature-state, heatmap-density, line-progress, accumulated, elevation, is-supported-script,
/// error, semiliteral; and the collator argument of comparisons, the "unit" option of number-format
/// (tests/unit/style/expression_errors_test.cpp keeps this list honest).
const std::vector<std::string>& supported_operators();

}  // namespace cartelier::style::expr
