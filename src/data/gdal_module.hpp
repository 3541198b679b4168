// Cartelier's GDAL module (cartelier-gdal.so) seen from the program: finding and loading it, checking
// that it was built for this program, reading a layer, writing a GeoTIFF page and writing a layer as a
// vector file through its C boundary
// (data/gdal/module_abi.h). GDAL and the many libraries it pulls in are loaded only when a layer has to
// be read through it or a GeoTIFF written.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"
#include "data/gdal/module_abi.h"
#include "data/layer_reader.hpp"

namespace cartelier::data {

/// The build the program expects of its module (the version Cartelier was built as).
const char* gdal_module_build_id();

/// Why the table a module's entry returned cannot be used by this program: null, another ABI version or
/// another build, said with the module file `path`, what was expected and what was found. Empty when it
/// can be used.
std::string gdal_module_problem(const cartelier_gdal_module* table, const std::string& path);

/// A module loaded for this program, or why none could be.
struct GdalModule {
    const cartelier_gdal_module* table = nullptr;  ///< null when no path gave a usable module
    std::string problem;                           ///< then: why, for each path tried, separated by "; "
};

/// Loads the first of `paths` that is a usable module (dlopen, its entry, gdal_module_problem). A module
/// opened is never closed, even when refused.
GdalModule load_gdal_module(const std::vector<std::string>& paths);

/// The program's module, loaded on the first call only: from CARTELIER_GDAL_MODULE when set (that path
/// only), else beside the program, else in the build tree.
const GdalModule& gdal_module();

/// Reads the layer of `spec` through `module` as read_layer promises: features to `sink` (or into `layer`),
/// problems to `diagnostics`. What stopped the module comes back as it was: a cartelier::Error thrown in
/// the module is rethrown with the same diagnostics, an exception of the sink is rethrown as it was; any
/// other exception of the module becomes the error "layer '…': reading failed: what".
void read_through(const cartelier_gdal_module& module, const LayerSpec& spec, Diagnostics& diagnostics,
                  const FeatureSink& sink, const ReadOptions& options, Layer& layer);

/// The digest of the rows of the database layer of `spec` (database_digest of layer_reader.hpp), computed
/// by `module`. Throws Error with what the module found (the server's message, any password removed).
std::string digest_through(const cartelier_gdal_module& module, const LayerSpec& spec);

/// A page's pixels and where they lie, for encode_geotiff.
struct GeoTiffPage {
    const unsigned char* pixels = nullptr;  ///< `height` rows of `width` × `bands` bytes, top row first
    int width = 0;
    int height = 0;
    int bands = 3;                          ///< 3: RGB; 4: RGB and an alpha that is not premultiplied
    std::size_t stride = 0;                 ///< bytes from one row to the next
    double dpi = 0;                         ///< recorded as the TIFF resolution
    std::optional<std::array<double, 6>> geotransform;  ///< GDAL's; none: a plain TIFF
    std::string wkt;                        ///< the CRS, with the geotransform
};

/// The GeoTIFF file of `page`, encoded by `module` (write_geotiff of module_abi.h). Throws Error
/// "writing the GeoTIFF failed: what GDAL said" when the module fails.
std::string encode_geotiff(const cartelier_gdal_module& module, const GeoTiffPage& page);

/// The same through the program's module (gdal_module(), loaded on first use). Throws Error saying why
/// when the module cannot be loaded.
std::string encode_geotiff(const GeoTiffPage& page);

/// Writes every feature of `layer` as the new vector file `path` through `module` (write_layer of
/// module_abi.h), with the GDAL driver `driver`, in the CRS `crs_wkt`; what the file could not keep as it
/// was into `warnings`. Throws Error "layer '…': writing PATH failed: what GDAL said" when the module fails
/// (the file may then be half written: data::write_layer_file writes into a folder of its own).
void write_through(const cartelier_gdal_module& module, const Layer& layer, const std::string& path,
                   const std::string& driver, const std::string& crs_wkt, Diagnostics& warnings);

}  // namespace cartelier::data
