// Stage 4 of a map build, WRITE: a map's outputs, all formats rendered, written atomically (temporary
// file, fsync, rename: pipeline/output.hpp), the outputs it no longer produces removed, and then its
// state recorded (pipeline/state.hpp), so a map is either wholly rebuilt or keeps its previous outputs. See pipeline/pipeline.hpp for the order.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/prepare.hpp"
#include "pipeline/render_format.hpp"
#include "pipeline/state.hpp"

namespace cartelier::pipeline {

struct OutputInfo {
    std::string path;
    std::size_t bytes = 0;
    std::string sha256;
};

/// What writing a map did in its output folder.
struct WrittenMap {
    std::vector<OutputInfo> outputs;  ///< the files written
    /// Files the previous build of the map wrote (its recorded state) that this build no longer produces
    /// (a format removed from `formats`, `georeference: false`): paths removed, because they still held
    /// what Cartelier wrote (output_unchanged) …
    std::vector<std::string> removed;
    /// … and those kept: path and why (changed since Cartelier wrote it, or the removal failed), which the
    /// caller tells the user.
    std::vector<std::pair<std::string, std::string>> kept;
};

/// Writes `out_dir/ID.EXT` for each rendered format (and, after a PNG, its georeference files unless
/// the map says `georeference: false`: pipeline/georeference.hpp); then removes the outputs `previous`
/// (the map's last recorded state, or null) records and this build no longer produces, those still as
/// Cartelier wrote them — never a file it did not record; then records the map's state (its paths inside
/// `project_root` recorded relative to it; `warnings`: how many its build gave).
/// Throws Error naming the file when a write fails (the files already renamed into place stay; nothing
/// is removed and the state is not recorded, so the next build rebuilds the map).
WrittenMap write_map(const std::string& out_dir, const PreparedMap& map, const std::vector<RenderedFormat>& formats,
                     const std::filesystem::path& project_root, std::size_t warnings, const MapState* previous);

}  // namespace cartelier::pipeline
