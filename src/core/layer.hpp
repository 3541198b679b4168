// Features and layers: what a reader produces and every later stage consumes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

struct Layer {
    std::string name;                  ///< the project's name for it (a style's source-layer)
    std::string source;                ///< the file it was read from (or the database source), for messages
    /// A database layer's digest of the rows read (data::database_digest); empty for a file.
    std::string digest;
    std::string crs;                   ///< the CRS of its coordinates, as PROJ understands it ("EPSG:2154", WKT…)
    std::shared_ptr<Schema> schema = std::make_shared<Schema>();
    std::vector<Feature> features;

    Box bounds() const;
    /// The value of `field` for `feature`, or null when the layer has no such field.
    const Value& get(const Feature& feature, std::string_view field) const;
};

}  // namespace cartelier
