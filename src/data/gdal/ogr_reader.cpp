// The GDAL reader module (cartelier-gdal.so): every OGR vector format read into Cartelier's layer
// model, behind a C boundary (data/gdal/module_abi.h), which also carries the GeoTIFF writer
// (data/gdal/geotiff_writer.hpp) and the vector writer (data/gdal/ogr_writer.hpp). Loaded on first use by data/gdal_module.cpp, so
// that builds which read no layer through GDAL (nothing to do, or every layer in the prepared cache)
// never load GDAL and the many libraries it pulls in.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <future>
#include <optional>
#include <string_view>
#include <tuple>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/diagnostic.hpp"
#include "data/gdal/gdal_handles.hpp"
#include "data/gdal/geotiff_writer.hpp"
#include "data/gdal/module_abi.hpp"
#include "data/gdal/ogr_features.hpp"
#include "data/gdal/ogr_writer.hpp"
#include "data/layer_reader.hpp"

namespace cartelier::data {

namespace {

void append_ring(Geometry& g, const OGRSimpleCurve& curve) {
    const int n = curve.getNumPoints();
    g.points.reserve(g.points.size() + static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) g.points.push_back({curve.getX(i), curve.getY(i)});
    g.end_ring();
}

/// Appends `geom` to `g`; returns false for a type that does not fit (mixed collections).
bool append_geometry(Geometry& g, const OGRGeometry& geom) {
    switch (wkbFlatten(geom.getGeometryType())) {
        case wkbPoint: {
            const auto& p = *geom.toPoint();
            if (p.IsEmpty()) return true;
            if (g.type != GeometryType::None && g.type != GeometryType::Point) return false;
            g.type = GeometryType::Point;
            g.begin_part();
            g.points.push_back({p.getX(), p.getY()});
            g.end_ring();
            return true;
        }
        case wkbLineString: {
            if (g.type != GeometryType::None && g.type != GeometryType::LineString) return false;
            g.type = GeometryType::LineString;
            g.begin_part();
            append_ring(g, *geom.toLineString());
            return true;
        }
        case wkbPolygon: {
            if (g.type != GeometryType::None && g.type != GeometryType::Polygon) return false;
            const auto& poly = *geom.toPolygon();
            if (poly.IsEmpty()) return true;
            g.type = GeometryType::Polygon;
            g.begin_part();
            for (const auto* ring : poly) append_ring(g, *ring);
            return true;
        }
        case wkbMultiPoint:
        case wkbMultiLineString:
        case wkbMultiPolygon:
        case wkbGeometryCollection: {
            for (const auto* part : *geom.toGeometryCollection())
                if (!append_geometry(g, *part)) return false;
            return true;
        }
        default: {
            // Curves and other exotic types: linearise first.
            std::unique_ptr<OGRGeometry> linear(geom.getLinearGeometry());
            if (!linear || wkbFlatten(linear->getGeometryType()) == wkbFlatten(geom.getGeometryType())) return false;
            return append_geometry(g, *linear);
        }
    }
}

}  // namespace

std::string crs_name(const OGRSpatialReference& srs) {
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth && code) return fmt::format("{}:{}", auth, code);
    OGRSpatialReference copy(srs);
    if (copy.AutoIdentifyEPSG() == OGRERR_NONE) {
        auth = copy.GetAuthorityName(nullptr);
        code = copy.GetAuthorityCode(nullptr);
        if (auth && code) return fmt::format("{}:{}", auth, code);
    }
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    srs.exportToWkt(&wkt, options);
    std::string out = wkt ? wkt : "";
    CPLFree(wkt);
    return out;
}

