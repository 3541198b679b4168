#include "data/gdal/ogr_writer.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <cpl_string.h>
#include <fmt/format.h>
#include <ogr_spatialref.h>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"

namespace cartelier::data {

namespace {

bool same_name(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

/// The OGR type of a column, from all its values (write_layer's contract).
enum class Kind { Boolean, Integer, Integer64, Real, Text };

struct Column {
    Kind kind = Kind::Text;
    std::size_t text_bytes = 0;  ///< the longest value as written (text columns)
};

bool integral(double v) {
    // int64's range: [-2^63, 2^63); the bounds are exact doubles.
    return std::isfinite(v) && v == std::floor(v) && v >= -9223372036854775808.0 && v < 9223372036854775808.0;
}

std::string as_text(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);  // shortest exact decimal
    return {};
}

Column column_of(const Layer& layer, std::size_t index) {
    bool booleans = false, numbers = false, texts = false, all_integral = true, fits_32 = true;
    for (const Feature& f : layer.features) {
        const Value& v = f.value(index);
        if (std::holds_alternative<bool>(v)) {
            booleans = true;
        } else if (const auto* d = std::get_if<double>(&v)) {
            numbers = true;
            if (!integral(*d)) all_integral = false;
            else if (*d < std::numeric_limits<std::int32_t>::min() || *d > std::numeric_limits<std::int32_t>::max())
                fits_32 = false;
        } else if (std::holds_alternative<std::string>(v)) {
            texts = true;
        }
    }
    Column c;
    const int kinds = int(booleans) + int(numbers) + int(texts);
    if (kinds == 1 && booleans) c.kind = Kind::Boolean;
    else if (kinds == 1 && numbers) c.kind = all_integral ? (fits_32 ? Kind::Integer : Kind::Integer64) : Kind::Real;
    if (c.kind == Kind::Text)
        for (const Feature& f : layer.features) c.text_bytes = std::max(c.text_bytes, as_text(f.value(index)).size());
    return c;
}

/// The layer's geometry type: its features' kind, Multi* when any has several parts.
OGRwkbGeometryType geometry_type_of(const Layer& layer) {
    GeometryType kind = GeometryType::None;
    bool multi = false, mixed = false;
    for (const Feature& f : layer.features) {
        const Geometry& g = f.geometry;
        if (g.type == GeometryType::None || g.empty()) continue;
        if (kind == GeometryType::None) kind = g.type;
        else if (kind != g.type) mixed = true;
        multi = multi || g.is_multi();
    }
    if (mixed) return wkbUnknown;
    switch (kind) {
        case GeometryType::Point: return multi ? wkbMultiPoint : wkbPoint;
        case GeometryType::LineString: return multi ? wkbMultiLineString : wkbLineString;
        case GeometryType::Polygon: return multi ? wkbMultiPolygon : wkbPolygon;
        case GeometryType::None: break;
    }
    return wkbNone;
}

/// The points of ring `r` of `g` appended to `curve`.
void fill(OGRSimpleCurve& curve, const Geometry& g, std::size_t r) {
    const std::uint32_t begin = g.rings[r], end = g.rings[r + 1];
    curve.setNumPoints(static_cast<int>(end - begin), FALSE);
    for (std::uint32_t i = begin; i < end; ++i)
        curve.setPoint(static_cast<int>(i - begin), g.points[i].x, g.points[i].y);
}

/// Part `p` of `g` as an OGR point, line or polygon.
std::unique_ptr<OGRGeometry> part_of(const Geometry& g, std::size_t p) {
    const std::uint32_t first = g.parts[p], last = g.parts[p + 1];
    switch (g.type) {
        case GeometryType::Point: {
            const Point& pt = g.points[g.rings[first]];
            return std::make_unique<OGRPoint>(pt.x, pt.y);
        }
        case GeometryType::LineString: {
            auto line = std::make_unique<OGRLineString>();
            fill(*line, g, first);
            return line;
        }
        case GeometryType::Polygon: {
            auto polygon = std::make_unique<OGRPolygon>();
            for (std::uint32_t r = first; r < last; ++r) {
                auto ring = std::make_unique<OGRLinearRing>();
                fill(*ring, g, r);
                polygon->addRingDirectly(ring.release());
            }
            polygon->closeRings();
            return polygon;
        }
        case GeometryType::None: break;
    }
    return nullptr;
}

/// `g` as an OGR geometry of the layer's type (Multi* when `multi`); null for no geometry.
std::unique_ptr<OGRGeometry> ogr_geometry(const Geometry& g, bool multi) {
    if (g.type == GeometryType::None || g.empty() || g.part_count() == 0) return nullptr;
    if (!multi && g.part_count() == 1) return part_of(g, 0);
    std::unique_ptr<OGRGeometryCollection> collection;
    switch (g.type) {
        case GeometryType::Point: collection = std::make_unique<OGRMultiPoint>(); break;
        case GeometryType::LineString: collection = std::make_unique<OGRMultiLineString>(); break;
        default: collection = std::make_unique<OGRMultiPolygon>(); break;
    }
    for (std::size_t p = 0; p < g.part_count(); ++p) collection->addGeometryDirectly(part_of(g, p).release());
    return collection;
}

void write(cartelier_gdal_write& w) {
    if (!w.layer) throw std::runtime_error("no layer to write");
    Diagnostics ignored;
    Diagnostics& warnings = w.diagnostics ? *w.diagnostics : ignored;
    const Layer& layer = *w.layer;
    const bool shapefile = w.driver == "ESRI Shapefile";
    const bool csv = w.driver == "CSV";
    const OGRwkbGeometryType type = geometry_type_of(layer);
    if (shapefile && type == wkbUnknown)
        throw std::runtime_error("its features mix points, lines and polygons, and a shapefile holds one kind of "
                                 "geometry: export it to .gpkg or .geojson");
    if (shapefile && type == wkbNone)
        throw std::runtime_error("no feature has a geometry, and a shapefile needs a geometry type: export it to "
                                 ".gpkg, .geojson or .csv");
    CPLStringList options;
    if (shapefile) options.SetNameValue("ENCODING", "UTF-8");
    if (csv) {
        options.SetNameValue("GEOMETRY", "AS_WKT");
        options.SetNameValue("CREATE_CSVT", "YES");
    }
    OgrWriter out(w.driver, w.path, layer.name.empty() ? "layer" : layer.name, type, w.crs_wkt, options.List());

    // The fields: `id` first (unless the layer has one), then the schema's.
    const auto& names = layer.schema->fields();
    const bool own_id = std::none_of(names.begin(), names.end(), [](const std::string& n) { return same_name(n, "id"); });
    if (own_id) {
        OGRFieldDefn id("id", OFTString);
        if (shapefile) {
            std::size_t longest = 1;
            for (const Feature& f : layer.features) longest = std::max(longest, f.id.size());
            id.SetWidth(static_cast<int>(std::min<std::size_t>(longest, 254)));
        }
        out.add_field(id);
    }
    std::vector<Column> columns;
    columns.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        Column c = column_of(layer, i);
        OGRFieldDefn field(names[i].c_str(), OFTString);
        switch (c.kind) {
            case Kind::Boolean:
                field.SetType(OFTInteger);
                field.SetSubType(OFSTBoolean);
                break;
            case Kind::Integer: field.SetType(OFTInteger); break;
            case Kind::Integer64: field.SetType(OFTInteger64); break;
            case Kind::Real: field.SetType(OFTReal); break;
            case Kind::Text:
                if (shapefile) field.SetWidth(static_cast<int>(std::clamp<std::size_t>(c.text_bytes, 1, 254)));
                if (shapefile && c.text_bytes > 254)
                    warnings.warning(SourceLocation{w.path, 0, 0, names[i]},
                                           fmt::format("field '{}' has values of up to {} bytes; a shapefile keeps "
                                                       "254: the longer ones are cut",
                                                       names[i], c.text_bytes),
                                           "export to .gpkg or .geojson to keep them whole");
                break;
        }
        if (shapefile && (c.kind == Kind::Integer || c.kind == Kind::Integer64)) {
            std::size_t digits = 1;
            for (const Feature& f : layer.features)
                if (const auto* d = std::get_if<double>(&f.value(i)))
                    digits = std::max(digits, fmt::format("{}", static_cast<std::int64_t>(*d)).size());
            field.SetWidth(static_cast<int>(digits));
        }
        const std::string given = out.add_field(field);
        if (given != names[i])
            warnings.warning(SourceLocation{w.path, 0, 0, names[i]},
                                   fmt::format("field '{}' is written as '{}' ({} renames it)", names[i], given,
                                               w.driver),
                                   shapefile ? "a shapefile's field names have at most 10 characters; export to "
                                               ".gpkg or .geojson to keep the names"
                                             : "");
        columns.push_back(c);
    }

