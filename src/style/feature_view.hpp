// A project feature seen by the expression language (["get"], ["id"], ["geometry-type"]…): what the
// renderer and the checks of the style against the data (style/data_check.hpp) evaluate expressions on.
#pragma once

#include "core/layer.hpp"
#include "style/expression/expression.hpp"

namespace cartelier::style {

/// A feature of a layer, read in place (the layer and the feature must outlive the view).
class LayerFeatureView final : public expr::FeatureView {
public:
    LayerFeatureView(const cartelier::Layer& layer, const Feature& feature) : layer_(&layer), feature_(&feature) {}

    std::optional<expr::Value> property(const std::string& name) const override;
    expr::Object properties() const override;
    expr::Value id() const override;
    std::string geometry_type() const override;

private:
    const cartelier::Layer* layer_;
    const Feature* feature_;
};

/// Converts an attribute value to an expression value.
expr::Value to_expression_value(const cartelier::Value& v);

}  // namespace cartelier::style
