#include "pipeline/watch.hpp"

#include <chrono>
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>

#include <fmt/format.h>

#include "layout/text_cache.hpp"
#include "pipeline/atlas.hpp"
#include "pipeline/file_watch.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/output.hpp"
#include "pipeline/pdf_assemble.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/prepared_cache.hpp"
#include "pipeline/project.hpp"
#include "style/style.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;

namespace {

/// What a watch keeps between rebuilds: the project as previewed (PNG only unless --all-formats) and
/// its layers as loaded (with what the renderer prepared from them). A style change — the
/// cartographer's loop — then costs only the rendering. When a data file or the project file is saved,
/// the next rebuild makes a new store that takes from the last one every layer the saved files cannot
/// have changed (LayerStore::adopt): editing one small layer does not read the large ones again.
struct WatchSession {
    std::unique_ptr<Project> preview;
    std::unique_ptr<LayerStore> store;
    /// The series' pages as last assembled: a data edit changing one page parses that page alone.
    PageBlockCache series_pages;
    /// The pages' text metrics: a page drawn again after a save measures its names from memory.
    layout::TextMetricsMemo text_metrics;
    std::set<std::string> data_files;  ///< canonical paths of every file the layers read (pipeline/dependencies.hpp)
    /// The store to take unchanged layers from, the project it was made for, and the data files saved
    /// since it loaded them.
    std::unique_ptr<LayerStore> previous;
    std::unique_ptr<Project> previous_project;
    std::set<std::string> saved;
    /// The output folder's file system writing out what the last rebuild wrote (see rebuild()).
    std::future<void> flushing;