namespace {

/// The layer `spec` names in `dataset`, or its only layer; null, with the error said, when there is none
/// or when the file holds several and `spec` names none.
OGRLayer* pick_layer(GDALDataset& dataset, const LayerSpec& spec, Diagnostics& diagnostics) {
    if (!spec.ogr_layer.empty()) {
        OGRLayer* source = dataset.GetLayerByName(spec.ogr_layer.c_str());
        if (!source) {
            std::vector<std::string> names;
            for (auto* l : dataset.GetLayers()) names.emplace_back(l->GetName());
            diagnostics.error(SourceLocation{spec.path, 0, 0, {}},
                              fmt::format("no layer named '{}' in this file; it has: {}", spec.ogr_layer,
                                          fmt::join(names, ", ")),
                              suggest_name(spec.ogr_layer, names));
        }
        return source;
    }
    const int count = dataset.GetLayerCount();
    if (count == 1) return dataset.GetLayer(0);
    if (count == 0) {
        diagnostics.error(SourceLocation{spec.path, 0, 0, {}}, "the file holds no vector layer");
        return nullptr;
    }
    // Several layers and none named: taking the first would draw another layer's features in this
    // layer's style without a word.
    std::vector<std::string> names;
    for (auto* l : dataset.GetLayers()) names.emplace_back(l->GetName());
    // The file's layer named like the project's layer (or nearly: "region" for "regions") is the likely one.
    std::string near = std::find(names.begin(), names.end(), spec.name) != names.end()
                           ? spec.name
                           : nearest_name(spec.name, names);
    std::string hint = near.empty() ? std::string("add 'layer: NAME' with one of them")
                                    : fmt::format("add 'layer: {}'", near);
    diagnostics.error(spec.declared_at,
                      fmt::format("layer '{}': {} holds {} layers ({}); expected 'layer:' naming the one to draw",
                                  spec.name, spec.path, count, fmt::join(names, ", ")),
                      hint);
    return nullptr;
}

GDALDatasetUniquePtr open_or_say(const LayerSpec& spec, const GdalErrorCapture& errors, Diagnostics& diagnostics) {
    auto dataset = open_vector(spec.path);
    if (!dataset)
        diagnostics.error(SourceLocation{spec.path, 0, 0, {}},
                          fmt::format("layer '{}': GDAL cannot read this file as vector data: {}", spec.name,
                                      errors.last().empty() ? "unknown format" : errors.last()));
    return dataset;
}

}  // namespace

void read_features(OGRLayer& source, const LayerSpec& spec, const GdalErrorCapture& errors, Diagnostics& diagnostics,
                   const FeatureSink& sink, Layer& layer, int geometry_field) {
    OGRFeatureDefn* defn = source.GetLayerDefn();
    const OGRGeomFieldDefn* geometry_defn =
        geometry_field >= 0 && geometry_field < defn->GetGeomFieldCount() ? defn->GetGeomFieldDefn(geometry_field) : nullptr;
    if (!spec.crs.empty()) {
        layer.crs = spec.crs;
    } else if (const OGRSpatialReference* srs = geometry_defn ? geometry_defn->GetSpatialRef() : nullptr) {
        layer.crs = crs_name(*srs);
    } else {
        diagnostics.error(spec.declared_at,
                          fmt::format("layer '{}' ({}) has no CRS and the project declares none", spec.name,
                                      layer.source),
                          "add 'crs: EPSG:4326' (or the data's CRS) to the layer in the project file");
        return;
    }

    const int field_count = defn->GetFieldCount();
    for (int i = 0; i < field_count; ++i) layer.schema->add(defn->GetFieldDefn(i)->GetNameRef());
    int id_index = -1;
    if (!spec.id_field.empty()) {
        id_index = defn->GetFieldIndex(spec.id_field.c_str());
        if (id_index < 0) {
            diagnostics.error(spec.declared_at,
                              fmt::format("layer '{}': no field '{}' for feature ids in {}; fields: {}", spec.name,
                                          spec.id_field, layer.source, fmt::join(layer.schema->fields(), ", ")),
                              suggest_name(spec.id_field, layer.schema->fields()));
            return;
        }
    }

    constexpr std::size_t chunk_size = 1024;
    const auto count = source.GetFeatureCount(FALSE);
    if (sink) layer.features.reserve(chunk_size);
    else if (count > 0) layer.features.reserve(static_cast<std::size_t>(count));
    std::size_t read = 0;
    source.ResetReading();
    for (auto& feature : source) {
        Feature f;
        f.id = id_index >= 0 ? feature->GetFieldAsString(id_index) : fmt::format("{}", feature->GetFID());
        f.values.reserve(static_cast<std::size_t>(field_count));
        for (int i = 0; i < field_count; ++i) {
            if (!feature->IsFieldSetAndNotNull(i)) {
                f.values.emplace_back(std::monostate{});
                continue;
            }
            switch (defn->GetFieldDefn(i)->GetType()) {
                case OFTInteger:
                case OFTInteger64:
                case OFTReal: f.values.emplace_back(feature->GetFieldAsDouble(i)); break;
                default: f.values.emplace_back(std::string(feature->GetFieldAsString(i))); break;
            }
        }
        if (const OGRGeometry* geom = geometry_defn ? feature->GetGeomFieldRef(geometry_field) : nullptr;
            geom && !geom->IsEmpty()) {
            if (!append_geometry(f.geometry, *geom)) {
                diagnostics.warning(SourceLocation{layer.source, 0, 0, fmt::format("feature {}", f.id)},
                                    fmt::format("geometry of type {} mixes points, lines and polygons; kept the "
                                                "parts of the first kind only",
                                                geom->getGeometryName()));
            }
        }
        layer.features.push_back(std::move(f));
        ++read;
        if (sink && layer.features.size() == chunk_size) {
            std::vector<Feature> chunk;
            chunk.reserve(chunk_size);
            chunk.swap(layer.features);
            sink.take(layer, std::move(chunk));
        }
    }
    if (sink && !layer.features.empty()) {
        sink.take(layer, std::move(layer.features));
        layer.features.clear();
    }
    if (!errors.last().empty() && read == 0) {
        diagnostics.error(SourceLocation{layer.source, 0, 0, {}},
                          fmt::format("layer '{}': reading failed: {}", spec.name, errors.last()));
    }
}

