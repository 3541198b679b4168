#include "pipeline/pipeline.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <string_view>
#include <unordered_set>
#include <unordered_map>
#include <variant>
#include <unistd.h>

#include <fmt/format.h>

#include "geo/projection.hpp"
#include "pipeline/atlas.hpp"
#include "pipeline/cancel.hpp"
#include "pipeline/credits.hpp"
#include "pipeline/dependencies.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/hashing.hpp"
#include "pipeline/output.hpp"
#include "pipeline/pdf_assemble.hpp"
#include "pipeline/prepare.hpp"
#include "pipeline/prepared_cache.hpp"
#include "pipeline/render_format.hpp"
#include "pipeline/timing.hpp"
#include "pipeline/write.hpp"
#include "render/icons.hpp"

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

namespace {

/// The transformations planning `maps` makes even when nothing is to be drawn: an atlas's pages and a
/// map's insets are laid out through longitudes and latitudes (EPSG:4326), so each CRS such a map, its
/// insets and its pages are drawn in, from and to EPSG:4326. A map of one frame needs none of them to be
/// found up to date.
std::vector<std::pair<std::string, std::string>> planning_transformations(const std::vector<const MapDecl*>& maps) {
    std::vector<std::string> crss;
    auto add = [&](const std::string& crs) {
        if (!crs.empty() && crs != "EPSG:4326" && std::find(crss.begin(), crss.end(), crs) == crss.end())
            crss.push_back(crs);
    };
    for (const MapDecl* m : maps) {
        if (m->page.insets.empty() && !m->atlas) continue;
        add(m->crs);
        for (const auto& inset : m->page.insets) {
            add(inset.crs);
            add(inset.extent_crs);
        }
        if (m->atlas)
            for (const auto& [_, crs] : m->atlas->crs_values) add(crs);
    }
    // Into each CRS first: the plan asks for those first (an atlas's pages' bounds in their CRSs, while
    // the warmup is still making the rest).
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const std::string& crs : crss) pairs.emplace_back("EPSG:4326", crs);
    for (const std::string& crs : crss) pairs.emplace_back(crs, "EPSG:4326");
    return pairs;
}

/// planning_transformations() of the maps `options` selects; none when the selection is in error (the
/// plan says why).
std::vector<std::pair<std::string, std::string>> planning_transformations(const Project& project,
                                                                          const BuildOptions& options) {
    try {
        return planning_transformations(select_maps(project, options, false));
    } catch (const Error&) {
        return {};
    }
}

/// Tasks run by a fixed number of threads until none is queued and none is running; a task may queue
/// further tasks (a prepared map queues its formats, at the front, so that maps finish one after another
/// and their layers and pages are released early).
class TaskQueue {
public:
    void push_back(std::function<void()> task) { push(std::move(task), false); }
    void push_front(std::function<void()> task) { push(std::move(task), true); }

    void run(unsigned threads) {
        auto worker = [this] {
            for (;;) {
                std::function<void()> task;
                {
                    std::unique_lock lock(mutex_);
                    ready_.wait(lock, [this] { return !tasks_.empty() || running_ == 0; });
                    if (tasks_.empty()) return;
                    task = std::move(tasks_.front());
                    tasks_.pop_front();
                    ++running_;
                }
                task();
                {
                    std::lock_guard lock(mutex_);
                    --running_;
                }
                ready_.notify_all();
            }
        };
        if (threads <= 1) {
            worker();
            return;
        }
        std::vector<std::jthread> pool;
        for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
    }

private:
    void push(std::function<void()> task, bool front) {
        {
            std::lock_guard lock(mutex_);
            if (front) tasks_.push_front(std::move(task));
            else tasks_.push_back(std::move(task));
        }
        ready_.notify_one();
    }
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> tasks_;
    unsigned running_ = 0;
};

/// One stale map going through stages 2 to 4. The prepare task fills `prepared` before any render task
/// exists; each render task fills its own slot of `rendered`; the last one to finish writes.
struct MapRun {
    const MapDecl* map = nullptr;
    /// Its state from the last build, taken from its plan and dropped when the run finishes (with the
    /// page, the inputs held: an atlas of 35,000 pages held every one until the end of the build).
    std::optional<MapState> previous;
    MapOutcome outcome;
    StageTimes times;
    std::chrono::steady_clock::time_point started;
    std::optional<PreparedMap> prepared;
    std::vector<RenderedFormat> rendered;
    std::atomic<std::size_t> remaining{0};

    /// Its PDF as the series of its atlas takes it while the build goes on (write_series_ahead): told once
    /// drawn, before its file is written (the file, its SHA-256 and its bytes), or, when the run ends
    /// without it, an exception. Null when no series waits for it, and once told.
    std::unique_ptr<std::promise<SeriesPage>> pdf;

    std::mutex mutex;  ///< guards what the render tasks report: outcome.diagnostics, failed, interrupted
    bool failed = false;
    bool interrupted = false;