    /// A new project file: the layers it declares as before are kept (adopt compares declarations).
    void reset(const Project& project, const WatchOptions& options) {
        retire();
        if (!previous_project) previous_project = std::move(preview);  // what `previous` was made for
        preview = std::make_unique<Project>(project);
        if (!options.all_formats)
            for (auto& m : preview->maps) m.formats = {Format::Png};
        data_files = project_data_files(project);
    }
    /// Data file `path` (canonical) was saved: the next rebuild loads again what reads it.
    void data_saved(const std::string& path) {
        retire();
        saved.insert(path);
    }
    /// Starts afresh at the next rebuild: nothing kept (a layer failed to load).
    void forget() {
        store.reset();
        previous.reset();
        previous_project.reset();
        saved.clear();
    }

private:
    /// The current store becomes the one to take from (a previous one not yet taken from is dropped: the
    /// current one was made from it, and holds what it kept).
    void retire() {
        if (!store) return;
        previous = std::move(store);
        previous_project.reset();
    }
};

/// Builds the given maps; prints a line per map built (or failed) and the errors of failed ones. The
/// pages of an atlas found up to date are told in one line per atlas, as `build` does: a data edit that
/// changes one page of a series of hundreds prints that page and the series, not hundreds of lines.
/// `after_save`: a rebuild for a save (not the watch's first build, which may follow a large build of
/// another command: the file system's flush below would then write that out too, beside the first save).
void rebuild(WatchSession& session, const WatchOptions& options, const std::vector<std::string>& maps,
             std::ostream& out, std::ostream& err, bool after_save) {
    BuildOptions build;
    build.maps = maps;
    build.out_dir = options.out_dir;
    build.remove_unproduced = options.all_formats;  // a PNG preview leaves the other formats' files alone
    // A store made for this rebuild loads the layers during it: in a map's own stages, or, for atlas
    // pages, while the atlas is expanded (in no page's stages).
    const bool fresh_store = !session.store;
    if (fresh_store) {
        session.store = std::make_unique<LayerStore>(*session.preview, prepared_dir(options.out_dir));
        session.store->defer_cache_writes();  // the prepared copies, written once the save is answered
        if (session.previous) {
            const std::vector<std::string> kept = session.store->adopt(*session.previous, session.saved, true);
            std::vector<std::string> again;
            for (const auto& [name, _] : session.preview->layers)
                if (std::find(kept.begin(), kept.end(), name) == kept.end()) again.push_back(name);
            if (!kept.empty())
                out << fmt::format("[{}] layers kept in memory: {}; loaded again if drawn: {}\n", clock_time(),
                                   fmt::join(kept, ", "), again.empty() ? std::string("none") : fmt::format("{}", fmt::join(again, ", ")));
            session.previous.reset();
            session.previous_project.reset();
            session.saved.clear();
        }
    }
    build.layers = session.store.get();
    build.series_pages = &session.series_pages;
    build.text_metrics = &session.text_metrics;
    auto start = std::chrono::steady_clock::now();
    BuildOutcome outcome = run_build(*session.preview, build);
    double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto pages = atlas_pages_up_to_date(outcome.maps);  // atlas id → (up to date, all)
    bool failed = false;
    DiagnosticPrinter printer(err);  // a problem the pages of an atlas share: once, as `build` prints it
    printer.print(outcome.warnings);  // the shared layers' (an optional join left unmatched…)
    for (const auto& m : outcome.maps) {
        printer.print(m.diagnostics);
        std::vector<std::string> files;
        for (const auto& o : m.outputs) files.push_back(o.path);
        if (m.status == MapStatus::UpToDate) {
            if (const std::string atlas = atlas_of_page(m.id); !atlas.empty() && pages[atlas].first > 1) continue;
            out << fmt::format("[{}] {} up to date → {}\n", clock_time(), m.id, fmt::join(files, ", "));
        } else if (m.ok() && pages.count(m.id)) {  // an atlas: its series PDF, assembled from its pages
            out << fmt::format("[{}] {} series PDF assembled in {:.2f} s → {}\n", clock_time(), m.id, m.seconds,
                               fmt::join(files, ", "));
        } else if (m.ok()) {
            double loading = 0;
            bool loaded = false;
            for (const char* stage : {"load", "validate", "join", "reproject", "write-cache"})
                if (auto it = m.stages.find(stage); it != m.stages.end()) {
                    loading += it->second;
                    loaded = true;
                }
            const std::string layers = loaded        ? fmt::format("loading layers {:.3f} s", loading)
                                       : fresh_store ? std::string("layers loaded by this rebuild")
                                                     : std::string("layers kept in memory");
            out << fmt::format("[{}] {} rebuilt in {:.2f} s ({}) → {}\n", clock_time(), m.id, m.seconds, layers,
                               fmt::join(files, ", "));
        } else {
            failed = true;
            out << fmt::format("[{}] {} FAILED ({} error(s)); the last good output is kept\n", clock_time(), m.id,
                               m.diagnostics.error_count());
        }
    }
    for (const auto& [atlas, counts] : pages)
        if (counts.first > 1)
            out << fmt::format("[{}] {}/… {} of its {} pages up to date\n", clock_time(), atlas, counts.first,
                               counts.second);
    printer.note_repeats("the lines above name the pages they are of");
    // A layer that failed to load stays failed in the store: start afresh at the next change.
    if (failed) session.forget();
    out << fmt::format("[{}] done in {:.2f} s; watching…\n", clock_time(), total);
    out.flush();
    // What only a later command reads — the prepared copies of an edited file, the atlases' memos —
    // written now that the maps are out (a save made meanwhile waits for it).
    if (session.store) session.store->flush_cache_writes();
    session.series_pages.release_replaced();  // the series files replaced, freed now
    // Those files (unsynced) and the output folder's journal written out now, on a thread of its own,
    // while the cartographer edits: else the first fsync of the next save (its page's PDF) would commit
    // them, and wait for them. Not waited for: after a large build it may take a while, and a save made
    // meanwhile is rebuilt at once (a flush still running when the next one starts is waited for).
    if (after_save)
        session.flushing = std::async(std::launch::async, [dir = options.out_dir] { flush_file_system(dir); });
}

}  // namespace

