#include "style/expression/eval_tool.hpp"

#include <istream>
#include <ostream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/document.hpp"
#include "style/expression/expression.hpp"
#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

namespace {

class JsonFeature final : public FeatureView {
public:
    JsonFeature(Object properties, Value id, std::string type)
        : properties_(std::move(properties)), id_(std::move(id)), type_(std::move(type)) {}
    std::optional<Value> property(const std::string& name) const override {
        auto it = properties_.find(name);
        if (it == properties_.end()) return std::nullopt;
        return it->second;
    }
    Object properties() const override { return properties_; }
    Value id() const override { return id_; }
    std::string geometry_type() const override { return type_; }

private:
    Object properties_;
    Value id_;
    std::string type_;
};

std::string error_json(const std::string& message) {
    return fmt::format(R"({{"error":{}}})", json_stringify(Value(message)));
}

// The expression of `node` compiled, or null with its diagnostics written to `err`.
ExpressionPtr compile_or_report(const YAML::Node& node, const std::string& name, std::ostream& err) {
    Diagnostics diagnostics;
    ExpressionPtr expression;
    try {
        expression = compile(node, name, "", std::nullopt, diagnostics);
    } catch (const Error& e) {
        err << e.diagnostics().format();
        return nullptr;
    } catch (const std::exception& e) {
        err << name << ": error: " << e.what() << '\n';
        return nullptr;
    }
    if (!expression) err << diagnostics.format();
    return expression;
}

// One feature ({"properties", "id", "geometry", "zoom"}) of input line `line_number` evaluated: the
// result's JSON, or {"error": …}.
std::string evaluate_feature(const Expression& expression, const YAML::Node& root, std::size_t line_number) {
    if (!root.IsMap())
        return error_json(fmt::format("line {}: expected a JSON object, found {}", line_number, doc::describe(root)));
    Object properties;
    if (YAML::Node p = root["properties"]; p.IsDefined() && p.IsMap()) {
        Value v = value_from_node(p);
        if (const Object* o = v.as_object()) properties = *o;
    }
    Value id;
    if (YAML::Node i = root["id"]; i.IsDefined()) id = value_from_node(i);
    std::string type = "Unknown";
    if (YAML::Node g = root["geometry"]; g.IsDefined() && g.IsMap() && g["type"].IsDefined()) {
        if (auto t = doc::string(g["type"])) type = *t;
    }
    EvaluationContext ctx;
    if (YAML::Node z = root["zoom"]; z.IsDefined()) {
        auto zoom = doc::number(z);
        if (!zoom)
            return error_json(
                fmt::format("line {}: \"zoom\" must be a number, found {}", line_number, doc::describe(z)));
        ctx.zoom = *zoom;
    }
    JsonFeature feature(std::move(properties), std::move(id), std::move(type));
    ctx.feature = &feature;
    Result r = expression.evaluate(ctx);
    return r ? r.value->to_json() : error_json(r.error);
}

// Runs `each(document, line_number)` for every non-blank line of `in`, each line parsed as one JSON
// document; a line that does not parse, or `each` throwing, writes {"error": "line N: …"}.
template <class Each>
void for_each_line(std::istream& in, std::ostream& out, Each each) {
    std::string line;
    std::size_t line_number = 0;
    while (std::getline(in, line)) {
        ++line_number;
        if (line.find_first_not_of(" \t\r\n") == std::string::npos) continue;
        try {
            doc::Document d = doc::load_string(line, fmt::format("line {}", line_number));
            each(d.root, line_number);
        } catch (const Error& e) {
            std::string message = e.diagnostics().items().empty() ? e.what() : e.diagnostics().items()[0].message;
            out << error_json(fmt::format("line {}: {}", line_number, message)) << '\n';
        } catch (const std::exception& e) {
            out << error_json(fmt::format("line {}: {}", line_number, e.what())) << '\n';
        }
    }
}

}  // namespace

int run_style_eval(const std::string& expression_json, std::istream& in, std::ostream& out, std::ostream& err) {
    const std::string name = "<expression>";
    ExpressionPtr expression;
    try {
        doc::Document d = doc::load_string(expression_json, name);
        expression = compile_or_report(d.root, name, err);
    } catch (const Error& e) {
        err << e.diagnostics().format();
        return 1;
    } catch (const std::exception& e) {
        err << name << ": error: " << e.what() << '\n';
        return 1;
    }
    if (!expression) return 1;
    for_each_line(in, out, [&](const YAML::Node& root, std::size_t line_number) {
        out << evaluate_feature(*expression, root, line_number) << '\n';
    });
    return 0;
}

int run_style_eval_cases(std::istream& in, std::ostream& out) {
    for_each_line(in, out, [&](const YAML::Node& root, std::size_t line_number) {
        const YAML::Node expression_node = root.IsMap() ? root["expression"] : YAML::Node();
        const YAML::Node inputs = root.IsMap() ? root["inputs"] : YAML::Node();
        if (!expression_node.IsDefined() || (inputs.IsDefined() && !inputs.IsSequence())) {
            out << error_json(fmt::format(
                       "line {}: expected {{\"expression\": <expression>, \"inputs\": [<feature>, …]}}, found {}",
                       line_number, doc::describe(root)))
                << '\n';
            return;
        }
        std::ostringstream diagnostics;
        ExpressionPtr expression = compile_or_report(expression_node, fmt::format("line {}", line_number), diagnostics);
        if (!expression) {
            out << fmt::format(R"({{"compile_error":{}}})", json_stringify(Value(diagnostics.str()))) << '\n';
            return;
        }
        std::vector<std::string> results;
        if (inputs.IsDefined())
            for (const YAML::Node& input : inputs) results.push_back(evaluate_feature(*expression, input, line_number));
        out << fmt::format(R"({{"results":[{}]}})", fmt::join(results, ",")) << '\n';
    });
    return 0;
}

}  // namespace cartelier::style::expr
