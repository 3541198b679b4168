// The project's layers as the maps need them: each read once per build (with its joins), and
// reprojected once per map CRS (with its checks run there), independent layers in parallel.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/database_digests.hpp"
#include "pipeline/project.hpp"
#include "core/diagnostic.hpp"
#include "core/layer.hpp"
#include "geo/projection.hpp"
#include "render/map_renderer.hpp"

namespace cartelier::pipeline {

/// The type of every column of the project's CSV tables (point layers and join tables), declared or
/// inferred (data::column_types), for `cartelier check --verbose`: one line per table, e.g.
/// `layer sites (layers/sites.csv): id string, lon real, … ` then `  join layers/sessions.csv: year integer
/// (declared), …`. Tables that cannot be read are skipped (the check reports them).
std::string describe_column_types(const Project& project);

/// Loads each project layer once, with its joins and checks, and keeps reprojected copies per CRS.
///
/// Thread-safe, and loads in parallel: each layer key (a layer as read; a layer in a CRS) is loaded by
/// the first thread that asks for it while later callers wait for that one load; independent keys load
/// on their own threads at once. A layer that cannot be loaded is reported in full to the caller whose
/// request loaded it; every other caller, waiting then or asking later, gets "layer '…' could not be
/// loaded (see above)" (as when loads ran one after another). Failed checks are reported in full to
/// every caller. A load that needs itself (a geocode naming, through other layers, the layer being
/// geocoded) fails with an Error naming the layers instead of waiting for ever; checks whose
/// containers check each other use the container as loaded (its own checks still running).
/// Read warnings() and join_stats() once the loads are done.
class LayerStore {
public:
    /// `cache_dir`: where prepared layers are kept (the build uses OUT/.cache/prepared, or
    /// $CARTELIER_CACHE_DIR); empty: no prepared cache (`cartelier check` writes nothing).
    /// `read_options`: how layers are read (data::ReadOptions; the features are the same whatever they say).
    explicit LayerStore(const Project& project, std::filesystem::path cache_dir = {},
                        data::ReadOptions read_options = {});
    ~LayerStore();
    LayerStore(const LayerStore&) = delete;
    LayerStore& operator=(const LayerStore&) = delete;
    /// What the renderer prepares from these layers (shared by every map and format drawing them).
    std::shared_ptr<render::GeometryCache> geometry_cache() const { return geometry_; }
    /// The layer as read and joined (throws Error with every problem of that layer).
    const Layer& source(const std::string& name);
    /// Whether the project declares layer `name`.
    bool declares(const std::string& name) const { return project_->layers.count(name) > 0; }
    /// The layer reprojected into `crs`, its checks run in that CRS (throws Error; a layer the project
    /// does not declare is one).
    const Layer& projected(const std::string& name, const std::string& crs);
    /// The layer as the maps of this command draw it in `crs`: projected(), or, when drawn windows are
    /// set (set_drawn_windows) and give `crs` one, the same features with a geometry only where it
    /// meets that window (geo::reproject_within) — every view of the command's maps in `crs` lies inside
    /// it, so what they draw is the same, and the memory is the window's: an atlas of the overseas
    /// départements does not hold every commune of France in each of their CRSs. A layer that has checks,
    /// or is the container of a check, is always whole (the checks need every feature), and so are a
    /// database layer, a layer already loaded whole in `crs`, and every layer of a project that draws in
    /// one CRS only (read straight into it, without a copy as read). Throws Error as projected().
    const Layer& drawn(const std::string& name, const std::string& crs);
    /// drawn() of each (layer, CRS) of `keys`, up to `threads` at once: the copies of a layer in several
    /// CRSs, and independent layers, load side by side (an atlas's overseas CRSs each project the
    /// communes). Throws what calling drawn() on them one after another, in this order, would throw: the
    /// error of the first that fails, in full (not "could not be loaded (see above)" because another
    /// thread's load of the same layer failed first).
    void load_drawn(const std::vector<std::pair<std::string, std::string>>& keys, unsigned threads);
    /// Allows set_drawn_windows(): for a store that lives for one command (build, check), whose maps
    /// and pages are all known once its atlases are expanded. A store kept between builds (watch,
    /// serve) is not windowed: its next build may show another part of a CRS.
    void allow_drawn_windows() { windows_allowed_ = true; }
    /// Per CRS, the part of it that every map and page of this command shows (the union of their frames'
    /// views in that CRS); a CRS without one is drawn whole. Taken once, before any drawn() of the CRSs it
    /// names; ignored when not allowed or already given.
    void set_drawn_windows(std::map<std::string, Box> windows);
    /// Starts reading, on a thread of its own, those of `names` whose copies drawn() will make from the
    /// layer as read, which the prepared cache does not hold yet (the first build of a project drawing in
    /// several CRSs, windows allowed): the parse of a large file then runs while the caller plans its
    /// pages. Nothing else changes: a later source() or drawn() waits for that read, and gets its layer
    /// or its error in full (a failed read ahead is forgotten, so that the first caller who asks for the
    /// layer reads it again and is told everything). The store's destructor waits for the thread.
    void read_ahead(const std::vector<std::string>& names);
    /// Starts drawn() of each (layer, CRS) of `keys`, in this order, on a thread of its own, as
    /// read_ahead() does for sources: the copies a build's pages will draw load while the caller plans
    /// them (a warm build, whose plan needs none of them). A later drawn() waits for that load, and gets
    /// its layer, or its error in full (a failed load ahead is forgotten). The destructor waits for it.
    void draw_ahead(const std::vector<std::pair<std::string, std::string>>& keys);

