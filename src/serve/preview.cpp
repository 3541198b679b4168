#include "serve/preview.hpp"

#include <algorithm>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pipeline/atlas.hpp"
#include "pipeline/credits.hpp"
#include "pipeline/file_watch.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/prepare.hpp"
#include "pipeline/prepared_cache.hpp"
#include "pipeline/project.hpp"
#include "pipeline/render_format.hpp"
#include "pipeline/state.hpp"
#include "render/icons.hpp"

namespace cartelier::serve {

namespace fs = std::filesystem;

namespace {

/// A map asked for (--map) that the project does not have: the caller's mistake, not the project's.
class UnknownMap : public Error {
public:
    using Error::Error;
};

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

/// The project as read, its layers as loaded, and the maps previewed (atlas pages made). Renderings
/// share it: it lives while one of them is shown.
struct PreviewSession::Loaded {
    pipeline::Project project;
    std::unique_ptr<pipeline::LayerStore> store;
    pipeline::AtlasSelection selection;
    std::map<std::string, const pipeline::MapDecl*> decls;  ///< by map id
    std::map<std::string, std::set<std::string>> deps;       ///< by map id (an atlas: its own id)
    std::set<std::string> data_files;

    const std::set<std::string>& files_of(const pipeline::MapDecl& m) const {
        static const std::set<std::string> none;
        auto it = deps.find(m.page_of ? m.page_of->atlas : m.id);
        return it == deps.end() ? none : it->second;
    }
};

struct PreviewSession::MapEntry {
    MapSnapshot snap;
    bool wanted = false;  ///< rendered again when its files change (every map; a page once asked for)
    bool stale = true;    ///< its last rendering is not of the files as they are
    bool queued = false;
};

PreviewSession::PreviewSession(PreviewOptions options) : options_(std::move(options)) {}
PreviewSession::~PreviewSession() = default;

void PreviewSession::load() {
    auto l = std::make_shared<Loaded>();
    l->project = pipeline::load_project(options_.project_path);
    for (const std::string& id : options_.maps) {
        const std::string own = id.substr(0, id.find('/'));
        if (std::none_of(l->project.maps.begin(), l->project.maps.end(), [&](const auto& m) { return m.id == own; })) {
            std::vector<std::string> ids;
            for (const auto& m : l->project.maps) ids.push_back(m.id);
            throw UnknownMap(SourceLocation{options_.project_path, 0, 0, {}}, fmt::format("no map '{}' in the project", id),
                        suggest_name(own, ids, {"the maps are: ", ""}));
        }
    }
    l->store = std::make_unique<pipeline::LayerStore>(l->project, pipeline::prepared_dir(options_.out_dir));
    // The layers no saved file feeds are taken from the last load (a rendering may still read it: what
    // the renderer prepared from them is not moved).
    if (loaded_ && loaded_->store) l->store->adopt(*loaded_->store, saved_, false);
    pipeline::BuildOptions build;
    build.maps = options_.maps;
    build.out_dir = options_.out_dir;
    l->selection = pipeline::select_with_pages(l->project, build, *l->store);
    for (const pipeline::MapDecl* m : l->selection.maps) l->decls[m->id] = m;
    // A page asked for that its atlas does not have (a typo in ATLAS/PAGE) is the caller's mistake too.
    for (const std::string& id : options_.maps) {
        const auto slash = id.find('/');
        if (slash == std::string::npos || l->decls.count(id)) continue;
        const pipeline::MapDecl* atlas = l->project.find_map(id.substr(0, slash));
        if (!atlas || !atlas->atlas) continue;  // not an atlas: the selection's problems say so
        std::vector<std::string> pages;
        try {
            Diagnostics ignored;
            for (const auto& page : pipeline::atlas_pages(*atlas, *l->store, ignored)) pages.push_back(page.id);
        } catch (const Error&) {
            continue;  // the atlas makes no page: the selection's problems say why
        }
        throw UnknownMap(SourceLocation{options_.project_path, 0, 0, {}},
                    fmt::format("no map '{}' in the project: atlas '{}' has no page '{}'", id, id.substr(0, slash),
                                id.substr(slash + 1)),
                    suggest_name(id, pages, {"its pages are: ", ""}));
    }
    l->deps = pipeline::map_dependency_files(l->project, options_.project_path, {});
    l->data_files = pipeline::project_data_files(l->project);

    Diagnostics problems;
    for (const auto& [atlas, failure] : l->selection.failed) problems.append(failure);
    problems.append(l->selection.warnings);
    std::lock_guard lock(mutex_);
    ids_.clear();
    std::map<std::string, MapEntry> kept;
    for (const pipeline::MapDecl* m : l->selection.maps) {
        ids_.push_back(m->id);
        MapEntry entry;
        if (auto it = maps_.find(m->id); it != maps_.end()) entry = std::move(it->second);
        entry.snap.id = m->id;
        entry.snap.title = m->page.title;
        entry.wanted = entry.wanted || !m->page_of;
        entry.stale = true;
        entry.queued = entry.wanted;  // rendered by run() or changed(), not on being asked for
        kept.emplace(m->id, std::move(entry));
    }
    maps_ = std::move(kept);
    asked_.clear();
    problems_ = std::move(problems);
    loaded_ = std::move(l);
    saved_.clear();
    ++generation_;
    cv_.notify_all();
}

bool PreviewSession::start() {
    try {
        load();
        return true;
    } catch (const UnknownMap&) {
        throw;  // an unknown --map is the caller's mistake, not the project's
    } catch (const Error& e) {
        std::lock_guard lock(mutex_);
        problems_ = e.diagnostics();
        ++generation_;
        cv_.notify_all();
        return false;
    }
}

void PreviewSession::bump() {
    ++generation_;
    cv_.notify_all();
}

void PreviewSession::render(const std::string& id, const std::vector<std::string>& changed) {
    std::shared_ptr<Loaded> loaded = loaded_;
    if (!loaded) return;
    auto d = loaded->decls.find(id);
    if (d == loaded->decls.end()) return;
    const pipeline::MapDecl& decl = *d->second;
    {
        std::lock_guard lock(mutex_);
        auto& e = maps_[id];
        e.snap.rendering = true;
        bump();
    }
    const auto start = std::chrono::steady_clock::now();
    Diagnostics errors, warnings;
    std::optional<Rendering> fresh;
    double prepare_s = 0, render_s = 0;
    try {
        const std::optional<std::int64_t> date = pipeline::source_date_epoch();
        pipeline::InputContext inputs(loaded->project, date);
        render::IconCache icons;
        pipeline::PrepareContext ctx{loaded->project, *loaded->store, inputs, icons, date};
        // The prepared map keeps the layers it draws alive, and they the project: one owner for both.
        struct Held {
            std::shared_ptr<Loaded> loaded;
            pipeline::PreparedMap prepared;
        };
        auto held = std::make_shared<Held>(Held{loaded, pipeline::prepare_map(ctx, decl)});
        std::shared_ptr<const pipeline::PreparedMap> prepared(held, &held->prepared);
        warnings = prepared->warnings;
        prepare_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const unsigned cores = std::thread::hardware_concurrency();
        pipeline::RenderedBands png = pipeline::render_png_bands(*prepared, icons, std::clamp(cores, 2u, 8u));
        render_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() - prepare_s;
        Rendering r;
        r.width_px = png.width;
        r.height_px = png.height;
        r.dpi = png.dpi;
        r.page_width_pt = png.dpi > 0 ? png.width * 72.0 / png.dpi : 0;
        r.page_height_pt = png.dpi > 0 ? png.height * 72.0 / png.dpi : 0;
        for (auto& band : png.pngs) r.bands.push_back(std::make_shared<const std::string>(std::move(band)));
        r.band_rows = png.first_rows;
        r.frames = png.report.frames;
        r.inspector = std::make_shared<Inspector>(prepared, png.report.frames);
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        r.finished_ms = now_ms();
        fresh = std::move(r);
    } catch (const Error& e) {
        errors = e.diagnostics();
    } catch (const std::exception& e) {
        errors.error(SourceLocation{decl.style, 0, 0, {}}, fmt::format("the map could not be rendered: {}", e.what()));
    }
    if (options_.log) {
        const std::string clock = pipeline::clock_time();
        if (fresh)
            options_.log(fmt::format("[{}] {} rendered in {:.2f} s (prepare {:.3f} s, draw and encode {:.3f} s)", clock,
                                     id, fresh->seconds, prepare_s, render_s));
        else {
            std::string text = fmt::format("[{}] {} FAILED; the page keeps the last good rendering", clock, id);
            for (const auto& d : errors.items()) text += "\n" + d.format();
            options_.log(text);
        }
    }
    std::lock_guard lock(mutex_);
    auto& e = maps_[id];
    e.snap.rendering = false;
    ++e.snap.attempt;
    e.snap.errors = std::move(errors);
    e.snap.warnings = std::move(warnings);
    e.snap.changed = changed;
    e.stale = false;
    e.queued = false;
    if (fresh) {
        fresh->version = e.snap.current ? e.snap.current->version + 1 : 1;
        if (e.snap.current) e.snap.previous = std::move(e.snap.current);
        e.snap.current = std::move(fresh);
    }
    bump();
}

void PreviewSession::changed(const std::set<std::string>& paths) {
    std::shared_ptr<Loaded> loaded = loaded_;
    const std::string project_file = pipeline::canonical_path(options_.project_path);
    std::vector<std::string> relevant;
    bool reload = !loaded || problems().has_errors();  // a project that failed to load: try again
    for (const auto& p : paths) {
        const std::string c = pipeline::canonical_path(p);
        bool used = c == project_file;
        if (loaded) {
            if (loaded->data_files.count(c)) {
                used = true;
                reload = true;  // the layers it feeds change: load them again
                saved_.insert(c);
            }
            for (const auto& [_, files] : loaded->deps) used = used || pipeline::depends_on(files, c);
        }
        if (c == project_file) reload = true;
        if (used) relevant.push_back(c);
    }
    if (relevant.empty()) return;
    if (reload) {
        try {
            load();
        } catch (const Error& e) {
            std::lock_guard lock(mutex_);
            problems_ = e.diagnostics();
            bump();
            return;
        }
        loaded = loaded_;
    } else {
        // A style may now draw other layers: its dependencies again.
        loaded->deps = pipeline::map_dependency_files(loaded->project, options_.project_path, {});
    }
    std::vector<std::string> todo;
    {
        std::lock_guard lock(mutex_);
        for (const auto& id : ids_) {
            auto& e = maps_[id];
            const auto& files = loaded->files_of(*loaded->decls.at(id));
            bool affected = reload || std::any_of(relevant.begin(), relevant.end(),
                                                  [&](const std::string& r) { return pipeline::depends_on(files, r); });
            if (!affected) continue;
            e.stale = true;
            if (e.wanted) {
                e.queued = true;
                todo.push_back(id);
            }
        }
    }
    // The maps shown (every map; a page once opened), in project order; the others when next opened.
    for (const auto& id : todo) {
        if (stop_) return;
        render(id, relevant);
    }
}

void PreviewSession::run() {
    pipeline::FileWatch watch;
    const std::string project_file = pipeline::canonical_path(options_.project_path);
    auto rewatch = [&] {
        watch.watch_directory(fs::path(project_file).parent_path().string());
        if (auto l = loaded_)
            for (const auto& [_, files] : l->deps) watch.watch_files(files);
    };
    rewatch();
    // Every map at once (the layers loaded now, not at the first save); atlas pages when asked for.
    std::vector<std::string> first;
    {
        std::lock_guard lock(mutex_);
        for (const auto& id : ids_)
            if (maps_[id].wanted) first.push_back(id);
    }
    for (const auto& id : first) {
        if (stop_) return;
        // A page asked for meanwhile goes first.
        for (std::string asked; !stop_;) {
            {
                std::lock_guard lock(mutex_);
                if (asked_.empty()) break;
                asked = asked_.front();
                asked_.pop_front();
            }
            render(asked, {});
        }
        render(id, {});
    }
    while (!stop_) {
        std::string asked;
        {
            std::lock_guard lock(mutex_);
            if (!asked_.empty()) {
                asked = asked_.front();
                asked_.pop_front();
            }
        }
        if (!asked.empty()) {
            render(asked, {});
            continue;
        }
        std::set<std::string> paths = watch.changes(100, 5);
        if (paths.empty()) continue;
        changed(paths);
        rewatch();
    }
}

void PreviewSession::stop() {
    stop_ = true;
    std::lock_guard lock(mutex_);
    cv_.notify_all();
}

std::vector<std::string> PreviewSession::map_ids() const {
    std::lock_guard lock(mutex_);
    return ids_;
}

std::optional<MapSnapshot> PreviewSession::map(const std::string& id, bool ask) {
    std::lock_guard lock(mutex_);
    auto it = maps_.find(id);
    if (it == maps_.end()) return std::nullopt;
    MapEntry& e = it->second;
    if (!ask) return e.snap;
    if (!e.wanted) e.wanted = true;
    if (e.stale && !e.queued && !e.snap.rendering) {
        e.queued = true;
        asked_.push_back(id);
    }
    return e.snap;
}

Diagnostics PreviewSession::problems() const {
    std::lock_guard lock(mutex_);
    return problems_;
}

std::uint64_t PreviewSession::generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

std::uint64_t PreviewSession::wait_change(std::uint64_t seen, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return generation_ != seen || stop_.load(); });
    return generation_;
}