    /// Runs a stage, turning what it throws into the map's failure (or interruption).
    template <typename Stage>
    bool attempt(const Project& project, Stage&& stage) {
        try {
            stage();
            return true;
        } catch (const Interrupted&) {
            std::lock_guard lock(mutex);
            interrupted = true;
        } catch (const Error& e) {
            std::lock_guard lock(mutex);
            failed = true;
            outcome.diagnostics.append(e.diagnostics());
        } catch (const std::exception& e) {
            std::lock_guard lock(mutex);
            failed = true;
            outcome.diagnostics.error(SourceLocation{project.file, 0, 0, fmt::format("maps.{}", map->id)},
                                      fmt::format("internal error: {}", e.what()));
        }
        return false;
    }
};

struct BuildContext {
    const Project& project;
    const BuildOptions& options;
    PrepareContext prepare;
    TaskQueue& queue;
    std::mutex strict_mutex;          ///< guards `escalated`
    std::set<std::string> escalated;  ///< layer warnings a map turned into errors (strict mode), formatted
};

/// The project layers a map reads: those its style draws and those their checks and geocodes use.
std::vector<std::string> layers_read(const Project& project, const MapDecl& map,
                                     const std::vector<std::string>& source_layers) {
    return map_dependencies(project, map, source_layers, {}).layers;
}

/// Strict mode (--strict or `strict: true`): the warnings of the map in `diagnostics` and
/// `layer_warnings` (of the layers it reads) become errors there, followed by one error saying that
/// strict mode failed the map. Returns how many warnings were turned; the layer warnings turned are
/// added to `escalated` (formatted as warnings) so that they are not printed twice.
std::size_t apply_strict(const Project& project, const BuildOptions& options, const MapDecl& map,
                         const Diagnostics& layer_warnings, Diagnostics& diagnostics, std::set<std::string>& escalated) {
    Diagnostics out;
    std::size_t turned = 0;
    auto turn = [&](const Diagnostic& d) {
        Diagnostic e = d;
        if (e.severity == Severity::Warning) {
            e.severity = Severity::Error;
            ++turned;
        }
        out.add(std::move(e));
    };
    for (const auto& d : layer_warnings.items()) {
        escalated.insert(d.format());
        turn(d);
    }
    for (const auto& d : diagnostics.items()) turn(d);
    if (turned == 0) return 0;
    const bool by_key = project.strict && !options.strict;
    out.error(by_key ? project.strict_at : SourceLocation{project.file, 0, 0, fmt::format("maps.{}", map.id)},
              fmt::format("strict mode ({}): the {} warning(s) of map '{}' above are errors, so the map fails",
                          by_key ? "strict: true" : "--strict", turned, map.id),
              "fix them, or build without strict mode");
    diagnostics = std::move(out);
    return turned;
}

/// `d` without the diagnostics whose formatted text is in `left_out`.
Diagnostics without(const Diagnostics& d, const std::set<std::string>& left_out) {
    Diagnostics out;
    for (const auto& item : d.items())
        if (!left_out.count(item.format())) out.add(item);
    return out;
}

/// Labels and evaluation problems of the first format (every format places the same labels).
void record_page_report(const MapDecl& map, const render::PageReport& report, MapOutcome& outcome) {
    const layout::LabelQuality& q = report.label_quality;
    outcome.labels = LabelCounts{q.placed,           q.displaced,       q.numbered,
                                 q.unplaced,         q.leader_crossings, q.symbol_overlaps,
                                 q.mean_displacement_mm, q.max_displacement_mm, q.lines_hidden_mm2, {}};
    // The labels that found no room: each in the report; a warning for each of a style layer's first
    // few, then one line for the rest of that layer (an atlas may leave thousands unplaced).
    constexpr std::size_t kNamed = 3;
    std::vector<std::string> layers;  // in the order of their first unplaced label
    std::map<std::string, std::vector<const layout::LabelRequest*>> by_layer;
    for (const auto& l : report.labels) {
        if (l.status != layout::LabelStatus::Unplaced) continue;
        outcome.labels.unplaced_labels.push_back({l.request.layer_id, l.request.feature_id, l.request.text});
        auto& list = by_layer[l.request.layer_id];
        if (list.empty()) layers.push_back(l.request.layer_id);
        list.push_back(&l.request);
    }
    for (const auto& layer : layers) {
        const auto& list = by_layer[layer];
        const SourceLocation where{map.style, 0, 0, layer};
        if (list.size() <= kNamed + 1) {
            for (const auto* r : list)
                outcome.diagnostics.warning(where, fmt::format("label '{}' of feature {} could not be placed", r->text,
                                                               r->feature_id));
            continue;
        }
        std::vector<std::string> named;
        for (std::size_t i = 0; i < kNamed; ++i) named.push_back(fmt::format("'{}' (feature {})", list[i]->text, list[i]->feature_id));
        outcome.diagnostics.warning(
            where,
            fmt::format("{} labels could not be placed: {} and {} more (the build report lists each: "
                        "labels.unplaced_labels)",
                        list.size(), fmt::join(named, ", "), list.size() - kNamed),
            "make room — a smaller text-size, a larger paper, fewer labels by a filter — or number them: "
            "\"cartelier:labels\": {\"overflow\": \"number\"} in the style's metadata");
    }
    for (const auto& e : report.evaluation_errors)
        outcome.diagnostics.warning(SourceLocation{map.style, 0, 0, {}}, "style evaluation: " + e);
    outcome.scale_denominator = report.scale_denominator;
    outcome.zoom = report.zoom;
    outcome.frame_scales.clear();
    for (const auto& f : report.frames) outcome.frame_scales.emplace_back(f.name, f.scale_denominator);
    outcome.land_hidden_mm2 = report.land_hidden_mm2;
    outcome.furniture = report.furniture;
}

