#include "style/feature_view.hpp"

namespace cartelier::style {

expr::Value to_expression_value(const cartelier::Value& v) {
    if (auto s = std::get_if<std::string>(&v)) return expr::Value(*s);
    if (auto d = std::get_if<double>(&v)) return expr::Value(*d);
    if (auto b = std::get_if<bool>(&v)) return expr::Value(*b);
    return expr::Value();
}

std::optional<expr::Value> LayerFeatureView::property(const std::string& name) const {
    auto i = layer_->schema->index(name);
    if (!i) return std::nullopt;
    return to_expression_value(feature_->value(*i));
}

expr::Object LayerFeatureView::properties() const {
    expr::Object out;
    const auto& fields = layer_->schema->fields();
    for (std::size_t i = 0; i < fields.size(); ++i) out.emplace(fields[i], to_expression_value(feature_->value(i)));
    return out;
}

expr::Value LayerFeatureView::id() const { return expr::Value(feature_->id); }

std::string LayerFeatureView::geometry_type() const {
    switch (feature_->geometry.type) {
        case GeometryType::Point: return "Point";
        case GeometryType::LineString: return "LineString";
        case GeometryType::Polygon: return "Polygon";
        case GeometryType::None: break;
    }
    return "Unknown";
}

}  // namespace cartelier::style
