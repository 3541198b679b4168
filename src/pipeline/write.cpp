#include "pipeline/write.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "pipeline/georeference.hpp"
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
    auto write = [&](const std::string& name, const std::string& bytes) {
        const fs::path target = fs::path(out_dir) / name;
        write_atomically(target, bytes);
        const std::string sha = sha256_hex(bytes);
        written.push_back({target.string(), bytes.size(), sha});
        state.outputs.push_back(OutputRecord{name, bytes.size(), sha, stat_file(target).value_or(FileStamp{})});
    };
    for (const RenderedFormat& f : formats) {
        write(fmt::format("{}.{}", map.map->id, render::extension(f.format)), f.bytes);
        if (f.format == Format::Png && map.map->georeference) {
            if (f.report.frames.empty())
                throw Error(SourceLocation{}, fmt::format("map '{}': no main frame to georeference the PNG", map.map->id));
            for (const Sidecar& s : png_georeference(map.map->id, f.report.frames.front().view, f.dpi))
                write(s.file, s.bytes);
        }
    }
    save_map_state(out_dir, state, project_root);
    return written;
}

}  // namespace cartelier::pipeline
