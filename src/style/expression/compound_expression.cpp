// Overload resolution and error messages of compound expressions (MapLibre's CompoundExpression.parse).
#include "style/expression/compound_expression.hpp"

#include <fmt/format.h>

namespace cartelier::style::expr {

namespace {

const Definitions& definitions() {
    static const Definitions d = [] {
        Definitions m;
        define_math(m);
        define_string_ops(m);
        define_feature_ops(m);
        define_logical(m);
        define_color_ops(m);
        return m;
    }();
    return d;
}

std::string stringify_signature(const Signature& s) {
    if (auto v = std::get_if<Varargs>(&s)) return fmt::format("({}...)", v->type.name());
    std::string out = "(";
    const auto& params = std::get<std::vector<Type>>(s);
    for (std::size_t i = 0; i < params.size(); ++i) out += (i ? ", " : "") + params[i].name();
    return out + ")";
}

ExpressionPtr parse_compound(const ParsingContext& ctx) {
    std::string name = ctx.arg(0).Scalar();
    const Definition& def = definitions().at(name);
    std::size_t argc = ctx.size() - 1;

    std::vector<const Overload*> overloads;
    for (const auto& o : def.overloads) {
        auto fixed = std::get_if<std::vector<Type>>(&o.params);
        if (!fixed || fixed->size() == argc) overloads.push_back(&o);
    }

    Diagnostics signature_errors;
    for (const Overload* o : overloads) {
        signature_errors = Diagnostics{};
        ParsingContext sig = ctx.with_diagnostics(signature_errors);
        auto expected_at = [&](std::size_t i) {
            if (auto v = std::get_if<Varargs>(&o->params)) return v->type;
            return std::get<std::vector<Type>>(o->params)[i];
        };
        Args parsed;
        bool failed = false;
        for (std::size_t i = 1; i <= argc; ++i) {
            auto a = sig.parse(i, expected_at(i - 1));
            if (!a) failed = true;
            else parsed.push_back(std::move(a));
        }
        if (failed) continue;
        for (std::size_t i = 0; i < parsed.size(); ++i) sig.child(i + 1).check(expected_at(i), parsed[i]->type());
        if (signature_errors.empty())
            return std::make_unique<CompoundExpression>(name, def.type, o->evaluate, std::move(parsed));
    }

    if (overloads.size() == 1) {
        ctx.diagnostics().append(signature_errors);
    } else {
        std::string signatures;
        const auto& shown = overloads;
        if (!shown.empty()) {
            for (std::size_t i = 0; i < shown.size(); ++i)
                signatures += (i ? " | " : "") + stringify_signature(shown[i]->params);
        } else {
            for (std::size_t i = 0; i < def.overloads.size(); ++i)
                signatures += (i ? " | " : "") + stringify_signature(def.overloads[i].params);
        }
        std::string actual;
        for (std::size_t i = 1; i <= argc; ++i) {
            auto a = ctx.parse(i);
            if (!a) return nullptr;
            actual += (i > 1 ? ", " : "") + a->type().name();
        }
        ctx.error(fmt::format("Expected arguments of type {}, but found ({}) instead.", signatures, actual));
    }
    return nullptr;
}

}  // namespace

bool eval_numbers(const EvaluationContext& ctx, const Args& args, std::vector<double>& out, Result& error) {
    out.clear();
    for (const auto& a : args) {
        Result r = a->evaluate(ctx);
        if (!r) {
            error = std::move(r);
            return false;
        }
        out.push_back(num(*r.value));
    }
    return true;
}

void register_compound(std::map<std::string, ParseFunction>& r) {
    for (const auto& [name, def] : definitions()) r[name] = parse_compound;
}

}  // namespace cartelier::style::expr
