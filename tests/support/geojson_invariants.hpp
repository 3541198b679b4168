// What every layer data/geojson_reader.hpp reads must be, whatever the input: shared by its fuzz
// target (tests/fuzz/fuzz_geojson.cpp) and the replay of the fuzz corpus (FuzzCorpus tests).
#pragma once

#include <string>

#include "core/layer.hpp"

namespace cartelier::test {

/// Empty when `layer` is well formed: a value for every field of every feature, geometry offsets
/// that start at 0, never decrease and end at the vertex and ring counts, and a type for any vertex.
inline std::string geojson_layer_problem(const Layer& layer) {
    const std::size_t fields = layer.schema->size();
    for (std::size_t i = 0; i < layer.features.size(); ++i) {
        const Feature& f = layer.features[i];
        const Geometry& g = f.geometry;
        const std::string at = "feature " + std::to_string(i) + ": ";
        if (f.values.size() != fields) return at + "values for " + std::to_string(f.values.size()) + " fields";
        if (g.points.empty()) {
            if (g.type != GeometryType::None || !g.rings.empty() || !g.parts.empty()) return at + "an empty geometry with a type";
            continue;
        }
        if (g.type == GeometryType::None) return at + "vertices without a type";
        if (g.rings.empty() || g.rings.front() != 0 || g.rings.back() != g.points.size()) return at + "ring offsets";
        if (g.parts.empty() || g.parts.front() != 0 || g.parts.back() != g.ring_count()) return at + "part offsets";
        for (std::size_t k = 1; k < g.rings.size(); ++k)
            if (g.rings[k] <= g.rings[k - 1]) return at + "an empty or backward ring";
        for (std::size_t k = 1; k < g.parts.size(); ++k)
            if (g.parts[k] <= g.parts[k - 1]) return at + "an empty or backward part";
    }
    return {};
}

}  // namespace cartelier::test
