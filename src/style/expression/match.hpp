// ["match", input, label(s), output, …, fallback]
#pragma once

#include <map>

#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

class Match final : public Expression, public MatchView {
public:
    /// `cases` maps each label (its JavaScript String() form) to an index in `outputs`.
    Match(Type input_type, Type output_type, ExpressionPtr input, std::vector<Value> labels,
          std::vector<std::size_t> label_outputs, std::vector<ExpressionPtr> outputs, ExpressionPtr otherwise);

    const std::string& op() const override;
    Result evaluate(const EvaluationContext& ctx) const override;
    std::vector<const Expression*> children() const override;

    const Expression& input() const override { return *input_; }
    std::vector<std::pair<std::vector<Value>, const Expression*>> branches() const override;
    const Expression& otherwise() const override { return *otherwise_; }

private:
    Type input_type_;
    ExpressionPtr input_;
    std::vector<Value> labels_;              // in order of appearance
    std::vector<std::size_t> label_outputs_;  // labels_[i] selects outputs_[label_outputs_[i]]
    std::map<std::string, std::size_t> cases_;
    std::vector<ExpressionPtr> outputs_;
    ExpressionPtr otherwise_;
};

}  // namespace cartelier::style::expr
