// The build: for each map, the pipeline of stages
//   read layers → join → check → reproject → load style → lay out and render → write outputs,
// with each project layer read (and each reprojection done) once per build, whatever the number of maps.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "build/layer_store.hpp"
#include "build/project.hpp"
#include "core/diagnostic.hpp"
#include "core/layer.hpp"

namespace cartelier::build {

struct BuildOptions {
    std::vector<std::string> maps;   ///< empty: every map of the project
    std::string out_dir = "out";
    std::optional<std::int64_t> date;  ///< build date (seconds since epoch); default SOURCE_DATE_EPOCH or now
};

struct OutputInfo {
    std::string path;
    std::size_t bytes = 0;
};

struct LabelCounts {
    std::size_t placed = 0, displaced = 0, unplaced = 0;
};

struct MapOutcome {
    std::string id;
    bool ok = false;
    Diagnostics diagnostics;
    std::vector<OutputInfo> outputs;
    LabelCounts labels;
    double scale_denominator = 0;
    double zoom = 0;
    double seconds = 0;
};

struct BuildOutcome {
    std::vector<MapOutcome> maps;
    /// 0: every map built; 1: at least one map failed.
    int exit_code() const;
};

/// Builds the maps. A map that fails keeps its previous outputs; the others still build.
/// Throws Error when an unknown map id is asked for.
BuildOutcome run_build(const Project& project, const BuildOptions& options);

/// Credits text of a map: its template with {sources} (editions of the layers it draws, from
/// SOURCES.json beside each file or the layer's 'attribution'), {producer} and {date}.
std::string credits_text(const Project& project, const MapDecl& map, const std::vector<std::string>& source_layers,
                         std::int64_t date);

/// "25 novembre 2026".
std::string french_date(std::int64_t seconds_since_epoch);

}  // namespace cartelier::build
