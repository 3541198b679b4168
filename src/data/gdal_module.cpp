#include "data/gdal_module.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "data/gdal/module_abi.hpp"

namespace cartelier::data {

const char* gdal_module_build_id() { return CARTELIER_BUILD_ID; }

std::string gdal_module_problem(const cartelier_gdal_module* table, const std::string& path) {
    if (!table) return fmt::format("{}: {} returned no module table", path, CARTELIER_GDAL_MODULE_SYMBOL);
    if (table->abi_version != CARTELIER_GDAL_ABI_VERSION)
        return fmt::format("{}: a GDAL reader module of ABI version {}, where this program expects version {}", path,
                           table->abi_version, CARTELIER_GDAL_ABI_VERSION);
    const char* build = table->build_id ? table->build_id : "";
    if (std::strcmp(build, gdal_module_build_id()) != 0)
        return fmt::format("{}: a GDAL reader module built from Cartelier '{}', where this program is '{}'", path,
                           build, gdal_module_build_id());
    if (!table->read_layer) return fmt::format("{}: the module table has no read_layer", path);
    return {};
}

GdalModule load_gdal_module(const std::vector<std::string>& paths) {
    GdalModule m;
    std::vector<std::string> errors;
    std::error_code ec;
    for (const auto& path : paths) {
        if (!std::filesystem::exists(path, ec)) {
            errors.push_back(fmt::format("{}: no such file", path));
            continue;
        }
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);  // never closed: used until exit
        if (!handle) {
            const char* e = dlerror();
            errors.push_back(e ? e : path);
            continue;
        }
        auto entry = reinterpret_cast<cartelier_gdal_module_entry>(dlsym(handle, CARTELIER_GDAL_MODULE_SYMBOL));
        if (!entry) {
            errors.push_back(fmt::format("{}: no {} (a module of another version of Cartelier?)", path,
                                         CARTELIER_GDAL_MODULE_SYMBOL));
            continue;
        }
        const cartelier_gdal_module* table = entry();
        if (std::string problem = gdal_module_problem(table, path); !problem.empty()) {
            errors.push_back(std::move(problem));
            continue;
        }
        m.table = table;
        return m;
    }
    m.problem = fmt::format("{}", fmt::join(errors, "; "));
    return m;
}

const GdalModule& gdal_module() {
    static const GdalModule module = [] {
        std::vector<std::string> candidates;
        if (const char* env = std::getenv("CARTELIER_GDAL_MODULE"); env && *env) {
            candidates.emplace_back(env);  // only that one
        } else {
            std::error_code ec;
            const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
            if (!ec) candidates.push_back((exe.parent_path() / "cartelier-gdal.so").string());
            candidates.push_back(std::string(CARTELIER_MODULE_DIR) + "/cartelier-gdal.so");
        }
        return load_gdal_module(candidates);
    }();
    return module;
}

namespace {

/// The program's side of the sink callbacks: the sink's exception is kept here, never thrown to the module.
struct SinkCall {
    const FeatureSink* sink = nullptr;
    std::exception_ptr problem;
};

int take(cartelier_gdal_read* read, const Layer* layer, std::vector<Feature>* chunk) noexcept {
    auto* call = static_cast<SinkCall*>(read->program);
    try {
        call->sink->take(*layer, std::move(*chunk));
        return 0;
    } catch (...) {
        call->problem = std::current_exception();
        return 1;
    }
}

int restart(cartelier_gdal_read* read) noexcept {
    auto* call = static_cast<SinkCall*>(read->program);
    try {
        if (call->sink->restart) call->sink->restart();
        return 0;
    } catch (...) {
        call->problem = std::current_exception();
        return 1;
    }
}

}  // namespace

void read_through(const cartelier_gdal_module& module, const LayerSpec& spec, Diagnostics& diagnostics,
                  const FeatureSink& sink, const ReadOptions& options, Layer& layer) {
    SinkCall call{&sink, nullptr};
    cartelier_gdal_read read;
    read.spec = &spec;
    read.options = &options;
    read.layer = &layer;
    read.diagnostics = &diagnostics;
    if (sink) {
        read.take = &take;
        read.restart = &restart;
        read.program = &call;
    }
    const SourceLocation at = spec.database ? spec.database->declared_at : SourceLocation{spec.path, 0, 0, {}};
    const char* message = nullptr;
    const int status = module.read_layer(&read, &message);
    switch (status) {
        case CARTELIER_GDAL_OK:
            return;
        case CARTELIER_GDAL_ERROR:
            throw Error(std::move(read.thrown));
        case CARTELIER_GDAL_SINK_FAILED:
            if (call.problem) std::rethrow_exception(call.problem);
            break;
        case CARTELIER_GDAL_EXCEPTION:
            diagnostics.error(at, fmt::format("layer '{}': reading failed: {}", spec.name,
                                              message ? redact_password(message) : std::string()));
            return;
        default:
            break;
    }
    diagnostics.error(at, fmt::format("layer '{}': reading failed: the GDAL reader module returned status {}{}", spec.name,
                                  status, status == CARTELIER_GDAL_SINK_FAILED ? " with no failure of the sink" : ""));
}