namespace {

nlohmann::json diagnostics_json(const Diagnostics& diagnostics) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : diagnostics.items()) {
        out.push_back({{"severity", d.severity == Severity::Error ? "error" : "warning"},
                       {"file", d.where.file},
                       {"line", d.where.line},
                       {"column", d.where.column},
                       {"path", d.where.path},
                       {"where", d.where.format()},
                       {"message", d.message},
                       {"hint", d.hint},
                       {"text", d.format()}});
    }
    return out;
}

nlohmann::json rendering_json(const Rendering& r) {
    nlohmann::json frames = nlohmann::json::array();
    for (const auto& f : r.frames)
        frames.push_back({{"name", f.name},
                          {"crs", f.crs},
                          {"frame", {f.frame.x, f.frame.y, f.frame.w, f.frame.h}},
                          {"extent", {f.view.extent.min_x, f.view.extent.min_y, f.view.extent.max_x, f.view.extent.max_y}},
                          {"scale", f.view.scale},
                          {"scale_denominator", f.scale_denominator},
                          {"zoom", f.zoom}});
    nlohmann::json j = {{"version", r.version},       {"seconds", r.seconds},           {"dpi", r.dpi},
            {"width", r.width_px},        {"height", r.height_px},          {"page_width_pt", r.page_width_pt},
            {"page_height_pt", r.page_height_pt}, {"finished_ms", r.finished_ms}};
    nlohmann::json bands = nlohmann::json::array();
    for (std::size_t i = 0; i < r.bands.size(); ++i) {
        const int next = i + 1 < r.band_rows.size() ? r.band_rows[i + 1] : r.height_px;
        bands.push_back({{"y", r.band_rows[i]}, {"height", next - r.band_rows[i]}, {"bytes", r.bands[i]->size()}});
    }
    j["bands"] = std::move(bands);
    j["frames"] = std::move(frames);
    return j;
}

}  // namespace

std::string snapshot_json(const MapSnapshot& map, const Diagnostics& project_problems) {
    nlohmann::json j;
    j["id"] = map.id;
    j["title"] = map.title;
    j["attempt"] = map.attempt;
    j["rendering"] = map.rendering;
    j["current"] = map.current ? rendering_json(*map.current) : nlohmann::json();
    j["previous"] = map.previous ? rendering_json(*map.previous) : nlohmann::json();
    Diagnostics errors, warnings;
    for (const auto& d : project_problems.items()) (d.severity == Severity::Error ? errors : warnings).add(d);
    errors.append(map.errors);
    warnings.append(map.warnings);
    j["errors"] = diagnostics_json(errors);
    j["warnings"] = diagnostics_json(warnings);
    j["changed"] = map.changed;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cartelier::serve