/// Why a series written ahead (write_series_ahead) stops: one of its pages has no PDF to give it.
struct PageNotDrawn : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Tells the series waiting for the PDF of `run`, if one still is, that the run ended without one.
void tell_series_none(MapRun& run) {
    if (!run.pdf) return;
    const std::unique_ptr<std::promise<SeriesPage>> pdf = std::move(run.pdf);
    pdf->set_exception(std::make_exception_ptr(PageNotDrawn("page " + run.map->id + " has no PDF")));
}

/// Tells the series waiting for the PDF of `run` (if one is) the PDF drawn, before its file is written:
/// the series takes it while the file is flushed to the disk. (Should the write fail, the page fails,
/// and the series is not put in place.)
void tell_series_drawn(MapRun& run, const std::string& out_dir) {
    if (!run.pdf) return;
    for (const RenderedFormat& f : run.rendered)
        if (f.format == Format::Pdf) {
            const std::unique_ptr<std::promise<SeriesPage>> pdf = std::move(run.pdf);
            auto bytes = std::make_shared<const std::string>(f.bytes);
            pdf->set_value(SeriesPage{(fs::path(out_dir) / (run.map->id + ".pdf")).string(), sha256_hex(*bytes), bytes});
            return;
        }
}

/// Stage 4, or the end of a map that failed or was interrupted earlier.
void finish(BuildContext& ctx, MapRun& run) {
    StageSinkScope sink(&run.times);
    if (!run.failed && !run.interrupted && interrupt_signal()) run.interrupted = true;
    if (!run.failed && !run.interrupted) {
        record_page_report(*run.map, run.rendered.front().report, run.outcome);
        const Diagnostics layer_warnings =
            ctx.prepare.layers.warnings_of(layers_read(ctx.project, *run.map, run.prepared->source_layers));
        std::size_t warnings = layer_warnings.items().size();
        for (const auto& d : run.outcome.diagnostics.items()) warnings += d.severity == Severity::Warning;
        if (ctx.options.strict || ctx.project.strict) {
            std::lock_guard lock(ctx.strict_mutex);
            if (apply_strict(ctx.project, ctx.options, *run.map, layer_warnings, run.outcome.diagnostics,
                             ctx.escalated) > 0)
                run.failed = true;
        }
        if (!run.failed) tell_series_drawn(run, ctx.options.out_dir);
        if (!run.failed)
            run.attempt(ctx.project, [&] {
                WrittenMap written = write_map(ctx.options.out_dir, *run.prepared, run.rendered, ctx.project.root,
                                               warnings, ctx.options.remove_unproduced && run.previous ? &*run.previous : nullptr);
                run.outcome.outputs = std::move(written.outputs);
                run.outcome.removed = std::move(written.removed);
                for (const auto& [file, why] : written.kept)
                    run.outcome.diagnostics.warning(
                        SourceLocation{file, 0, 0, {}},
                        fmt::format("output of map '{}' no longer produced (not in its formats, or georeference: "
                                    "false), kept: {}",
                                    run.map->id, why),
                        "delete it if it no longer applies (a stale world file would place the PNG wrongly)");
            });
    }
    run.outcome.status = run.failed ? MapStatus::Failed : run.interrupted ? MapStatus::Interrupted : MapStatus::Built;
    tell_series_none(run);
    run.outcome.stages = run.times.snapshot();
    run.outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.started).count();
    // The layers stay in the store; the page, the files and the last state are no longer needed. The
    // inputs go to the report (the state written has them).
    if (run.prepared) run.outcome.inputs = std::move(run.prepared->inputs);
    run.prepared.reset();
    run.rendered.clear();
    run.previous.reset();
}

/// Stage 3 for format `index`; the last format to finish runs stage 4.
void render_task(BuildContext& ctx, MapRun& run, std::size_t index) {
    {
        StageSinkScope sink(&run.times);
        run.attempt(ctx.project, [&] {
            run.rendered[index] = render_format(*run.prepared, run.map->formats[index], ctx.prepare.icons, std::nullopt,
                                                ctx.options.text_metrics);
        });
    }
    if (run.remaining.fetch_sub(1) == 1) finish(ctx, run);
}

