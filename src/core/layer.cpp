#include "core/layer.hpp"

namespace cartelier {

Schema::Schema(std::vector<std::string> fields) {
    for (const auto& f : fields) add(f);
}

std::size_t Schema::add(const std::string& name) {
    if (auto it = index_.find(name); it != index_.end()) return it->second;
    fields_.push_back(name);
    index_.emplace(name, fields_.size() - 1);
    return fields_.size() - 1;
}

std::optional<std::size_t> Schema::index(std::string_view name) const {
    auto it = index_.find(std::string(name));
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

Box Layer::bounds() const {
    Box b;
    for (const auto& f : features) b.expand(f.geometry.bounds());
    return b;
}

const Value& Layer::get(const Feature& feature, std::string_view field) const {
    static const Value null_value;
    auto i = schema->index(field);
    return i ? feature.value(*i) : null_value;
}

}  // namespace cartelier
