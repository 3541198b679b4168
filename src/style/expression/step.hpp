// ["step", input, output0, stop1, output1, …]
#pragma once

#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

/// MapLibre's findStopLessThanOrEqualTo: index of the last stop ≤ input (error when input is NaN).
std::optional<std::size_t> find_stop_less_than_or_equal(const std::vector<double>& stops, double input);

class Step final : public Expression, public StepView, public CurveNode {
public:
    Step(Type t, ExpressionPtr input, std::vector<double> labels, std::vector<ExpressionPtr> outputs)
        : Expression(std::move(t)), input_(std::move(input)), labels_(std::move(labels)),
          outputs_(std::move(outputs)) {}

    const std::string& op() const override;
    Result evaluate(const EvaluationContext& ctx) const override;
    std::vector<const Expression*> children() const override;

    const Expression& input() const override { return *input_; }
    std::vector<std::pair<double, const Expression*>> stops() const override;
    const Expression& curve_input() const override { return *input_; }

private:
    ExpressionPtr input_;
    std::vector<double> labels_;  // labels_[0] = -infinity
    std::vector<ExpressionPtr> outputs_;
};

}  // namespace cartelier::style::expr
