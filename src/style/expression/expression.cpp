// Entry points: compile(), constancy analysis and the zoom-curve placement rule
// (MapLibre's createPropertyExpression / findZoomCurve).
#include "style/expression/expression.hpp"

#include <variant>

#include "core/document.hpp"
#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

bool Expression::is_feature_constant() const {
    const std::string& name = op();
    std::size_t n = children().size();
    if ((name == "get" || name == "has") && n == 1) return false;
    if ((name == "properties" || name == "geometry-type" || name == "id") && n == 0) return false;
    for (const Expression* c : children())
        if (!c->is_feature_constant()) return false;
    return true;
}

bool Expression::is_zoom_constant() const { return !uses_global(*this, {"zoom"}); }

bool is_expression(const YAML::Node& node) {
    return node.IsSequence() && node.size() > 0 && doc::kind(node[0]) == doc::Kind::String;
}

const std::vector<std::string>& supported_operators() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& [name, fn] : registry()) v.push_back(name);
        return v;
    }();
    return names;
}

namespace {

constexpr const char* kZoomPlacement =
    R"("zoom" expression may only be used as input to a top-level "step" or "interpolate" expression.)";

struct ZoomError {
    std::string message;
};
using ZoomCurve = std::variant<std::monostate, const Expression*, ZoomError>;

ZoomCurve find_zoom_curve(const Expression& e) {
    ZoomCurve result;
    auto children = e.children();
    if (e.op() == "let" && !children.empty()) {
        result = find_zoom_curve(*children.back());
    } else if (e.op() == "coalesce") {
        for (const Expression* c : children) {
            result = find_zoom_curve(*c);
            if (!std::holds_alternative<std::monostate>(result)) break;
        }
    } else if (auto curve = dynamic_cast<const CurveNode*>(&e)) {
        const Expression& input = curve->curve_input();
        if (input.op() == "zoom" && input.children().empty()) result = &e;
    }
    if (std::holds_alternative<ZoomError>(result)) return result;
    for (const Expression* c : children) {
        ZoomCurve child = find_zoom_curve(*c);
        if (std::holds_alternative<ZoomError>(child)) {
            result = child;
        } else if (std::holds_alternative<std::monostate>(result) && !std::holds_alternative<std::monostate>(child)) {
            result = ZoomError{kZoomPlacement};
        } else if (!std::holds_alternative<std::monostate>(result) &&
                   std::holds_alternative<const Expression*>(child) &&
                   (std::holds_alternative<ZoomError>(result) ||
                    std::get<const Expression*>(result) != std::get<const Expression*>(child))) {
            result = ZoomError{R"(Only one zoom-based "step" or "interpolate" subexpression may be used in an expression.)"};
        }
    }
    return result;
}

}  // namespace

ExpressionPtr compile(const YAML::Node& node, const std::string& file, const std::string& path,
                      std::optional<Type> expected, Diagnostics& diagnostics) {
    std::size_t before = diagnostics.error_count();
    // String properties coerce (["to-string"]) rather than assert, as MapLibre's createExpression does.
    Annotation annotation =
        expected && expected->kind == Kind::String ? Annotation::Coerce : Annotation::Default;
    ParsingContext ctx(file, path, node, expected, nullptr, &diagnostics);
    ExpressionPtr parsed = ctx.parse_here(annotation);
    if (!parsed || diagnostics.error_count() > before) return nullptr;

    ZoomCurve curve = find_zoom_curve(*parsed);
    if (auto err = std::get_if<ZoomError>(&curve)) {
        ctx.error(err->message);
        return nullptr;
    }
    if (std::holds_alternative<std::monostate>(curve) && !parsed->is_zoom_constant()) {
        ctx.error(kZoomPlacement);
        return nullptr;
    }
    return parsed;
}

}  // namespace cartelier::style::expr
