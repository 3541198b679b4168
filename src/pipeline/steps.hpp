// The processing steps of derived layers (`from:` and `steps:` in the project file): a layer made from
// another by filter, join, dissolve, point_on_surface, centroid, clip and buffer, run in the declared
// order. Each step is one small operation (the geometry ones in geo/: dissolve.hpp, overlay.hpp); this
// module runs them and words their problems with the step's place in the project file.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"
#include "data/join.hpp"
#include "pipeline/project.hpp"

namespace cartelier::pipeline {

/// What the steps may ask of the other project layers (a clip to a layer): that layer in `crs`.
/// Throws Error when it cannot be loaded.
using LayerInCrs = std::function<const Layer&(const std::string& name, const std::string& crs)>;

/// What running the steps found, beside the layer.
struct StepsRun {
    std::vector<data::JoinStats> joins;  ///< one per join step, in order
    std::vector<std::string> files;      ///< the files the steps read (join tables)
};

/// Runs `decl.steps` in order on `layer` (its `from` layer as loaded, already in the steps' CRS). Every
/// problem names the step (`layers.epci.steps[2].dissolve.by: no field 'epci' in layer 'communes'
/// (did you mean 'epci_code'?)`); a step with errors stops the run (the later steps would only repeat
/// them). A buffer in a geographic CRS is an error naming the step. The layer keeps `name`.
Layer run_steps(Layer layer, const std::string& name, const LayerDecl& decl, const LayerInCrs& other_layer,
                Diagnostics& diagnostics, StepsRun* run = nullptr);

/// The tables the steps of `decl` read (join steps), absolute paths, in order.
std::vector<std::string> step_files(const LayerDecl& decl);

/// The files the layer reads itself (not those of the layers it is computed from): its source file (none
/// for a database), its joins' tables and its steps' tables, absolute paths.
std::vector<std::string> layer_files(const LayerDecl& decl);

}  // namespace cartelier::pipeline