    const bool multi = type == wkbMultiPoint || type == wkbMultiLineString || type == wkbMultiPolygon;
    const int first_field = own_id ? 1 : 0;
    OGRFeatureDefn* defn = out.layer().GetLayerDefn();
    for (const Feature& f : layer.features) {
        OGRFeature feature(defn);
        if (own_id) feature.SetField(0, f.id.c_str());
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const Value& v = f.value(i);
            const int at = first_field + static_cast<int>(i);
            if (is_null(v)) {
                feature.SetFieldNull(at);
                continue;
            }
            switch (columns[i].kind) {
                case Kind::Boolean: feature.SetField(at, std::get<bool>(v) ? 1 : 0); break;
                case Kind::Integer: feature.SetField(at, static_cast<int>(std::get<double>(v))); break;
                case Kind::Integer64:
                    feature.SetField(at, static_cast<GIntBig>(std::get<double>(v)));
                    break;
                case Kind::Real: feature.SetField(at, std::get<double>(v)); break;
                case Kind::Text: feature.SetField(at, as_text(v).c_str()); break;
            }
        }
        if (auto geometry = ogr_geometry(f.geometry, multi)) feature.SetGeometryDirectly(geometry.release());
        try {
            out.add(feature);
        } catch (const std::exception& e) {
            throw std::runtime_error(fmt::format("feature {}: {}", f.id, e.what()));
        }
    }
    out.close();
}

}  // namespace

