#include "build/layer_store.hpp"

#include <optional>

#include <fmt/format.h>

#include "build/prepared_cache.hpp"
#include "build/timing.hpp"
#include "data/table.hpp"
#include "geo/geocode.hpp"
#include "geo/projection.hpp"
#include "geo/validation.hpp"
#include "geo/within_check.hpp"

namespace cartelier::build {

const Layer& LayerStore::source(const std::string& name) {
    std::lock_guard lock(mutex_);
    if (auto it = sources_.find(name); it != sources_.end()) return *it->second;
    if (auto it = failed_.find(name); it != failed_.end())
        throw Error(SourceLocation{}, fmt::format("layer '{}' could not be loaded (see above)", name));
    auto decl = project_->layers.find(name);
    if (decl == project_->layers.end()) throw Error(SourceLocation{}, fmt::format("no layer '{}' in the project", name));

    Diagnostics d;
    std::optional<ScopedStage> stage(std::in_place, "load");
    auto layer = std::make_unique<Layer>(data::read_layer(decl->second.spec, d));
    // Every problem of the file in one run: geometries are checked even when rows had errors.
    stage.emplace("validate");
    geo::validate_geometries(*layer, d);
    stage.emplace("join");
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
    for (const auto& item : d.items())
        if (item.severity == Severity::Warning) warnings_.add(item);
    if (d.has_errors()) {
        failed_[name] = d.format();
        throw Error(d);
    }
    return *sources_.emplace(name, std::move(layer)).first->second;
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
    const bool loaded_here = !sources_.count(name);
    const Layer& original = source(name);
    std::optional<ScopedStage> stage(std::in_place, "reproject");
    std::unique_ptr<Layer> copy;
    if (cache_key && loaded_here) {
        // Nobody else asked for the layer as read: project it in place rather than keep two copies
        // (a later source(name) reads it again).
        copy = std::move(sources_.at(name));
        sources_.erase(name);
    } else {
        copy = std::make_unique<Layer>(original);
    }
    std::size_t failed = geo::reproject(*copy, crs);
    if (failed > 0)
        warnings_.warning(SourceLocation{copy->source, 0, 0, {}},
                          fmt::format("{} vertices of layer '{}' could not be projected into {}", failed, name, crs));
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

}  // namespace cartelier::build
