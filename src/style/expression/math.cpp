// Arithmetic and math: + - * / % ^ abs round floor ceil min max sqrt ln log10 log2 sin cos tan asin acos
// atan e pi ln2. JavaScript's Math semantics (NaN propagation, Math.log(x) / Math.LN10 for log10).
#include <cmath>
#include <limits>

#include "style/expression/compound_expression.hpp"

namespace cartelier::style::expr {

namespace {

constexpr double kLn10 = 2.302585092994046;
constexpr double kLn2 = 0.6931471805599453;

double js_round(double x) {
    double f = std::floor(x);
    return x - f >= 0.5 ? f + 1 : f;
}

double js_pow(double b, double e) {
    if (std::isnan(e)) return NAN;
    if (std::isinf(e) && std::fabs(b) == 1) return NAN;
    return std::pow(b, e);
}

Evaluator unary(double (*f)(double)) {
    return [f](const EvaluationContext& ctx, const Args& args) {
        CARTELIER_EVAL(v, *args[0]);
        return Result::ok(f(num(v)));
    };
}

Evaluator binary(double (*f)(double, double)) {
    return [f](const EvaluationContext& ctx, const Args& args) {
        CARTELIER_EVAL(a, *args[0]);
        CARTELIER_EVAL(b, *args[1]);
        return Result::ok(f(num(a), num(b)));
    };
}

Evaluator constant(double value) {
    return [value](const EvaluationContext&, const Args&) { return Result::ok(value); };
}

Evaluator fold(double init, double (*f)(double, double)) {
    return [init, f](const EvaluationContext& ctx, const Args& args) {
        std::vector<double> values;
        Result err;
        if (!eval_numbers(ctx, args, values, err)) return err;
        double r = init;
        for (double v : values) r = f(r, v);
        return Result::ok(r);
    };
}

double js_min(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return NAN;
    if (a == 0 && b == 0) return std::signbit(a) ? a : b;
    return b < a ? b : a;
}

double js_max(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return NAN;
    if (a == 0 && b == 0) return std::signbit(a) ? b : a;
    return b > a ? b : a;
}

}  // namespace

void define_math(Definitions& d) {
    const Type N = Type::number();
    using P = std::vector<Type>;
    d["+"] = {N, {{Varargs{N}, fold(0, [](double a, double b) { return a + b; })}}};
    d["*"] = {N, {{Varargs{N}, fold(1, [](double a, double b) { return a * b; })}}};
    d["-"] = {N,
              {{P{N, N}, binary([](double a, double b) { return a - b; })},
               {P{N}, unary([](double a) { return -a; })}}};
    d["/"] = {N, {{P{N, N}, binary([](double a, double b) { return a / b; })}}};
    d["%"] = {N, {{P{N, N}, binary([](double a, double b) { return std::fmod(a, b); })}}};
    d["^"] = {N, {{P{N, N}, binary(js_pow)}}};
    d["ln2"] = {N, {{P{}, constant(kLn2)}}};
    d["pi"] = {N, {{P{}, constant(3.141592653589793)}}};
    d["e"] = {N, {{P{}, constant(2.718281828459045)}}};
    d["sqrt"] = {N, {{P{N}, unary([](double x) { return std::sqrt(x); })}}};
    d["log10"] = {N, {{P{N}, unary([](double x) { return std::log(x) / kLn10; })}}};
    d["ln"] = {N, {{P{N}, unary([](double x) { return std::log(x); })}}};
    d["log2"] = {N, {{P{N}, unary([](double x) { return std::log(x) / kLn2; })}}};
    d["sin"] = {N, {{P{N}, unary([](double x) { return std::sin(x); })}}};
    d["cos"] = {N, {{P{N}, unary([](double x) { return std::cos(x); })}}};
    d["tan"] = {N, {{P{N}, unary([](double x) { return std::tan(x); })}}};
    d["asin"] = {N, {{P{N}, unary([](double x) { return std::asin(x); })}}};
    d["acos"] = {N, {{P{N}, unary([](double x) { return std::acos(x); })}}};
    d["atan"] = {N, {{P{N}, unary([](double x) { return std::atan(x); })}}};
    d["min"] = {N, {{Varargs{N}, fold(std::numeric_limits<double>::infinity(), js_min)}}};
    d["max"] = {N, {{Varargs{N}, fold(-std::numeric_limits<double>::infinity(), js_max)}}};
    d["abs"] = {N, {{P{N}, unary([](double x) { return std::fabs(x); })}}};
    // Halfway values round away from zero (MapLibre: v < 0 ? -Math.round(-v) : Math.round(v)).
    d["round"] = {N, {{P{N}, unary([](double x) { return x < 0 ? -js_round(-x) : js_round(x); })}}};
    d["floor"] = {N, {{P{N}, unary([](double x) { return std::floor(x); })}}};
    d["ceil"] = {N, {{P{N}, unary([](double x) { return std::ceil(x); })}}};
}

}  // namespace cartelier::style::expr