std::string digest_through(const cartelier_gdal_module& module, const LayerSpec& spec) {
    const SourceLocation at = spec.database ? spec.database->declared_at : spec.declared_at;
    if (!spec.database) throw Error(at, fmt::format("layer '{}' is not read from a database: it has no digest", spec.name));
    if (!module.digest_layer)
        throw Error(at, fmt::format("layer '{}': the GDAL module table has no digest_layer", spec.name));
    Diagnostics diagnostics;
    cartelier_gdal_read read;
    read.spec = &spec;
    read.diagnostics = &diagnostics;
    const char* message = nullptr;
    const int status = module.digest_layer(&read, &message);
    if (status != CARTELIER_GDAL_OK)
        diagnostics.error(at, fmt::format("layer '{}': computing the digest of its rows failed: {}", spec.name,
                                          message ? redact_password(message) : std::string("no message")));
    else if (read.digest.empty() && !diagnostics.has_errors())
        diagnostics.error(at, fmt::format("layer '{}': the database gave no digest of its rows", spec.name));
    if (diagnostics.has_errors()) throw Error(std::move(diagnostics));
    return std::move(read.digest);
}

std::string encode_geotiff(const cartelier_gdal_module& module, const GeoTiffPage& page) {
    if (!module.write_geotiff)
        throw Error(SourceLocation{}, "writing the GeoTIFF failed: the GDAL module table has no write_geotiff");
    cartelier_gdal_raster raster;
    raster.pixels = page.pixels;
    raster.width = page.width;
    raster.height = page.height;
    raster.bands = page.bands;
    raster.stride = page.stride;
    raster.dpi = page.dpi;
    if (page.geotransform) {
        raster.geotransform = page.geotransform->data();
        raster.wkt = page.wkt.c_str();
    }
    const char* message = nullptr;
    const int status = module.write_geotiff(&raster, &message);
    if (status == CARTELIER_GDAL_OK) return std::move(raster.bytes);
    throw Error(SourceLocation{},
                status == CARTELIER_GDAL_EXCEPTION
                    ? fmt::format("writing the GeoTIFF failed: {}", message ? message : "")
                    : fmt::format("writing the GeoTIFF failed: the GDAL module returned status {}", status));
}

void write_through(const cartelier_gdal_module& module, const Layer& layer, const std::string& path,
                   const std::string& driver, const std::string& crs_wkt, Diagnostics& warnings) {
    const SourceLocation at{path, 0, 0, {}};
    if (!module.write_layer)
        throw Error(at, fmt::format("layer '{}': writing failed: the GDAL module table has no write_layer", layer.name));
    cartelier_gdal_write write;
    write.layer = &layer;
    write.path = path;
    write.driver = driver;
    write.crs_wkt = crs_wkt;
    write.diagnostics = &warnings;
    const char* message = nullptr;
    const int status = module.write_layer(&write, &message);
    if (status == CARTELIER_GDAL_OK) return;
    throw Error(at, status == CARTELIER_GDAL_EXCEPTION
                        ? fmt::format("layer '{}': writing failed: {}", layer.name, message ? message : "")
                        : fmt::format("layer '{}': writing failed: the GDAL module returned status {}", layer.name,
                                      status));
}

std::string encode_geotiff(const GeoTiffPage& page) {
    const GdalModule& module = gdal_module();
    if (!module.table)
        throw Error(SourceLocation{},
                    fmt::format("cannot write the GeoTIFF: cannot load Cartelier's GDAL module: {}", module.problem),
                    "rebuild Cartelier (scripts/setup.sh), or set CARTELIER_GDAL_MODULE to the module's path");
    return encode_geotiff(*module.table, page);
}

}  // namespace cartelier::data
