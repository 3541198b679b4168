// Cartelier's GDAL reader module (cartelier-gdal.so) seen from the program: finding and loading it, checking
// that it was built for this program, and reading a layer through its C boundary (data/gdal/module_abi.h).
// GDAL and the many libraries it pulls in are loaded only when a layer has to be read through it.
#pragma once

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

}  // namespace cartelier::data