    /// Frees the layers as read (and derived layers as computed) that the store holds, when every copy of
    /// `keys` (drawn()'s layer and CRS) is loaded: for a build whose maps left to draw draw those copies
    /// alone (an atlas's pages), once the copies are made, nothing asks for the layers as read again, and
    /// the communes need not be held twice. Waits for the threads of read_ahead() and draw_ahead() first.
    /// A later source() reads the layer again (the result is the same, only slower). False, freeing
    /// nothing, when a copy of `keys` is not loaded yet or failed.
    bool release_sources_once_drawn(const std::vector<std::pair<std::string, std::string>>& keys);

    /// Takes from `previous` — the store of an earlier build of the same project folder, whose data files
    /// `changed` (canonical paths, pipeline/file_watch.hpp) were saved since — every layer that no saved
    /// file can have changed: a layer is taken when it and every layer it needs (dependencies.hpp's
    /// layers_needed: its inputs, its geocoding's layer, its checks' containers) are declared the same in
    /// both projects, read from files (not a database), read none of `changed` (layer_own_files), and
    /// were loaded and checked without error in `previous` (not left empty for a missing optional file).
    /// What is taken — the layer as read and its copies in each CRS, with their warnings, join statistics
    /// and fingerprints — is then what this store gives, without reading anything. The other layers load
    /// as in a new store, except that a layer declared the same (its file edited) projects into each CRS
    /// `previous` held it in only the features whose geometry changed (geo::reproject_reusing). Nothing is taken when the projects draw in different sets of CRSs, or from a
    /// store whose drawn windows were allowed. Call before any load of this store; `previous` must not
    /// be loading (it stays usable: the layers are shared, not moved). `move_geometry`: `previous` is
    /// dropped after this call and used by no one meanwhile (`watch`), so what the renderer prepared from
    /// the layers taken moves to this store's geometry cache; else (`serve`, whose renderings may still
    /// read `previous`) it is prepared again. Returns the names of the layers taken, sorted.
    std::vector<std::string> adopt(LayerStore& previous, const std::set<std::string>& changed, bool move_geometry);

