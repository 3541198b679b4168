// A project feature seen by the expression language (style/feature_view.hpp), and features made of a
// few properties only.
#pragma once

#include "core/layer.hpp"
#include "style/expression/expression.hpp"
#include "style/feature_view.hpp"

namespace cartelier::render {

using style::LayerFeatureView;
using style::to_expression_value;

/// A feature made of a few properties only (legend swatches, `style eval`).
class SyntheticFeatureView final : public style::expr::FeatureView {
public:
    SyntheticFeatureView(style::expr::Object properties, std::string geometry_type)
        : properties_(std::move(properties)), geometry_type_(std::move(geometry_type)) {}
    std::optional<style::expr::Value> property(const std::string& name) const override;
    style::expr::Object properties() const override { return properties_; }
    style::expr::Value id() const override { return {}; }
    std::string geometry_type() const override { return geometry_type_; }

private:
    style::expr::Object properties_;
    std::string geometry_type_;
};

}  // namespace cartelier::render
