#include "style/expression/step.hpp"

#include <fmt/format.h>
#include <limits>

#include "core/document.hpp"

namespace cartelier::style::expr {

std::optional<std::size_t> find_stop_less_than_or_equal(const std::vector<double>& stops, double input) {
    std::size_t last = stops.size() - 1;
    long lower = 0, upper = static_cast<long>(last);
    while (lower <= upper) {
        auto current = static_cast<std::size_t>((lower + upper) / 2);
        double value = stops[current];
        if (value <= input) {
            if (current == last || input < stops[current + 1]) return current;
            lower = static_cast<long>(current) + 1;
        } else if (value > input) {
            upper = static_cast<long>(current) - 1;
        } else {
            return std::nullopt;  // NaN
        }
    }
    return 0;
}

const std::string& Step::op() const {
    static const std::string n = "step";
    return n;
}

std::vector<const Expression*> Step::children() const {
    std::vector<const Expression*> out{input_.get()};
    for (const auto& o : outputs_) out.push_back(o.get());
    return out;
}

std::vector<std::pair<double, const Expression*>> Step::stops() const {
    std::vector<std::pair<double, const Expression*>> out;
    for (std::size_t i = 0; i < labels_.size(); ++i) out.emplace_back(labels_[i], outputs_[i].get());
    return out;
}

Result Step::evaluate(const EvaluationContext& ctx) const {
    if (labels_.size() == 1) return outputs_[0]->evaluate(ctx);
    CARTELIER_EVAL(v, *input_);
    double value = num(v);
    if (value <= labels_[0]) return outputs_[0]->evaluate(ctx);
    if (value >= labels_.back()) return outputs_.back()->evaluate(ctx);
    auto index = find_stop_less_than_or_equal(labels_, value);
    if (!index) return Result::fail("Input is not a number.");
    return outputs_[*index]->evaluate(ctx);
}

namespace {

ExpressionPtr parse_step(const ParsingContext& ctx) {
    std::size_t n = ctx.size();
    if (n - 1 < 4) {
        ctx.error(fmt::format("Expected at least 4 arguments, but found only {}.", n - 1));
        return nullptr;
    }
    if ((n - 1) % 2 != 0) {
        ctx.error("Expected an even number of arguments.");
        return nullptr;
    }
    auto input = ctx.parse(1, Type::number());
    bool failed = !input;
    std::optional<Type> output;
    if (ctx.expected() && ctx.expected()->kind != Kind::Value) output = ctx.expected();
    std::vector<double> labels;
    std::vector<ExpressionPtr> outputs;
    for (std::size_t i = 1; i < n; i += 2) {
        double label = -std::numeric_limits<double>::infinity();
        if (i != 1) {
            auto d = doc::number(ctx.arg(i));
            if (!d) {
                ctx.error_at(R"(Input/output pairs for "step" expressions must be defined using literal numeric values (not computed expressions) for the input values.)",
                             i);
                return nullptr;
            }
            label = *d;
        }
        if (!labels.empty() && labels.back() >= label) {
            ctx.error_at(R"(Input/output pairs for "step" expressions must be arranged with input values in strictly ascending order.)",
                         i);
            return nullptr;
        }
        auto parsed = ctx.parse(i + 1, output);
        if (!parsed) {
            failed = true;
            labels.push_back(label);
            continue;
        }
        if (!output) output = parsed->type();
        labels.push_back(label);
        outputs.push_back(std::move(parsed));
    }
    if (failed) return nullptr;
    return std::make_unique<Step>(*output, std::move(input), std::move(labels), std::move(outputs));
}

}  // namespace

void register_step(std::map<std::string, ParseFunction>& r) { r["step"] = parse_step; }

}  // namespace cartelier::style::expr
