#include "pipeline/pipeline.hpp"

#include "pipeline/prepared_cache.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pipeline/cancel.hpp"
#include "pipeline/hashing.hpp"
#include "pipeline/output.hpp"
#include "pipeline/timing.hpp"
#include "core/document.hpp"
#include "data/table.hpp"
#include "geo/projection.hpp"
#include "layout/page_layout.hpp"
#include "render/map_renderer.hpp"
#include "render/page.hpp"
#include "render/page_surface.hpp"
#include "style/style.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;

const char* status_name(MapStatus s) {
    switch (s) {
        case MapStatus::Built: return "built";
        case MapStatus::UpToDate: return "up to date";
        case MapStatus::Failed: return "failed";
        case MapStatus::Interrupted: return "interrupted";
    }
    return "?";
}

int BuildOutcome::exit_code() const {
    if (interrupted_by) return 128 + interrupted_by;
    for (const auto& m : maps)
        if (m.status == MapStatus::Failed) return 1;
    return 0;
}

std::optional<std::int64_t> source_date_epoch() {
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
        char* end = nullptr;
        long long v = std::strtoll(epoch, &end, 10);
        if (end && end != epoch && *end == '\0') return v;
    }
    return std::nullopt;
}

namespace {

render::OutputFormat to_render(Format f) {
    switch (f) {
        case Format::Pdf: return render::OutputFormat::Pdf;
        case Format::Png: return render::OutputFormat::Png;
        case Format::Svg: return render::OutputFormat::Svg;
    }
    return render::OutputFormat::Pdf;
}

/// Edition recorded by scripts/fetch-layers.sh in SOURCES.json beside the file, if any.
std::string recorded_edition(const std::string& path) {
    fs::path sources = fs::path(path).parent_path() / "SOURCES.json";
    std::ifstream in(sources);
    if (!in) return {};
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return {};
    const std::string stem = fs::path(path).stem().string();
    if (j.contains(stem) && j[stem].is_object() && j[stem].contains("edition") && j[stem]["edition"].is_string())
        return j[stem]["edition"].get<std::string>();
    return {};
}

/// Cairo's SVG surface names some elements after process-wide surface serial numbers
/// (`<g id="surface110">`, `id="image42"`), which depend on what else the process drew before (other
/// maps, other threads). Renumbers them in order of first appearance, ids and references alike, so
/// that the same page gives the same bytes whatever ran before it.
std::string canonical_svg_ids(const std::string& svg) {
    std::string out;
    out.reserve(svg.size());
    std::map<std::string, std::map<std::string, int>> numbering;  // prefix → old number → new
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
    std::size_t i = 0;
    while (i < svg.size()) {
        if (svg.compare(i, 7, "base64,") == 0) {  // embedded image data: copied as is
            std::size_t end = svg.find('"', i);
            if (end == std::string::npos) end = svg.size();
            out.append(svg, i, end - i);
            i = end;
            continue;
        }
        bool replaced = false;
        for (const char* prefix : {"surface", "image"}) {
            const std::size_t n = std::char_traits<char>::length(prefix);
            if (svg.compare(i, n, prefix) != 0 || (i > 0 && is_word(svg[i - 1]))) continue;
            std::size_t j = i + n;
            while (j < svg.size() && std::isdigit(static_cast<unsigned char>(svg[j]))) ++j;
            if (j == i + n || (j < svg.size() && is_word(svg[j]))) continue;
            auto& numbers = numbering[prefix];
            auto [it, fresh] = numbers.try_emplace(svg.substr(i + n, j - i - n), static_cast<int>(numbers.size()) + 1);
            out += prefix;
            out += std::to_string(it->second);
            i = j;
            replaced = true;
            break;
        }
        if (!replaced) out += svg[i++];
    }
    return out;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(SourceLocation{path, 0, 0, {}}, "cannot open file: it does not exist or is not readable");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// One map being built: prepared once (style, layers, credits), then rendered once per format, possibly
/// on several threads; the last format to finish writes the outputs.
struct MapJob {
    explicit MapJob(std::shared_ptr<render::GeometryCache> cache) : layers(std::move(cache)) {}
    const MapDecl* map = nullptr;
    const MapState* previous = nullptr;
    MapOutcome outcome;
    StageTimes times;
    std::chrono::steady_clock::time_point started;

    std::mutex mutex;                 ///< guards everything below
    bool prepare_attempted = false;
    bool failed = false;
    bool interrupted = false;
    std::string style_text;           ///< parsed again by each format's task (no shared YAML nodes)
    std::vector<std::string> source_layers;
    std::vector<std::string> fonts;
    std::vector<std::string> icons;   ///< icon files that decide the names the map uses (inputs)
    render::LayerSet layers;
    layout::PageLayout page;
    std::vector<std::string> files;   ///< bytes per format
    std::atomic<std::size_t> remaining{0};
};

struct BuildContext {
    const Project& project;
    const BuildOptions& options;
    InputContext& inputs;
    LayerStore& store;
    render::IconCache& icons;  ///< each icon file read once per build
};

void fail(MapJob& job, const Diagnostics& d) {
    job.failed = true;
    job.outcome.diagnostics.append(d);
}

void fail_internal(MapJob& job, const Project& project, const std::exception& e) {
    job.failed = true;
    job.outcome.diagnostics.error(SourceLocation{project.file, 0, 0, fmt::format("maps.{}", job.map->id)},
                                  fmt::format("internal error: {}", e.what()));
}

/// Style, layers, icons, inputs, date and credits of a map (job.mutex held).
void prepare(BuildContext& ctx, MapJob& job) {
    const MapDecl& map = *job.map;
    const style::StyleEnvironment environment = ctx.icons.environment(ctx.project.root.string());
    std::optional<style::Style> style;
    {
        ScopedStage stage("prepare");
        job.style_text = read_text(map.style);
        Diagnostics style_warnings;
        style = style::load_style(map.style, &style_warnings, &environment);
        job.outcome.diagnostics.append(style_warnings);
        job.source_layers = style->source_layers();
        job.fonts = fonts_of(map, map.style);

        Diagnostics missing;
        for (const auto& name : job.source_layers) {
            if (ctx.project.layers.count(name)) continue;
            std::vector<std::string> names;
            for (const auto& [n, _] : ctx.project.layers) names.push_back(n);
            auto near = nearest_name(name, names);
            missing.error(SourceLocation{map.style, 0, 0, "source-layer"},
                          fmt::format("the style draws layer '{}', which the project ({}) does not declare", name,
                                      ctx.project.file),
                          near.empty() ? fmt::format("declared layers: {}", fmt::join(names, ", "))
                                       : fmt::format("did you mean '{}'?", near));
        }
        if (missing.has_errors()) throw Error(missing);
    }
    for (const auto& name : job.source_layers) {
        throw_if_interrupted();
        job.layers.add(ctx.store.projected(name, map.crs));
    }
    ScopedStage stage("prepare");
    // Icons named per feature (or per zoom): every one the map will draw resolved and read now, so that
    // a missing or unreadable icon fails the map before any rendering, naming the feature.
    std::set<std::string> icon_files;
    Diagnostics icon_problems =
        render::check_icons(*style, job.layers, layout::frame_zooms(map.page, map.crs, map.extent), ctx.icons,
                            &icon_files);
    if (icon_problems.has_errors()) throw Error(icon_problems);
    job.icons.assign(icon_files.begin(), icon_files.end());
    job.outcome.inputs = ctx.inputs.collect(map, job.source_layers, job.fonts, job.icons, job.previous);
    const std::int64_t date = ctx.options.date ? *ctx.options.date : ctx.inputs.date_of(job.outcome.inputs);
    job.outcome.date = date;
    job.page = map.page;
    job.page.credits = credits_text(ctx.project, map, job.source_layers, date);
}

/// Writes the outputs of a map whose formats all rendered, and records its state.
void write_outputs(BuildContext& ctx, MapJob& job) {
    const MapDecl& map = *job.map;
    ScopedStage stage("write");
    create_folder(ctx.options.out_dir);
    MapState state;
    state.map = map.id;
    state.inputs = job.outcome.inputs;
    state.source_layers = job.source_layers;
    state.fonts = job.fonts;
    state.icons = job.icons;
    state.date = job.outcome.date;
    for (std::size_t i = 0; i < map.formats.size(); ++i) {
        std::string name = fmt::format("{}.{}", map.id, render::extension(to_render(map.formats[i])));
        fs::path target = fs::path(ctx.options.out_dir) / name;
        const std::string& bytes = job.files[i];
        write_atomically(target, bytes);
        std::string sha = sha256_hex(bytes);
        job.outcome.outputs.push_back({target.string(), bytes.size(), sha});
        auto stamp = stat_file(target);
        state.outputs.push_back(OutputRecord{name, bytes.size(), sha, stamp.value_or(FileStamp{})});
    }
    save_map_state(ctx.options.out_dir, state);
}

void finish(BuildContext& ctx, MapJob& job) {
    StageSinkScope sink(&job.times);
    std::lock_guard lock(job.mutex);
    if (!job.failed && !job.interrupted && interrupt_signal()) job.interrupted = true;
    if (!job.failed && !job.interrupted) {
        try {
            write_outputs(ctx, job);
        } catch (const Error& e) {
            fail(job, e.diagnostics());
        } catch (const std::exception& e) {
            fail_internal(job, ctx.project, e);
        }
    }
    job.outcome.status = job.failed ? MapStatus::Failed : job.interrupted ? MapStatus::Interrupted : MapStatus::Built;
    job.outcome.ok = job.outcome.status == MapStatus::Built;
    job.outcome.stages = job.times.snapshot();
    job.outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - job.started).count();
}

/// Renders format `index` of a map (preparing the map first if no other task did).
void render_format(BuildContext& ctx, MapJob& job, std::size_t index) {
    StageSinkScope sink(&job.times);
    const MapDecl& map = *job.map;
    try {
        {
            std::lock_guard lock(job.mutex);
            if (!job.prepare_attempted) {
                job.prepare_attempted = true;
                job.started = std::chrono::steady_clock::now();
                throw_if_interrupted();
                try {
                    prepare(ctx, job);
                } catch (const Error& e) {
                    fail(job, e.diagnostics());
                } catch (const Interrupted&) {
                    throw;
                } catch (const std::exception& e) {
                    fail_internal(job, ctx.project, e);
                }
            }
            if (job.failed || job.interrupted) return;
        }
        throw_if_interrupted();
        ScopedStage stage("render");
        // Each task parses its own copy of the style: YAML nodes are not shared between threads.
        const style::StyleEnvironment environment = ctx.icons.environment(ctx.project.root.string());
        style::Style style = style::parse_style(doc::load_string(job.style_text, map.style), nullptr, &environment);
        render::PageSpec spec;
        spec.width_pt = job.page.width_pt();
        spec.height_pt = job.page.height_pt();
        spec.dpi = map.dpi;
        spec.title = job.page.title;
        spec.creator = fmt::format("Cartelier {}", CARTELIER_VERSION_STRING);
        spec.date = job.outcome.date;
        const Format f = map.formats[index];
        render::PageSurface surface(to_render(f), spec);
        std::map<std::string, render::LayerSet> inset_layers;  // the same layers in each inset's CRS
        render::MapContent content{&style, &job.layers, map.crs, map.extent,
                                   [&](const std::string& crs) -> const render::LayerSet& {
                                       auto [it, fresh] = inset_layers.try_emplace(crs, ctx.store.geometry_cache());
                                       if (fresh)
                                           for (const auto& name : job.source_layers)
                                               it->second.add(ctx.store.projected(name, crs));
                                       return it->second;
                                   },
                                   &ctx.icons};
        render::PageReport report = render::compose_page(surface.cr(), job.page, content);
        std::string bytes = surface.finish();
        if (f == Format::Svg) bytes = canonical_svg_ids(bytes);

        std::lock_guard lock(job.mutex);
        job.files[index] = std::move(bytes);
        if (index == 0) {
            MapOutcome& outcome = job.outcome;
            for (const auto& l : report.labels) {
                if (l.status == layout::LabelStatus::Placed) ++outcome.labels.placed;
                else if (l.status == layout::LabelStatus::Displaced) ++outcome.labels.displaced;
                else {
                    ++outcome.labels.unplaced;
                    outcome.diagnostics.warning(SourceLocation{map.style, 0, 0, l.request.layer_id},
                                                fmt::format("label '{}' of feature {} could not be placed",
                                                            l.request.text, l.request.feature_id));
                }
            }
            for (const auto& e : report.evaluation_errors)
                outcome.diagnostics.warning(SourceLocation{map.style, 0, 0, {}}, "style evaluation: " + e);
            outcome.scale_denominator = report.scale_denominator;
            outcome.zoom = report.zoom;
        }
    } catch (const Interrupted&) {
        std::lock_guard lock(job.mutex);
        job.interrupted = true;
    } catch (const Error& e) {
        std::lock_guard lock(job.mutex);
        fail(job, e.diagnostics());
    } catch (const std::exception& e) {
        std::lock_guard lock(job.mutex);
        fail_internal(job, ctx.project, e);
    }
}

void run_task(BuildContext& ctx, MapJob& job, std::size_t index) {
    render_format(ctx, job, index);
    if (job.remaining.fetch_sub(1) == 1) finish(ctx, job);
}

bool process_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

}  // namespace

