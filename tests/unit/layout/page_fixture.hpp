// Renders one map of a project in-process through the build's own prepare and render stages, at a
// chosen DPI and a fixed date, and keeps the placement report.
#pragma once

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/atlas.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/prepare.hpp"
#include "pipeline/render_format.hpp"
#include "pipeline/project.hpp"
#include "layout/page_layout.hpp"
#include "render/page_surface.hpp"
#include "style/style.hpp"

namespace cartelier::test {

inline constexpr std::int64_t kFixedDate = 1574640000;  // 25 novembre 2019

struct RenderedPage {
    layout::PageLayout page;
    render::PageReport report;
    std::string bytes;  ///< the file (PNG, PDF or SVG)
};

/// One project and its layer store, shared by the maps rendered from it; each map made by the build's
/// own stages (pipeline::prepare_map, then pipeline::render_format), with a fixed date.
class ProjectRenderer {
public:
    explicit ProjectRenderer(const std::string& project_file)
        : project_(pipeline::load_project(project_file)), store_(project_), inputs_(project_, kFixedDate) {}

    const pipeline::Project& project() const { return project_; }

    /// `map_id` a map of the project, or a page of an atlas, `ATLAS/PAGE` (pipeline/atlas.hpp).
    RenderedPage render(const std::string& map_id, render::OutputFormat format, double dpi) {
        const pipeline::MapDecl* map = project_.find_map(map_id);
        if (auto slash = map_id.find('/'); !map && slash != std::string::npos)
            if (const pipeline::MapDecl* atlas = project_.find_map(map_id.substr(0, slash)); atlas && atlas->atlas) {
                Diagnostics warnings;
                for (auto& page : pipeline::atlas_pages(*atlas, store_, warnings))
                    if (page.id == map_id) map = &pages_.emplace_back(std::move(page));
            }
        if (!map) throw std::runtime_error("no map " + map_id);
        pipeline::PrepareContext ctx{project_, store_, inputs_, icons_, kFixedDate};
        const pipeline::PreparedMap prepared = pipeline::prepare_map(ctx, *map);
        pipeline::RenderedFormat rendered = pipeline::render_format(prepared, format, icons_, dpi);
        return RenderedPage{prepared.page, std::move(rendered.report), std::move(rendered.bytes)};
    }

private:
    pipeline::Project project_;
    pipeline::LayerStore store_;
    pipeline::InputContext inputs_;
    render::IconCache icons_;
    std::deque<pipeline::MapDecl> pages_;  ///< atlas pages rendered (their MapDecl outlives the render)
};

inline bool layer_cache_present() {
    return std::filesystem::exists(std::string(CARTELIER_SOURCE_DIR) + "/layers/cache/departements.geojson");
}

/// Empty when layers/cache holds the very layers the goldens under tests/golden/ were drawn from
/// (SHA-256 in tests/golden/layers.sha256, against layers/cache/SOURCES.json); else which layer
/// differs. Without the mirror, scripts/fetch-layers.sh falls back to Natural Earth, whose other
/// coastlines and credits cannot be compared pixel by pixel with the goldens.
inline std::string golden_layers_mismatch() {
    const std::string root(CARTELIER_SOURCE_DIR);
    std::ifstream sources_file(root + "/layers/cache/SOURCES.json");
    if (!sources_file) return "layers/cache/SOURCES.json is missing: run scripts/fetch-layers.sh";
    const nlohmann::json sources = nlohmann::json::parse(sources_file, nullptr, false);
    std::ifstream wanted(root + "/tests/golden/layers.sha256");
    std::string sha, name;
    while (wanted >> sha >> name) {
        const auto layer = sources.is_object() ? sources.find(name) : sources.end();
        if (layer == sources.end() || !layer->is_object() || layer->value("sha256", "") != sha)
            return "layer '" + name + "' of layers/cache is not the one the goldens were drawn from (" + sha +
                   ", tests/golden/layers.sha256); found " +
                   (layer == sources.end() ? std::string("none") : layer->value("edition", std::string("?"))) +
                   ": fetch the IGN layers (CARTELIER_LAYERS_MIRROR or the network) to compare";
    }
    return {};
}

}  // namespace cartelier::test
