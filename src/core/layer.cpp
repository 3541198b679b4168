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

/// Counts `v` in `stats` when it is set (a boolean, a number or a text).
void count(FieldStats& stats, const Value& v) {
    const std::uint8_t kind = std::holds_alternative<bool>(v)          ? FieldStats::Boolean
                              : std::holds_alternative<double>(v)      ? FieldStats::Number
                              : std::holds_alternative<std::string>(v) ? FieldStats::Text
                                                                       : 0;
    if (!kind) return;
    ++stats.set;
    stats.kinds |= kind;
}

}  // namespace

std::vector<FieldStats> field_stats(const Layer& layer) {
    std::vector<FieldStats> out(layer.schema->size());
    for (const Feature& f : layer.features)
        for (std::size_t i = 0; i < f.values.size() && i < out.size(); ++i) count(out[i], f.values[i]);
    return out;
}

FieldStats whole_field_stats(const Layer& layer, std::size_t index) {
    if (layer.subset) return layer.subset->fields.at(index);
    FieldStats out;
    for (const Feature& f : layer.features) count(out, f.value(index));
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