std::size_t remove_stale_temp_files(const std::string& out_dir, const std::vector<const MapDecl*>& maps) {
    std::vector<std::pair<fs::path, std::string>> prefixes;  // folder, ".ID."
    for (const MapDecl* m : maps) {
        prefixes.emplace_back(fs::path(out_dir), "." + m->id + ".");
        prefixes.emplace_back(fs::path(state_dir(out_dir)), "." + m->id + ".json.tmp-");
    }
    prefixes.emplace_back(fs::path(out_dir), ".build-report.");
    std::size_t removed = 0;
    const auto now = fs::file_time_type::clock::now();
    for (const fs::path& dir : {fs::path(out_dir), fs::path(state_dir(out_dir))}) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const std::string name = entry.path().filename().string();
            auto tmp = name.rfind(".tmp-");
            if (name.empty() || name[0] != '.' || tmp == std::string::npos) continue;
            bool ours = std::any_of(prefixes.begin(), prefixes.end(), [&](const auto& p) {
                return p.first == dir && name.compare(0, p.second.size(), p.second) == 0;
            });
            if (!ours) continue;
            char* end = nullptr;
            long pid = std::strtol(name.c_str() + tmp + 5, &end, 10);
            std::error_code tec;
            auto age = now - fs::last_write_time(entry.path(), tec);
            bool old = !tec && age > std::chrono::hours(1);
            if ((end && *end == '\0' && pid != ::getpid() && !process_alive(pid)) || old)
                if (fs::remove(entry.path(), tec)) ++removed;
        }
    }
    return removed;
}

