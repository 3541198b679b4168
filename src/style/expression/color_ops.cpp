// Colours: rgb, rgba, to-rgba.
#include "style/expression/compound_expression.hpp"

namespace cartelier::style::expr {

namespace {

Result rgba(const EvaluationContext& ctx, const Args& args) {
    Array values;
    for (const auto& a : args) {
        CARTELIER_EVAL(v, *a);
        values.push_back(v);
    }
    if (values.size() == 3) values.emplace_back(1.0);
    if (auto error = validate_rgba_value(values)) return Result::fail(*error);
    return Result::ok(js_color(num(values[0]) / 255, num(values[1]) / 255, num(values[2]) / 255, num(values[3])));
}

}  // namespace

void define_color_ops(Definitions& d) {
    const Type N = Type::number();
    using P = std::vector<Type>;
    d["rgb"] = {Type::color(), {{P{N, N, N}, rgba}}};
    d["rgba"] = {Type::color(), {{P{N, N, N, N}, rgba}}};
    d["to-rgba"] = {Type::array(N, 4),
                    {{P{Type::color()}, [](const EvaluationContext& ctx, const Args& args) {
                          CARTELIER_EVAL(v, *args[0]);
                          const Color* c = v.as_color();
                          if (!c) return Result::fail("Expected a color.");
                          return Result::ok(Value(Array{c->r * 255, c->g * 255, c->b * 255, c->a}));
                      }}}};
}

}  // namespace cartelier::style::expr