    /// The content key of what layer `name` is, as loaded by source(): its declaration, its files' bytes
    /// and its inputs' fingerprints, recursively; nullopt for a database layer or a file that cannot be
    /// read (then never cached). Memoised; thread-safe.
    std::optional<std::uint64_t> fingerprint(const std::string& name);
    /// Where prepared layers are kept; empty when nothing is (`cartelier check`).
    const std::filesystem::path& cache_dir() const { return cache_dir_; }
    /// Runs `write` — a write to the prepared cache (a copy of a layer, a memo), which only a later command
    /// reads — now, or, once defer_cache_writes() was called, at the next flush_cache_writes(). What
    /// `write` reads must live as long as the store: the store's own layers do (the writes run before
    /// the destructor frees anything, and before release_sources_once_drawn() frees the layers as read).
    /// Its failure is only a copy not kept: what it throws is dropped. Thread-safe.
    void cache_write(std::function<void()> write);
    /// From now on, cache_write() keeps its writes for flush_cache_writes(): `watch` answers a save with
    /// its maps first, and writes the prepared copies of the edited file after (its own builds read the
    /// layers it holds in memory, not those copies).
    void defer_cache_writes();
    /// Runs the writes kept so far, in the order they were asked for. adopt() runs those of the
    /// previous store, and the destructor this store's.
    void flush_cache_writes();

    /// Warnings gathered while loading (unmatched optional joins, re-encoded files, a layer with no
    /// feature…), each once. Not
    /// synchronised: read it when no load is running.
    const Diagnostics& warnings() const { return warnings_; }
    /// The warnings of loading these layers (as read, and in any CRS), each once, in the order of
    /// `layers`. Thread-safe: a map's layers are loaded once its prepare stage is over.
    Diagnostics warnings_of(const std::vector<std::string>& layers) const;
    /// Per layer name, one entry per join declared in the project, in declaration order, for every layer
    /// loaded so far (including layers that failed after their joins ran). A copy: safe to keep.
    std::map<std::string, std::vector<data::JoinStats>> join_stats() const;

