// Boolean logic: all, any, ! (short-circuit, as MapLibre).
#include "style/expression/compound_expression.hpp"

namespace cartelier::style::expr {

namespace {

Evaluator short_circuit(bool stop_on) {
    return [stop_on](const EvaluationContext& ctx, const Args& args) {
        for (const auto& a : args) {
            CARTELIER_EVAL(v, *a);
            if (js_truthy(v) == stop_on) return Result::ok(stop_on);
        }
        return Result::ok(!stop_on);
    };
}

}  // namespace

void define_logical(Definitions& d) {
    const Type B = Type::boolean();
    using P = std::vector<Type>;
    d["all"] = {B, {{P{B, B}, short_circuit(false)}, {Varargs{B}, short_circuit(false)}}};
    d["any"] = {B, {{P{B, B}, short_circuit(true)}, {Varargs{B}, short_circuit(true)}}};
    d["!"] = {B,
              {{P{B}, [](const EvaluationContext& ctx, const Args& args) {
                    CARTELIER_EVAL(v, *args[0]);
                    return Result::ok(!js_truthy(v));
                }}}};
}

}  // namespace cartelier::style::expr
