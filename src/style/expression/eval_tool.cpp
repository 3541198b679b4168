#include "style/expression/eval_tool.hpp"

#include <istream>
#include <ostream>

#include <fmt/format.h>

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

}  // namespace

int run_style_eval(const std::string& expression_json, std::istream& in, std::ostream& out, std::ostream& err) {
    const std::string name = "<expression>";
    Diagnostics diagnostics;
    ExpressionPtr expression;
    try {
        doc::Document d = doc::load_string(expression_json, name);
        expression = compile(d.root, name, "", std::nullopt, diagnostics);
    } catch (const Error& e) {
        err << e.diagnostics().format();
        return 1;
    } catch (const std::exception& e) {
        err << name << ": error: " << e.what() << '\n';
        return 1;
    }
    if (!expression) {
        err << diagnostics.format();
        return 1;
    }

    std::string line;
    std::size_t line_number = 0;
    while (std::getline(in, line)) {
        ++line_number;
        if (line.find_first_not_of(" \t\r\n") == std::string::npos) continue;
        try {
            doc::Document d = doc::load_string(line, fmt::format("line {}", line_number));
            const YAML::Node& root = d.root;
            if (!root.IsMap()) {
                out << error_json(fmt::format("line {}: expected a JSON object, found {}", line_number,
                                              doc::describe(root)))
                    << '\n';
                continue;
            }
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
                if (!zoom) {
                    out << error_json(fmt::format("line {}: \"zoom\" must be a number, found {}", line_number,
                                                  doc::describe(z)))
                        << '\n';
                    continue;
                }
                ctx.zoom = *zoom;
            }
            JsonFeature feature(std::move(properties), std::move(id), std::move(type));
            ctx.feature = &feature;
            Result r = expression->evaluate(ctx);
            out << (r ? r.value->to_json() : error_json(r.error)) << '\n';
        } catch (const Error& e) {
            std::string message = e.diagnostics().items().empty() ? e.what() : e.diagnostics().items()[0].message;
            out << error_json(fmt::format("line {}: {}", line_number, message)) << '\n';
        } catch (const std::exception& e) {
            out << error_json(fmt::format("line {}: {}", line_number, e.what())) << '\n';
        }
    }
    return 0;
}

}  // namespace cartelier::style::expr
