// Stage 4 of a map build, WRITE: a map's outputs, all formats rendered, written atomically (temporary
// file, fsync, rename: pipeline/output.hpp) and then its state recorded (pipeline/state.hpp), so a
// map is either wholly rebuilt or keeps its previous outputs. See pipeline/pipeline.hpp for the order.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/prepare.hpp"
#include "pipeline/render_format.hpp"

namespace cartelier::pipeline {

struct OutputInfo {
    std::string path;
    std::size_t bytes = 0;
    std::string sha256;
};

/// Writes `out_dir/ID.EXT` for each rendered format (and, after a PNG, its georeference files unless
/// the map says `georeference: false`: pipeline/georeference.hpp), then the map's state (its paths inside
/// `project_root` recorded relative to it; `warnings`: how many its build gave). Returns what was written.
/// Throws Error naming the file when a write fails (the files already renamed into place stay; the state
/// is not recorded, so the next build rebuilds the map).
std::vector<OutputInfo> write_map(const std::string& out_dir, const PreparedMap& map,
                                  const std::vector<RenderedFormat>& formats, const std::filesystem::path& project_root,
                                  std::size_t warnings);

}  // namespace cartelier::pipeline
