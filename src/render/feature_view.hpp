// A project feature seen by the expression language (["get"], ["id"], ["geometry-type"]…).
#pragma once

#include "core/layer.hpp"
#include "style/expression/expression.hpp"

namespace cartelier::render {

class LayerFeatureView final : public style::expr::FeatureView {
public:
    LayerFeatureView(const Layer& layer, const Feature& feature) : layer_(&layer), feature_(&feature) {}

    std::optional<style::expr::Value> property(const std::string& name) const override;
    style::expr::Object properties() const override;
    style::expr::Value id() const override;
    std::string geometry_type() const override;

private:
    const Layer* layer_;
    const Feature* feature_;
};

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

/// Converts an attribute value to an expression value.
style::expr::Value to_expression_value(const Value& v);

}  // namespace cartelier::render