std::vector<const MapDecl*> select_maps(const Project& project, const BuildOptions& options) {
    std::vector<const MapDecl*> selected;
    if (options.maps.empty()) {
        for (const auto& m : project.maps) selected.push_back(&m);
    } else {
        Diagnostics unknown;
        for (const auto& id : options.maps) {
            if (const MapDecl* m = project.find_map(id)) {
                if (std::find(selected.begin(), selected.end(), m) == selected.end()) selected.push_back(m);
                continue;
            }
            std::vector<std::string> ids;
            for (const auto& m : project.maps) ids.push_back(m.id);
            auto near = nearest_name(id, ids);
            unknown.error(SourceLocation{project.file, 0, 0, {}}, fmt::format("no map '{}' in the project", id),
                          near.empty() ? fmt::format("maps: {}", fmt::join(ids, ", "))
                                       : fmt::format("did you mean '{}'?", near));
        }
        if (unknown.has_errors()) throw Error(unknown);
    }
    if (options.shard) {
        std::vector<std::string> ids;
        for (const MapDecl* m : selected) ids.push_back(m->id);
        std::vector<std::string> share = shard_maps(ids, *options.shard);
        std::erase_if(selected, [&](const MapDecl* m) {
            return std::find(share.begin(), share.end(), m->id) == share.end();
        });
    }
    return selected;
}

