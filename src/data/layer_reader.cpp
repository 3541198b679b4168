#include "data/layer_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "data/gdal_handles.hpp"
#include "data/table.hpp"

namespace cartelier::data {

std::optional<double> parse_decimal(std::string_view text) {
    std::string s;
    for (char c : text)
        if (c != ' ' && c != '\t') s += (c == ',') ? '.' : c;
    if (s.empty() || s.find_first_not_of("0123456789.-+eE") != std::string::npos) return std::nullopt;
    if (std::count(s.begin(), s.end(), '.') > 1) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

namespace {

bool is_geographic_crs(const std::string& crs) {
    return crs == "EPSG:4326" || crs == "OGC:CRS84" || crs == "EPSG:4171" || crs == "EPSG:4258";
}

Layer read_point_table(const LayerSpec& spec, Diagnostics& diagnostics) {
    Layer layer;
    layer.name = spec.name;
    layer.source = spec.path;
    layer.crs = spec.crs;
    Table table = read_csv(spec.path, diagnostics);
    if (table.columns.empty()) return layer;

    auto require_column = [&](const std::string& name, const char* role) -> std::optional<std::size_t> {
        auto c = table.column(name);
        if (!c) {
            diagnostics.error(SourceLocation{spec.path, 1, 0, {}},
                              fmt::format("missing column '{}' ({}); the header has: {}", name, role,
                                          fmt::join(table.columns, ", ")),
                              [&] {
                                  // A longer spelling of the same name ("latitude" for "lat") beats a
                                  // close but different one ("lon").
                                  std::string near;
                                  for (const auto& col : table.columns)
                                      if (col.size() > name.size() && col.compare(0, name.size(), name) == 0) {
                                          near = col;
                                          break;
                                      }
                                  if (near.empty()) near = nearest_name(name, table.columns);
                                  return near.empty() ? std::string{} : fmt::format("did you mean '{}'?", near);
                              }());
        }
        return c;
    };
    auto x_col = require_column(spec.x_field, "x / longitude");
    auto y_col = require_column(spec.y_field, "y / latitude");
    std::optional<std::size_t> id_col;
    if (!spec.id_field.empty()) id_col = require_column(spec.id_field, "feature id");
    if (!x_col || !y_col || (!spec.id_field.empty() && !id_col)) return layer;
    if (spec.crs.empty()) {
        diagnostics.error(spec.declared_at,
                          fmt::format("layer '{}': a CSV table has no CRS of its own; expected a 'crs' "
                                      "(for longitude/latitude in degrees: crs: EPSG:4326)",
                                      spec.name));
        return layer;
    }

    for (const auto& col : table.columns) layer.schema->add(col);
    const bool geographic = is_geographic_crs(spec.crs);
    for (const auto& row : table.rows) {
        Feature f;
        f.line = row.line;
        f.id = id_col ? row.cells[*id_col] : fmt::format("{}", row.line);
        for (const auto& cell : row.cells) f.values.emplace_back(cell);
        if (spec.coordinates_optional && row.cells[*x_col].empty() && row.cells[*y_col].empty()) {
            layer.features.push_back(std::move(f));  // no coordinates: geocoding places it
            continue;
        }
        auto x = parse_decimal(row.cells[*x_col]);
        auto y = parse_decimal(row.cells[*y_col]);
        bool ok = true;
        auto bad_number = [&](std::size_t col) {
            const std::string& cell = row.cells[col];
            std::string found = cell.empty() ? std::string("an empty cell") : fmt::format("'{}'", cell);
            std::string hint;
            if (cell.empty())
                hint = spec.coordinates_optional ? "leave both coordinates empty to place the row by its code"
                                                 : "every row needs both coordinates";
            else if (cell.find_first_of("0123456789") == std::string::npos)
                hint = "NaN, infinity and text are not coordinates";
            else if (std::count(cell.begin(), cell.end(), ',') + std::count(cell.begin(), cell.end(), '.') > 1)
                hint = "use one decimal separator and no thousands separator";
            diagnostics.error(table.where(row, col), fmt::format("expected a number, found {}", found), hint);
        };
        if (!x) {
            bad_number(*x_col);
            ok = false;
        }
        if (!y) {
            bad_number(*y_col);
            ok = false;
        }
        if (ok && geographic && (std::fabs(*x) > 180 || std::fabs(*y) > 90)) {
            bool swapped = std::fabs(*y) <= 180 && std::fabs(*x) <= 90;
            diagnostics.error(table.where(row, std::fabs(*x) > 180 ? *x_col : *y_col),
                              fmt::format("coordinates ({}, {}) are out of range for {}: expected longitude "
                                          "in [-180, 180] and latitude in [-90, 90]",
                                          row.cells[*x_col], row.cells[*y_col], spec.crs),
                              swapped ? "are longitude and latitude swapped?"
                                      : "are these projected coordinates (metres) rather than degrees?");
            ok = false;
        }
        if (ok) f.geometry = Geometry::point({*x, *y});
        layer.features.push_back(std::move(f));
    }
    if (id_col) {
        std::unordered_map<std::string, std::uint32_t> seen;
        for (const auto& f : layer.features) {
            auto [it, inserted] = seen.emplace(f.id, f.line);
            if (!inserted)
                diagnostics.error(SourceLocation{spec.path, static_cast<int>(f.line), 0,
                                                 fmt::format("column '{}'", spec.id_field)},
                                  fmt::format("duplicate id '{}': already used on line {}", f.id, it->second));
        }
    }
    return layer;
}

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

Layer read_ogr(const LayerSpec& spec, Diagnostics& diagnostics) {
    Layer layer;
    layer.name = spec.name;
    layer.source = spec.path;
    GdalErrorCapture errors;
    std::error_code ec;  // a path the system rejects (a name over 255 bytes…) is reported, not thrown
    const bool found = std::filesystem::exists(spec.path, ec);
    if (ec) {
        diagnostics.error(SourceLocation{spec.path, 0, 0, {}},
                          fmt::format("layer '{}': cannot use the path: {}", spec.name, ec.message()));
        return layer;
    }
    if (!found) {
        diagnostics.error(SourceLocation{spec.path, 0, 0, {}},
                          fmt::format("layer '{}': file not found", spec.name),
                          "run scripts/fetch-layers.sh to fill layers/cache/");
        return layer;
    }
    auto dataset = open_vector(spec.path);
    if (!dataset) {
        diagnostics.error(SourceLocation{spec.path, 0, 0, {}},
                          fmt::format("layer '{}': GDAL cannot read this file as vector data: {}", spec.name,
                                      errors.last().empty() ? "unknown format" : errors.last()));
        return layer;
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
            return layer;
        }
    } else if (dataset->GetLayerCount() > 0) {
        source = dataset->GetLayer(0);
    }
    if (!source) {
        diagnostics.error(SourceLocation{spec.path, 0, 0, {}}, "the file holds no vector layer");
        return layer;
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
        return layer;
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
            return layer;
        }
    }

    const auto count = source->GetFeatureCount(FALSE);
    if (count > 0) layer.features.reserve(static_cast<std::size_t>(count));
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
    }
    if (!errors.last().empty() && layer.features.empty()) {
        diagnostics.error(SourceLocation{spec.path, 0, 0, {}},
                          fmt::format("layer '{}': reading failed: {}", spec.name, errors.last()));
    }
    return layer;
}

}  // namespace

Layer read_layer(const LayerSpec& spec, Diagnostics& diagnostics) {
    if (!spec.x_field.empty() || !spec.y_field.empty()) return read_point_table(spec, diagnostics);
    return read_ogr(spec, diagnostics);
}

}  // namespace cartelier::data