namespace {

/// What GDAL's first pass over a GeoJSON file decides and its second pass depends on.
struct LayerSignature {
    std::vector<std::tuple<std::string, int, int>> fields;  ///< name, OGRFieldType, OGRFieldSubType
    std::string fid_column;
    int geometry_type = 0;
    std::string crs;
    bool operator==(const LayerSignature&) const = default;
};

LayerSignature signature_of(OGRLayer& layer) {
    LayerSignature s;
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const OGRFieldDefn* field = defn->GetFieldDefn(i);
        s.fields.emplace_back(field->GetNameRef(), field->GetType(), field->GetSubType());
    }
    s.fid_column = layer.GetFIDColumn();
    s.geometry_type = layer.GetGeomType();
    if (const OGRSpatialReference* srs = layer.GetSpatialRef()) s.crs = crs_name(*srs);
    return s;
}

/// Sets a GDAL configuration option for this thread only, for the scope's lifetime.
class ScopedThreadConfig {
public:
    ScopedThreadConfig(const char* key, const std::string& value) : key_(key) {
        if (const char* old = CPLGetThreadLocalConfigOption(key, nullptr)) old_ = old;
        CPLSetThreadLocalConfigOption(key, value.c_str());
    }
    ~ScopedThreadConfig() { CPLSetThreadLocalConfigOption(key_, old_ ? old_->c_str() : nullptr); }
    ScopedThreadConfig(const ScopedThreadConfig&) = delete;
    ScopedThreadConfig& operator=(const ScopedThreadConfig&) = delete;

private:
    const char* key_;
    std::optional<std::string> old_;
};

/// Whether a speculative read (ReadOptions) can pay: a large GeoJSON file whose feature ids come from
/// a declared field. (GDAL's first pass also decides whether a feature-level "id" becomes the FID, a
/// choice no schema comparison shows; so a layer identified by FIDs is always read the plain way.)
bool speculation_pays(const LayerSpec& spec, const ReadOptions& options) {
    if (spec.id_field.empty() || options.guess_features <= 0) return false;
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(spec.path, ec);
    if (ec || bytes < options.speculative_schema_min_bytes) return false;
    ensure_gdal_registered();
    GDALDriverH driver = GDALIdentifyDriver(spec.path.c_str(), nullptr);
    return driver && std::string_view(GDALGetDriverShortName(driver)) == "GeoJSON";
}

/// GDAL's first pass over the file (open and schema), on its own thread.
struct FullSchema {
    GDALDatasetUniquePtr dataset;
    OGRLayer* layer = nullptr;
    std::optional<LayerSignature> signature;
};

