// The GDAL reader module (cartelier-gdal.so): every OGR vector format read into Cartelier's layer
// model. Loaded on first use by data/layer_reader.cpp, so that builds which read no layer through GDAL
// (nothing to do, or every layer in the prepared cache) never load GDAL and its sixty libraries.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/diagnostic.hpp"
#include "data/gdal/gdal_handles.hpp"
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

void read_ogr(const LayerSpec& spec, Diagnostics& diagnostics, const FeatureSink& sink, Layer& layer) {
    GdalErrorCapture errors;
    auto dataset = open_vector(spec.path);
    if (!dataset) {
        diagnostics.error(SourceLocation{spec.path, 0, 0, {}},
                          fmt::format("layer '{}': GDAL cannot read this file as vector data: {}", spec.name,
                                      errors.last().empty() ? "unknown format" : errors.last()));
        return;
    }
    OGRLayer* source = nullptr;
    if (!spec.ogr_layer.empty()) {
        source = dataset->GetLayerByName(spec.ogr_layer.c_str());
        if (!source) {
            std::vector<std::string> names;
            for (auto* l : dataset->GetLayers()) names.emplace_back(l->GetName());
            auto near = nearest_name(spec.ogr_layer, names);
            diagnostics.error(SourceLocation{spec.path, 0, 0, {}},
                              fmt::format("no layer named '{}' in this file; it has: {}", spec.ogr_layer,
                                          fmt::join(names, ", ")),
                              near.empty() ? "" : fmt::format("did you mean '{}'?", near));
            return;
        }
    } else if (dataset->GetLayerCount() > 0) {
        source = dataset->GetLayer(0);
    }
    if (!source) {
        diagnostics.error(SourceLocation{spec.path, 0, 0, {}}, "the file holds no vector layer");
        return;
    }

    if (!spec.crs.empty()) {
        layer.crs = spec.crs;
    } else if (const OGRSpatialReference* srs = source->GetSpatialRef()) {
        layer.crs = crs_name(*srs);
    } else {
        diagnostics.error(spec.declared_at,
                          fmt::format("layer '{}' ({}) has no CRS and the project declares none", spec.name,
                                      spec.path),
                          "add 'crs: EPSG:4326' (or the data's CRS) to the layer in the project file");
        return;
    }

    OGRFeatureDefn* defn = source->GetLayerDefn();
    const int field_count = defn->GetFieldCount();
    for (int i = 0; i < field_count; ++i) layer.schema->add(defn->GetFieldDefn(i)->GetNameRef());
    int id_index = -1;
    if (!spec.id_field.empty()) {
        id_index = defn->GetFieldIndex(spec.id_field.c_str());
        if (id_index < 0) {
            auto near = nearest_name(spec.id_field, layer.schema->fields());
            diagnostics.error(spec.declared_at,
                              fmt::format("layer '{}': no field '{}' for feature ids in {}; fields: {}", spec.name,
                                          spec.id_field, spec.path, fmt::join(layer.schema->fields(), ", ")),
                              near.empty() ? "" : fmt::format("did you mean '{}'?", near));
            return;
        }
    }

    constexpr std::size_t chunk_size = 1024;
    const auto count = source->GetFeatureCount(FALSE);
    if (sink) layer.features.reserve(chunk_size);
    else if (count > 0) layer.features.reserve(static_cast<std::size_t>(count));
    std::size_t read = 0;
    source->ResetReading();
    for (auto& feature : *source) {
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
        if (const OGRGeometry* geom = feature->GetGeometryRef(); geom && !geom->IsEmpty()) {
            if (!append_geometry(f.geometry, *geom)) {
                diagnostics.warning(SourceLocation{spec.path, 0, 0, fmt::format("feature {}", f.id)},
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
            sink(layer, std::move(chunk));
        }
    }
    if (sink && !layer.features.empty()) {
        sink(layer, std::move(layer.features));
        layer.features.clear();
    }
    if (!errors.last().empty() && read == 0) {
        diagnostics.error(SourceLocation{spec.path, 0, 0, {}},
                          fmt::format("layer '{}': reading failed: {}", spec.name, errors.last()));
    }
    return;
}

}  // namespace

}  // namespace cartelier::data

/// The module's entry point (data/layer_reader.cpp looks it up with dlsym).
extern "C" __attribute__((visibility("default"))) void cartelier_gdal_read_layer(
    const cartelier::data::LayerSpec& spec, cartelier::Diagnostics& diagnostics,
    const cartelier::data::FeatureSink& sink, cartelier::Layer& layer) {
    try {
        cartelier::data::read_ogr(spec, diagnostics, sink, layer);
    } catch (const std::exception& e) {
        diagnostics.error(cartelier::SourceLocation{spec.path, 0, 0, {}},
                          fmt::format("layer '{}': reading failed: {}", spec.name, e.what()));
    }
}
