// ["interpolate", ["linear"] | ["exponential", base] | ["cubic-bezier", x1, y1, x2, y2], input, stop, output, …]
// Numbers, colours (straight RGBA, as MapLibre's "rgb" space) and arrays of numbers.
#include <fmt/format.h>

#include "core/document.hpp"
#include "style/expression/step.hpp"

namespace cartelier::style::expr {

namespace {

// @mapbox/unitbezier, as MapLibre uses it.
struct UnitBezier {
    double cx, bx, ax, cy, by, ay;
    UnitBezier(double p1x, double p1y, double p2x, double p2y)
        : cx(3.0 * p1x), bx(3.0 * (p2x - p1x) - cx), ax(1.0 - cx - bx), cy(3.0 * p1y), by(3.0 * (p2y - p1y) - cy),
          ay(1.0 - cy - by) {}
    double sample_x(double t) const { return ((ax * t + bx) * t + cx) * t; }
    double sample_y(double t) const { return ((ay * t + by) * t + cy) * t; }
    double derivative_x(double t) const { return (3.0 * ax * t + 2.0 * bx) * t + cx; }
    double solve_x(double x, double epsilon = 1e-6) const {
        if (x < 0.0) return 0.0;
        if (x > 1.0) return 1.0;
        double t = x;
        for (int i = 0; i < 8; ++i) {
            double x2 = sample_x(t) - x;
            if (std::fabs(x2) < epsilon) return t;
            double d2 = derivative_x(t);
            if (std::fabs(d2) < 1e-6) break;
            t = t - x2 / d2;
        }
        double t0 = 0.0, t1 = 1.0;
        t = x;
        for (int i = 0; i < 20; ++i) {
            double x2 = sample_x(t);
            if (std::fabs(x2 - x) < epsilon) break;
            if (x > x2) t0 = t;
            else t1 = t;
            t = (t1 - t0) * 0.5 + t0;
        }
        return t;
    }
    double solve(double x) const { return sample_y(solve_x(x)); }
};

enum class Curve { Linear, Exponential, CubicBezier };

double exponential_factor(double input, double base, double lower, double upper) {
    double difference = upper - lower;
    double progress = input - lower;
    if (difference == 0) return 0;
    if (base == 1) return progress / difference;
    return (std::pow(base, progress) - 1) / (std::pow(base, difference) - 1);
}

double lerp(double a, double b, double t) { return a + t * (b - a); }

class Interpolate final : public Expression, public CurveNode {
public:
    Interpolate(Type t, Curve curve, std::vector<double> params, ExpressionPtr input, std::vector<double> labels,
                std::vector<ExpressionPtr> outputs)
        : Expression(std::move(t)), curve_(curve), params_(std::move(params)), input_(std::move(input)),
          labels_(std::move(labels)), outputs_(std::move(outputs)) {}

    const std::string& op() const override {
        static const std::string n = "interpolate";
        return n;
    }
    std::vector<const Expression*> children() const override {
        std::vector<const Expression*> out{input_.get()};
        for (const auto& o : outputs_) out.push_back(o.get());
        return out;
    }
    const Expression& curve_input() const override { return *input_; }

