#include "pipeline/write.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "pipeline/hashing.hpp"
#include "pipeline/output.hpp"
#include "pipeline/state.hpp"
#include "pipeline/timing.hpp"
#include "render/page_surface.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;

std::vector<OutputInfo> write_map(const std::string& out_dir, const PreparedMap& map,
                                  const std::vector<RenderedFormat>& formats, const fs::path& project_root,
                                  std::size_t warnings) {
    ScopedStage stage("write");
    create_folder(out_dir);
    MapState state;
    state.map = map.map->id;
    state.inputs = map.inputs;
    state.source_layers = map.source_layers;
    state.fonts = map.fonts;
    state.icons = map.icons;
    state.date = map.date;
    state.warnings = warnings;
    std::vector<OutputInfo> written;
    for (const RenderedFormat& f : formats) {
        const std::string name = fmt::format("{}.{}", map.map->id, render::extension(f.format));
        const fs::path target = fs::path(out_dir) / name;
        write_atomically(target, f.bytes);
        const std::string sha = sha256_hex(f.bytes);
        written.push_back({target.string(), f.bytes.size(), sha});
        state.outputs.push_back(OutputRecord{name, f.bytes.size(), sha, stat_file(target).value_or(FileStamp{})});
    }
    save_map_state(out_dir, state, project_root);
    return written;
}

}  // namespace cartelier::pipeline
