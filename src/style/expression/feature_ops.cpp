// What an expression reads from the feature and the map: get, has, properties, id, geometry-type, zoom,
// global-state; and typeof.
#include "style/expression/compound_expression.hpp"

namespace cartelier::style::expr {

namespace {

const std::string& str(const Value& v) {
    static const std::string empty;
    const std::string* s = v.as_string();
    return s ? *s : empty;
}

std::optional<Value> member(const Value& obj, const std::string& key) {
    if (const Object* o = obj.as_object()) {
        auto it = o->find(key);
        if (it != o->end()) return it->second;
    }
    return std::nullopt;
}

thread_local const Object* t_global_state = nullptr;

}  // namespace

GlobalStateScope::GlobalStateScope(const Object* state) : previous_(t_global_state) { t_global_state = state; }
GlobalStateScope::~GlobalStateScope() { t_global_state = previous_; }
const Object* GlobalStateScope::current() { return t_global_state; }

void define_feature_ops(Definitions& d) {
    const Type S = Type::string();
    const Type O = Type::object();
    using P = std::vector<Type>;
    d["get"] = {Type::value(),
                {{P{S},
                  [](const EvaluationContext& ctx, const Args& args) {
                      CARTELIER_EVAL(key, *args[0]);
                      if (!ctx.feature) return Result::ok(Value{});
                      auto v = ctx.feature->property(str(key));
                      return Result::ok(v ? std::move(*v) : Value{});
                  }},
                 {P{S, O}, [](const EvaluationContext& ctx, const Args& args) {
                      CARTELIER_EVAL(key, *args[0]);
                      CARTELIER_EVAL(obj, *args[1]);
                      auto v = member(obj, str(key));
                      return Result::ok(v ? std::move(*v) : Value{});
                  }}}};
    d["has"] = {Type::boolean(),
                {{P{S},
                  [](const EvaluationContext& ctx, const Args& args) {
                      CARTELIER_EVAL(key, *args[0]);
                      return Result::ok(ctx.feature && ctx.feature->property(str(key)).has_value());
                  }},
                 {P{S, O}, [](const EvaluationContext& ctx, const Args& args) {
                      CARTELIER_EVAL(key, *args[0]);
                      CARTELIER_EVAL(obj, *args[1]);
                      return Result::ok(member(obj, str(key)).has_value());
                  }}}};
    d["properties"] = {O,
                       {{P{}, [](const EvaluationContext& ctx, const Args&) {
                             return Result::ok(ctx.feature ? Value(ctx.feature->properties()) : Value(Object{}));
                         }}}};
    d["id"] = {Type::value(),
               {{P{}, [](const EvaluationContext& ctx, const Args&) {
                     return Result::ok(ctx.feature ? ctx.feature->id() : Value{});
                 }}}};
    d["geometry-type"] = {S,
                          {{P{}, [](const EvaluationContext& ctx, const Args&) {
                                return Result::ok(ctx.feature ? Value(ctx.feature->geometry_type()) : Value{});
                            }}}};
    d["zoom"] = {Type::number(),
                 {{P{}, [](const EvaluationContext& ctx, const Args&) { return Result::ok(ctx.zoom); }}}};
    // ["global-state", "name"]: the page's global state (GlobalStateScope); the name is a literal string.
    d["global-state"] = {Type::value(),
                         {{P{S}, [](const EvaluationContext& ctx, const Args& args) {
                               CARTELIER_EVAL(key, *args[0]);
                               const Object* state = GlobalStateScope::current();
                               if (!state) return Result::ok(Value{});
                               auto it = state->find(str(key));  // not a Value of the whole state per call
                               return Result::ok(it != state->end() ? it->second : Value{});
                           }}}};
    d["typeof"] = {S,
                   {{P{Type::value()}, [](const EvaluationContext& ctx, const Args& args) {
                         CARTELIER_EVAL(v, *args[0]);
                         return Result::ok(v.type().name());
                     }}}};
}

}  // namespace cartelier::style::expr
