// Features and layers: what a reader produces and every later stage consumes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/geometry.hpp"
#include "core/value.hpp"

namespace cartelier {

/// Field names of a layer, shared by all its features (features store values by index).
class Schema {
public:
    Schema() = default;
    explicit Schema(std::vector<std::string> fields);

    /// Adds a field (or returns the index of an existing one of the same name).
    std::size_t add(const std::string& name);
    std::optional<std::size_t> index(std::string_view name) const;
    const std::vector<std::string>& fields() const { return fields_; }
    std::size_t size() const { return fields_.size(); }

private:
    std::vector<std::string> fields_;
    std::unordered_map<std::string, std::size_t> index_;
};

struct Feature {
    std::string id;              ///< stable id: the source FID or a declared id field
    std::uint32_t line = 0;      ///< line in the source file when it is a text table (CSV), else 0
    std::vector<Value> values;   ///< by Schema index; may be shorter than the schema (missing = null)
    Geometry geometry;

    const Value& value(std::size_t index) const {
        static const Value null_value;
        return index < values.size() ? values[index] : null_value;
    }
};

/// What one field holds over the features of a layer: how many set it (not null), and of which kinds.
struct FieldStats {
    enum Kind : std::uint8_t { Boolean = 1, Number = 2, Text = 4 };
    std::uint32_t set = 0;  ///< features whose value is not null
    std::uint8_t kinds = 0; ///< the Kind bits of those values
    bool operator==(const FieldStats&) const = default;
};

struct Layer;

/// Per schema field, FieldStats over the features of `layer`.
std::vector<FieldStats> field_stats(const Layer& layer);
/// FieldStats of schema field `index` over the whole layer that `layer` holds or is a copy of (its
/// LayerSubset's when it holds some of the features).
FieldStats whole_field_stats(const Layer& layer, std::size_t index);

/// A copy of a layer that holds only some of its features, in their order: what
/// pipeline::LayerStore::drawn() holds of a layer in a CRS where a build draws only a window (the
/// communes near Réunion in its UTM zone). It remembers what a check of the data needs of the whole layer.
struct LayerSubset {
    std::size_t whole_size = 0;          ///< the features of the whole layer
    std::vector<std::uint32_t> index;    ///< each feature's position in the whole layer, ascending
    std::vector<FieldStats> fields;      ///< field_stats() of the whole layer, by schema index
    bool operator==(const LayerSubset&) const = default;
};

struct Layer {
    std::string name;                  ///< the project's name for it (a style's source-layer)
    std::string source;                ///< the file it was read from (or the database source), for messages
    /// A database layer's digest of the rows read (data::database_digest); empty for a file.
    std::string digest;
    std::string crs;                   ///< the CRS of its coordinates, as PROJ understands it ("EPSG:2154", WKT…)
    std::shared_ptr<Schema> schema = std::make_shared<Schema>();
    std::vector<Feature> features;
    /// Null: the layer holds every feature (of the layer as read, or of its source). Set: a copy holding
    /// some of them (LayerSubset).
    std::shared_ptr<const LayerSubset> subset;

    /// The number of features of the whole layer (features.size() when it holds them all).
    std::size_t whole_size() const { return subset ? subset->whole_size : features.size(); }
    /// The position of features[k] in the whole layer.
    std::size_t whole_index(std::size_t k) const { return subset ? subset->index[k] : k; }

    Box bounds() const;
    /// The value of `field` for `feature`, or null when the layer has no such field.
    const Value& get(const Feature& feature, std::string_view field) const;
};

/// Walks copies of one layer (each holding every feature of the whole layer, or some: LayerSubset) feature
/// by feature in the order of the whole layer: for each feature one of them holds, calls
/// `each(held)`, where held[c] is the feature's index in copies[c], or kNotHeld; the walk stops when
/// `each` returns false (an `each` returning void walks them all). Every copy must have the same whole_size().
inline constexpr std::size_t kNotHeld = static_cast<std::size_t>(-1);
template <class Each>
void for_each_held(const std::vector<const Layer*>& copies, Each each) {
    std::vector<std::size_t> at(copies.size(), 0), held(copies.size(), kNotHeld);
    for (;;) {
        std::size_t next = kNotHeld;
        for (std::size_t c = 0; c < copies.size(); ++c)
            if (at[c] < copies[c]->features.size()) next = std::min(next, copies[c]->whole_index(at[c]));
        if (next == kNotHeld) return;
        for (std::size_t c = 0; c < copies.size(); ++c)
            held[c] = at[c] < copies[c]->features.size() && copies[c]->whole_index(at[c]) == next ? at[c]++ : kNotHeld;
        const std::vector<std::size_t>& view = held;
        if constexpr (std::is_same_v<decltype(each(view)), bool>) {
            if (!each(view)) return;
        } else {
            each(view);
        }
    }
}

}  // namespace cartelier
