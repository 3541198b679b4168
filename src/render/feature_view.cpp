#include "render/feature_view.hpp"

namespace cartelier::render {

namespace ex = style::expr;

std::optional<ex::Value> SyntheticFeatureView::property(const std::string& name) const {
    auto it = properties_.find(name);
    if (it == properties_.end()) return std::nullopt;
    return it->second;
}

}  // namespace cartelier::render