std::vector<MapPlan> plan_maps(const Project& project, const BuildOptions& options, InputContext& inputs) {
    std::vector<MapPlan> plans;
    for (const MapDecl* map : select_maps(project, options)) {
        MapPlan plan;
        plan.map = map;
        plan.previous = load_map_state(options.out_dir, map->id, &plan.previous_problem);
        if (plan.previous) {
            inputs.remember(*plan.previous);
            try {
                plan.inputs = inputs.collect(*map, plan.previous->source_layers, plan.previous->fonts,
                                             plan.previous->icons, &*plan.previous);
                plan.reasons = staleness(&*plan.previous, plan.inputs, *map, options.out_dir);
            } catch (const Error& e) {
                plan.reasons = {fmt::format("its inputs cannot be read: {}", e.diagnostics().format())};
            }
        } else {
            plan.reasons = {plan.previous_problem == "no recorded state" ? std::string("never built")
                                                                         : plan.previous_problem};
        }
        plans.push_back(std::move(plan));
    }
    return plans;
}


std::string french_date(std::int64_t seconds) {
    static const char* months[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                   "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{} {} {}", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

std::string credits_text(const Project& project, const MapDecl& map, const std::vector<std::string>& source_layers,
                         std::int64_t date) {
    std::vector<std::string> sources;
    for (const auto& name : source_layers) {
        auto it = project.layers.find(name);
        if (it == project.layers.end()) continue;
        std::string edition = recorded_edition(it->second.spec.path);
        std::string text = it->second.attribution;
        if (!edition.empty()) {
            // The attribution may carry a {edition} placeholder; else the recorded edition replaces it.
            auto pos = text.find("{edition}");
            text = pos != std::string::npos ? text.replace(pos, 9, edition) : edition;
        } else if (auto pos = text.find("{edition}"); pos != std::string::npos) {
            text.replace(pos, 9, "édition inconnue");
        }
        if (!text.empty() && std::find(sources.begin(), sources.end(), text) == sources.end()) sources.push_back(text);
    }
    std::string out = map.credits_template;
    auto replace = [&](const std::string& key, const std::string& value) {
        for (auto pos = out.find(key); pos != std::string::npos; pos = out.find(key, pos + value.size()))
            out.replace(pos, key.size(), value);
    };
    replace("{sources}", fmt::format("{}", fmt::join(sources, " ; ")));
    replace("{producer}", project.producer);
    replace("{date}", french_date(date));
    return out;
}

BuildOutcome run_build(const Project& project, const BuildOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    BuildOutcome outcome;
    std::optional<std::int64_t> date = options.date ? options.date : source_date_epoch();
    InputContext inputs(project, date);
    std::vector<MapPlan> plans = plan_maps(project, options, inputs);
    {
        std::vector<const MapDecl*> maps;
        for (const auto& p : plans) maps.push_back(p.map);
        outcome.stale_temp_files_removed = remove_stale_temp_files(options.out_dir, maps);
    }
    BuildOptions effective = options;
    effective.date = date;

    // The layers: those of a previous build when the caller keeps them (watch), else loaded here.
    std::optional<LayerStore> own_store;
    LayerStore& store = options.layers ? *options.layers : own_store.emplace(project, prepared_dir(options.out_dir));

    // Jobs for the maps to build; the others are reported up to date.
    std::vector<std::unique_ptr<MapJob>> jobs;
    std::vector<std::pair<MapJob*, std::size_t>> tasks;
    for (auto& plan : plans) {
        if (!options.force && plan.reasons.empty()) continue;
        auto job = std::make_unique<MapJob>(store.geometry_cache());
        job->map = plan.map;
        job->previous = plan.previous ? &*plan.previous : nullptr;
        job->outcome.id = plan.map->id;
        job->outcome.reasons = options.force ? std::vector<std::string>{"--force"} : plan.reasons;
        job->files.resize(plan.map->formats.size());
        job->remaining = plan.map->formats.size();
        for (std::size_t i = 0; i < plan.map->formats.size(); ++i) tasks.emplace_back(job.get(), i);
        jobs.push_back(std::move(job));
    }

    render::IconCache icons;
    BuildContext ctx{project, effective, inputs, store, icons};
    unsigned threads = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
    outcome.jobs = threads;
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, tasks.size()));
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < tasks.size(); i = next++) run_task(ctx, *tasks[i].first, tasks[i].second);
    };
    if (threads <= 1) {
        worker();
    } else {
        std::vector<std::jthread> pool;
        for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
    }

    // Outcomes in the order of the selection.
    for (auto& plan : plans) {
        auto it = std::find_if(jobs.begin(), jobs.end(), [&](const auto& j) { return j->map == plan.map; });
        if (it != jobs.end()) {
            MapJob& job = **it;
            if (job.outcome.status == MapStatus::Failed && job.outcome.diagnostics.empty()) job.outcome.ok = false;
            outcome.maps.push_back(std::move(job.outcome));
            continue;
        }
        MapOutcome m;
        m.id = plan.map->id;
        m.status = MapStatus::UpToDate;
        m.ok = true;
        m.inputs = plan.inputs;
        m.date = plan.previous->date;
        for (const auto& o : plan.previous->outputs)
            m.outputs.push_back({(fs::path(options.out_dir) / o.file).string(), o.bytes, o.sha256});
        outcome.maps.push_back(std::move(m));
    }
    outcome.warnings = store.warnings();
    outcome.interrupted_by = interrupt_signal();
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
}

}  // namespace cartelier::pipeline
