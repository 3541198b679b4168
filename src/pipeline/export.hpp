// `cartelier export LAYER -o FILE [--crs CRS]`: a project layer as the maps draw it (read, joined, and
// computed by its steps: the layer pipeline::LayerStore gives), written as a vector file that GIS
// software opens (data/layer_writer.hpp), in the layer's CRS or another.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "pipeline/project.hpp"

namespace cartelier::pipeline {

struct ExportRequest {
    std::string layer;           ///< the project's layer name
    std::filesystem::path file;  ///< the file to write; its extension chooses the format
    std::string crs;             ///< empty: the layer's own CRS
};

/// What an export wrote.
struct ExportOutcome {
    std::vector<std::filesystem::path> files;  ///< the main file first, then its sidecars (.shx, .dbf…)
    std::size_t features = 0;
    std::string crs;                           ///< the CRS of the coordinates written
    Diagnostics warnings;                      ///< of loading the layer and of writing it
};

/// Why `request` cannot be carried out before any layer is loaded, as an Error: no such layer (the
/// project's layers listed, the nearest suggested), an extension that names no format (the supported
/// ones listed), no folder for the file, a CRS PROJ does not know. Returns normally when none applies.
void check_export(const Project& project, const ExportRequest& request);

/// check_export, then the layer loaded as the build loads it (LayerStore::source, or
/// LayerStore::projected into `request.crs`, which also runs the layer's checks in that CRS), then
/// written all or nothing (data::write_layer_file). Throws Error with the layer's diagnostics when it
/// cannot be loaded, or naming the file when it cannot be written; then nothing at the file changed.
ExportOutcome export_layer(const Project& project, const ExportRequest& request);

}  // namespace cartelier::pipeline
