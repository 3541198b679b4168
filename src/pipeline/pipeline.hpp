// The build: for each map, the pipeline of stages
//   read layers → join → check → reproject → load style → lay out and render → write outputs,
// with each project layer read (and each reprojection done) once per build, whatever the number of maps.
//
// Incremental (pipeline/state.hpp): a map whose inputs are unchanged since its last build, and whose
// outputs are still those that build wrote, is not rebuilt. Parallel: maps, and the formats of each
// map, render on `jobs` threads. Atomic: a map's outputs are written (temp file + rename) only once all
// its formats rendered; a failing map keeps its previous outputs. Interruptible (pipeline/cancel.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/layer_store.hpp"
#include "pipeline/project.hpp"
#include "pipeline/shard.hpp"
#include "pipeline/state.hpp"
#include "core/diagnostic.hpp"
#include "core/layer.hpp"

namespace cartelier::pipeline {

class LayerStore;

struct BuildOptions {
    std::vector<std::string> maps;   ///< empty: every map of the project
    std::string out_dir = "out";
    /// The date the outputs carry (seconds since the epoch). Default: SOURCE_DATE_EPOCH, else the
    /// newest input of each map (see pipeline/state.hpp).
    std::optional<std::int64_t> date;
    bool force = false;              ///< rebuild even the maps that are up to date
    unsigned jobs = 0;               ///< threads; 0: the number of cores
    std::optional<Shard> shard;      ///< only this share of the (selected) maps
    /// Layers already loaded for this project (and what the renderer prepared from them), kept by the
    /// caller between builds (`cartelier watch`); null: the build loads its own.
    LayerStore* layers = nullptr;
};

struct OutputInfo {
    std::string path;
    std::size_t bytes = 0;
    std::string sha256;
};

struct LabelCounts {
    std::size_t placed = 0, displaced = 0, unplaced = 0;
};

enum class MapStatus { Built, UpToDate, Failed, Interrupted };
/// "built", "up to date", "failed", "interrupted".
const char* status_name(MapStatus s);

struct MapOutcome {
    std::string id;
    MapStatus status = MapStatus::Failed;
    bool ok = false;                 ///< built or up to date
    std::vector<std::string> reasons;  ///< why it was (re)built: the inputs that changed, or "--force"
    Diagnostics diagnostics;
    std::vector<InputRecord> inputs;
    std::vector<OutputInfo> outputs;   ///< written (built) or recorded (up to date)
    LabelCounts labels;
    double scale_denominator = 0;
    double zoom = 0;
    std::int64_t date = 0;
    std::map<std::string, double> stages;  ///< seconds per stage: load, join, reproject, check, prepare, render, write
    double seconds = 0;
};

struct BuildOutcome {
    std::vector<MapOutcome> maps;
    Diagnostics warnings;            ///< about layers shared by several maps (unmatched optional joins…)
    unsigned jobs = 1;
    double seconds = 0;
    std::size_t stale_temp_files_removed = 0;
    int interrupted_by = 0;          ///< the signal that stopped the build, or 0
    /// 0: every map built or up to date; 1: at least one map failed; 128 + signal when interrupted.
    int exit_code() const;
};

/// Builds the maps. A map that fails keeps its previous outputs; the others still build.
/// Throws Error when an unknown map id is asked for.
BuildOutcome run_build(const Project& project, const BuildOptions& options);

/// The selected maps (--map, then --shard), in project order; throws Error for an unknown id.
std::vector<const MapDecl*> select_maps(const Project& project, const BuildOptions& options);

struct MapPlan {
    const MapDecl* map = nullptr;
    std::optional<MapState> previous;
    std::string previous_problem;        ///< why there is no previous state
    std::vector<InputRecord> inputs;     ///< current inputs (by the previous build's layers and fonts)
    std::vector<std::string> reasons;    ///< why it is stale; empty: up to date
};
/// Whether each selected map is up to date, and why not — without loading layers or parsing styles
/// (the no-op path of `build`, and `cartelier list`).
std::vector<MapPlan> plan_maps(const Project& project, const BuildOptions& options, InputContext& inputs);

/// Removes the temporary files (`.ID.ext.tmp-PID`) that a killed build of these maps left in the
/// output folder and its state folder: those whose process is gone, or older than an hour.
std::size_t remove_stale_temp_files(const std::string& out_dir, const std::vector<const MapDecl*>& maps);

/// Credits text of a map: its template with {sources} (editions of the layers it draws, from
/// SOURCES.json beside each file or the layer's 'attribution'), {producer} and {date}.
std::string credits_text(const Project& project, const MapDecl& map, const std::vector<std::string>& source_layers,
                         std::int64_t date);

/// "25 novembre 2026".
std::string french_date(std::int64_t seconds_since_epoch);

/// SOURCE_DATE_EPOCH from the environment, if set to an integer.
std::optional<std::int64_t> source_date_epoch();

}  // namespace cartelier::pipeline
