// Parsing with expected types, automatic type annotations, constant folding and error reporting
// (MapLibre's ParsingContext._parse).
#include "style/expression/parsing_context.hpp"

#include <fmt/format.h>

#include "core/document.hpp"

namespace cartelier::style::expr {

namespace {

// `typeof` in JavaScript for a JSON node.
const char* js_typeof(const YAML::Node& n) {
    switch (doc::kind(n)) {
        case doc::Kind::Number: return "number";
        case doc::Kind::String: return "string";
        case doc::Kind::Boolean: return "boolean";
        default: return "object";
    }
}

}  // namespace

ParsingContext ParsingContext::child(std::size_t index, std::optional<Type> expected, const Scope* scope) const {
    return ParsingContext(file_, doc::index(path_, index), node_[index], std::move(expected), scope ? scope : scope_,
                          diagnostics_);
}

ParsingContext ParsingContext::member(std::size_t index, const std::string& key, std::optional<Type> expected) const {
    return ParsingContext(file_, doc::key(doc::index(path_, index), key), node_[index][key], std::move(expected),
                          scope_, diagnostics_);
}

ParsingContext ParsingContext::with_diagnostics(Diagnostics& d) const {
    ParsingContext c = *this;
    c.diagnostics_ = &d;
    return c;
}

ExpressionPtr ParsingContext::parse(std::size_t index, std::optional<Type> expected, Annotation annotation,
                                    const Scope* scope) const {
    return child(index, std::move(expected), scope).parse_here(annotation);
}

void ParsingContext::error(std::string message, std::string hint) const {
    diagnostics_->error(doc::location(file_, node_, path_), std::move(message), std::move(hint));
}

void ParsingContext::error_at(std::string message, std::size_t index) const {
    YAML::Node n = node_.IsSequence() && index < node_.size() ? node_[index] : node_;
    diagnostics_->error(doc::location(file_, n, doc::index(path_, index)), std::move(message));
}

void ParsingContext::error_at(std::string message, std::size_t index, std::size_t sub) const {
    YAML::Node n = node_;
    if (n.IsSequence() && index < n.size()) {
        n = node_[index];
        if (n.IsSequence() && sub < n.size()) n = n[sub];
    }
    diagnostics_->error(doc::location(file_, n, doc::index(doc::index(path_, index), sub)), std::move(message));
}

bool ParsingContext::check(const Type& expected, const Type& t) const {
    if (auto e = check_subtype(expected, t)) {
        error(*e);
        return true;
    }
    return false;
}

ExpressionPtr ParsingContext::parse_here(Annotation annotation) const {
    ExpressionPtr parsed;
    switch (doc::kind(node_)) {
        case doc::Kind::Object:
            error(R"(Bare objects invalid. Use ["literal", {...}] instead.)");
            return nullptr;
        case doc::Kind::Array: {
            if (node_.size() == 0) {
                error(R"(Expected an array with at least one element. If you wanted a literal array, use ["literal", []].)");
                return nullptr;
            }
            auto op = doc::string(node_[0]);
            if (!op) {
                error_at(fmt::format(R"(Expression name must be a string, but found {} instead. If you wanted a literal array, use ["literal", [...]].)",
                                     js_typeof(node_[0])),
                         0);
                return nullptr;
            }
            const auto& reg = registry();
            auto it = reg.find(*op);
            if (it == reg.end()) {
                std::vector<std::string> names;
                for (const auto& [name, fn] : reg) names.push_back(name);
                YAML::Node at = node_[0];
                diagnostics_->error(
                    doc::location(file_, at, doc::index(path_, 0)),
                    fmt::format(R"(Unknown expression "{}". If you wanted a literal array, use ["literal", [...]].)", *op),
                    suggest_name(*op, names, {}, Quote::Double));
                return nullptr;
            }
            parsed = it->second(*this);
            if (!parsed) return nullptr;
            break;
        }
        default: {
            // Scalars are literals (["literal", value]).
            Value v = value_from_node(node_);
            Type t = v.type();
            parsed = std::make_unique<Literal>(std::move(t), std::move(v));
            break;
        }
    }

    if (expected_) {
        const Type& expected = *expected_;
        Kind actual = parsed->type().kind;
        auto annotate = [&](Annotation fallback) {
            Annotation a = annotation == Annotation::Default ? fallback : annotation;
            std::vector<ExpressionPtr> args;
            args.push_back(std::move(parsed));
            if (a == Annotation::Assert) return ExpressionPtr(std::make_unique<Assertion>(expected, std::move(args)));
            if (a == Annotation::Coerce) return ExpressionPtr(std::make_unique<Coercion>(expected, std::move(args)));
            return std::move(args.front());
        };
        if ((expected.kind == Kind::String || expected.kind == Kind::Number || expected.kind == Kind::Boolean ||
             expected.kind == Kind::Object || expected.kind == Kind::Array) &&
            actual == Kind::Value) {
            parsed = annotate(Annotation::Assert);
        } else if (expected.kind == Kind::Color && (actual == Kind::Value || actual == Kind::String)) {
            parsed = annotate(Annotation::Coerce);
        } else if (check(expected, parsed->type())) {
            return nullptr;
        }
    }

    // Constant folding: a subtree that depends on neither the feature nor the zoom becomes a literal;
    // an evaluation error there is a compile error, as in MapLibre.
    if (!dynamic_cast<const Literal*>(parsed.get()) && is_constant(*parsed)) {
        EvaluationContext ec;
        Result r = parsed->evaluate(ec);
        if (!r) {
            error(r.error);
            return nullptr;
        }
        Type t = parsed->type();
        parsed = std::make_unique<Literal>(std::move(t), std::move(*r.value));
    }
    return parsed;
}

const std::map<std::string, ParseFunction>& registry() {
    static const std::map<std::string, ParseFunction> r = [] {
        std::map<std::string, ParseFunction> m;
        register_literal(m);
        register_compound(m);
        register_assertion(m);
        register_coercion(m);
        register_comparison(m);
        register_case_coalesce(m);
        register_match(m);
        register_step(m);
        register_interpolate(m);
        register_let_var(m);
        register_array_ops(m);
        register_number_format(m);
        register_format(m);
        return m;
    }();
    return r;
}

bool uses_global(const Expression& e, const std::vector<std::string>& names) {
    for (const auto& n : names)
        if (e.op() == n && e.children().empty()) return true;
    for (const Expression* c : e.children())
        if (uses_global(*c, names)) return true;
    return false;
}

bool is_constant(const Expression& e) {
    if (e.op() == "global-state") return false;  // the page's, known only when it is drawn
    if (e.op() == "format") return false;        // its sections are the renderer's, not only its text
    if (auto v = dynamic_cast<const Var*>(&e)) return is_constant(v->bound());
    bool annotation = dynamic_cast<const Assertion*>(&e) || dynamic_cast<const Coercion*>(&e);
    for (const Expression* c : e.children()) {
        if (annotation ? !is_constant(*c) : !dynamic_cast<const Literal*>(c)) return false;
    }
    return e.is_feature_constant() && !uses_global(e, {"zoom"});
}

}  // namespace cartelier::style::expr