/// Stage 2; then the map's formats are queued.
void prepare_task(BuildContext& ctx, MapRun& run) {
    run.started = std::chrono::steady_clock::now();
    bool prepared;
    {
        StageSinkScope sink(&run.times);
        prepared = run.attempt(ctx.project, [&] {
            run.prepared.emplace(prepare_map(ctx.prepare, *run.map, run.previous ? &*run.previous : nullptr));
            run.outcome.date = run.prepared->date;
            run.outcome.diagnostics.append(run.prepared->warnings);
        });
    }
    if (!prepared) {
        finish(ctx, run);
        return;
    }
    run.rendered.resize(run.map->formats.size());
    run.remaining = run.map->formats.size();
    for (std::size_t i = run.map->formats.size(); i-- > 0;)
        ctx.queue.push_front([&ctx, &run, i] { render_task(ctx, run, i); });
}

/// A series PDF written while its pages are drawn (write_series_ahead), whole on the disk under its
/// temporary name once they are all there, and the time its thread spent writing it (its "write" stage).
struct WrittenSeries {
    std::unique_ptr<SeriesAssembly> series;
    double seconds = 0;
};
using SeriesWritten = std::future<WrittenSeries>;

/// The series PDF of `atlas` (out/ID.pdf), from its pages' PDFs in page order, written when a page was
/// built or the last assembly's pages or file changed; its state records the pages' PDFs as inputs. No
/// entry when the atlas has no PDF format or no page; a failed entry when a page failed. `ahead`: the
/// series written while the pages were drawn, put in place instead of assembled here (null: none).
std::optional<MapOutcome> assemble_series(const MapDecl& atlas, const std::vector<const MapDecl*>& pages,
                                          const std::vector<MapOutcome>& done, const BuildOptions& options,
                                          const fs::path& root, SeriesWritten* ahead) {
    if (pages.empty() || std::find(atlas.formats.begin(), atlas.formats.end(), Format::Pdf) == atlas.formats.end())
        return std::nullopt;
    const auto start = std::chrono::steady_clock::now();
    MapOutcome m;
    m.id = atlas.id;
    std::vector<std::string> files;
    MapState state;
    state.map = atlas.id;
    std::size_t built = 0;
    // The outcomes by id: a series of 35,000 pages looked each up in the 35,000 outcomes (11 s).
    std::unordered_map<std::string_view, const MapOutcome*> outcome_of;
    outcome_of.reserve(done.size());
    for (const MapOutcome& o : done) outcome_of.emplace(o.id, &o);
    for (const MapDecl* page : pages) {
        const auto found = outcome_of.find(page->id);
        const MapOutcome* it = found == outcome_of.end() ? nullptr : found->second;
        if (!it || !it->ok()) {
            m.status = MapStatus::Failed;
            m.diagnostics.error(atlas.declared_at,
                                fmt::format("the series PDF of atlas '{}' is not assembled: page '{}' {}", atlas.id,
                                            page->page_of->name, !it ? "was not built" : "failed"),
                                "the previous series PDF, if any, is kept");
            return m;
        }
        built += it->status == MapStatus::Built;
        const std::string file = (fs::path(options.out_dir) / (page->id + ".pdf")).string();
        auto pdf = std::find_if(it->outputs.begin(), it->outputs.end(), [&](const OutputInfo& o) { return o.path == file; });
        files.push_back(file);
        state.inputs.push_back(InputRecord{"page", page->id, pdf == it->outputs.end() ? "unknown" : pdf->sha256, 0, {}, std::nullopt});
    }
    // Pages of an earlier build whose feature is gone (or renamed): their files and state removed, as
    // Cartelier wrote them (a file changed since is kept, with a warning), so that out/ID/ holds the series.
    {
        std::error_code ec;
        const fs::path states = fs::path(state_dir(options.out_dir)) / atlas.id;
        std::unordered_set<std::string_view> in_series;
        in_series.reserve(pages.size());
        for (const MapDecl* p : pages) in_series.insert(p->id);
        for (const auto& entry : fs::directory_iterator(states, ec)) {
            if (entry.path().extension() != ".json") continue;
            const std::string id = atlas.id + "/" + entry.path().stem().string();
            if (in_series.count(id)) continue;
            const std::optional<MapState> old = load_map_state(options.out_dir, id, root);
            bool kept = false;
            if (old)
                for (const OutputRecord& o : old->outputs) {
                    const fs::path file = fs::path(options.out_dir) / o.file;
                    std::error_code e2;
                    if (!fs::is_regular_file(fs::symlink_status(file, e2))) continue;
                    if (output_unchanged(options.out_dir, o) && fs::remove(file, e2)) {
                        m.removed.push_back(file.string());
                    } else {
                        kept = true;
                        m.diagnostics.warning(SourceLocation{file.string(), 0, 0, {}},
                                              fmt::format("page '{}' of atlas '{}' is no longer in the series; its file "
                                                          "changed since Cartelier wrote it, kept",
                                                          id, atlas.id),
                                              "delete it if it no longer applies");
                    }
                }
            if (!kept) fs::remove(entry.path(), ec);
        }
    }
    const std::optional<MapState> previous = load_map_state(options.out_dir, atlas.id, root);
    const std::string stale = series_staleness(previous, state.inputs, options.out_dir);
    if (!options.force && built == 0 && stale.empty()) {
        m.status = MapStatus::UpToDate;
        m.outputs.push_back({(fs::path(options.out_dir) / previous->outputs.front().file).string(),
                             previous->outputs.front().bytes, previous->outputs.front().sha256});
        return m;
    }
    m.reasons.push_back(built ? fmt::format("{} of its {} pages built", built, pages.size())
                              : options.force && stale.empty() ? std::string("--force") : stale);
    double ahead_seconds = 0;  // spent writing the series while the pages were drawn
    try {
        StageTimes times;
        {
            StageSinkScope sink(&times);
            ScopedStage stage("write");
            const std::string name = atlas.id + ".pdf";
            const fs::path target = fs::path(options.out_dir) / name;
            // Written while the pages were drawn, from the same files in the same order; else (its
            // thread could not hand it over: out of memory…) assembled now.
            std::optional<WrittenSeries> written;
            if (ahead && ahead->valid()) {
                try {
                    written = ahead->get();
                } catch (const Error&) {
                    throw;
                } catch (const std::exception&) {
                }
            }
            AssembledPdf series;
            if (written) {
                series = written->series->commit();
                ahead_seconds = written->seconds;
                times.add("write", ahead_seconds);
            } else {
                // Each page's PDF known by its SHA-256 (as written or found up to date): the key of what
                // the process (watch) and the prepared cache keep of it ("unknown": not kept).
                KeptPageBlocks kept;
                kept.memory = options.series_pages;
                kept.folder = prepared_dir(options.out_dir) / "series" / atlas.id;
                for (const InputRecord& page : state.inputs) kept.keys.push_back(page.hash);
                series = assemble_pdfs(files, target, kept);
            }
            m.outputs.push_back({target.string(), series.bytes, series.sha256});
            state.outputs.push_back(OutputRecord{name, series.bytes, series.sha256, stat_file(target).value_or(FileStamp{})});
            save_map_state(options.out_dir, state, root);
        }
        m.stages = times.snapshot();
        m.status = MapStatus::Built;
    } catch (const Error& e) {
        m.status = MapStatus::Failed;
        m.diagnostics.append(e.diagnostics());
    }
    // A series written while its pages were drawn: the time spent writing it then, and its end here.
    m.seconds = ahead_seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return m;
}

