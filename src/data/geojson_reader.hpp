// Reading a GeoJSON file without GDAL: the common case (a FeatureCollection of features whose
// properties are numbers, text, booleans and nulls) parsed with simdjson, a feature at a time, into
// exactly the layer GDAL's GeoJSON driver gives Cartelier (data/gdal/ogr_reader.cpp): the same fields in
// the same order, the same values, ids, vertices (to the bit) and CRS. GDAL parses such a file twice
// (a first pass for the schema) through json-c objects; this reader parses it once, several times as
// fast, and a build that reads only such files never loads GDAL.
//
// Whatever it cannot read exactly as GDAL would — a "crs" member, a feature "id", nested or array
// properties, text that GDAL would take for a date, a field mixing text and numbers, geometry
// collections, empty geometries, invalid JSON — it declines, and the caller reads the file through GDAL.
#pragma once

#include <string>
#include <string_view>

#include "core/layer.hpp"
#include "data/layer_reader.hpp"

namespace cartelier::data {

/// What try_read_geojson did.
struct GeojsonRead {
    bool read = false;        ///< the layer is read (and every chunk given to the sink)
    std::string declined;     ///< else why not (a feature's place and what it holds), for the log and tests
};

/// Whether `spec` is a file this reader may try: a regular file named *.geojson or *.json, no
/// `layer:` inside it, not a database or CSV point table.
bool geojson_candidate(const LayerSpec& spec);

/// Reads `spec.path` into `layer` (its name and source already set), or hands its features to `sink`
/// in chunks as read_layer does. Says nothing: a file it reads has nothing to say that GDAL would
/// (its declines cover every case where GDAL warns or fails). On a decline, `layer` holds no features
/// and an empty schema, and when chunks were already handed over the sink was restarted
/// (FeatureSink::restart).
GeojsonRead try_read_geojson(const LayerSpec& spec, const FeatureSink& sink, Layer& layer);

/// The same, from `text` instead of the file (the fuzz target); `spec.path` is not read.
GeojsonRead try_read_geojson_text(std::string_view text, const LayerSpec& spec, const FeatureSink& sink, Layer& layer);

}  // namespace cartelier::data