/// The speculative read (ReadOptions). Returns false, having restarted the sink, when the guessed
/// schema was not the file's: the caller then reads the layer the plain way,
/// from `full` when it opened.
bool read_speculatively(const LayerSpec& spec, const ReadOptions& options, Diagnostics& diagnostics,
                        const FeatureSink& sink, Layer& layer, FullSchema& full) {
    std::future<FullSchema> first_pass = std::async(std::launch::async, [&spec] {
        GdalErrorCapture errors;  // its messages are said by the plain read, if it comes to that
        FullSchema f;
        f.dataset = open_vector(spec.path);
        Diagnostics ignored;
        if (f.dataset) f.layer = pick_layer(*f.dataset, spec, ignored);
        if (f.layer) f.signature = signature_of(*f.layer);
        return f;
    });
    GdalErrorCapture errors;
    GDALDatasetUniquePtr guessed;
    {
        ScopedThreadConfig limit("OGR_GEOJSON_MAX_FEATURES_FIRST_PASS", std::to_string(options.guess_features));
        guessed = open_vector(spec.path);
    }
    Diagnostics guessed_problems;
    OGRLayer* source = guessed ? pick_layer(*guessed, spec, guessed_problems) : nullptr;
    std::optional<LayerSignature> guess;
    if (source) guess = signature_of(*source);
    // The guessed read runs to its end even when the first pass ends first with another schema. That
    // wastes some CPU in that rare case, but what the sink sees (chunks, then one restart) is the same
    // however the two threads are scheduled.
    if (source && guessed_problems.items().empty()) {
        Layer reading;
        reading.name = layer.name;
        reading.source = layer.source;
        read_features(*source, spec, errors, guessed_problems, sink, reading);
        full = first_pass.get();
        if (full.signature && full.signature == guess) {
            diagnostics.append(guessed_problems);
            layer = std::move(reading);
            return true;
        }
    }
    if (first_pass.valid()) full = first_pass.get();
    if (sink) sink.restart();  // whatever was handed over, even nothing
    return false;
}

void read_ogr(const LayerSpec& spec, Diagnostics& diagnostics, const FeatureSink& sink, const ReadOptions& options,
              Layer& layer) {
    FullSchema full;
    if (speculation_pays(spec, options) && read_speculatively(spec, options, diagnostics, sink, layer, full)) return;
    GdalErrorCapture errors;
    if (!full.dataset) full.dataset = open_or_say(spec, errors, diagnostics);
    if (!full.dataset) return;
    OGRLayer* source = full.layer ? full.layer : pick_layer(*full.dataset, spec, diagnostics);
    if (!source) return;
    read_features(*source, spec, errors, diagnostics, sink, layer);
}

}  // namespace

}  // namespace cartelier::data

namespace {

/// Thrown through the module's own frames when a callback of the program's sink failed; stops the read.
struct SinkFailed {};

/// The module's side of the C boundary (data/gdal/module_abi.h): every exception is caught here.
int read_layer(cartelier_gdal_read* read, const char** message) noexcept {
    std::string& what = read->exception_message;  // *message points here (module_abi.hpp)
    try {
        cartelier::data::FeatureSink sink;
        if (read->take) {
            sink.take = [read](const cartelier::Layer& layer, std::vector<cartelier::Feature>&& chunk) {
                if (read->take(read, &layer, &chunk) != 0) throw SinkFailed{};
            };
            sink.restart = [read] {
                if (read->restart(read) != 0) throw SinkFailed{};
            };
        }
        if (read->spec->database)
            cartelier::data::read_database(*read->spec, *read->diagnostics, sink, *read->layer);
        else
            cartelier::data::read_ogr(*read->spec, *read->diagnostics, sink, *read->options, *read->layer);
        return CARTELIER_GDAL_OK;
    } catch (const SinkFailed&) {
        return CARTELIER_GDAL_SINK_FAILED;
    } catch (const cartelier::Error& e) {
        try {
            read->thrown = e.diagnostics();
            return CARTELIER_GDAL_ERROR;
        } catch (...) {  // copying the diagnostics failed
            return cartelier::data::exception_status(what, message);
        }
    } catch (...) {
        return cartelier::data::exception_status(what, message);
    }
}

/// The digest of a database layer's rows (module_abi.h), into `read->digest`; problems to its diagnostics.
int digest_layer(cartelier_gdal_read* read, const char** message) noexcept {
    try {
        read->digest = cartelier::data::digest_database(*read->spec, *read->diagnostics);
        return CARTELIER_GDAL_OK;
    } catch (...) {
        return cartelier::data::exception_status(read->exception_message, message);
    }
}

constexpr cartelier_gdal_module kModule{CARTELIER_GDAL_ABI_VERSION, CARTELIER_BUILD_ID, &read_layer,
                                        &cartelier::data::write_geotiff, &digest_layer,
                                        &cartelier::data::write_layer};

}  // namespace

/// The module's entry (CARTELIER_GDAL_MODULE_SYMBOL, looked up by data/gdal_module.cpp).
extern "C" __attribute__((visibility("default"))) const cartelier_gdal_module* cartelier_gdal_module_v1(void) {
    return &kModule;
}
