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

namespace {

std::uint8_t kind_bit(const Value& v) {
    return std::holds_alternative<bool>(v)          ? FieldStats::Boolean
           : std::holds_alternative<double>(v)      ? FieldStats::Number
           : std::holds_alternative<std::string>(v) ? FieldStats::Text
                                                    : 0;
}

}  // namespace

std::vector<FieldStats> field_stats(const Layer& layer) {
    std::vector<FieldStats> out(layer.schema->size());
    for (const Feature& f : layer.features)
        for (std::size_t i = 0; i < f.values.size() && i < out.size(); ++i)
            if (const std::uint8_t kind = kind_bit(f.values[i])) {
                ++out[i].set;
                out[i].kinds |= kind;
            }
    return out;
}

FieldStats whole_field_stats(const Layer& layer, std::size_t index) {
    if (layer.subset) return layer.subset->fields.at(index);
    FieldStats out;
    for (const Feature& f : layer.features)
        if (const std::uint8_t kind = kind_bit(f.value(index))) {
            ++out.set;
            out.kinds |= kind;
        }
    return out;
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
