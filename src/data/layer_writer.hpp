// Writing a layer as a vector file (`cartelier export`): the format from the file's extension, the
// features written by the GDAL module (data/gdal/ogr_writer.hpp), and the file put in place only once
// complete, so that a failed export never leaves a half-written file nor changes the one it would replace.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"

namespace cartelier::data {

/// A vector format Cartelier writes: the file extension that selects it and GDAL's driver.
struct VectorFormat {
    std::string extension;  ///< ".geojson", ".gpkg", ".shp", ".csv"
    std::string driver;     ///< "GeoJSON", "GPKG", "ESRI Shapefile", "CSV"
    /// The other files the format writes beside the main one (".shx", ".dbf"…), and those a previous
    /// file of the same name may have beside it that a new one makes stale (a shapefile's spatial index):
    /// removed when the new file replaces it and did not write them.
    std::vector<std::string> sidecars;
};

/// Every format, in the order messages list them.
const std::vector<VectorFormat>& vector_formats();

/// The format of `path` from its extension (any case). Throws Error at `path`: "unknown extension '.x'",
/// listing the supported ones.
const VectorFormat& vector_format_for(const std::filesystem::path& path);

/// What write_layer_file would refuse of `path` before writing anything, as an Error at `path`: an
/// unknown extension (vector_format_for), no such folder, `path` a folder. Returns its format.
const VectorFormat& check_target(const std::filesystem::path& path);

/// Writes every feature of `layer`, whose coordinates are in the CRS `crs_wkt` (WKT, geo::crs_wkt),
/// as the file `path` in the format of its extension (vector_format_for; data/gdal/ogr_writer.hpp says
/// how fields, ids and geometries are written), all or nothing: the files are written into a temporary
/// folder beside `path` (`.NAME.tmp-PID`), synced, then renamed into place; a file already at `path`
/// (and its sidecars) is replaced only then. On any failure nothing at `path` changes and the temporary
/// folder is removed. Throws Error naming `path`: unknown extension, no such folder, `path` a folder,
/// a folder that cannot be written, or what GDAL said. What the format could not keep (a field renamed)
/// goes to `warnings`. Returns the files written, the main one first.
std::vector<std::filesystem::path> write_layer_file(const Layer& layer, const std::filesystem::path& path,
                                                    const std::string& crs_wkt, Diagnostics& warnings);

}  // namespace cartelier::data