    /// Called on the reading thread as each read of a layer's file begins (GDAL or CSV; not a read from
    /// the prepared cache), with the layer's name. For tests and progress reports; set it before
    /// any load. It may block: only that load waits.
    void on_read(std::function<void(const std::string& layer)> hook) { on_read_ = std::move(hook); }
    /// The digests of the database layers for this command (the build's InputContext::digests()): the
    /// store keys the prepared cache of a database layer by the digest they give, and tells them the
    /// digest of the rows it reads, and of those it already holds (a store kept between builds by
    /// `watch`: its layers as held are what the next build draws). Without it, the store asks its own.
    void use_digests(DatabaseDigests& digests);
    /// The most chunks of features that ever waited between a reader and its checker (at most
    /// ReadOptions::queue_chunks).
    std::size_t queued_chunks_high_water() const { return queue_high_water_.load(); }

private:
    struct Load;  ///< one load of one key: in flight, done or failed
    using ProjectedKey = std::pair<std::string, std::string>;
    /// Writes `copy` to the prepared cache at `path` under `key`, with `warnings` (and a projected
    /// copy's `source_digests`), through cache_write().
    void write_copy(std::filesystem::path path, std::uint64_t key, std::shared_ptr<const Layer> copy,
                    std::vector<Diagnostic> warnings, std::vector<geo::SourceDigest> source_digests = {});
    /// Reads a layer and validates its geometries (and, given `project_to`, reprojects them), the
    /// checks running on a second thread chunk by chunk while GDAL parses the next features.
    /// `failed` counts the vertices that could not be projected.
    std::unique_ptr<Layer> read_checked(const LayerDecl& decl, Diagnostics& d, const std::string* project_to,
                                        geo::ProjectionFailures* failed);
    /// Warns, once per layer whatever the CRSs it is loaded in, when `layer` (read, joined) has no feature.
    void warn_if_empty(const std::string& name, const Layer& layer);
    /// Keeps the warnings of loading layer `name`; with errors, remembers it failed and throws the errors
    /// (its warnings are said once, with the store's warnings()).
    void keep_warnings_or_fail(const std::string& name, const Diagnostics& d);
    /// Keeps a warning of layer `layer` (in warnings() and warnings_of()); the caller holds mutex_.
    void add_warning(const std::string& layer, const Diagnostic& warning);
    /// Waits for `load`, made by another caller, and returns its layer; throws what failed it, or an
    /// Error naming the layers when waiting would be for ever (a load that needs itself).
    const Layer& wait_ready(Load& load);
    /// Makes the load this thread created; throws what failed it.
    const Layer& load_source(Load& load, const LayerDecl& decl);
    /// A derived layer (`from` and `steps`): from the prepared cache when its fingerprint is there, else
    /// its input loaded (source()) and its steps run (pipeline/steps.hpp), the result cached.
    void load_derived(Load& load, const LayerDecl& decl);
    /// A file layer as read (no joins, no geocoding): from the prepared cache when it holds these bytes,
    /// else read_checked() and stored there. Read warnings go to `d`.
    std::shared_ptr<Layer> read_source_cached(const LayerDecl& decl, Diagnostics& d);
    const Layer& load_projected(Load& load, const LayerDecl& decl, const std::string& crs);
    /// Whether loading the project's layers will ask for `name` as read (source()): a layer is computed
    /// `from` it and is not in the prepared cache, or a geocode places rows with it. A projected copy is
    /// then made from the layer as read rather than by a reading of its own (the file parsed once).
    bool source_will_be_read(const std::string& name);
    /// drawn()'s load of layer `load.name` in `crs` within `window`: from the prepared cache, else from
    /// the layer as read (source()), reprojected feature by feature.
    const Layer& load_windowed(Load& load, const std::string& crs, const Box& window);
    /// Vertices outside the CRS's area of use are expected to fail (an inset's UTM zone cannot take a whole
    /// country) and are off any map drawn in it; failures inside it are the data's problem: a warning of
    /// layer `name`, kept in the store's warnings and in `own_warnings` (stored with its cached copy).
    void warn_if_unprojected(const std::string& name, const Layer& copy, const std::string& crs,
                             const geo::ProjectionFailures& failed, std::vector<Diagnostic>& own_warnings);
    /// What a copy of layer `name` made from its layer as read keeps in the prepared cache: the warnings of
    /// loading `name` (its reading, its joins…) that are not among `own` (the copy's own), then `own`.
    std::vector<Diagnostic> with_read_warnings(const std::string& name, std::vector<Diagnostic> own) const;
    /// Whether layer `name` may be held windowed: a layer of the project, read from files (a database
    /// layer's copies are cached and watched by the digest of its rows, projected() does that), with no
    /// check and no check's container.
    bool windowable(const std::string& name) const;
    /// With the exception that failed `load` current (`checking`: its layer was loaded, its checks
    /// failed; `source`: a load of source(), else of projected()): tells the callers waiting for it
    /// (see the class comment), and forgets the load when the failure is not the layer's (an
    /// interruption…: a later request loads it again).
    void fail_load(Load& load, bool checking, bool source);
    /// Waits for `future` of `target`, loaded by another caller. False, without waiting, when that
    /// would wait for ever (the load this thread is making is among those `target` waits for); the
    /// layers of that cycle are then in `cycle`.
    bool wait_for(Load& target, const std::shared_future<void>& future, std::vector<std::string>& cycle);
    /// Before a read of `name`'s file: while another thread makes the first read of that file, waits for
    /// it, so that a file that cannot be read is reported once. True when this read is the first (the
    /// caller then calls first_read_done(name) when it is over, whatever its outcome).
    bool wait_first_read(const std::string& name);
    void first_read_done(const std::string& name);

