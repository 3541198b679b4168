#include "render/feature_view.hpp"

namespace cartelier::render {

namespace ex = style::expr;

ex::Value to_expression_value(const Value& v) {
    if (auto s = std::get_if<std::string>(&v)) return ex::Value(*s);
    if (auto d = std::get_if<double>(&v)) return ex::Value(*d);
    if (auto b = std::get_if<bool>(&v)) return ex::Value(*b);
    return ex::Value();
}

std::optional<ex::Value> LayerFeatureView::property(const std::string& name) const {
    auto i = layer_->schema->index(name);
    if (!i) return std::nullopt;
    return to_expression_value(feature_->value(*i));
}

ex::Object LayerFeatureView::properties() const {
    ex::Object out;
    const auto& fields = layer_->schema->fields();
    for (std::size_t i = 0; i < fields.size(); ++i) out.emplace(fields[i], to_expression_value(feature_->value(i)));
    return out;
}

ex::Value LayerFeatureView::id() const { return ex::Value(feature_->id); }

std::string LayerFeatureView::geometry_type() const {
    switch (feature_->geometry.type) {
        case GeometryType::Point: return "Point";
        case GeometryType::LineString: return "LineString";
        case GeometryType::Polygon: return "Polygon";
        case GeometryType::None: break;
    }
    return "Unknown";
}

std::optional<ex::Value> SyntheticFeatureView::property(const std::string& name) const {
    auto it = properties_.find(name);
    if (it == properties_.end()) return std::nullopt;
    return it->second;
}

}  // namespace cartelier::render