std::vector<std::string> watched_files(const std::string& project_path, const std::vector<std::string>& maps) {
    Project project = load_project(project_path);
    std::set<std::string> all;
    for (const auto& [_, files] : map_dependency_files(project, project_path, maps)) all.insert(files.begin(), files.end());
    return {all.begin(), all.end()};
}

int run_watch(const WatchOptions& options, std::ostream& out, std::ostream& err, const std::atomic<bool>& stop) {
    FileWatch inotify;
    std::optional<Project> project;
    WatchSession session;
    std::map<std::string, std::set<std::string>> deps;
    // The maps asked for (--map), each of the project (an atlas's page by its atlas): throws Error naming
    // an id that is not, as `build` does.
    auto check_maps = [&](const Project& p) {
        if (options.maps.empty()) return;
        BuildOptions selection;
        selection.maps = options.maps;
        (void)select_maps(p, selection);
    };
    // Loads the project file again. An id of --map that is not the project's is told apart: at the start
    // it is a typo, an error at once (exit 2, as `build`), not a watch of the other maps, or of every map.
    bool unknown_map = false, starting = true;
    auto reload = [&]() -> bool {
        unknown_map = false;
        try {
            project = load_project(options.project_path);
            unknown_map = true;
            check_maps(*project);
            unknown_map = false;
            session.reset(*project, options);
        } catch (const Error& e) {
            for (const auto& d : e.diagnostics().items()) err << d.format() << '\n';
            project.reset();
            if (unknown_map && starting) return false;
            out << fmt::format("[{}] the project file is unusable; fix it and save again\n", clock_time());
            out.flush();
            return false;
        }
        deps = map_dependency_files(*project, options.project_path, options.maps);
        for (const auto& [_, files] : deps) inotify.watch_files(files);
        return true;
    };
    inotify.watch_directory(fs::path(canonical_path(options.project_path)).parent_path().string());
    const bool loaded = reload();
    if (unknown_map) return 2;
    starting = false;
    if (loaded) {
        std::vector<std::string> all;
        for (const auto& [id, _] : deps) all.push_back(id);
        rebuild(session, options, all, out, err, false);
    }
    int rebuilds = 0;
    const std::string project_file = canonical_path(options.project_path);
    while (!stop.load() && (options.max_rebuilds < 0 || rebuilds < options.max_rebuilds)) {
        std::set<std::string> changed = inotify.changes(200);
        if (changed.empty()) continue;
        std::set<std::string> relevant;
        for (const auto& c : changed) {
            std::string path = canonical_path(c);
            if (path == project_file) relevant.insert(path);
            for (const auto& [_, files] : deps)
                if (depends_on(files, path)) relevant.insert(path);
        }
        // Every data file saved, whether a map watched draws it now or not: a layer held in memory must
        // not outlive its file's edit (a style may start drawing it again later).
        for (const auto& c : changed)
            if (const std::string path = canonical_path(c); session.data_files.count(path)) session.data_saved(path);
        if (relevant.empty()) continue;
        out << fmt::format("[{}] changed: {}\n", clock_time(), fmt::join(relevant, ", "));
        if (relevant.count(project_file) || !project) {
            if (!reload()) {
                ++rebuilds;
                continue;
            }
        }
        // A style may have started drawing other layers: refresh the dependencies (made of the project
        // and its styles alone: not after a save of data files only).
        if (!std::all_of(relevant.begin(), relevant.end(), [&](const std::string& p) { return session.data_files.count(p) > 0; })) {
            deps = map_dependency_files(*project, options.project_path, options.maps);
            for (const auto& [_, files] : deps) inotify.watch_files(files);
        }
        std::vector<std::string> maps;
        for (const auto& [id, files] : deps)
            for (const auto& r : relevant)
                if (depends_on(files, r)) {
                    maps.push_back(id);
                    break;
                }
        if (!maps.empty()) rebuild(session, options, maps, out, err, true);
        ++rebuilds;
    }
    return 0;
}

}  // namespace cartelier::pipeline