    Result evaluate(const EvaluationContext& ctx) const override {
        if (labels_.size() == 1) return outputs_[0]->evaluate(ctx);
        CARTELIER_EVAL(v, *input_);
        double value = num(v);
        if (value <= labels_[0]) return outputs_[0]->evaluate(ctx);
        if (value >= labels_.back()) return outputs_.back()->evaluate(ctx);
        auto found = find_stop_less_than_or_equal(labels_, value);
        if (!found) return Result::fail("Input is not a number.");
        std::size_t index = *found;
        double lower = labels_[index], upper = labels_[index + 1];
        double t = 0;
        switch (curve_) {
            case Curve::Linear: t = exponential_factor(value, 1, lower, upper); break;
            case Curve::Exponential: t = exponential_factor(value, params_[0], lower, upper); break;
            case Curve::CubicBezier:
                t = UnitBezier(params_[0], params_[1], params_[2], params_[3])
                        .solve(exponential_factor(value, 1, lower, upper));
                break;
        }
        CARTELIER_EVAL(a, *outputs_[index]);
        CARTELIER_EVAL(b, *outputs_[index + 1]);
        switch (type_.kind) {
            case Kind::Number: return Result::ok(lerp(num(a), num(b), t));
            case Kind::Color: {
                const Color* x = a.as_color();
                const Color* y = b.as_color();
                if (!x || !y) return Result::fail("Expected colors to interpolate.");
                return Result::ok(
                    js_color(lerp(x->r, y->r, t), lerp(x->g, y->g, t), lerp(x->b, y->b, t), lerp(x->a, y->a, t)));
            }
            default: {
                const Array* x = a.as_array();
                const Array* y = b.as_array();
                if (!x || !y) return Result::fail("Expected arrays to interpolate.");
                Array out;
                for (std::size_t i = 0; i < x->size(); ++i)
                    out.emplace_back(lerp(num((*x)[i]), i < y->size() ? num((*y)[i]) : std::nan(""), t));
                return Result::ok(Value(std::move(out)));
            }
        }
    }

private:
    Curve curve_;
    std::vector<double> params_;
    ExpressionPtr input_;
    std::vector<double> labels_;
    std::vector<ExpressionPtr> outputs_;
};

ExpressionPtr parse_interpolate(const ParsingContext& ctx) {
    std::size_t n = ctx.size();
    YAML::Node interpolation = n > 1 ? ctx.arg(1) : YAML::Node();
    if (n < 2 || !interpolation.IsSequence() || interpolation.size() == 0) {
        ctx.error_at("Expected an interpolation type expression.", 1);
        return nullptr;
    }
    auto name = doc::string(interpolation[0]);
    Curve curve;
    std::vector<double> params;
    if (name == "linear") {
        curve = Curve::Linear;
    } else if (name == "exponential") {
        auto base = interpolation.size() > 1 ? doc::number(interpolation[1]) : std::nullopt;
        if (!base) {
            ctx.error_at("Exponential interpolation requires a numeric base.", 1, 1);
            return nullptr;
        }
        curve = Curve::Exponential;
        params.push_back(*base);
    } else if (name == "cubic-bezier") {
        bool ok = interpolation.size() == 5;
        for (std::size_t i = 1; ok && i < 5; ++i) {
            auto d = doc::number(interpolation[i]);
            if (!d || *d < 0 || *d > 1) ok = false;
            else params.push_back(*d);
        }
        if (!ok) {
            ctx.error_at("Cubic bezier interpolation requires four numeric arguments with values between 0 and 1.", 1);
            return nullptr;
        }
        curve = Curve::CubicBezier;
    } else {
        std::string shown = name ? *name : value_to_string(value_from_node(interpolation[0]));
        if (doc::kind(interpolation[0]) == doc::Kind::Array) shown = js_join(*value_from_node(interpolation[0]).as_array(), ",");
        if (doc::kind(interpolation[0]) == doc::Kind::Object) shown = "[object Object]";
        if (doc::kind(interpolation[0]) == doc::Kind::Null) shown = "null";
        ctx.error_at(fmt::format("Unknown interpolation type {}", shown), 1, 0);
        return nullptr;
    }
    if (n - 1 < 4) {
        ctx.error(fmt::format("Expected at least 4 arguments, but found only {}.", n - 1));
        return nullptr;
    }
    if ((n - 1) % 2 != 0) {
        ctx.error("Expected an even number of arguments.");
        return nullptr;
    }
    auto input = ctx.parse(2, Type::number());
    bool failed = !input;
    std::optional<Type> output;
    if (ctx.expected() && ctx.expected()->kind != Kind::Value) output = ctx.expected();
    std::vector<double> labels;
    std::vector<ExpressionPtr> outputs;
    for (std::size_t i = 3; i < n; i += 2) {
        auto label = doc::number(ctx.arg(i));
        if (!label) {
            ctx.error_at(R"(Input/output pairs for "interpolate" expressions must be defined using literal numeric values (not computed expressions) for the input values.)",
                         i);
            return nullptr;
        }
        if (!labels.empty() && labels.back() >= *label) {
            ctx.error_at(R"(Input/output pairs for "interpolate" expressions must be arranged with input values in strictly ascending order.)",
                         i);
            return nullptr;
        }
        labels.push_back(*label);
        auto parsed = ctx.parse(i + 1, output);
        if (!parsed) {
            failed = true;
            continue;
        }
        if (!output) output = parsed->type();
        outputs.push_back(std::move(parsed));
    }
    if (failed) return nullptr;
    const Type& t = *output;
    bool ok = !check_subtype(Type::number(), t) || !check_subtype(Type::color(), t) ||
              !check_subtype(Type::array(Type::number()), t);
    if (!ok) {
        ctx.error(fmt::format("Type {} is not interpolatable.", t.name()));
        return nullptr;
    }
    return std::make_unique<Interpolate>(t, curve, std::move(params), std::move(input), std::move(labels),
                                         std::move(outputs));
}

}  // namespace

void register_interpolate(std::map<std::string, ParseFunction>& r) { r["interpolate"] = parse_interpolate; }

}  // namespace cartelier::style::expr
