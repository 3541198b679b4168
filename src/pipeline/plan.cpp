#include "pipeline/plan.hpp"

#include <algorithm>
#include <exception>
#include <thread>

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "core/parallel.hpp"

namespace cartelier::pipeline {

std::vector<const MapDecl*> select_maps(const Project& project, const BuildOptions& options, bool apply_shard) {
    std::vector<const MapDecl*> selected;
    if (options.maps.empty()) {
        for (const auto& m : project.maps) selected.push_back(&m);
    } else {
        Diagnostics unknown;
        for (const auto& id : options.maps) {
            const MapDecl* m = project.find_map(id);
            // ATLAS/PAGE: a page of an atlas selects its atlas (pipeline/atlas.hpp keeps that page).
            if (auto slash = id.find('/'); !m && slash != std::string::npos)
                if (const MapDecl* atlas = project.find_map(id.substr(0, slash)); atlas && atlas->atlas) m = atlas;
            if (m) {
                if (std::find(selected.begin(), selected.end(), m) == selected.end()) selected.push_back(m);
                continue;
            }
            std::vector<std::string> ids;
            for (const auto& m : project.maps) ids.push_back(m.id);
            unknown.error(SourceLocation{project.file, 0, 0, {}}, fmt::format("no map '{}' in the project", id),
                          suggest_name(id, ids, {"maps: ", ""}));
        }
        if (unknown.has_errors()) throw Error(unknown);
    }
    if (options.shard && apply_shard) {
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
    return plan_maps(project, select_maps(project, options), options, inputs);
}

StatePrefetch::StatePrefetch(const std::string& out_dir, const std::filesystem::path& root,
                             const std::vector<std::string>& atlases) {
    reading_ = std::async(std::launch::async, [this, out_dir, root, atlases] {
        for (const std::string& atlas : atlases) {
            std::error_code ec;
            std::vector<std::string> pages;
            for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(state_dir(out_dir)) / atlas, ec))
                if (entry.path().extension() == ".json") pages.push_back(entry.path().stem().string());
            std::sort(pages.begin(), pages.end());
            if (pages.size() > kMostPerAtlas) pages.resize(kMostPerAtlas);
            for (const std::string& page : pages) {
                const std::string id = atlas + "/" + page;
                std::string problem;
                std::optional<MapState> state = load_map_state(out_dir, id, root, &problem);
                const std::lock_guard lock(mutex_);
                states_.emplace(id, std::pair(std::move(state), std::move(problem)));
            }
        }
    });
}

StatePrefetch::~StatePrefetch() {
    if (reading_.valid()) reading_.wait();
}

std::optional<std::pair<std::optional<MapState>, std::string>> StatePrefetch::take(const std::string& map_id) {
    reading_.wait();
    const std::lock_guard lock(mutex_);
    const auto it = states_.find(map_id);
    if (it == states_.end()) return std::nullopt;
    auto found = std::move(it->second);
    states_.erase(it);
    return found;
}

std::unique_ptr<StatePrefetch> prefetch_page_states(const Project& project, const BuildOptions& options) {
    if (options.shard) return nullptr;
    std::vector<std::string> atlases;
    try {
        for (const MapDecl* m : select_maps(project, options, false))
            if (m->atlas) atlases.push_back(m->id);
    } catch (const Error&) {
        return nullptr;
    }
    if (atlases.empty()) return nullptr;
    return std::make_unique<StatePrefetch>(options.out_dir, project.root, atlases);
}

std::vector<MapPlan> plan_maps(const Project& project, const std::vector<const MapDecl*>& maps,
                               const BuildOptions& options, InputContext& inputs, StatePrefetch* prefetch) {
    // Whether a map whose recorded state was read is up to date, and why not.
    auto compare = [&](MapPlan& plan) {
        const MapDecl* map = plan.map;
        if (!plan.previous) {
            plan.reasons = {plan.previous_problem == "no recorded state" ? std::string("never built")
                                                                         : plan.previous_problem};
            return;
        }
        inputs.remember(*plan.previous);
        try {
            plan.inputs = inputs.collect(*map, plan.previous->source_layers, plan.previous->fonts,
                                         plan.previous->icons, &*plan.previous);
            plan.reasons = staleness(&*plan.previous, plan.inputs, *map, options.out_dir);
            if ((options.strict || project.strict) && plan.previous->warnings > 0)
                plan.reasons.push_back(fmt::format("its last build gave {} warning(s), errors in strict mode",
                                                   plan.previous->warnings));
            if (plan.reasons.empty() && !options.force) {
                plan.restamped = restamped(*plan.previous, plan.inputs, options.out_dir);
                std::vector<InputRecord>().swap(plan.previous->inputs);
            }
        } catch (const Error& e) {
            plan.reasons = {fmt::format("its inputs cannot be read: {}", e.diagnostics().format())};
        }
    };
    std::vector<MapPlan> plans;
    plans.reserve(maps.size());
    // A block of maps at a time: their recorded states read and parsed side by side, then compared in
    // map order (the inputs of a state up to date are dropped there: a series of 35,000 pages does not
    // hold them all).
    constexpr std::size_t kBlock = 64;
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    for (std::size_t first = 0; first < maps.size(); first += kBlock) {
        const std::size_t count = std::min(kBlock, maps.size() - first);
        const std::size_t begin = plans.size();
        plans.resize(begin + count);
        for (const std::exception_ptr& e : for_each_index(count, threads, [&](std::size_t i) {
                 MapPlan& plan = plans[begin + i];
                 plan.map = maps[first + i];
                 if (auto ahead = prefetch ? prefetch->take(plan.map->id) : std::nullopt) {
                     plan.previous = std::move(ahead->first);
                     plan.previous_problem = std::move(ahead->second);
                 } else {
                     plan.previous = load_map_state(options.out_dir, plan.map->id, project.root, &plan.previous_problem);
                 }
             }))
            if (e) std::rethrow_exception(e);
        for (std::size_t i = begin; i < plans.size(); ++i) compare(plans[i]);
    }
    return plans;
}

}  // namespace cartelier::pipeline
