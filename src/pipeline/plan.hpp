// Stage 1 of a map build, PLAN: which maps a command is about, and whether each is up to date and why
// not — from the recorded state and the inputs' hashes, without loading a layer or parsing a style
// (the no-op path of `build`, and `cartelier list`). See pipeline/pipeline.hpp for the stage order.
#pragma once

#include <cstdint>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/project.hpp"
#include "pipeline/shard.hpp"
#include "pipeline/state.hpp"

namespace cartelier::layout {
class TextMetricsMemo;
}  // namespace cartelier::layout

namespace cartelier::pipeline {

class LayerStore;
class PageBlockCache;

struct BuildOptions {
    std::vector<std::string> maps;   ///< empty: every map of the project
    std::string out_dir = "out";
    /// The date the outputs carry (seconds since the epoch). Default: SOURCE_DATE_EPOCH, else the
    /// newest input of each map (see pipeline/state.hpp).
    std::optional<std::int64_t> date;
    bool force = false;              ///< rebuild even the maps that are up to date
    /// `--strict`: every warning of a map is an error — the map fails and its outputs are kept — as the
    /// project's `strict: true` does; a map last built with warnings is then not up to date.
    bool strict = false;
    unsigned jobs = 0;               ///< threads; 0: the number of cores
    std::optional<Shard> shard;      ///< only this share of the (selected) maps
    /// Layers already loaded for this project (and what the renderer prepared from them), kept by the
    /// caller between builds (`cartelier watch`); null: the build loads its own.
    LayerStore* layers = nullptr;
    /// The atlases' pages as their series PDFs were last assembled (pipeline/pdf_assemble.hpp), kept by
    /// the caller between builds (`cartelier watch`): a series one page of which changed parses that
    /// page alone. Null: each page's PDF is read (a one-shot build holds one page at a time).
    PageBlockCache* series_pages = nullptr;
    /// The text metrics of the pages drawn, kept by the caller between builds (`cartelier watch`): a
    /// page drawn again measures its names from memory. Null: each page measures its own.
    layout::TextMetricsMemo* text_metrics = nullptr;
    /// Remove the outputs of a map's last build that this build no longer produces (pipeline/write.hpp);
    /// false for a preview of some formats only (`cartelier watch` without --all-formats).
    bool remove_unproduced = true;
};

/// The selected maps (--map, then --shard unless `apply_shard` is false: a build deals an atlas's pages,
/// pipeline/atlas.hpp), in project order; throws Error for an unknown id.
std::vector<const MapDecl*> select_maps(const Project& project, const BuildOptions& options, bool apply_shard = true);

struct MapPlan {
    const MapDecl* map = nullptr;
    std::optional<MapState> previous;
    std::string previous_problem;        ///< why there is no previous state
    std::vector<InputRecord> inputs;     ///< current inputs (by the previous build's layers and fonts)
    std::vector<std::string> reasons;    ///< why it is stale; empty: up to date
    /// Up to date with the same content under new stat() stamps (touched, or the project copied): the
    /// state to record so that the next build trusts stat() again (`restamped`); else none.
    std::optional<MapState> restamped;
    bool stale() const { return !reasons.empty(); }
};
/// The recorded states of atlases' pages, read on a thread of its own from the moment it is made (a
/// build makes it before it expands its atlases: their pages are known only then, and the expansion
/// reads the coverage layer on one core). plan_maps takes a page's state from it instead of reading the
/// file: the same state, or the same reason for none, as load_map_state gives. At most
/// kMostPerAtlas pages per atlas, the first by file name (a series of 35,000 pages: the others read by
/// the plan, as before); a state not taken is dropped with it.
class StatePrefetch {
public:
    static constexpr std::size_t kMostPerAtlas = 1024;
    StatePrefetch(const std::string& out_dir, const std::filesystem::path& root, const std::vector<std::string>& atlases);
    ~StatePrefetch();
    StatePrefetch(const StatePrefetch&) = delete;
    StatePrefetch& operator=(const StatePrefetch&) = delete;
    /// The state of `map_id` as read ahead and why there is none (load_map_state's `problem`); nullopt
    /// when it was not read ahead (or already taken). Waits until the thread is done. Thread-safe.
    std::optional<std::pair<std::optional<MapState>, std::string>> take(const std::string& map_id);

private:
    std::mutex mutex_;
    std::map<std::string, std::pair<std::optional<MapState>, std::string>> states_;  ///< by map id
    std::future<void> reading_;
};

/// A StatePrefetch of the atlases `options` selects, started; null when there is none, and for a
/// shard's build (it plans some pages only). An unknown --map is left to the selection to say.
std::unique_ptr<StatePrefetch> prefetch_page_states(const Project& project, const BuildOptions& options);

/// Whether each selected map is up to date, and why not. Reads no file whose stat() is unchanged since
/// the last build; a style file it has to hash is kept in `inputs` for the prepare stage. A map up to
/// date (without --force) keeps of its previous state only what a build asks for again — its date,
/// outputs and warnings, not its inputs: an atlas of 35,000 pages held them all to the end of the build.
std::vector<MapPlan> plan_maps(const Project& project, const BuildOptions& options, InputContext& inputs);
/// The same for maps already selected (an atlas's pages among them).
/// `prefetch`: states read ahead (null: none).
std::vector<MapPlan> plan_maps(const Project& project, const std::vector<const MapDecl*>& maps,
                               const BuildOptions& options, InputContext& inputs, StatePrefetch* prefetch = nullptr);

}  // namespace cartelier::pipeline