/// The series PDFs a build writes while their pages are drawn. For each atlas whose series this build
/// will assemble because it draws pages of it (not a shard's build; not --map of some of its pages), a
/// thread adds each page's PDF to the series in page order as soon as it is there — those up to date at
/// once, the others as their runs finish (MapRun::pdf) — and finishes the file under its temporary
/// name: when the last page is drawn, only its own part is left to write (a page edited under `watch`
/// is drawn while the pages before it are written). assemble_series() puts it in place, or, when a page
/// failed, leaves it, and the thread drops it. What is written is what assemble_pdfs writes of those
/// files. Only where every page of the series is planned (its PDF recorded, or drawn by a run).
std::map<const MapDecl*, SeriesWritten> write_series_ahead(const AtlasSelection& selection, const std::vector<MapPlan>& plans,
                                                           const std::unordered_map<const MapDecl*, MapRun*>& run_of,
                                                           const BuildOptions& options) {
    std::map<const MapDecl*, SeriesWritten> ahead;
    if (options.shard) return ahead;
    std::unordered_map<const MapDecl*, const MapPlan*> plan_of;
    plan_of.reserve(plans.size());
    for (const MapPlan& p : plans) plan_of.emplace(p.map, &p);
    for (const auto& [atlas, pages] : selection.series) {
        if (pages.empty() || std::find(atlas->formats.begin(), atlas->formats.end(), Format::Pdf) == atlas->formats.end() ||
            std::find(selection.partial.begin(), selection.partial.end(), atlas) != selection.partial.end())
            continue;
        // Per page: its PDF as recorded, or the run that draws it.
        std::vector<std::variant<SeriesPage, std::shared_future<SeriesPage>>> sources;
        bool drawn = false, planned = true;
        for (const MapDecl* page : pages) {
            const std::string file = (fs::path(options.out_dir) / (page->id + ".pdf")).string();
            if (const auto r = run_of.find(page); r != run_of.end()) {
                r->second->pdf = std::make_unique<std::promise<SeriesPage>>();  // a page is of one atlas
                sources.emplace_back(r->second->pdf->get_future().share());
                drawn = true;
                continue;
            }
            const auto p = plan_of.find(page);
            if (p == plan_of.end() || !p->second->previous) {
                planned = false;
                break;
            }
            const std::string name = page->id + ".pdf";
            const auto& outputs = p->second->previous->outputs;
            const auto pdf = std::find_if(outputs.begin(), outputs.end(), [&](const OutputRecord& o) { return o.file == name; });
            sources.emplace_back(SeriesPage{file, pdf == outputs.end() ? std::string("unknown") : pdf->sha256, nullptr});
        }
        if (!drawn || !planned) continue;
        const fs::path target = fs::path(options.out_dir) / (atlas->id + ".pdf");
        const fs::path folder = prepared_dir(options.out_dir) / "series" / atlas->id;
        // Each page's PDF is let go once added, and every one not added yet when the thread stops (a page
        // failed): a page drawn later then hands its bytes to no one. A series of any length holds a
        // page or so.
        ahead.emplace(atlas, std::async(std::launch::async, [target, folder, memory = options.series_pages,
                                                             sources = std::move(sources)]() mutable {
            try {
                StageTimes times;  // the write stage: adding the pages and finishing, not the waits
                const StageSinkScope sink(&times);
                auto series = std::make_unique<SeriesAssembly>(target, memory, folder);
                for (auto& source : sources) {
                    if (interrupt_signal()) throw PageNotDrawn("interrupted");
                    // A page still being drawn: what is written meanwhile put on the disk (a MiB at
                    // least), so that finish() waits for the pages after it only.
                    if (const auto* drawing = std::get_if<std::shared_future<SeriesPage>>(&source);
                        drawing && drawing->wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
                        const ScopedStage stage("write");
                        series->sync(std::uint64_t{1} << 20);
                    }
                    const SeriesPage page = std::holds_alternative<SeriesPage>(source)
                                                ? std::move(std::get<SeriesPage>(source))
                                                : std::get<std::shared_future<SeriesPage>>(source).get();
                    source = SeriesPage{};
                    const ScopedStage stage("write");
                    series->add(page);
                }
                {
                    const ScopedStage stage("write");
                    series->finish();
                }
                return WrittenSeries{std::move(series), times.snapshot()["write"]};
            } catch (...) {
                sources.clear();
                throw;
            }
        }));
    }
    return ahead;
}

}  // namespace

