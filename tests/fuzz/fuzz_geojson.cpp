// libFuzzer target: Cartelier's GeoJSON reader (data/geojson_reader.hpp), read whole and through a
// sink, with and without an id field: it reads a well-formed layer or declines, the same either way,
// and a decline leaves nothing behind.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../support/geojson_invariants.hpp"
#include "data/geojson_reader.hpp"

using namespace cartelier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const char* id : {"", "code"}) {
        data::LayerSpec spec;
        spec.name = "fuzz";
        spec.path = "fuzz.geojson";
        spec.id_field = id;
        Layer whole;
        const data::GeojsonRead r = data::try_read_geojson_text(text, spec, {}, whole);
        if (r.read && !test::geojson_layer_problem(whole).empty()) __builtin_trap();
        if (!r.read && (!whole.features.empty() || whole.schema->size() != 0 || r.declined.empty())) __builtin_trap();
        std::size_t kept = 0;
        data::FeatureSink sink;
        sink.take = [&](const Layer&, std::vector<Feature>&& chunk) { kept += chunk.size(); };
        sink.restart = [&] { kept = 0; };
        Layer rest;
        const data::GeojsonRead s = data::try_read_geojson_text(text, spec, sink, rest);
        if (s.read != r.read || s.declined != r.declined) __builtin_trap();
        if (kept != whole.features.size() || !rest.features.empty()) __builtin_trap();
    }
    return 0;
}