OgrWriter::OgrWriter(const std::string& driver_name, const std::string& path, const std::string& layer_name,
                     OGRwkbGeometryType geometry_type, const std::string& crs_wkt, char** layer_options) {
    ensure_gdal_registered();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
    if (!driver) fail_with_gdal_error(fmt::format("GDAL has no {} driver", driver_name), errors_);
    dataset_.reset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dataset_) fail_with_gdal_error(fmt::format("GDAL cannot create {}", path), errors_);
    OGRSpatialReference srs;
    if (!crs_wkt.empty()) {
        if (srs.importFromWkt(crs_wkt.c_str()) != OGRERR_NONE) fail_with_gdal_error("GDAL cannot read the CRS", errors_);
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);  // x = easting or longitude, as the program
    }
    layer_ = dataset_->CreateLayer(layer_name.c_str(), crs_wkt.empty() ? nullptr : &srs, geometry_type, layer_options);
    if (!layer_) fail_with_gdal_error(fmt::format("GDAL cannot create the layer '{}' in {}", layer_name, path), errors_);
    // One transaction for every feature where the format has them (GeoPackage): far faster than one each.
    if (dataset_->TestCapability(ODsCTransactions)) dataset_->StartTransaction();
}

std::string OgrWriter::add_field(OGRFieldDefn& field) {
    const int before = layer_->GetLayerDefn()->GetFieldCount();
    if (layer_->CreateField(&field, TRUE) != OGRERR_NONE || layer_->GetLayerDefn()->GetFieldCount() != before + 1)
        fail_with_gdal_error(fmt::format("GDAL cannot add the field '{}'", field.GetNameRef()), errors_);
    return layer_->GetLayerDefn()->GetFieldDefn(before)->GetNameRef();
}

void OgrWriter::add(OGRFeature& feature) {
    if (layer_->CreateFeature(&feature) != OGRERR_NONE) fail_with_gdal_error("GDAL refused to write it", errors_);
}

void OgrWriter::close() {
    if (!dataset_) return;
    errors_.clear();
    if (dataset_->TestCapability(ODsCTransactions) && dataset_->CommitTransaction() != OGRERR_NONE)
        fail_with_gdal_error("GDAL failed to commit the features", errors_);
    layer_ = nullptr;
    dataset_.reset();  // GDALClose: flushes everything
    if (!errors_.last().empty()) fail_with_gdal_error("GDAL failed to finish the file", errors_);
}

int write_layer(cartelier_gdal_write* write_, const char** message) noexcept {
    try {
        write(*write_);
        return CARTELIER_GDAL_OK;
    } catch (...) {
        return exception_status(write_->error, message);  // *message points into write_->error (module_abi.hpp)
    }
}

}  // namespace cartelier::data
