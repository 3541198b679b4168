#include "pipeline/dependencies.hpp"
#include "pipeline/steps.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

namespace cartelier::pipeline {

namespace fs = std::filesystem;

namespace {

/// The files a source reads: every file of a folder, a shapefile with its sidecars (same stem: .shp,
/// .shx, .dbf, .prj, .cpg…), else the file itself.
void source_files(const fs::path& source, std::set<std::string>& files) {
    std::error_code ec;
    if (fs::is_directory(source, ec)) {
        for (const auto& entry : fs::directory_iterator(source, ec))
            if (entry.is_regular_file()) files.insert(entry.path().string());
        return;
    }
    files.insert(source.string());
    std::string ext = source.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext == ".shp")
        for (const auto& entry : fs::directory_iterator(source.parent_path(), ec))
            if (entry.is_regular_file() && entry.path().stem() == source.stem()) files.insert(entry.path().string());
}

}  // namespace

MapDependencies map_dependencies(const Project& project, const MapDecl& map,
                                 const std::vector<std::string>& source_layers,
                                 const std::vector<std::string>& icons) {
    MapDependencies deps;
    deps.style = map.style;
    deps.icon_dir = (fs::path(map.style).parent_path() / "icons").string();
    const std::set<std::string> icon_files(icons.begin(), icons.end());
    deps.icons.assign(icon_files.begin(), icon_files.end());
    if (map.page.logo && !map.page.logo->path.empty()) deps.logo = map.page.logo->path;
    if (map.print && !map.print->profile.empty() &&
        std::find(map.formats.begin(), map.formats.end(), Format::Pdfx) != map.formats.end())
        deps.print_profile = map.print->profile;

    std::vector<std::string> wanted(source_layers.begin(), source_layers.end());
    if (map.page_of) wanted.push_back(map.page_of->layer);  // an atlas page is made from its coverage layer
    if (map.atlas) wanted.push_back(map.atlas->layer);
    deps.layers = layers_needed(project, wanted);

    std::set<std::string> files;
    for (const auto& name : deps.layers) {
        auto it = project.layers.find(name);
        if (it == project.layers.end()) continue;
        if (it->second.spec.database && !it->second.derived()) deps.databases.push_back(name);
        for (auto& file : layer_own_files(it->second)) files.insert(std::move(file));
    }
    deps.data.assign(files.begin(), files.end());
    return deps;
}

std::vector<std::string> layers_needed(const Project& project, const std::vector<std::string>& layers) {
    std::set<std::string> needed;
    std::vector<std::string> todo(layers.begin(), layers.end());
    while (!todo.empty()) {
        std::string name = todo.back();
        todo.pop_back();
        if (!needed.insert(name).second) continue;
        auto it = project.layers.find(name);
        if (it == project.layers.end()) continue;
        for (const auto& c : it->second.checks) todo.push_back(c.container);
        for (const auto& input : project.inputs_of(name)) todo.push_back(input);  // from, clips, geocode
    }
    return {needed.begin(), needed.end()};
}

std::vector<std::string> layer_own_files(const LayerDecl& decl) {
    std::set<std::string> files;
    for (const auto& j : decl.joins) files.insert(j.table);
    for (const auto& table : step_files(decl)) files.insert(table);
    if (decl.derived()) {
        // Its {edition} comes from the SOURCES.json beside its tables (pipeline/credits.cpp).
        for (const auto& table : step_files(decl)) files.insert((fs::path(table).parent_path() / "SOURCES.json").string());
    } else if (!decl.spec.database) {
        const fs::path source(decl.spec.path);
        source_files(source, files);
        files.insert((source.parent_path() / "SOURCES.json").string());
    }
    return {files.begin(), files.end()};
}

}  // namespace cartelier::pipeline
