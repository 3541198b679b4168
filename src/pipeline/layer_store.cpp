#include "pipeline/layer_store.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "pipeline/prepared_cache.hpp"
#include "core/memory.hpp"
#include "pipeline/timing.hpp"
#include "data/table.hpp"
#include "geo/geocode.hpp"
#include "geo/projection.hpp"
#include "geo/validation.hpp"
#include "geo/within_check.hpp"

namespace cartelier::pipeline {

namespace {
/// A read of at least this many vertices (the communes of France: 2.2 M) changes how the allocator
/// returns memory (core/memory.hpp); small layers leave it alone.
constexpr std::size_t large_read_vertices = 1'000'000;
}  // namespace

void LayerStore::keep_warnings_or_fail(const std::string& name, const Diagnostics& d) {
    for (const auto& item : d.items())
        if (item.severity == Severity::Warning) warnings_.add(item);
    if (d.has_errors()) {
        failed_[name] = d.format();
        throw Error(d);
    }
}

const Layer& LayerStore::source(const std::string& name) {
    std::lock_guard lock(mutex_);
    if (auto it = sources_.find(name); it != sources_.end()) return *it->second;
    if (auto it = failed_.find(name); it != failed_.end())
        throw Error(SourceLocation{}, fmt::format("layer '{}' could not be loaded (see above)", name));
    auto decl = project_->layers.find(name);
    if (decl == project_->layers.end()) throw Error(SourceLocation{}, fmt::format("no layer '{}' in the project", name));

    Diagnostics d;
    auto layer = read_checked(decl->second, d, nullptr, nullptr);
    std::optional<ScopedStage> stage(std::in_place, "join");
    for (const auto& j : decl->second.joins) {
        if (layer->features.empty() && d.has_errors()) break;
        Diagnostics table_problems;
        data::Table table = data::read_csv(j.table, table_problems);
        d.append(table_problems);
        if (table_problems.has_errors() && table.rows.empty()) continue;
        auto stats = data::join(*layer, table, j.spec, d);
        stats.layer = name;
        join_stats_[name].push_back(std::move(stats));
    }
    if (const auto& g = decl->second.geocode; g && !layer->features.empty()) {
        try {
            const Layer& areas = source(g->layer);
            geo::geocode(*layer, areas,
                         {g->layer, g->code_field, g->match_field, g->tolerance_m, g->insee, g->declared_at}, d);
        } catch (const Error& e) {
            d.append(e.diagnostics());
        }
    }
    keep_warnings_or_fail(name, d);
    return *sources_.emplace(name, std::move(layer)).first->second;
}

std::unique_ptr<Layer> LayerStore::read_checked(const LayerDecl& decl, Diagnostics& d, const std::string* project_to,
                                                geo::ProjectionFailures* failed_vertices) {
    // The reading thread hands chunks of features over a queue to a checking thread, which validates
    // (and reprojects) them in order. Every problem of the file in one run: geometries are checked
    // even when rows had errors. A restart (data::FeatureSink) travels the queue too: the checker
    // then forgets every chunk before it.
    struct Item {
        std::vector<Feature> features;
        std::optional<Layer> header;  ///< with the first chunk of a read: the layer's name, file and CRS
        bool restart = false;
    };
    struct Queue {
        std::mutex mutex;
        std::condition_variable ready;
        std::deque<Item> items;
        bool done = false;
    } queue;
    std::vector<std::vector<Feature>> checked;
    Diagnostics checks;
    geo::ProjectionFailures failed;
    std::exception_ptr problem;        // the reader's or the checker's
    std::exception_ptr check_problem;  // the checker's, forgotten on a restart
    StageTimes* sink = current_stage_times();
    auto checker = [&] {
        StageSinkScope scope(sink);
        std::optional<Layer> header;
        std::optional<geo::GeometryValidator> validator;
        std::optional<geo::Transformation> transformation;
        for (;;) {
            Item item;
            {
                std::unique_lock lock(queue.mutex);
                queue.ready.wait(lock, [&] { return queue.done || !queue.items.empty(); });
                if (queue.items.empty()) break;
                item = std::move(queue.items.front());
                queue.items.pop_front();
            }
            if (item.restart) {
                validator.reset();
                transformation.reset();
                checked.clear();
                checks = Diagnostics{};
                failed = {};
                check_problem = nullptr;
                continue;
            }
            if (item.header) header = std::move(item.header);
            if (check_problem) continue;  // drain
            try {
                ScopedStage stage("validate");
                if (!validator) validator.emplace(*header, checks);
                for (auto& f : item.features) validator->check(f);
                if (project_to && header->crs != *project_to) {
                    ScopedStage reprojecting("reproject");
                    if (!transformation) transformation.emplace(header->crs, *project_to);
                    for (auto& f : item.features) failed += transformation->transform(f.geometry.points);
                }
                checked.push_back(std::move(item.features));
            } catch (...) {
                check_problem = std::current_exception();
            }
        }
        if (validator && !check_problem) validator->finish();
    };
    std::thread checking(checker);
    auto push = [&](Item item) {
        std::lock_guard lock(queue.mutex);
        queue.items.push_back(std::move(item));
        queue.ready.notify_one();
    };
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
        push(std::move(item));
    };
    to_checker.restart = [&] {
        push(Item{{}, std::nullopt, true});
        first_chunk = true;
    };
    Layer layer;
    try {
        ScopedStage stage("load");
        layer = data::read_layer(decl.spec, d, to_checker, read_options_);
    } catch (...) {
        problem = std::current_exception();
    }
    {
        std::lock_guard lock(queue.mutex);
        queue.done = true;
        queue.ready.notify_one();
    }
    {
        ScopedStage stage("validate");  // what is left of the checks once the file is read
        checking.join();
    }
    if (!problem) problem = check_problem;
    if (problem) std::rethrow_exception(problem);
    d.append(checks);
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
    std::lock_guard lock(mutex_);
    auto key = std::make_pair(name, crs);
    if (auto it = projected_.find(key); it != projected_.end()) return *it->second;
    // The prepared cache (layers read by GDAL, without joins or geocoding): the projected layer as
    // stored by an earlier build from the same bytes, read in one pass — no GDAL, no PROJ.
    const LayerDecl& decl = project_->layers.at(name);
    std::optional<std::uint64_t> cache_key;
    std::filesystem::path cache_file;
    if (!cache_dir_.empty() && decl.joins.empty() && !decl.geocode && decl.spec.x_field.empty() && decl.spec.y_field.empty() &&
        !sources_.count(name)) {
        std::optional<ScopedStage> cache_stage(std::in_place, "load");
        cache_key = prepared_key(decl.spec, crs);
        if (cache_key) {
            cache_file = prepared_path(cache_dir_, name, crs);
            if (auto hit = read_prepared(cache_file, *cache_key)) {
                for (auto& w : hit->warnings) warnings_.add(std::move(w));
                return finish_projected(key, std::make_unique<Layer>(std::move(hit->layer)));
            }
        }
    }
    const std::size_t warnings_before = warnings_.items().size();
    std::unique_ptr<Layer> copy;
    geo::ProjectionFailures failed;
    std::optional<ScopedStage> stage;
    if (cache_key && !sources_.count(name) && !failed_.count(name)) {
        // Nobody else asked for the layer as read (no joins, no geocoding): read it straight into the
        // map's CRS, projecting each chunk while the next is read (a later source(name) reads it again).
        Diagnostics d;
        copy = read_checked(decl, d, &crs, &failed);
        keep_warnings_or_fail(name, d);
    } else {
        const Layer& original = source(name);
        stage.emplace("reproject");
        copy = std::make_unique<Layer>(original);
        failed = geo::reproject(*copy, crs);
    }
    // Vertices outside the CRS's area of use are expected to fail (an inset's UTM zone cannot take a
    // whole country) and are off any map drawn in it; only failures inside it are the data's problem.
    if (failed.inside_area() > 0)
        warnings_.warning(SourceLocation{copy->source, 0, 0, {}},
                          fmt::format("{} vertices of layer '{}' could not be projected into {}, inside its area "
                                      "of use",
                                      failed.inside_area(), name, crs),
                          "check the coordinates of the layer and its declared CRS");
    if (cache_key) {
        stage.emplace("write-cache");
        std::vector<Diagnostic> warnings(warnings_.items().begin() + static_cast<std::ptrdiff_t>(warnings_before),
                                         warnings_.items().end());
        write_prepared(cache_file, *cache_key, *copy, warnings);
    }
    return finish_projected(key, std::move(copy));
}

const Layer& LayerStore::finish_projected(const std::pair<std::string, std::string>& key,
                                          std::unique_ptr<Layer> layer) {
    const std::string& name = key.first;
    const std::string& crs = key.second;
    std::optional<ScopedStage> stage;
    const Layer& result = *projected_.emplace(key, std::move(layer)).first->second;
    // Checks run in the map's CRS (metres for a projected CRS), once per CRS.
    stage.emplace("check");
    Diagnostics d;
    for (const auto& check : project_->layers.at(name).checks) {
        const Layer& container = projected(check.container, crs);
        geo::check_within(result, container,
                          {check.codes_field, check.match_field, check.separator, check.tolerance_m, check.declared_at},
                          d);
    }
    if (d.has_errors()) {
        projected_.erase(key);
        throw Error(d);
    }
    return result;
}

}  // namespace cartelier::pipeline