std::string series_staleness(const std::optional<MapState>& previous, const std::vector<InputRecord>& page_pdfs,
                             const std::string& out_dir) {
    if (!previous || previous->outputs.empty()) return "never assembled";
    const OutputRecord& series = previous->outputs.front();
    if (!stat_file(fs::path(out_dir) / series.file)) return fmt::format("output {} is missing", series.file);
    if (!output_unchanged(out_dir, series)) return fmt::format("output {} was modified since the last build", series.file);
    const bool same_pages = previous->inputs.size() == page_pdfs.size() &&
                            std::equal(page_pdfs.begin(), page_pdfs.end(), previous->inputs.begin(),
                                       [](const InputRecord& a, const InputRecord& b) { return a.name == b.name && a.hash == b.hash; });
    return same_pages ? std::string() : std::string("its pages changed since the last assembly");
}

std::map<std::string, std::pair<std::size_t, std::size_t>> atlas_pages_up_to_date(const std::vector<MapOutcome>& maps) {
    std::map<std::string, std::pair<std::size_t, std::size_t>> pages;
    for (const auto& m : maps)
        if (const std::string atlas = atlas_of_page(m.id); !atlas.empty()) {
            pages[atlas].first += m.status == MapStatus::UpToDate;
            ++pages[atlas].second;
        }
    return pages;
}

std::vector<SeriesStatus> series_status(const AtlasSelection& selection, const std::vector<MapPlan>& plans,
                                        const BuildOptions& options, const fs::path& root) {
    std::vector<SeriesStatus> out;
    if (options.shard) return out;  // a shard's build assembles no series
    std::unordered_map<std::string_view, const MapPlan*> plan_of;
    plan_of.reserve(plans.size());
    for (const MapPlan& p : plans) plan_of.emplace(p.map->id, &p);
    for (const auto& [atlas, pages] : selection.series) {
        if (pages.empty() || std::find(atlas->formats.begin(), atlas->formats.end(), Format::Pdf) == atlas->formats.end() ||
            std::find(selection.partial.begin(), selection.partial.end(), atlas) != selection.partial.end())
            continue;
        SeriesStatus s;
        s.atlas = atlas;
        s.file = (fs::path(options.out_dir) / (atlas->id + ".pdf")).string();
        s.pages = pages.size();
        std::vector<InputRecord> page_pdfs;
        page_pdfs.reserve(pages.size());
        for (const MapDecl* page : pages) {
            const auto it = plan_of.find(page->id);
            const MapPlan* plan = it == plan_of.end() ? nullptr : it->second;
            if (!plan || plan->stale() || !plan->previous) {
                ++s.stale_pages;
                continue;
            }
            const std::string name = page->id + ".pdf";
            const auto pdf = std::find_if(plan->previous->outputs.begin(), plan->previous->outputs.end(),
                                          [&](const OutputRecord& o) { return o.file == name; });
            page_pdfs.push_back(InputRecord{"page", page->id, pdf == plan->previous->outputs.end() ? "unknown" : pdf->sha256,
                                            0, {}, std::nullopt});
        }
        if (!s.stale_pages)
            s.reason = series_staleness(load_map_state(options.out_dir, atlas->id, root), page_pdfs, options.out_dir);
        out.push_back(std::move(s));
    }
    return out;
}

