#include "pipeline/layer_store.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <regex>
#include <thread>
#include <typeinfo>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pipeline/prepared_cache.hpp"
#include "core/memory.hpp"
#include "core/parallel.hpp"
#include "core/paths.hpp"
#include "pipeline/timing.hpp"
#include "data/chunk_queue.hpp"
#include "data/table.hpp"
#include "geo/geocode.hpp"
#include "geo/projection.hpp"
#include "geo/validation.hpp"
#include "geo/within_check.hpp"
#include "pipeline/steps.hpp"
#include "pipeline/dependencies.hpp"
#include "pipeline/file_watch.hpp"

namespace cartelier::pipeline {

namespace {
/// A read of at least this many vertices (the communes of France: 2.2 M) changes how the allocator
/// returns memory (core/memory.hpp); small layers leave it alone.
constexpr std::size_t large_read_vertices = 1'000'000;

/// What a caller gets for a layer whose loading gave errors reported to another caller.
Error could_not_load(const std::string& name) {
    return Error(SourceLocation{}, fmt::format("layer '{}' could not be loaded (see above)", name));
}

/// Whether this thread is one of LayerStore::read_ahead()'s: nobody hears of the errors of its loads, so
/// the callers waiting for them are told in full.
thread_local bool reading_ahead = false;

/// `problem` as an object of its own when it is an Error: its diagnostics copied and a message made
/// again (a copy of a std::runtime_error would share its message). Another exception: `problem`.
std::exception_ptr own_copy(const std::exception_ptr& problem) {
    try {
        std::rethrow_exception(problem);
    } catch (const Error& e) {
        if (typeid(e) == typeid(Error)) return std::make_exception_ptr(Error(e.diagnostics()));
    } catch (...) {
    }
    return problem;
}

/// Waits for `future` and rethrows its failure as this thread's own copy (own_copy): the caller reads
/// its message after it let go of the load, while the object in the future may be freed by another
/// thread (see LayerStore::fail_load).
void get_own(const std::shared_future<void>& future) {
    try {
        future.get();
    } catch (...) {
        std::rethrow_exception(own_copy(std::current_exception()));
    }
}

/// The loads this thread is making (LayerStore::Load), innermost last.
std::vector<void*>& loads_in_progress() {
    thread_local std::vector<void*> loads;
    return loads;
}

}  // namespace

/// One load of one key. The thread that created it makes it; others wait on its futures.
struct LayerStore::Load {
    explicit Load(std::string layer) : name(std::move(layer)) {}
    std::string name;  ///< the layer's name
    std::promise<void> loaded_promise;  ///< set once `layer` is (before a projected layer's checks run)
    std::promise<void> ready_promise;   ///< set once every check passed
    std::shared_future<void> loaded = loaded_promise.get_future().share();
    std::shared_future<void> ready = ready_promise.get_future().share();
    /// Written before `loaded` is set, read after; shared with a write to the prepared cache that
    /// LayerStore::cache_write() keeps for later.
    std::shared_ptr<Layer> layer;
    Load* waits_on = nullptr;      ///< the load this one's thread waits for or makes inside it (store's mutex)
};

namespace {

/// While it lives, `load` is the innermost load this thread makes; the load around it waits for it.
template <typename L>
class Making {
public:
    Making(std::mutex& mutex, L& load) : mutex_(mutex) {
        auto& stack = loads_in_progress();
        if (!stack.empty()) {
            outer_ = static_cast<L*>(stack.back());
            std::lock_guard lock(mutex_);
            outer_->waits_on = &load;
        }
        stack.push_back(&load);
    }
    ~Making() {
        loads_in_progress().pop_back();
        if (outer_) {
            std::lock_guard lock(mutex_);
            outer_->waits_on = nullptr;
        }
    }
    Making(const Making&) = delete;
    Making& operator=(const Making&) = delete;

private:
    std::mutex& mutex_;
    L* outer_ = nullptr;
};

}  // namespace

std::string describe_column_types(const Project& project) {
    auto relative = [&](const std::string& path) {
        std::error_code ec;
        auto r = std::filesystem::proximate(path, project.root, ec);
        return ec ? path : r.string();
    };
    auto describe = [](const data::Table& table, const std::vector<data::ColumnTypeDecl>& declared) {
        Diagnostics ignored;  // the check reports them
        const data::ColumnTypes types = data::column_types(table, declared, ignored);
        std::vector<std::string> parts;
        for (std::size_t c = 0; c < table.columns.size(); ++c)
            parts.push_back(fmt::format("{} {}{}", table.columns[c], data::column_type_name(types.types[c]),
                                        types.declared[c] ? " (declared)" : ""));
        return fmt::format("{}", fmt::join(parts, ", "));
    };
    std::string out;
    for (const auto& [name, decl] : project.layers) {
        std::vector<std::string> lines;
        if (!decl.spec.x_field.empty()) {
            Diagnostics ignored;
            data::Table table = data::read_csv(decl.spec.path, ignored);
            if (!table.columns.empty())
                lines.push_back(fmt::format("layer {} ({}): {}\n", name, relative(decl.spec.path),
                                            describe(table, decl.spec.types)));
        }
        std::vector<const JoinDecl*> joins;
        for (const auto& j : decl.joins) joins.push_back(&j);
        for (const auto& step : decl.steps)
            if (step.kind == StepDecl::Kind::Join) joins.push_back(&step.join);
        for (const JoinDecl* j : joins) {
            Diagnostics ignored;
            data::Table table = data::read_csv(j->table, ignored);
            if (table.columns.empty()) continue;
            if (lines.empty())
                lines.push_back(fmt::format("layer {} ({})\n", name,
                                            decl.derived()         ? fmt::format("from {}", decl.from)
                                            : decl.spec.database ? data::source_label(decl.spec)
                                                                 : relative(decl.spec.path)));
            lines.push_back(fmt::format("  join {}: {}\n", relative(j->table), describe(table, j->spec.types)));
        }
        for (const auto& l : lines) out += l;
    }
    return out;
}

LayerStore::LayerStore(const Project& project, std::filesystem::path cache_dir, data::ReadOptions read_options)
    : project_(&project), cache_dir_(std::move(cache_dir)), read_options_(read_options),
      geometry_(std::make_shared<render::GeometryCache>()) {
    // The CRSs the project's maps, insets, atlas pages and derived layers' steps draw or compute in.
    std::set<std::string> crss;
    for (const MapDecl& map : project.maps) {
        crss.insert(map.crs);
        for (const auto& inset : map.page.insets)
            if (!inset.crs.empty()) crss.insert(inset.crs);
        if (map.atlas)
            for (const auto& [value, crs] : map.atlas->crs_values) crss.insert(crs);
    }
    for (const auto& [name, decl] : project.layers)
        if (decl.derived() && !decl.spec.crs.empty()) crss.insert(decl.spec.crs);
    several_crss_ = crss.size() > 1;
}

LayerStore::~LayerStore() {
    for (std::thread& t : read_ahead_) t.join();
    flush_cache_writes();
}

void LayerStore::cache_write(std::function<void()> write) {
    {
        std::lock_guard lock(mutex_);
        if (defer_writes_) {
            cache_writes_.push_back(std::move(write));
            return;
        }
    }
    try {
        write();
    } catch (const std::exception&) {
        // a copy not kept: a later command reads the source again
    }
}

void LayerStore::write_copy(std::filesystem::path path, std::uint64_t key, std::shared_ptr<const Layer> copy,
                            std::vector<Diagnostic> warnings, std::vector<geo::SourceDigest> source_digests) {
    cache_write([this, path = std::move(path), key, copy = std::move(copy), warnings = std::move(warnings),
                 sources = std::move(source_digests)] {
        write_prepared(path, key, *copy, warnings, project_->root, sources);
    });
}

void LayerStore::defer_cache_writes() {
    std::lock_guard lock(mutex_);
    defer_writes_ = true;
}

void LayerStore::flush_cache_writes() {
    std::vector<std::function<void()>> writes;
    {
        std::lock_guard lock(mutex_);
        writes.swap(cache_writes_);
    }
    for (auto& write : writes) {
        try {
            write();
        } catch (const std::exception&) {
        }
    }
}

bool LayerStore::copied_from_uncached_read(const std::string& name) {
    if (!windows_allowed_ || !several_crss_ || cache_dir_.empty() || !windowable(name)) return false;
    const LayerDecl& decl = project_->layers.at(name);
    if (decl.derived()) return fingerprint(name) && !derived_cached(name);
    if (!decl.spec.x_field.empty() || decl.geocode) return false;  // point tables: small, and read anyway
    const std::optional<PreparedFile> file = as_read_file(decl);
    return file && !has_prepared(file->path, file->key);
}

std::optional<LayerStore::PreparedFile> LayerStore::as_read_file(const LayerDecl& decl) {
    if (cache_dir_.empty()) return std::nullopt;
    const std::optional<std::uint64_t> key = prepared_key(decl.spec, "as read", project_->root);
    if (!key) return std::nullopt;
    return PreparedFile{prepared_path(cache_dir_, decl.spec.name, "as-read"), *key};
}

bool LayerStore::derived_cached(const std::string& name) {
    const std::optional<std::uint64_t> key = cache_dir_.empty() ? std::nullopt : fingerprint(name);
    return key && has_prepared(prepared_path(cache_dir_, name, "derived"), *key);
}

void LayerStore::read_ahead(const std::vector<std::string>& names) {
    std::vector<std::string> reads;
    for (const std::string& name : names)
        if (std::find(reads.begin(), reads.end(), name) == reads.end() && copied_from_uncached_read(name))
            reads.push_back(name);
    // A thread per layer: a small layer the caller needs at once is not behind a large one.
    for (const std::string& name : reads)
        read_ahead_.emplace_back([this, name] {
            reading_ahead = true;
            try {
                source(name);
            } catch (...) {
                // Told to nobody but the callers that waited for it: the load was dropped and the failure
                // not remembered (keep_warnings_or_fail, fail_load), so the next caller reads the layer
                // again and is told in full.
            }
        });
}

bool LayerStore::release_sources_once_drawn(const std::vector<std::pair<std::string, std::string>>& keys) {
    auto done = [](const std::shared_ptr<Load>& load) {
        if (!load || load->ready.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
        try {
            load->ready.get();
            return load->layer != nullptr;
        } catch (...) {
            return false;
        }
    };
    {
        std::lock_guard lock(mutex_);
        for (const auto& key : keys) {
            auto w = windowed_.find(key);
            auto p = projected_.find(key);
            if (!(w != windowed_.end() && done(w->second)) && !(p != projected_.end() && done(p->second))) return false;
        }
    }
    for (std::thread& t : read_ahead_)
        if (t.joinable()) t.join();
    read_ahead_.clear();
    std::vector<std::shared_ptr<Load>> freed;
    {
        std::lock_guard lock(mutex_);
        for (auto it = sources_.begin(); it != sources_.end();) {
            if (done(it->second)) {
                freed.push_back(std::move(it->second));
                it = sources_.erase(it);
            } else {
                ++it;
            }
        }
    }
    if (freed.empty()) return true;
    freed.clear();  // outside the lock
    release_memory_after_large_read();
    return true;
}

void LayerStore::draw_ahead(const std::vector<std::pair<std::string, std::string>>& keys) {
    if (keys.empty()) return;
    read_ahead_.emplace_back([this, keys] {
        reading_ahead = true;
        for (const auto& [name, crs] : keys) {
            try {
                drawn(name, crs);
            } catch (...) {
                // Told to nobody: the load was dropped and the failure not remembered (fail_load,
                // reading ahead), so the caller who needs the copy loads it again and is told in full.
            }
        }
    });
}

std::map<std::string, std::vector<data::JoinStats>> LayerStore::join_stats() const {
    std::lock_guard lock(mutex_);
    return join_stats_;
}

bool LayerStore::wait_for(Load& target, const std::shared_future<void>& future, std::vector<std::string>& cycle) {
    if (future.wait_for(std::chrono::seconds(0)) == std::future_status::ready) return true;
    auto& stack = loads_in_progress();
    Load* me = stack.empty() ? nullptr : static_cast<Load*>(stack.back());
    if (me) {
        std::lock_guard lock(mutex_);
        for (const Load* x = &target; x; x = x->waits_on)
            if (x == me) {
                cycle.push_back(me->name);
                for (const Load* y = &target; y != me; y = y->waits_on) cycle.push_back(y->name);
                cycle.push_back(me->name);
                return false;
            }
        me->waits_on = &target;
    }
    future.wait();
    if (me) {
        std::lock_guard lock(mutex_);
        me->waits_on = nullptr;
    }
    return true;
}

bool LayerStore::wait_first_read(const std::string& name) {
    std::shared_future<void> first;
    {
        std::lock_guard lock(mutex_);
        auto it = first_reads_.find(name);
        if (it == first_reads_.end()) {
            auto promise = std::make_shared<std::promise<void>>();
            first_reads_.emplace(name, promise->get_future().share());
            first_read_promises_.emplace(name, std::move(promise));
            return true;
        }
        first = it->second;
    }
    first.wait();  // a read has no dependency on other loads: no cycle
    return false;
}

void LayerStore::first_read_done(const std::string& name) {
    std::shared_ptr<std::promise<void>> promise;
    {
        std::lock_guard lock(mutex_);
        auto it = first_read_promises_.find(name);
        if (it == first_read_promises_.end()) return;
        promise = std::move(it->second);
        first_read_promises_.erase(it);
    }
    promise->set_value();
}

namespace {

/// Runs `done` when it goes out of scope, however the scope ends.
struct AtExit {
    std::function<void()> done;
    ~AtExit() {
        if (done) done();
    }
};

}  // namespace


std::vector<std::string> LayerStore::adopt(LayerStore& previous, const std::set<std::string>& changed,
                                           bool move_geometry) {
    previous.flush_cache_writes();  // what it kept for later, written before its layers are shared or moved
    const Project& before = *previous.project_;
    if (before.root != project_->root || previous.several_crss_ != several_crss_ || previous.windows_allowed_) return {};
    // Whether a layer, by itself, is the same now as when `previous` loaded it.
    std::map<std::string, bool> same;
    for (const auto& [name, decl] : project_->layers) {
        auto old = before.layers.find(name);
        bool ok = old != before.layers.end() && old->second.canonical == decl.canonical && !decl.spec.database;
        for (const auto& file : ok ? layer_own_files(decl) : std::vector<std::string>{})
            if (changed.count(canonical_path(file))) ok = false;
        same[name] = ok;
    }
    std::vector<std::string> taken;
    std::vector<const Layer*> layers;
    std::scoped_lock lock(mutex_, previous.mutex_);
    // A load of `previous` that is over and did not fail.
    auto good = [](const std::shared_ptr<Load>& load) {
        if (load->ready.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
        try {
            load->ready.get();
        } catch (...) {
            return false;
        }
        return load->layer != nullptr;
    };
    for (const auto& [name, decl] : project_->layers) {
        if (previous.failed_.count(name) || previous.missing_optional_.count(name)) continue;
        std::vector<std::shared_ptr<Load>> as_read;
        if (auto it = previous.sources_.find(name); it != previous.sources_.end()) as_read.push_back(it->second);
        std::vector<std::pair<ProjectedKey, std::shared_ptr<Load>>> copies;
        for (const auto& [key, load] : previous.projected_)
            if (key.first == name) copies.emplace_back(key, load);
        if (as_read.empty() && copies.empty()) continue;
        if (!std::all_of(as_read.begin(), as_read.end(), good) ||
            !std::all_of(copies.begin(), copies.end(), [&](const auto& c) { return good(c.second); }))
            continue;
        const std::vector<std::string> needed = layers_needed(*project_, {name});
        if (!std::all_of(needed.begin(), needed.end(), [&](const std::string& n) { return same.count(n) && same[n]; })) {
            // Edited, or needing a layer that was: loaded again. When it is declared as before, its copies
            // in each CRS are made again from those of `previous`, feature by feature.
            auto old = before.layers.find(name);
            if (as_read.empty() || old == before.layers.end() || old->second.canonical != decl.canonical ||
                decl.spec.database)
                continue;
            for (const auto& [key, load] : copies)
                if (!load->layer->subset) reusable_[key] = {as_read.front(), load};
            continue;
        }
        for (const auto& load : as_read) {
            sources_[name] = load;
            layers.push_back(load->layer.get());
        }
        for (const auto& [key, load] : copies) {
            projected_[key] = load;
            layers.push_back(load->layer.get());
        }
        if (auto it = previous.layer_warnings_.find(name); it != previous.layer_warnings_.end())
            for (const auto& w : it->second) add_warning(name, w);
        if (auto it = previous.join_stats_.find(name); it != previous.join_stats_.end()) join_stats_[name] = it->second;
        if (previous.empty_warned_.count(name)) empty_warned_.insert(name);
        if (auto it = previous.fingerprints_.find(name); it != previous.fingerprints_.end()) fingerprints_[name] = it->second;
        taken.push_back(name);
    }
    if (move_geometry) geometry_->take(*previous.geometry_, layers);
    return taken;
}

void LayerStore::warn_if_empty(const std::string& name, const Layer& layer) {
    if (!layer.features.empty()) return;
    std::lock_guard lock(mutex_);
    if (!empty_warned_.insert(name).second) return;
    if (missing_optional_.count(name)) return;  // its warning said why
    Diagnostics said;
    said.warning(SourceLocation{layer.source, 0, 0, {}},
                 fmt::format("layer '{}' has no feature: every map drawing it shows nothing of it", name),
                 "is the file empty, or does it hold only its header?");
    add_warning(name, said.items().front());  // kept per layer: strict mode fails the maps drawing it
}

void LayerStore::add_warning(const std::string& layer, const Diagnostic& warning) {
    if (!warnings_said_.insert(warning.format()).second) return;  // a check run in each CRS says it once
    warnings_.add(warning);
    layer_warnings_[layer].push_back(warning);
}

Diagnostics LayerStore::warnings_of(const std::vector<std::string>& layers) const {
    std::lock_guard lock(mutex_);
    Diagnostics out;
    std::set<std::string> seen;
    for (const auto& name : layers)
        if (auto it = layer_warnings_.find(name); it != layer_warnings_.end())
            for (const auto& w : it->second)
                if (seen.insert(w.format()).second) out.add(w);
    return out;
}

void LayerStore::keep_warnings_or_fail(const std::string& name, const Diagnostics& d) {
    std::lock_guard lock(mutex_);
    for (const auto& item : d.items())
        if (item.severity == Severity::Warning) add_warning(name, item);
    if (d.has_errors()) {
        // A load made ahead tells nobody: remembering the failure would make the caller who asks next,
        // even while this thread unwinds, hear "see above" of an error never shown.
        if (!reading_ahead) failed_.insert(name);
        Diagnostics errors;  // the warnings are said once, with the store's
        for (const auto& item : d.items())
            if (item.severity == Severity::Error) errors.add(item);
        throw Error(errors);
    }
}

void LayerStore::fail_load(Load& load, bool checking, bool source) {
    std::exception_ptr problem = std::current_exception();
    // What the callers waiting for this load get: a copy of the error that lives as long as the load,
    // not the object this thread is throwing, which it frees when its catch ends — a release inside the
    // C++ runtime that ThreadSanitizer cannot see, so a waiter still reading that object would be
    // reported as racing with the free. Each waiter copies it again while it holds the load (get_own).
    std::exception_ptr theirs = own_copy(problem);
    bool keep = false;
    {
        std::lock_guard lock(mutex_);
        if (!checking && failed_.count(load.name) && !reading_ahead) {
            theirs = std::make_exception_ptr(could_not_load(load.name));
            keep = true;
        } else if (checking) {
            try {
                std::rethrow_exception(problem);
            } catch (const Error&) {
                keep = true;  // failed checks: the same diagnostics for every caller
            } catch (...) {
            }
        }
        // Anything else (an interruption, a failure of the machine) is not the layer's: a later
        // request loads it again.
        if (!keep) {
            if (source) {
                if (auto it = sources_.find(load.name); it != sources_.end() && it->second.get() == &load)
                    sources_.erase(it);
            } else {
                for (auto* loads : {&projected_, &windowed_})
                    for (auto it = loads->begin(); it != loads->end(); ++it)
                        if (it->second.get() == &load) {
                            loads->erase(it);
                            break;
                        }
            }
        }
    }
    if (keep) {
        std::lock_guard lock(mutex_);
        first_failures_.try_emplace(load.name, problem);
    }
    if (!checking) load.loaded_promise.set_exception(theirs);  // else set when the checks began
    load.ready_promise.set_exception(theirs);
}

namespace {

bool any_missing(const std::vector<std::string>& files) {
    std::error_code ec;
    return std::any_of(files.begin(), files.end(), [&](const std::string& f) { return !std::filesystem::exists(f, ec); });
}

/// `optional: true`: when one of `files` is missing, the layer is empty, with a warning saying which
/// file (returned); nullptr when every file is there or the layer is not optional.
std::unique_ptr<Layer> missing_optional(const LayerDecl& decl, const std::vector<std::string>& files,
                                        const std::filesystem::path& root, Diagnostics& d) {
    if (!decl.optional) return nullptr;
    for (const auto& file : files) {
        if (!any_missing({file})) continue;
        d.warning(decl.spec.declared_at,
                  fmt::format("layer '{}' is empty: {} is missing, so every map drawing the layer shows nothing of it",
                              decl.spec.name, path_inside(root, file)),
                  "the layer is optional; scripts/fetch-layers.sh fetches what it can, and says why when it cannot");
        auto layer = std::make_unique<Layer>();
        layer->name = decl.spec.name;
        layer->source = file;
        layer->crs = decl.spec.crs.empty() ? std::string("EPSG:4326") : decl.spec.crs;
        return layer;
    }
    return nullptr;
}

}  // namespace

const Layer& LayerStore::source(const std::string& name) {
    std::shared_ptr<Load> load;
    bool mine = false;
    {
        std::lock_guard lock(mutex_);
        if (auto it = sources_.find(name); it != sources_.end()) {
            load = it->second;
        } else {
            if (failed_.count(name)) throw could_not_load(name);
            if (!project_->layers.count(name))
                throw Error(SourceLocation{}, fmt::format("no layer '{}' in the project", name));
            load = std::make_shared<Load>(name);
            sources_.emplace(name, load);
            mine = true;
        }
    }
    if (mine) return load_source(*load, project_->layers.at(name));
    return wait_ready(*load);
}

const Layer& LayerStore::wait_ready(Load& load) {
    std::vector<std::string> cycle;
    if (!wait_for(load, load.ready, cycle))
        throw Error(SourceLocation{project_->file, 0, 0, {}},
                    fmt::format("layer '{}' cannot be loaded: loading it needs itself ({})", cycle.front(),
                                fmt::join(cycle, " → ")),
                    "a geocode names, directly or through other layers, the layer it places");
    get_own(load.ready);
    return *load.layer;
}

const Layer& LayerStore::load_source(Load& load, const LayerDecl& decl) {
    const std::string& name = load.name;
    if (decl.derived()) {
        load_derived(load, decl);
        return *load.layer;
    }
    try {
        Making making(mutex_, load);
        warn_about_database(decl);
        const bool first = wait_first_read(name);
        AtExit first_done{first ? std::function<void()>([&] { first_read_done(name); }) : nullptr};
        if (!first) {
            std::lock_guard lock(mutex_);
            if (failed_.count(name)) throw could_not_load(name);  // the first read reported it
        }
        Diagnostics d;
        std::shared_ptr<Layer> layer = missing_optional(decl, layer_files(decl), project_->root, d);
        if (layer) {
            {
                std::lock_guard lock(mutex_);
                missing_optional_.insert(name);
            }
            keep_warnings_or_fail(name, d);
            load.layer = std::move(layer);
            load.loaded_promise.set_value();
            load.ready_promise.set_value();
            return *load.layer;
        }
        layer = read_source_cached(decl, d);
        if (decl.spec.database && !layer->digest.empty()) note_digest(name, layer->digest);
        std::optional<ScopedStage> stage(std::in_place, "join");
        for (const auto& j : decl.joins) {
            if (layer->features.empty() && d.has_errors()) break;
            Diagnostics table_problems;
            data::Table table = data::read_csv(j.table, table_problems);
            d.append(table_problems);
            if (table_problems.has_errors() && table.rows.empty()) continue;
            auto stats = data::join(*layer, table, j.spec, d);
            stats.layer = name;
            std::lock_guard lock(mutex_);
            join_stats_[name].push_back(std::move(stats));
        }
        if (const auto& g = decl.geocode; g && !layer->features.empty()) {
            try {
                const Layer& areas = source(g->layer);
                if (areas.features.empty() && project_->layers.at(g->layer).optional) {
                    // An optional layer of areas that is missing (warned about with it): the rows with
                    // coordinates are drawn unchecked; one without cannot be placed.
                    d.warning(g->declared_at,
                              fmt::format("the rows of layer '{}' are not checked against their area: layer '{}' is "
                                          "empty",
                                          name, g->layer));
                    for (const auto& f : layer->features)
                        if (f.geometry.empty())
                            d.error(f.line ? SourceLocation{layer->source, static_cast<int>(f.line), 0, {}} : g->declared_at,
                                    fmt::format("row '{}' has no coordinates and cannot be placed: layer '{}' is empty",
                                                f.id, g->layer));
                } else {
                    geo::geocode(*layer, areas,
                                 {g->layer, g->code_field, g->match_field, g->tolerance_m, g->insee, g->declared_at}, d);
                }
            } catch (const Error& e) {
                d.append(e.diagnostics());
            }
        }
        keep_warnings_or_fail(name, d);
        warn_if_empty(name, *layer);
        load.layer = std::move(layer);
    } catch (...) {
        fail_load(load, false, true);
        throw;
    }
    load.loaded_promise.set_value();
    load.ready_promise.set_value();
    return *load.layer;
}

std::shared_ptr<Layer> LayerStore::read_source_cached(const LayerDecl& decl, Diagnostics& d) {
    // CSV point tables are small and their rows may be geocoded later: always read.
    const bool cacheable = !cache_dir_.empty() && !decl.spec.database && decl.spec.x_field.empty();
    std::optional<PreparedFile> file;
    if (cacheable) {
        ScopedStage stage("load");
        file = as_read_file(decl);
        if (file)
            if (auto hit = read_prepared(file->path, file->key, project_->root)) {
                for (const auto& w : hit->warnings) d.add(w);
                return std::make_unique<Layer>(std::move(hit->layer));
            }
    }
    Diagnostics read;
    std::shared_ptr<Layer> layer = read_checked(decl, read, nullptr, nullptr);
    d.append(read);
    if (file && !read.has_errors()) {
        ScopedStage stage("write-cache");
        std::vector<Diagnostic> warnings(read.items().begin(), read.items().end());
        if (decl.joins.empty() && !decl.geocode) {
            write_copy(file->path, file->key, layer, std::move(warnings));
        } else {
            // Written now: the caller's joins and geocoding then change this layer in place.
            write_prepared(file->path, file->key, *layer, warnings, project_->root);
        }
    }
    return layer;
}

std::optional<std::uint64_t> LayerStore::fingerprint(const std::string& name) {
    {
        std::lock_guard lock(mutex_);
        if (auto it = fingerprints_.find(name); it != fingerprints_.end()) return it->second;
    }
    std::optional<std::uint64_t> key;
    if (auto it = project_->layers.find(name); it != project_->layers.end()) {
        const LayerDecl& decl = it->second;
        std::string recipe = fmt::format("layer {}\n{}\n", name, decl.canonical);
        // The source's bytes (and sidecars) through the prepared key; the tables hashed with the recipe.
        std::vector<std::string> files = decl.derived() ? step_files(decl) : std::vector<std::string>{};
        bool known = !decl.spec.database;
        if (known && !decl.derived()) {
            if (auto k = prepared_key(decl.spec, "as read", project_->root)) recipe += fmt::format("source {:016x}\n", *k);
            else known = false;
            for (const auto& j : decl.joins) files.push_back(j.table);
        }
        for (const auto& input : project_->inputs_of(name)) {  // no cycle: the project refuses them
            if (!known) break;
            if (auto k = fingerprint(input)) recipe += fmt::format("input {} {:016x}\n", input, *k);
            else known = false;
        }
        if (known) key = recipe_key(recipe, files);
    }
    std::lock_guard lock(mutex_);
    fingerprints_[name] = key;
    return key;
}

void LayerStore::load_derived(Load& load, const LayerDecl& decl) {
    const std::string& name = load.name;
    try {
        Making making(mutex_, load);
        Diagnostics d;
        std::vector<std::string> needed = layer_files(decl);
        for (const auto& input : project_->computed_from(name))
            for (auto& file : layer_files(project_->layers.at(input))) needed.push_back(std::move(file));
        std::shared_ptr<Layer> layer = missing_optional(decl, needed, project_->root, d);
        const bool missing = layer != nullptr;
        if (missing) {
            std::lock_guard lock(mutex_);
            missing_optional_.insert(name);
        }
        std::optional<std::uint64_t> key;
        std::filesystem::path cache_file;
        if (!layer && !cache_dir_.empty()) {
            ScopedStage stage("load");
            key = fingerprint(name);
            if (key) {
                cache_file = prepared_path(cache_dir_, name, "derived");
                if (auto hit = read_prepared(cache_file, *key, project_->root)) {
                    for (const auto& w : hit->warnings) d.add(w);
                    layer = std::make_unique<Layer>(std::move(hit->layer));
                }
            }
        }
        if (!layer) {
            const Layer* input = nullptr;
            try {
                input = &source(decl.from);
            } catch (const Error& e) {
                d.append(e.diagnostics());
                d.error(decl.from_at, fmt::format("layer '{}' cannot be computed: its input layer '{}' could not be "
                                                  "loaded",
                                                  name, decl.from));
            }
            if (input) {
                auto out = std::make_shared<Layer>(*input);
                if (!decl.spec.crs.empty() && decl.spec.crs != out->crs) {
                    ScopedStage stage("reproject");
                    geo::ProjectionFailures failed = geo::reproject(*out, decl.spec.crs);
                    if (failed.inside_area() > 0)
                        d.warning(decl.spec.declared_at,
                                  fmt::format("{} vertices of layer '{}' could not be projected into {}, the CRS of "
                                              "layer '{}''s steps",
                                              failed.inside_area(), decl.from, decl.spec.crs, name));
                }
                Diagnostics steps;
                StepsRun run;
                *out = run_steps(std::move(*out), name, decl,
                                 [this](const std::string& other, const std::string& crs) -> const Layer& {
                                     return projected(other, crs);
                                 },
                                 steps, &run);
                d.append(steps);
                {
                    std::lock_guard lock(mutex_);
                    for (auto& stats : run.joins) {
                        stats.layer = name;
                        join_stats_[name].push_back(std::move(stats));
                    }
                }
                if (key && !steps.has_errors()) {
                    ScopedStage stage("write-cache");
                    std::vector<Diagnostic> warnings;
                    for (const auto& item : steps.items())
                        if (item.severity == Severity::Warning) warnings.push_back(item);
                    write_copy(cache_file, *key, out, std::move(warnings));
                }
                layer = std::move(out);
            }
        }
        keep_warnings_or_fail(name, d);
        if (!missing) warn_if_empty(name, *layer);
        load.layer = std::move(layer);
    } catch (...) {
        fail_load(load, false, true);
        throw;
    }
    load.loaded_promise.set_value();
    load.ready_promise.set_value();
}

DatabaseDigests& LayerStore::digests() {
    std::lock_guard lock(mutex_);
    return digests_ ? *digests_ : own_digests_;
}

void LayerStore::use_digests(DatabaseDigests& digests) {
    std::lock_guard lock(mutex_);
    digests_ = &digests;
    for (const auto& [name, digest] : held_digests_) digests.loaded(name, digest);
}

void LayerStore::note_digest(const std::string& name, const std::string& digest) {
    std::lock_guard lock(mutex_);
    held_digests_[name] = digest;
    (digests_ ? *digests_ : own_digests_).loaded(name, digest);
}

void LayerStore::warn_about_database(const LayerDecl& decl) {
    if (!decl.spec.database) return;
    {
        std::lock_guard lock(mutex_);
        if (!database_warned_.insert(decl.spec.name).second) return;
    }
    Diagnostics d;
    if (decl.spec.database && data::contains_password(decl.spec.database->connection))
        d.warning(decl.spec.database->declared_at,
                  fmt::format("layer '{}': the project file holds the database password: whoever reads the project "
                              "(or its repository) reads the password",
                              decl.spec.name),
                  "remove it from 'connection' and give it in ~/.pgpass (or PGPASSFILE), a service file "
                  "(PGSERVICEFILE) or PGPASSWORD");
    static const std::regex order_by(R"(\border\s+by\b)", std::regex::icase);
    if (decl.spec.database && !decl.spec.database->sql.empty() && !std::regex_search(decl.spec.database->sql, order_by))
        d.warning(decl.spec.database->declared_at,
                  fmt::format("layer '{}': the query has no ORDER BY: the server may return its rows in another "
                              "order after any update, and the features would be drawn (and labelled) in that order",
                              decl.spec.name),
                  "end the query with ORDER BY a key (the table's primary key, or the layer's id)");
    std::lock_guard lock(mutex_);
    for (const auto& item : d.items()) add_warning(decl.spec.name, item);
}

std::unique_ptr<Layer> LayerStore::read_checked(const LayerDecl& decl, Diagnostics& d, const std::string* project_to,
                                                geo::ProjectionFailures* failed_vertices) {
    if (on_read_) on_read_(decl.spec.name);
    // The reading thread hands chunks of features over a bounded queue to a checking thread, which
    // validates (and reprojects) them in order. Every problem of the file in one run: geometries are
    // checked even when rows had errors. A restart (data::FeatureSink) travels the queue too: the
    // checker then forgets every chunk before it.
    struct Item {
        std::vector<Feature> features;
        std::optional<Layer> header;  ///< with the first chunk of a read: the layer's name, file and CRS
        bool restart = false;
    };
    data::ChunkQueue<Item> queue(read_options_.queue_chunks);
    std::vector<std::vector<Feature>> checked;
    Diagnostics checks;
    geo::ProjectionFailures failed;
    std::exception_ptr problem;        // the reader's
    std::exception_ptr check_problem;  // a check's, forgotten on a restart
    std::exception_ptr checker_died;   // the checking thread's own failure: it took nothing more
    StageTimes* sink = current_stage_times();
    // The polygons the last read of this layer found valid: those of an edited file that did not change
    // are not checked by GEOS again.
    const std::vector<geo::ValidPolygons::Digest> known_valid = read_valid_polygons(cache_dir_, decl.spec.name);
    std::optional<geo::ValidPolygons> valid;
    auto checker = [&] {
        // However the checker ends, the reader no longer waits for room in the queue.
        AtExit abandon{[&] { queue.abandon(); }};
        try {
            StageSinkScope scope(sink);
            std::optional<Layer> header;
            std::optional<geo::GeometryValidator> validator;
            std::optional<geo::Transformation> transformation;
            data::DuplicateIds ids(decl.spec);
            while (std::optional<Item> item = queue.pop()) {
                if (item->restart) {
                    ids.restart();
                    validator.reset();
                    valid.reset();
                    transformation.reset();
                    checked.clear();
                    checks = Diagnostics{};
                    failed = {};
                    check_problem = nullptr;
                    continue;
                }
                if (item->header) header = std::move(item->header);
                if (check_problem) continue;  // drain: a restart may yet forget the problem
                try {
                    ScopedStage stage("validate");
                    if (!validator) {
                        validator.emplace(*header, checks);
                        if (!decl.spec.repaired.empty())
                            validator->acknowledge_repairs(decl.spec.repaired, decl.spec.repaired_at);
                        validator->remember(valid.emplace(known_valid));
                    }
                    for (auto& f : item->features) validator->check(f);
                    ids.take(item->features);
                    if (project_to && header->crs != *project_to) {
                        ScopedStage reprojecting("reproject");
                        if (!transformation) transformation.emplace(header->crs, *project_to);
                        for (auto& f : item->features) failed += transformation->transform(f.geometry.points);
                    }
                    checked.push_back(std::move(item->features));
                } catch (...) {
                    check_problem = std::current_exception();
                }
            }
            if (validator && !check_problem) validator->finish();
            if (!check_problem) ids.finish(checked, checks);
        } catch (...) {
            checker_died = std::current_exception();
        }
    };
    std::thread checking(checker);
    // A push after the checker has stopped (it failed) is dropped: the read ends, then fails with it.
    bool first_chunk = true;
    data::FeatureSink to_checker;
    to_checker.take = [&](const Layer& reading, std::vector<Feature>&& chunk) {
        Item item{std::move(chunk), std::nullopt, false};
        if (first_chunk) {
            item.header.emplace();
            item.header->name = reading.name;
            item.header->source = reading.source;
            item.header->crs = reading.crs;
            first_chunk = false;
        }
        queue.push(std::move(item));
    };
    to_checker.restart = [&] {
        queue.push(Item{{}, std::nullopt, true});
        first_chunk = true;
    };
    Layer layer;
    try {
        ScopedStage stage("load");
        layer = data::read_layer(decl.spec, d, to_checker, read_options_);
    } catch (...) {
        problem = std::current_exception();
    }
    queue.close();
    {
        ScopedStage stage("validate");  // what is left of the checks once the file is read
        checking.join();
    }
    for (std::size_t seen = queue.high_water(), before = queue_high_water_.load();
         seen > before && !queue_high_water_.compare_exchange_weak(before, seen);) {
    }
    if (!problem) problem = checker_died;
    if (!problem) problem = check_problem;
    if (problem) std::rethrow_exception(problem);
    d.append(checks);
    if (valid && !cache_dir_.empty()) {
        std::vector<geo::ValidPolygons::Digest> learned = valid->learned();
        if (learned != known_valid) write_valid_polygons(cache_dir_, decl.spec.name, learned);
    }
    std::size_t total = 0, vertices = 0;
    for (const auto& c : checked) {
        total += c.size();
        for (const auto& f : c) vertices += f.geometry.points.size();
    }
    if (vertices >= large_read_vertices) release_memory_after_large_read();  // GDAL's parser left freed blocks
    layer.features.reserve(total);
    for (auto& c : checked)
        for (auto& f : c) layer.features.push_back(std::move(f));
    if (project_to) layer.crs = *project_to;
    if (failed_vertices) *failed_vertices = failed;
    return std::make_unique<Layer>(std::move(layer));
}

const Layer& LayerStore::projected(const std::string& name, const std::string& crs) {
    auto declared = project_->layers.find(name);
    if (declared == project_->layers.end())
        throw Error(SourceLocation{}, fmt::format("no layer '{}' in the project", name));
    const LayerDecl& decl = declared->second;
    std::shared_ptr<Load> load;
    bool mine = false;
    {
        std::lock_guard lock(mutex_);
        auto [it, fresh] = projected_.try_emplace(ProjectedKey(name, crs));
        if (fresh) it->second = std::make_shared<Load>(name);
        load = it->second;
        mine = fresh;
    }
    if (mine) return load_projected(*load, decl, crs);
    std::vector<std::string> cycle;
    if (wait_for(*load, load->ready, cycle)) {
        get_own(load->ready);
        return *load->layer;
    }
    // Asked by a check of a layer that this one's checks are waiting for (containers checking each
    // other, or a layer checked within itself): the layer as loaded, its own checks still running.
    get_own(load->loaded);
    return *load->layer;
}

void LayerStore::set_drawn_windows(std::map<std::string, Box> windows) {
    std::lock_guard lock(mutex_);
    if (!windows_allowed_ || windows_set_) return;
    windows_set_ = true;
    windows_ = std::move(windows);
}

bool LayerStore::windowable(const std::string& name) const {
    if (auto it = project_->layers.find(name); it == project_->layers.end() || it->second.spec.database) return false;
    for (const auto& [other, decl] : project_->layers)
        for (const auto& check : decl.checks)
            if (other == name || check.container == name) return false;
    return true;
}

const Layer& LayerStore::drawn(const std::string& name, const std::string& crs) {
    std::optional<Box> window;
    {
        std::lock_guard lock(mutex_);
        if (auto w = windows_.find(crs); w != windows_.end() && !w->second.empty() &&
                                         !projected_.count(ProjectedKey(name, crs)))
            window = w->second;
    }
    // A project drawing in one CRS reads a layer straight into it (one copy, no copy as read): its maps'
    // frames show most of what it holds anyway.
    if (!window || !several_crss_ || !windowable(name)) return projected(name, crs);
    std::shared_ptr<Load> load;
    bool mine = false;
    {
        std::lock_guard lock(mutex_);
        if (failed_.count(name)) throw could_not_load(name);
        auto [it, fresh] = windowed_.try_emplace(ProjectedKey(name, crs));
        if (fresh) it->second = std::make_shared<Load>(name);
        load = it->second;
        mine = fresh;
    }
    if (mine) return load_windowed(*load, crs, *window);
    return wait_ready(*load);
}

void LayerStore::warn_if_unprojected(const std::string& name, const Layer& copy, const std::string& crs,
                                     const geo::ProjectionFailures& failed, std::vector<Diagnostic>& own_warnings) {
    if (failed.inside_area() == 0) return;
    Diagnostics w;
    w.warning(SourceLocation{copy.source, 0, 0, {}},
              fmt::format("{} vertices of layer '{}' could not be projected into {}, inside its area of use",
                          failed.inside_area(), name, crs),
              "check the coordinates of the layer and its declared CRS");
    own_warnings.push_back(w.items().front());
    std::lock_guard lock(mutex_);
    add_warning(name, w.items().front());
}

std::vector<Diagnostic> LayerStore::with_read_warnings(const std::string& name, std::vector<Diagnostic> own) const {
    std::vector<Diagnostic> read_warnings;
    const Diagnostics read = warnings_of({name});  // held: items() refers into it
    for (const auto& item : read.items())
        if (std::find_if(own.begin(), own.end(), [&](const Diagnostic& d) { return d.format() == item.format(); }) ==
            own.end())
            read_warnings.push_back(item);
    own.insert(own.begin(), read_warnings.begin(), read_warnings.end());
    return own;
}

void LayerStore::load_drawn(const std::vector<std::pair<std::string, std::string>>& keys, unsigned threads) {
    const std::vector<std::exception_ptr> errors =
        for_each_index(keys.size(), threads, [&](std::size_t i) { drawn(keys[i].first, keys[i].second); });
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!errors[i]) continue;
        std::exception_ptr full = errors[i];
        {
            std::lock_guard lock(mutex_);
            if (auto f = first_failures_.find(keys[i].first); f != first_failures_.end()) full = f->second;
        }
        std::rethrow_exception(full);
    }
}

const Layer& LayerStore::load_windowed(Load& load, const std::string& crs, const Box& window) {
    const std::string& name = load.name;
    try {
        Making making(mutex_, load);
        std::optional<std::uint64_t> key;
        std::filesystem::path cache_file;
        std::shared_ptr<Layer> copy;
        if (!cache_dir_.empty()) {
            ScopedStage stage("load");
            if (const std::optional<std::uint64_t> layer_key = fingerprint(name)) {
                // The layer's own key (its declaration, its files' bytes, its inputs'), the CRS and the
                // window to the last bit.
                key = recipe_key(fmt::format("drawn window\nlayer {} {:016x}\ncrs {}\nwindow {:a} {:a} {:a} {:a}\n", name,
                                             *layer_key, crs, window.min_x, window.min_y, window.max_x, window.max_y),
                                 {});
                cache_file = prepared_path(cache_dir_, name, crs + ".window");
                if (key) {
                    if (auto hit = read_prepared(cache_file, *key, project_->root)) {
                        std::lock_guard lock(mutex_);
                        for (const auto& w : hit->warnings) add_warning(name, w);
                        copy = std::make_unique<Layer>(std::move(hit->layer));
                    }
                }
            }
        }
        if (!copy) {
            const Layer& original = source(name);
            std::optional<ScopedStage> stage(std::in_place, "reproject");
            geo::ProjectionFailures failed;
            copy = std::make_unique<Layer>(geo::reproject_within(original, crs, window, failed));
            std::vector<Diagnostic> own_warnings;
            warn_if_unprojected(name, *copy, crs, failed, own_warnings);
            if (key) {
                // With the warnings of the layer as read, which a later build taking this copy does not
                // read again.
                stage.emplace("write-cache");
                write_copy(cache_file, *key, copy, with_read_warnings(name, std::move(own_warnings)));
            }
        }
        load.layer = std::move(copy);
        load.loaded_promise.set_value();
    } catch (...) {
        fail_load(load, false, false);
        throw;
    }
    load.ready_promise.set_value();
    return *load.layer;
}

bool LayerStore::source_will_be_read(const std::string& name) {
    for (const auto& [other, decl] : project_->layers) {
        if (decl.geocode && decl.geocode->layer == name) return true;
        if (!decl.derived() || decl.from != name) continue;
        if (!derived_cached(other)) return true;
    }
    return false;
}

const Layer& LayerStore::load_projected(Load& load, const LayerDecl& decl, const std::string& crs) {
    const std::string& name = load.name;
    bool loaded = false;
    try {
        Making making(mutex_, load);
        warn_about_database(decl);
        bool source_known;
        {
            std::lock_guard lock(mutex_);
            source_known = sources_.count(name) > 0;
        }
        // The prepared cache (layers read by GDAL, without joins or geocoding): the projected layer as
        // stored by an earlier build from the same bytes, read in one pass — no GDAL, no PROJ.
        std::optional<std::uint64_t> cache_key;
        std::filesystem::path cache_file;
        std::shared_ptr<Layer> copy;
        if (!cache_dir_.empty() && decl.joins.empty() && !decl.geocode && decl.spec.x_field.empty() &&
            decl.spec.y_field.empty() && !decl.derived() &&
            !(decl.optional && any_missing(layer_files(decl)))) {
            std::optional<ScopedStage> cache_stage(std::in_place, "load");
            // A database layer: keyed by the digest of its rows now (asked of the server; an Error when it
            // cannot answer, so the cache is never used for rows whose digest is unknown).
            const std::string digest = decl.spec.database ? digests().current(decl.spec) : std::string();
            cache_key = prepared_key(decl.spec, crs, project_->root, digest);
            if (cache_key) {
                cache_file = prepared_path(cache_dir_, name, crs);
                if (auto hit = read_prepared(cache_file, *cache_key, project_->root)) {
                    {
                        std::lock_guard lock(mutex_);
                        for (const auto& w : hit->warnings) add_warning(name, w);
                    }
                    copy = std::make_unique<Layer>(std::move(hit->layer));
                    copy->digest = digest;
                }
            }
        }
        if (!copy) {
            // This load's warnings, kept with the layer in the prepared cache.
            std::vector<Diagnostic> own_warnings;
            std::vector<geo::SourceDigest> sources;  // of the features as read, when projected from them
            geo::ProjectionFailures failed;
            std::optional<ScopedStage> stage;
            // Direct: read straight into the CRS — unless the layer as read is already in memory (another
            // map or a derived layer asked for it): then projected from it.
            // A layer the project may need in several CRSs is read once as read and projected from it,
            // rather than parsed again for each CRS.
            bool direct = cache_key.has_value() && !source_known && !several_crss_ && !source_will_be_read(name);
            const bool first = direct && wait_first_read(name);
            AtExit first_done{first ? std::function<void()>([&] { first_read_done(name); }) : nullptr};
            if (direct) {
                std::lock_guard lock(mutex_);
                direct = !failed_.count(name);  // else source(name) says it failed
            }
            if (direct) {
                // Nobody else asked for the layer as read (no joins, no geocoding): read it straight into
                // the map's CRS, projecting each chunk while the next is read (a later source(name) reads
                // it again).
                Diagnostics d;
                copy = read_checked(decl, d, &crs, &failed);
                keep_warnings_or_fail(name, d);
                for (const auto& item : d.items())
                    if (item.severity == Severity::Warning) own_warnings.push_back(item);
            } else {
                const Layer& original = source(name);
                stage.emplace("reproject");
                copy = std::make_unique<Layer>(original);
                std::pair<std::shared_ptr<Load>, std::shared_ptr<Load>> before;  // adopt(): an earlier state
                {
                    std::lock_guard lock(mutex_);
                    if (auto it = reusable_.find({name, crs}); it != reusable_.end()) {
                        before = std::move(it->second);
                        reusable_.erase(it);
                    }
                }
                // Kept with the copy: the next build projecting an edited source takes the features
                // that did not change from this copy (the one an earlier build kept, else transformed).
                if (cache_key) sources = geo::source_digests(original);
                std::optional<PreparedLayer> earlier;
                if (!before.first && cache_key) earlier = read_any_prepared(cache_file, project_->root);
                if (before.first)
                    failed = geo::reproject_reusing(*copy, crs, *before.first->layer, *before.second->layer);
                else if (earlier && !earlier->source_digests.empty() && !earlier->layer.subset)
                    failed = geo::reproject_reusing(*copy, crs, sources, earlier->layer, earlier->source_digests);
                else
                    failed = geo::reproject(*copy, crs);
            }
            warn_if_unprojected(name, *copy, crs, failed, own_warnings);
            if (direct && decl.spec.database)  // the rows read may be newer than the digest asked before
                cache_key = prepared_key(decl.spec, crs, project_->root, copy->digest);
            if (!direct && cache_key) {
                // Projected from the layer as read (another map or a derived layer asked for it): the same
                // features as a direct read gives, kept too, with the warnings of reading it, so that a
                // later build reads neither the source nor the projection again.
                own_warnings = with_read_warnings(name, std::move(own_warnings));
            }
            if (cache_key) {
                stage.emplace("write-cache");
                write_copy(cache_file, *cache_key, copy, std::move(own_warnings), std::move(sources));
            }
        }
        if (decl.spec.database && !copy->digest.empty()) note_digest(name, copy->digest);
        warn_if_empty(name, *copy);
        load.layer = std::move(copy);
        load.loaded_promise.set_value();
        loaded = true;

        // Checks run in the map's CRS (metres for a projected CRS), once per CRS.
        ScopedStage stage("check");
        Diagnostics d;
        for (const auto& check : decl.checks) {
            const Layer& container = projected(check.container, crs);
            geo::check_within(*load.layer, container,
                              {check.codes_field, check.match_field, check.separator, check.tolerance_m,
                               check.missing_is_warning, check.declared_at},
                              d);
        }
        {
            std::lock_guard lock(mutex_);
            for (const auto& item : d.items())
                if (item.severity == Severity::Warning) add_warning(name, item);  // `missing: warning`
        }
        if (d.has_errors()) throw Error(d);
    } catch (...) {
        fail_load(load, loaded, false);
        throw;
    }
    load.ready_promise.set_value();
    return *load.layer;
}

}  // namespace cartelier::pipeline
