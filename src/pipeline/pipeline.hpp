// A map build: the one path from plan to page, taken by `cartelier build`, `check`, `watch` and the
// tests. Its stages, in order, each in its own file with a narrow interface:
//
//   1. plan     (pipeline/plan.hpp)           select the maps (--map, --shard); for each, up to date or
//                                             why not, from its recorded state and its inputs' hashes —
//                                             no layer loaded, no style parsed
//   2. prepare  (pipeline/prepare.hpp)        read the style once and parse it into an immutable Style;
//                                             load, join, check and reproject the layers it draws (each
//                                             layer once per build: pipeline/layer_store.hpp); resolve
//                                             its icons and fonts; its inputs, date and credits. Every
//                                             problem is reported here, before any drawing.
//                                             `cartelier check` runs stages 1 (selection) and 2 only.
//   3. render   (pipeline/render_format.hpp)  each format (PDF, PNG, SVG) of the prepared map drawn in
//                                             memory: page plan and placement (layout/), drawing (render/)
//   4. write    (pipeline/write.hpp)          once every format rendered: the files written atomically,
//                                             then the map's state (pipeline/state.hpp). In strict mode
//                                             (--strict, `strict: true`) a map with any warning — its
//                                             own or of a layer it reads — fails here instead, unwritten;
//                                             `check` fails it the same way after stage 2.
//
// Incremental: a map whose inputs are unchanged since its last build, and whose outputs are still those
// that build wrote, stops after stage 1 (in strict mode, only when that build gave no warning). Parallel: `jobs` threads take tasks from one queue — prepare a
// map, render one of its formats — so maps, and the formats of a map, run at the same time. Atomic: a
// failing map keeps its previous outputs. Interruptible (pipeline/cancel.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "layout/furniture.hpp"
#include "pipeline/plan.hpp"
#include "pipeline/project.hpp"
#include "pipeline/state.hpp"
#include "pipeline/write.hpp"

namespace cartelier::pipeline {

/// A map's label placement, as the build report gives it (layout::LabelQuality, every frame).
struct LabelCounts {
    std::size_t placed = 0, displaced = 0, numbered = 0, unplaced = 0;
    std::size_t leader_crossings = 0;  ///< leaders crossing a label, leader, symbol or page element
    std::size_t symbol_overlaps = 0;   ///< label texts over a symbol
    double mean_displacement_mm = 0;   ///< displaced labels: mean distance from the point to the text
    double max_displacement_mm = 0;
    double lines_hidden_mm2 = 0;       ///< drawn lines under the label texts (layout::LabelQuality)
    /// Each label that found no room, in placement order (the report lists them; the build's warnings
    /// name a few per style layer).
    struct Unplaced {
        std::string layer, feature, text;
    };
    std::vector<Unplaced> unplaced_labels;
};

enum class MapStatus { Built, UpToDate, Failed, Interrupted };
/// "built", "up to date", "failed", "interrupted".
const char* status_name(MapStatus s);

struct MapOutcome {
    std::string id;
    MapStatus status = MapStatus::Failed;
    std::vector<std::string> reasons;  ///< why it was (re)built: the inputs that changed, or "--force"
    Diagnostics diagnostics;
    std::vector<InputRecord> inputs;
    std::vector<OutputInfo> outputs;   ///< written (built) or recorded (up to date)
    std::vector<std::string> removed;  ///< outputs of its last build no longer produced, removed (write.hpp)
    LabelCounts labels;
    double scale_denominator = 0;
    /// Each frame's name ("" for the main map) and scale 1:N at its centre: the main map, then the insets.
    std::vector<std::pair<std::string, double>> frame_scales;
    double land_hidden_mm2 = 0;  ///< land hidden by the page furniture (legend, scale bars…), mm²
    std::vector<layout::FurnitureChoice> furniture;  ///< each decoration: the position it took, the land it hides
    double zoom = 0;
    std::int64_t date = 0;
    std::map<std::string, double> stages;  ///< seconds per stage: load, join, reproject, check, prepare, render, write
    double seconds = 0;
    /// Built or up to date.
    bool ok() const { return status == MapStatus::Built || status == MapStatus::UpToDate; }
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

/// Builds the maps: stages 1 to 4. A map that fails keeps its previous outputs; the others still build.
/// Throws Error when an unknown map id is asked for.
BuildOutcome run_build(const Project& project, const BuildOptions& options);

/// The series PDF of an atlas (`out/ATLAS.pdf`), whose last assembly's state is `previous`
/// (load_map_state of the atlas's id), against its pages' PDFs as last written (`page_pdfs`: per page,
/// kind "page", its id as name and its PDF's SHA-256 as hash, in page order): "" when the file Cartelier
/// last assembled is there unchanged and was made of exactly these PDFs; else why not: "never
/// assembled", "output ATLAS.pdf is missing", "output ATLAS.pdf was modified since the last build" or
/// "its pages changed since the last assembly". `build` assembles it again then.
std::string series_staleness(const std::optional<MapState>& previous, const std::vector<InputRecord>& page_pdfs,
                             const std::string& out_dir);

/// Per atlas id, how many of `maps`' pages of it (ids `ATLAS/PAGE`) are up to date, and how many there
/// are: what `build` and `watch` print in one line per atlas instead of a line per page up to date.
std::map<std::string, std::pair<std::size_t, std::size_t>> atlas_pages_up_to_date(const std::vector<MapOutcome>& maps);

/// What `list` says of an atlas's series PDF, from the plans of its pages (plan_maps).
struct SeriesStatus {
    const MapDecl* atlas = nullptr;
    std::string file;               ///< out/ATLAS.pdf
    std::size_t pages = 0;
    std::size_t stale_pages = 0;    ///< pages to build before the series can be assembled
    std::string reason;             ///< series_staleness() when every page is up to date
};

/// The series of `selection` an unsharded build would assemble (an atlas with the PDF format and
/// pages, all of them selected), each with its status; `plans` are the plans of `selection.maps`.
std::vector<SeriesStatus> series_status(const struct AtlasSelection& selection, const std::vector<MapPlan>& plans,
                                        const BuildOptions& options, const std::filesystem::path& root);

struct CheckOutcome {
    std::vector<std::pair<std::string, Diagnostics>> maps;  ///< per selected map, in order: its problems
    Diagnostics all;         ///< every problem: the maps', the shared layers' warnings, the output folder's
    bool ok() const { return !all.has_errors(); }
};

/// Everything `build` would reject, without rendering: stage 2 for every selected map (whether up to
/// date or not), with no prepared cache written, and whether the output folder can be written.
/// Throws Error when an unknown map id is asked for.
CheckOutcome run_check(const Project& project, const BuildOptions& options);

}  // namespace cartelier::pipeline
