#include "build/layer_store.hpp"

#include <optional>

#include <fmt/format.h>

#include "build/timing.hpp"
#include "data/table.hpp"
#include "geo/projection.hpp"
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
    stage.emplace("join");
    for (const auto& j : decl->second.joins) {
        if (d.has_errors()) break;
        data::Table table = data::read_csv(j.table, d);
        if (d.has_errors()) break;
        data::join(*layer, table, j.spec, d);
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
    const Layer& original = source(name);
    std::optional<ScopedStage> stage(std::in_place, "reproject");
    auto copy = std::make_unique<Layer>(original);
    std::size_t failed = geo::reproject(*copy, crs);
    if (failed > 0)
        warnings_.warning(SourceLocation{copy->source, 0, 0, {}},
                          fmt::format("{} vertices of layer '{}' could not be projected into {}", failed, name, crs));
    const Layer& result = *projected_.emplace(key, std::move(copy)).first->second;
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
