// Inside the GDAL module: from an OGR layer (a file's, or a database query's result) to Cartelier's
// layer model. Shared by the file reader (ogr_reader.cpp) and the PostgreSQL reader (pg_reader.cpp).
#pragma once

#include <string>

#include <ogrsf_frmts.h>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"
#include "data/gdal/gdal_handles.hpp"
#include "data/layer_reader.hpp"

namespace cartelier::data {

/// "EPSG:2154" when the CRS has (or GDAL finds) an authority code, else its WKT2.
std::string crs_name(const OGRSpatialReference& srs);

/// Reads every feature of `source` into `layer` (its name and source already set: messages name
/// `layer.source`), or into `sink`. The geometry is that of the geometry field `geometry_field` (none
/// when the layer has no such field); the CRS is `spec.crs`, else that field's, else an error at
/// `spec.declared_at`. Ids come from `spec.id_field` (an error listing the fields when there is no such
/// field), else the FID.
void read_features(OGRLayer& source, const LayerSpec& spec, const GdalErrorCapture& errors, Diagnostics& diagnostics,
                   const FeatureSink& sink, Layer& layer, int geometry_field = 0);

/// Reads a layer whose LayerSpec::database is set (pg_reader.cpp): the rows, and their digest computed in
/// the same snapshot (a read-only repeatable-read transaction) into `layer.digest`.
void read_database(const LayerSpec& spec, Diagnostics& diagnostics, const FeatureSink& sink, Layer& layer);

/// The digest of the rows a database layer reads now (data::database_digest); problems to `diagnostics`
/// (then the result is empty).
std::string digest_database(const LayerSpec& spec, Diagnostics& diagnostics);

}  // namespace cartelier::data
