#include "data/layer_writer.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "data/gdal_module.hpp"

namespace cartelier::data {

namespace fs = std::filesystem;

const std::vector<VectorFormat>& vector_formats() {
    static const std::vector<VectorFormat> formats{
        {".geojson", "GeoJSON", {}},
        {".gpkg", "GPKG", {}},
        {".shp", "ESRI Shapefile", {".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx"}},
        {".csv", "CSV", {".csvt", ".prj"}},
    };
    return formats;
}

const VectorFormat& vector_format_for(const fs::path& path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const VectorFormat& format : vector_formats())
        if (format.extension == extension) return format;
    std::vector<std::string> known;
    for (const VectorFormat& format : vector_formats()) known.push_back(format.extension);
    throw Error(SourceLocation{path.string(), 0, 0, {}},
                extension.empty() ? fmt::format("expected a file name ending in {}, found no extension",
                                                fmt::join(known, ", "))
                                  : fmt::format("unknown extension '{}': expected one of {}",
                                                path.extension().string(), fmt::join(known, ", ")),
                "the extension chooses the format: GeoJSON, GeoPackage, shapefile, or CSV with the geometry as WKT");
}

const VectorFormat& check_target(const fs::path& path) {
    const SourceLocation at{path.string(), 0, 0, {}};
    const VectorFormat& format = vector_format_for(path);
    const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw Error(at,
                    fmt::format("expected an existing folder for the file, found no folder '{}'", folder.string()),
                    "create the folder first, or write the file elsewhere");
    if (fs::is_directory(path, ec)) throw Error(at, "expected a file name, found a folder of that name");
    return format;
}

namespace {

bool process_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

/// The temporary folder of one export, removed with what it holds unless released.
class TempFolder {
public:
    explicit TempFolder(fs::path path) : path_(std::move(path)) {}
    ~TempFolder() {
        std::error_code ec;
        if (!path_.empty()) fs::remove_all(path_, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

/// Removes the temporary folders (`.NAME.tmp-PID`) a killed export of `target` left beside it.
void remove_stale_exports(const fs::path& folder, const std::string& name) {
    const std::string prefix = "." + name + ".tmp-";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const std::string file = entry.path().filename().string();
        if (file.compare(0, prefix.size(), prefix) != 0 || !entry.is_directory(ec)) continue;
        char* end = nullptr;
        const long pid = std::strtol(file.c_str() + prefix.size(), &end, 10);
        if (end && *end == '\0' && pid != ::getpid() && !process_alive(pid)) fs::remove_all(entry.path(), ec);
    }
}

/// Every diagnostic that names the temporary file `from` names `to` instead (messages show the target).
Diagnostics retarget(const Diagnostics& d, const std::string& from, const std::string& to) {
    Diagnostics out;
    for (Diagnostic item : d.items()) {
        if (item.where.file == from) item.where.file = to;
        for (auto at = item.message.find(from); at != std::string::npos; at = item.message.find(from, at + to.size()))
            item.message.replace(at, from.size(), to);
        out.add(std::move(item));
    }
    return out;
}

void sync(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

std::vector<fs::path> write_layer_file(const Layer& layer, const fs::path& path, const std::string& crs_wkt,
                                       Diagnostics& warnings) {
    const SourceLocation at{path.string(), 0, 0, {}};
    const VectorFormat& format = check_target(path);
    const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    std::error_code ec;
    const std::string name = path.filename().string();
    remove_stale_exports(folder, name);
    const fs::path temp_path = folder / fmt::format(".{}.tmp-{}", name, ::getpid());
    fs::remove_all(temp_path, ec);
    if (!fs::create_directory(temp_path, ec))
        throw Error(at, fmt::format("cannot write into the folder '{}': {}", folder.string(),
                                    ec ? ec.message() : std::string("cannot create a temporary folder there")));
    TempFolder temp(temp_path);
    const GdalModule& module = gdal_module();
    if (!module.table)
        throw Error(at, fmt::format("cannot write the layer: cannot load Cartelier's GDAL module: {}", module.problem),
                    "rebuild Cartelier (scripts/setup.sh), or set CARTELIER_GDAL_MODULE to the module's path");
    const std::string written = (temp.path() / name).string();
    Diagnostics own;
    try {
        write_through(*module.table, layer, written, format.driver, crs_wkt, own);
    } catch (const Error& e) {
        throw Error(retarget(e.diagnostics(), written, path.string()));
    }
    warnings.append(retarget(own, written, path.string()));

    // Complete: each file synced, then renamed into place, the main one last (a reader that sees it sees
    // the others); a previous file's sidecars this one did not write go.
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(temp.path(), ec)) files.push_back(entry.path().filename());
    if (ec || std::find(files.begin(), files.end(), fs::path(name)) == files.end())
        throw Error(at, fmt::format("layer '{}': GDAL wrote no {} file", layer.name, format.extension));
    std::sort(files.begin(), files.end(), [&](const fs::path& a, const fs::path& b) {
        return std::make_pair(a == fs::path(name), a.string()) < std::make_pair(b == fs::path(name), b.string());
    });
    for (const fs::path& file : files) sync(temp.path() / file);
    for (const fs::path& file : files) {
        if (::rename((temp.path() / file).c_str(), (folder / file).c_str()) != 0)
            throw Error(SourceLocation{(folder / file).string(), 0, 0, {}},
                        fmt::format("renaming the written file into place failed: {}", std::strerror(errno)));
    }
    for (const std::string& sidecar : format.sidecars) {
        fs::path stale = path;
        stale.replace_extension(sidecar);
        if (std::find(files.begin(), files.end(), stale.filename()) == files.end()) fs::remove(stale, ec);
    }
    std::vector<fs::path> out;
    out.push_back(path);
    for (const fs::path& file : files)
        if (file != fs::path(name)) out.push_back(folder / file);
    return out;
}

}  // namespace cartelier::data
