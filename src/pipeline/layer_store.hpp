// The project's layers as the maps need them: each read once per build (with its joins), and
// reprojected once per map CRS (with its checks run there).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/project.hpp"
#include "core/diagnostic.hpp"
#include "core/layer.hpp"
#include "geo/projection.hpp"
#include "render/map_renderer.hpp"

namespace cartelier::pipeline {

/// Loads each project layer once, with its joins and checks, and keeps reprojected copies per CRS.
/// Thread-safe; read warnings() once the maps are built.
class LayerStore {
public:
    /// `cache_dir`: where prepared layers are kept (the build uses OUT/.cache/prepared, or
    /// $CARTELIER_CACHE_DIR); empty: no prepared cache (`cartelier check` writes nothing).
    /// `read_options`: how layers are read (data::ReadOptions; the features are the same whatever they say).
    explicit LayerStore(const Project& project, std::filesystem::path cache_dir = {},
                        data::ReadOptions read_options = {})
        : project_(&project), cache_dir_(std::move(cache_dir)), read_options_(read_options),
          geometry_(std::make_shared<render::GeometryCache>()) {}
    /// What the renderer prepares from these layers (shared by every map and format drawing them).
    std::shared_ptr<render::GeometryCache> geometry_cache() const { return geometry_; }
    /// The layer as read and joined (throws Error with every problem of that layer).
    const Layer& source(const std::string& name);
    /// The layer reprojected into `crs`, its checks run in that CRS (throws Error).
    const Layer& projected(const std::string& name, const std::string& crs);
    /// Warnings gathered while loading (unmatched optional joins, re-encoded files…).
    const Diagnostics& warnings() const { return warnings_; }
    /// Per layer name, one entry per join declared in the project, in declaration order, for every layer
    /// loaded so far (including layers that failed after their joins ran). A copy: safe to keep.
    std::map<std::string, std::vector<data::JoinStats>> join_stats() const {
        std::lock_guard lock(mutex_);
        return join_stats_;
    }

private:
    /// Reads a layer and validates its geometries (and, given `project_to`, reprojects them), the
    /// checks running on a second thread chunk by chunk while GDAL parses the next features.
    /// `failed` counts the vertices that could not be projected.
    std::unique_ptr<Layer> read_checked(const LayerDecl& decl, Diagnostics& d, const std::string* project_to,
                                        geo::ProjectionFailures* failed);
    /// Keeps the warnings of loading layer `name`; with errors, remembers it failed and throws them.
    void keep_warnings_or_fail(const std::string& name, const Diagnostics& d);
    /// Stores a projected layer and runs its checks (in that CRS).
    const Layer& finish_projected(const std::pair<std::string, std::string>& key, std::unique_ptr<Layer> layer);
    const Project* project_;
    std::filesystem::path cache_dir_;
    data::ReadOptions read_options_;
    /// Thread safety: one build renders maps in parallel; each layer is still loaded (and each
    /// reprojection done) once. Recursive: a check or a geocode step asks for another layer.
    mutable std::recursive_mutex mutex_;
    std::map<std::string, std::unique_ptr<Layer>> sources_;
    std::map<std::pair<std::string, std::string>, std::unique_ptr<Layer>> projected_;
    std::map<std::string, std::string> failed_;  ///< name → formatted diagnostics, to fail fast on reuse
    Diagnostics warnings_;
    std::map<std::string, std::vector<data::JoinStats>> join_stats_;
    std::shared_ptr<render::GeometryCache> geometry_;
};

}  // namespace cartelier::pipeline