BuildOutcome run_build(const Project& project, const BuildOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    // PROJ's database queries for the plan's transformations, side by side while the inputs are hashed
    // and the layers' store is set up (a build with nothing to draw spends most of its time on them).
    const geo::TransformationWarmup warmup(planning_transformations(project, options),
                                           std::max(1u, std::thread::hardware_concurrency()));
    BuildOutcome outcome;
    // The digests of the files the builds before read, by their stamps: an unchanged data file is not
    // read again to be hashed (a 55 MB GeoJSON in a build that draws from its prepared copy).
    const std::filesystem::path digests = std::filesystem::path(state_dir(options.out_dir)) / "file-digests";
    load_file_digests(digests);
    const FileDigestBuildScope digest_scope;  // a file just saved is read once in this build
    const std::optional<std::int64_t> date = options.date ? options.date : source_date_epoch();
    InputContext inputs(project, date);
    // The layers: those of a previous build when the caller keeps them (watch), else loaded here. The
    // digests of the database layers it holds are what the plan compares.
    std::optional<LayerStore> own_store;
    LayerStore& store = options.layers ? *options.layers : own_store.emplace(project, prepared_dir(options.out_dir));
    if (own_store) own_store->allow_drawn_windows();  // this build's maps alone draw from it
    store.use_digests(inputs.digests());

    // Stage 1: plan. Each atlas is replaced by its pages (its coverage layer loaded), then --shard deals;
    // meanwhile the pages' recorded states are read.
    std::unique_ptr<StatePrefetch> states = prefetch_page_states(project, options);
    AtlasSelection selection = select_with_pages(project, options, store);
    std::vector<MapPlan> plans = plan_maps(project, selection.maps, options, inputs, states.get());
    states.reset();  // the states of pages no longer in a series
    // The maps up to date under new stat() stamps: their new stamps recorded. The state is an
    // optimisation here: a failure to write it costs only re-reading next time.
    for (auto& plan : plans)
        if (plan.restamped) {
            try {
                save_map_state(options.out_dir, *plan.restamped, project.root);
            } catch (const std::exception&) {
                // the next build re-reads the files instead
            }
            plan.restamped.reset();
        }
    {
        std::vector<std::string> ids;
        for (const auto& p : plans) ids.push_back(p.map->id);
        outcome.stale_temp_files_removed = remove_stale_temp_files(options.out_dir, ids);
    }

    render::IconCache icons;
    TaskQueue queue;
    BuildContext ctx{project, options, PrepareContext{project, store, inputs, icons, date}, queue, {}, {}};

    // Stages 2 to 4 for the maps to build; the others are up to date. (The series written ahead wait for
    // the runs: destroyed after them, they are told the runs are over.)
    std::map<const MapDecl*, SeriesWritten> ahead;
    std::vector<std::unique_ptr<MapRun>> runs;
    std::size_t formats = 0;
    for (auto& plan : plans) {
        if (!options.force && !plan.stale()) continue;
        auto run = std::make_unique<MapRun>();
        run->map = plan.map;
        run->previous = std::move(plan.previous);  // the plan's state and inputs are not asked for again
        plan.previous.reset();
        std::vector<InputRecord>().swap(plan.inputs);
        run->outcome.id = plan.map->id;
        run->outcome.reasons = options.force ? std::vector<std::string>{"--force"} : std::move(plan.reasons);
        formats += plan.map->formats.size();
        MapRun* r = run.get();
        queue.push_back([&ctx, r] { prepare_task(ctx, *r); });
        runs.push_back(std::move(run));
    }
    // The copies of layers the atlas pages to draw again will draw, loaded behind the first pages'
    // preparation, in page order: a warm build's plan (what each page draws taken from the memo) loaded
    // none of them, and its first pages would load them one at a time. Only for a store of this build:
    // a store kept between builds (watch, serve) holds its copies already, and would keep a finished
    // thread per build until it is destroyed.
    // When the build draws nothing but atlas pages and their copies are loaded (a first build: the plan
    // made them), the layers as read they were made from are freed: nothing asks for them again.
    if (own_store) {
        std::vector<std::pair<std::string, std::string>> ahead;
        bool pages_only = !runs.empty();
        for (const auto& run : runs) {
            if (!run->map->page_of) {
                pages_only = false;
                continue;
            }
            for (const auto& copy : run->map->page_of->copies)
                if (std::find(ahead.begin(), ahead.end(), copy) == ahead.end()) ahead.push_back(copy);
        }
        if (pages_only) store.release_sources_once_drawn(ahead);
        store.draw_ahead(ahead);
    }
    std::unordered_map<const MapDecl*, MapRun*> run_of;
    run_of.reserve(runs.size());
    for (const auto& r : runs) run_of.emplace(r->map, r.get());
    ahead = write_series_ahead(selection, plans, run_of, options);
    unsigned threads = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
    outcome.jobs = threads;
    queue.run(static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(formats, 1))));
    for (const auto& r : runs) tell_series_none(*r);  // a run the queue did not finish (none should be)

    // Outcomes in the order of the selection.
    for (auto& plan : plans) {
        if (const auto it = run_of.find(plan.map); it != run_of.end()) {
            outcome.maps.push_back(std::move(it->second->outcome));
            continue;
        }
        MapOutcome m;
        m.id = plan.map->id;
        m.status = MapStatus::UpToDate;
        m.inputs = std::move(plan.inputs);
        m.date = plan.previous->date;
        for (const auto& o : plan.previous->outputs)
            m.outputs.push_back({(fs::path(options.out_dir) / o.file).string(), o.bytes, o.sha256});
        plan.previous.reset();
        outcome.maps.push_back(std::move(m));
    }
    // Each atlas: its series PDF, once its pages are all built or up to date (not in a shard's build).
    for (const auto& [atlas, failure] : selection.failed) {
        MapOutcome m;
        m.id = atlas->id;
        m.status = MapStatus::Failed;
        m.diagnostics = failure;
        outcome.maps.push_back(std::move(m));
    }
    if (!options.shard && !interrupt_signal())
        for (const auto& [atlas, pages] : selection.series) {
            if (std::find(selection.partial.begin(), selection.partial.end(), atlas) != selection.partial.end()) continue;
            const auto written = ahead.find(atlas);
            if (auto series = assemble_series(*atlas, pages, outcome.maps, options, project.root,
                                              written == ahead.end() ? nullptr : &written->second))
                outcome.maps.push_back(std::move(*series));
        }
    outcome.warnings = store.warnings();
    outcome.warnings.append(selection.warnings);
    if (!ctx.escalated.empty()) outcome.warnings = without(outcome.warnings, ctx.escalated);
    outcome.interrupted_by = interrupt_signal();
    save_file_digests(digests);  // an optimisation: a failure only means reading the files again next time
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
}

