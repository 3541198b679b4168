#include "data/layer_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <xxhash.h>

#include "core/document.hpp"
#include "core/file_io.hpp"
#include "data/gdal_module.hpp"
#include "data/geojson_reader.hpp"
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
                                  for (const auto& col : table.columns)
                                      if (col.size() > name.size() && col.compare(0, name.size(), name) == 0)
                                          return did_you_mean(col);
                                  return suggest_name(name, table.columns);
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

    const ColumnTypes types = column_types(table, spec.types, diagnostics);
    for (const auto& col : table.columns) layer.schema->add(col);
    const bool geographic = is_geographic_crs(spec.crs);
    for (const auto& row : table.rows) {
        Feature f;
        f.line = row.line;
        f.id = id_col ? row.cells[*id_col] : fmt::format("{}", row.line);
        for (std::size_t c = 0; c < row.cells.size(); ++c)
            f.values.push_back(typed_value(row.cells[c], types.types[c]));
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

Layer read_ogr(const LayerSpec& spec, Diagnostics& diagnostics, const FeatureSink& sink,
               const ReadOptions& options) {
    Layer layer;
    layer.name = spec.name;
    layer.source = source_label(spec);
    if (!spec.database) {
        std::error_code ec;  // a path the system rejects (a name over 255 bytes…) is reported, not thrown
        const bool present = std::filesystem::exists(spec.path, ec);
        if (ec) {
            diagnostics.error(SourceLocation{spec.path, 0, 0, {}},
                              fmt::format("layer '{}': cannot use the path: {}", spec.name, ec.message()));
            return layer;
        }
        if (!present) {  // before loading GDAL: a missing file needs no reader
            diagnostics.error(SourceLocation{spec.path, 0, 0, {}}, fmt::format("layer '{}': file not found", spec.name),
                              "run scripts/fetch-layers.sh to fill layers/cache/");
            return layer;
        }
    }
    if (options.geojson_without_gdal && geojson_candidate(spec) && try_read_geojson(spec, sink, layer).read)
        return layer;
    const GdalModule& module = gdal_module();  // loaded here, once a layer has to be read through GDAL
    if (!module.table) {
        diagnostics.error(spec.database ? spec.database->declared_at : SourceLocation{spec.path, 0, 0, {}},
                          fmt::format("layer '{}': cannot load Cartelier's GDAL reader module: {}", spec.name,
                                      module.problem),
                          "rebuild Cartelier (scripts/setup.sh), or set CARTELIER_GDAL_MODULE to the module's path");
        return layer;
    }
    Diagnostics through;
    read_through(*module.table, spec, through, sink, options, layer);
    if (through.has_errors() && geojson_candidate(spec)) {
        // GDAL says only "Failed to read GeoJSON data": where the JSON breaks is what the user needs.
        std::optional<Diagnostic> syntax;
        try {
            syntax = doc::json_syntax_error(read_file(spec.path), spec.path);
        } catch (const Error&) {  // unreadable: GDAL's own message stands
        }
        if (syntax) {
            diagnostics.error(syntax->where, fmt::format("layer '{}': the file is not JSON: {}", spec.name, syntax->message),
                              syntax->hint.empty() ? std::string("GDAL cannot read it either") : syntax->hint);
            return layer;
        }
    }
    diagnostics.append(through);
    return layer;
}

}  // namespace

DuplicateIds::DuplicateIds(const LayerSpec& spec)
    : spec_(&spec), on_(!spec.id_field.empty() && spec.x_field.empty() && spec.y_field.empty()) {}

void DuplicateIds::take(const std::vector<Feature>& chunk) {
    if (!on_) return;
    for (const Feature& f : chunk) {
        const XXH128_hash_t h = XXH3_128bits(f.id.data(), f.id.size());
        entries_.push_back({h.high64, h.low64, entries_.size()});
    }
}

void DuplicateIds::finish(const std::vector<std::vector<Feature>>& chunks, Diagnostics& diagnostics) {
    if (entries_.empty()) return;
    std::vector<Entry> sorted = std::move(entries_);
    entries_.clear();
    std::sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
        return std::tie(a.high, a.low, a.rank) < std::tie(b.high, b.low, b.rank);
    });
    std::vector<std::pair<std::size_t, std::size_t>> twice;  // (rank, rank of the first with its id)
    for (std::size_t i = 1, first = 0; i < sorted.size(); ++i) {
        if (sorted[i].high != sorted[first].high || sorted[i].low != sorted[first].low) first = i;
        else twice.emplace_back(sorted[i].rank, sorted[first].rank);
    }
    if (twice.empty()) return;
    std::sort(twice.begin(), twice.end());
    auto id_of = [&](std::size_t rank) -> const std::string& {
        for (const auto& chunk : chunks) {
            if (rank < chunk.size()) return chunk[rank].id;
            rank -= chunk.size();
        }
        throw std::logic_error("DuplicateIds::finish: fewer features than taken");
    };
    for (std::size_t k = 0; k < twice.size() && k < kSaidOneByOne; ++k) {
        const std::string& id = id_of(twice[k].first);
        diagnostics.error(
            SourceLocation{source_label(*spec_), 0, 0, fmt::format("feature {}", id)},
            fmt::format("layer '{}': duplicate id '{}' (field '{}'): features {} and {} of the source (counted from 0) "
                        "both have it",
                        spec_->name, id, spec_->id_field, twice[k].second, twice[k].first),
            "a feature id must be unique (joins, checks, labels and atlas pages name features by it): fix the data, "
            "or declare a field whose values are unique as 'id'");
    }
    if (twice.size() > kSaidOneByOne)
        diagnostics.error(SourceLocation{source_label(*spec_), 0, 0, {}},
                          fmt::format("layer '{}': {} more features have an id (field '{}') an earlier feature has",
                                      spec_->name, twice.size() - kSaidOneByOne, spec_->id_field));
}

void DuplicateIds::restart() { entries_.clear(); }

std::string source_label(const LayerSpec& spec) {
    return spec.database ? describe(*spec.database) : spec.path;
}

std::string database_digest(const LayerSpec& spec) {
    const GdalModule& module = gdal_module();
    if (!module.table)
        throw Error(spec.database ? spec.database->declared_at : spec.declared_at,
                    fmt::format("layer '{}': cannot load Cartelier's GDAL reader module: {}", spec.name, module.problem),
                    "rebuild Cartelier (scripts/setup.sh), or set CARTELIER_GDAL_MODULE to the module's path");
    return digest_through(*module.table, spec);
}

Layer read_layer(const LayerSpec& spec, Diagnostics& diagnostics, const FeatureSink& sink,
                 const ReadOptions& options) {
    if (spec.x_field.empty() && spec.y_field.empty()) return read_ogr(spec, diagnostics, sink, options);
    Layer layer = read_point_table(spec, diagnostics);
    if (sink && !layer.features.empty()) {
        sink.take(layer, std::move(layer.features));
        layer.features.clear();
    }
    return layer;
}

}  // namespace cartelier::data