    /// Once per layer: the warnings a database layer's declaration deserves (a password in the project
    /// file, a query without ORDER BY), whether its rows can be read or not.
    void warn_about_database(const LayerDecl& decl);
    DatabaseDigests& digests();
    /// A database layer this store now holds was read (or taken from the cache) with this digest.
    void note_digest(const std::string& name, const std::string& digest);

    const Project* project_;
    std::filesystem::path cache_dir_;
    DatabaseDigests own_digests_;
    DatabaseDigests* digests_ = nullptr;          ///< use_digests(); guarded by mutex_
    std::map<std::string, std::string> held_digests_;  ///< guarded by mutex_
    data::ReadOptions read_options_;
    std::function<void(const std::string&)> on_read_;
    std::atomic<std::size_t> queue_high_water_{0};
    /// Guards the maps, the sets and the warnings below, never held during a load.
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<Load>> sources_;
    std::map<ProjectedKey, std::shared_ptr<Load>> projected_;
    std::set<std::string> failed_;  ///< layers whose loading gave errors: fail fast on reuse
    std::map<std::string, std::exception_ptr> first_failures_;  ///< per layer in failed_, its error in full
    std::set<std::string> empty_warned_;
    std::set<std::string> warnings_said_;  ///< add_warning(): each warning once
    std::set<std::string> missing_optional_;  ///< optional layers left empty for a missing file (warned once)
    std::set<std::string> database_warned_;  ///< database layers warned about (warn_about_database)  ///< layers found empty, warned once
    /// Per layer name, the first read of its file: in flight (a future to wait on), or done (valid, ready).
    std::map<std::string, std::shared_future<void>> first_reads_;
    std::map<std::string, std::shared_ptr<std::promise<void>>> first_read_promises_;
    Diagnostics warnings_;
    std::map<std::string, std::vector<Diagnostic>> layer_warnings_;  ///< warnings_, by layer
    std::map<std::string, std::vector<data::JoinStats>> join_stats_;
    std::map<std::string, std::optional<std::uint64_t>> fingerprints_;  ///< fingerprint(); guarded by mutex_
    std::shared_ptr<render::GeometryCache> geometry_;
    bool several_crss_ = false;  ///< the project draws in more than one CRS (its maps, insets, atlas pages)
    bool windows_allowed_ = false;
    bool windows_set_ = false;                   ///< guarded by mutex_
    std::map<std::string, Box> windows_;         ///< set_drawn_windows(); guarded by mutex_
    /// drawn()'s loads, by (layer, CRS); kept apart from projected_, whose copies are whole.
    std::map<ProjectedKey, std::shared_ptr<Load>> windowed_;
    /// Whether read_ahead() may read layer `name`: see there.
    bool copied_from_uncached_read(const std::string& name);
    /// Where the prepared cache keeps a file layer as read, and its key for these bytes; nullopt without a
    /// cache folder or when the file cannot be read.
    struct PreparedFile {
        std::filesystem::path path;
        std::uint64_t key = 0;
    };
    std::optional<PreparedFile> as_read_file(const LayerDecl& decl);
    /// Whether the prepared cache holds derived layer `name` as it is now (its fingerprint).
    bool derived_cached(const std::string& name);
    std::vector<std::thread> read_ahead_;  ///< read_ahead()'s threads, joined by the destructor
    bool defer_writes_ = false;                        ///< defer_cache_writes(); guarded by mutex_
    std::vector<std::function<void()>> cache_writes_;  ///< kept by cache_write(); guarded by mutex_
    /// adopt(): per (layer, CRS), the previous store's layer as read and its whole copy in that CRS, for
    /// the next projection of that layer into it; used once. Guarded by mutex_.
    std::map<ProjectedKey, std::pair<std::shared_ptr<Load>, std::shared_ptr<Load>>> reusable_;
};

}  // namespace cartelier::pipeline