CheckOutcome run_check(const Project& project, const BuildOptions& options) {
    CheckOutcome outcome;
    const std::optional<std::int64_t> date = options.date ? options.date : source_date_epoch();
    InputContext inputs(project, date);
    LayerStore store(project);  // no prepared cache: check writes nothing
    store.allow_drawn_windows();  // as the build holds the layers
    store.use_digests(inputs.digests());
    // An atlas is checked page by page, as it is built.
    AtlasSelection selection = select_with_pages(project, options, store);
    const std::vector<const MapDecl*>& maps = selection.maps;
    for (const auto& [atlas, failure] : selection.failed) {
        outcome.all.append(failure);
        outcome.maps.emplace_back(atlas->id, failure);
    }
    outcome.all.append(selection.warnings);
    render::IconCache icons;
    PrepareContext ctx{project, store, inputs, icons, date};
    const bool strict = options.strict || project.strict;
    std::set<std::string> escalated;
    std::mutex strict_mutex;  // guards escalated
    // The maps prepared side by side (as build prepares them), their diagnostics kept in the maps' order.
    std::vector<Diagnostics> found(maps.size());
    TaskQueue queue;
    for (std::size_t i = 0; i < maps.size(); ++i)
        queue.push_back([&, i] {
            const MapDecl& map = *maps[i];
            Diagnostics& d = found[i];
            try {
                PreparedMap prepared = prepare_map(ctx, map);
                d.append(prepared.warnings);
                if (strict) {
                    const Diagnostics layer_warnings = store.warnings_of(layers_read(project, map, prepared.source_layers));
                    std::lock_guard lock(strict_mutex);
                    apply_strict(project, options, map, layer_warnings, d, escalated);
                }
            } catch (const Error& e) {
                d.append(e.diagnostics());
            } catch (const std::exception& e) {
                d.error(SourceLocation{project.file, 0, 0, fmt::format("maps.{}", map.id)},
                        fmt::format("checking map '{}' failed: {}", map.id, e.what()));
            }
        });
    const unsigned threads = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
    queue.run(static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(maps.size(), 1))));
    for (std::size_t i = 0; i < maps.size(); ++i) {
        outcome.all.append(found[i]);
        outcome.maps.emplace_back(maps[i]->id, std::move(found[i]));
    }
    // The output folder must be writable (or creatable).
    const fs::path out = options.out_dir;
    fs::path probe = out;
    std::error_code ec;  // a path the system rejects (e.g. a name over 255 bytes) is an error, not a throw
    while (!probe.empty() && !fs::exists(probe, ec) && !ec) probe = probe.parent_path();
    if (probe.empty()) probe = ".";
    if (ec)
        outcome.all.error(SourceLocation{out.string(), 0, 0, {}},
                          fmt::format("the output folder cannot be used: {}", ec.message()));
    else if (::access(probe.c_str(), W_OK) != 0)
        outcome.all.error(SourceLocation{out.string(), 0, 0, {}},
                          fmt::format("the output folder cannot be written ({} is not writable)", probe.string()));
    outcome.all.append(escalated.empty() ? store.warnings() : without(store.warnings(), escalated));
    return outcome;
}

}  // namespace cartelier::pipeline
