#include "pipeline/write.hpp"

#include <algorithm>
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

WrittenMap write_map(const std::string& out_dir, const PreparedMap& map, const std::vector<RenderedFormat>& formats,
                     const fs::path& project_root, std::size_t warnings, const MapState* previous) {
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
    WrittenMap result;
    std::vector<OutputInfo>& written = result.outputs;
    auto write = [&](const std::string& name, const std::string& bytes) {
        const fs::path target = fs::path(out_dir) / name;
        create_folder(target.parent_path());  // an atlas page's folder, out/ATLAS/
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
    // What the last build wrote and this one no longer produces: removed while it is as Cartelier wrote it
    // (a stale world file would put the PNG at a wrong place), kept when it changed since. Before the state
    // is saved: a build stopped in between still has the old state, whose outputs the next build checks.
    if (previous)
        for (const OutputRecord& old : previous->outputs) {
            const bool produced = std::any_of(state.outputs.begin(), state.outputs.end(),
                                              [&](const OutputRecord& o) { return o.file == old.file; });
            const fs::path file = fs::path(out_dir) / old.file;
            std::error_code ec;
            // Only a plain name of the output folder, as write_map records them; never a symlink.
            if (produced || old.file.find('/') != std::string::npos || !fs::is_regular_file(fs::symlink_status(file, ec)))
                continue;
            if (!output_unchanged(out_dir, old))
                result.kept.emplace_back(file.string(), "it changed since Cartelier wrote it");
            else if (fs::remove(file, ec))
                result.removed.push_back(file.string());
            else
                result.kept.emplace_back(file.string(), fmt::format("removing it failed: {}", ec.message()));
        }
    save_map_state(out_dir, state, project_root);
    return result;
}

}  // namespace cartelier::pipeline
