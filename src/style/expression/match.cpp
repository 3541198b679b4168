#include "style/expression/match.hpp"

#include <fmt/format.h>

#include "core/document.hpp"

namespace cartelier::style::expr {

namespace {
std::string key_of(const Value& label) {
    if (const std::string* s = label.as_string()) return "s" + *s;
    return "n" + js_number(num(label));
}
}  // namespace

Match::Match(Type input_type, Type output_type, ExpressionPtr input, std::vector<Value> labels,
             std::vector<std::size_t> label_outputs, std::vector<ExpressionPtr> outputs, ExpressionPtr otherwise)
    : Expression(std::move(output_type)), input_type_(std::move(input_type)), input_(std::move(input)),
      labels_(std::move(labels)), label_outputs_(std::move(label_outputs)), outputs_(std::move(outputs)),
      otherwise_(std::move(otherwise)) {
    for (std::size_t i = 0; i < labels_.size(); ++i) cases_[key_of(labels_[i])] = label_outputs_[i];
}

const std::string& Match::op() const {
    static const std::string n = "match";
    return n;
}

std::vector<const Expression*> Match::children() const {
    std::vector<const Expression*> out{input_.get()};
    for (const auto& o : outputs_) out.push_back(o.get());
    out.push_back(otherwise_.get());
    return out;
}

std::vector<std::pair<std::vector<Value>, const Expression*>> Match::branches() const {
    std::vector<std::pair<std::vector<Value>, const Expression*>> out;
    for (const auto& o : outputs_) out.emplace_back(std::vector<Value>{}, o.get());
    for (std::size_t i = 0; i < labels_.size(); ++i) out[label_outputs_[i]].first.push_back(labels_[i]);
    return out;
}

Result Match::evaluate(const EvaluationContext& ctx) const {
    CARTELIER_EVAL(v, *input_);
    Kind k = v.type().kind;
    if (k == input_type_.kind && (k == Kind::String || k == Kind::Number)) {
        auto it = cases_.find(key_of(v));
        if (it != cases_.end()) return outputs_[it->second]->evaluate(ctx);
    }
    return otherwise_->evaluate(ctx);
}

namespace {

ExpressionPtr parse_match(const ParsingContext& ctx) {
    std::size_t n = ctx.size();
    if (n < 5) {
        ctx.error(fmt::format("Expected at least 4 arguments, but found only {}.", n - 1));
        return nullptr;
    }
    if (n % 2 != 1) {
        ctx.error("Expected an even number of arguments.");
        return nullptr;
    }
    std::optional<Type> input_type, output;
    if (ctx.expected() && ctx.expected()->kind != Kind::Value) output = ctx.expected();
    std::vector<Value> labels;
    std::vector<std::size_t> label_outputs;
    std::vector<ExpressionPtr> outputs;
    std::map<std::string, bool> seen;
    bool failed = false;
    for (std::size_t i = 2; i + 1 < n; i += 2) {
        ParsingContext label_ctx = ctx.child(i);
        YAML::Node node = ctx.arg(i);
        std::vector<YAML::Node> nodes;
        if (node.IsSequence()) {
            for (const auto& l : node) nodes.push_back(l);
        } else {
            nodes.push_back(node);
        }
        if (nodes.empty()) {
            label_ctx.error("Expected at least one branch label.");
            return nullptr;
        }
        bool label_failed = false;
        for (const auto& l : nodes) {
            auto k = doc::kind(l);
            if (k != doc::Kind::Number && k != doc::Kind::String) {
                label_ctx.error("Branch labels must be numbers or strings.");
                label_failed = true;
                break;
            }
            Value label = value_from_node(l);
            if (const double* d = label.as_number()) {
                if (std::fabs(*d) > 9007199254740991.0) {
                    label_ctx.error("Branch labels must be integers no larger than 9007199254740991.");
                    label_failed = true;
                    break;
                }
                if (std::floor(*d) != *d) {
                    label_ctx.error("Numeric branch labels must be integer values.");
                    label_failed = true;
                    break;
                }
            }
            if (!input_type) {
                input_type = label.type();
            } else if (label_ctx.check(*input_type, label.type())) {
                label_failed = true;
                break;
            }
            // Labels are keyed by their JavaScript String() form, as MapLibre does.
            std::string key = value_to_string(label);
            if (seen.count(key)) {
                label_ctx.error("Branch labels must be unique.");
                label_failed = true;
                break;
            }
            seen[key] = true;
            labels.push_back(label);
            label_outputs.push_back(outputs.size());
        }
        if (label_failed) {
            failed = true;
            continue;
        }
        auto result = ctx.parse(i + 1, output);
        if (!result) {
            failed = true;
            // Keep indices consistent for the remaining branches.
            while (!label_outputs.empty() && label_outputs.back() == outputs.size()) {
                label_outputs.pop_back();
                labels.pop_back();
            }
            continue;
        }
        if (!output) output = result->type();
        outputs.push_back(std::move(result));
    }
    auto input = ctx.parse(1, Type::value());
    auto otherwise = ctx.parse(n - 1, output);
    if (failed || !input || !otherwise) return nullptr;
    if (input->type().kind != Kind::Value && ctx.child(1).check(*input_type, input->type())) return nullptr;
    return std::make_unique<Match>(*input_type, *output, std::move(input), std::move(labels), std::move(label_outputs),
                                   std::move(outputs), std::move(otherwise));
}

}  // namespace

void register_match(std::map<std::string, ParseFunction>& r) { r["match"] = parse_match; }

}  // namespace cartelier::style::expr
