#include "geo/geocode.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "geo/code_text.hpp"
#include "geo/geos.hpp"
#include "geo/projection.hpp"
#include "geo/validation.hpp"

namespace cartelier::geo {

double haversine_m(Point a, Point b) {
    constexpr double r = 6371008.8;
    const double rad = std::numbers::pi / 180;
    double dlat = (b.y - a.y) * rad, dlon = (b.x - a.x) * rad;
    double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
               std::cos(a.y * rad) * std::cos(b.y * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * r * std::asin(std::min(1.0, std::sqrt(h)));
}

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

bool all_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

/// INSEE form of a code: 4 digits get their leading zero back, letters are upper-cased (2a → 2A).
std::string insee(std::string code) {
    code = trim(code);
    if (code.size() > 2 && code.ends_with(".0") && all_digits(code.substr(0, code.size() - 2))) code.resize(code.size() - 2);
    if (all_digits(code) && (code.size() == 4 || code.size() == 1)) code.insert(code.begin(), '0');
    std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return code;
}

std::string format_distance(double metres) {
    if (metres < 1000) return fmt::format("{:.0f} m", metres);
    return fmt::format("{:.1f} km", metres / 1000);
}

}  // namespace

GeocodeStats geocode(Layer& points, const Layer& areas, const GeocodeSpec& spec, Diagnostics& diagnostics) {
    GeocodeStats stats;
    auto code_index = points.schema->index(spec.code_field);
    auto match_index = areas.schema->index(spec.match_field);
    if (!code_index) {
        diagnostics.error(spec.declared_at,
                          fmt::format("geocode: layer '{}' has no field '{}' (geocode 'code'); fields: {}", points.name,
                                      spec.code_field, fmt::join(points.schema->fields(), ", ")),
                          suggest_name(spec.code_field, points.schema->fields()));
        return stats;
    }
    if (!match_index) {
        diagnostics.error(spec.declared_at,
                          fmt::format("geocode: layer '{}' has no field '{}' (geocode 'match'); fields: {}",
                                      spec.area_layer, spec.match_field, fmt::join(areas.schema->fields(), ", ")),
                          suggest_name(spec.match_field, areas.schema->fields()));
        return stats;
    }
    auto key = [&](const std::string& raw) { return spec.insee ? insee(raw) : trim(raw); };
    std::unordered_map<std::string, std::size_t> by_code;
    by_code.reserve(areas.features.size());
    for (std::size_t i = 0; i < areas.features.size(); ++i) {
        const auto& a = areas.features[i];
        if (a.geometry.type == GeometryType::Polygon) by_code.emplace(key(code_text(a.value(*match_index))), i);
    }

    // Points are tested in the areas' CRS; placed points are returned in the points' CRS.
    std::optional<Transformation> to_areas, to_points;
    if (!points.crs.empty() && !areas.crs.empty() && points.crs != areas.crs) {
        to_areas.emplace(points.crs, areas.crs);
        to_points.emplace(areas.crs, points.crs);
    }
    auto in_areas = [&](Point p) { return to_areas ? to_areas->transform(p) : p; };
    const bool areas_in_degrees = is_geographic(areas.crs);
    const bool points_in_degrees = is_geographic(points.crs);

    GeosContext ctx;
    std::unordered_map<std::size_t, std::unique_ptr<PreparedPolygon>> prepared;
    auto polygon = [&](std::size_t i) -> const PreparedPolygon& {
        auto& p = prepared[i];
        if (!p) p = std::make_unique<PreparedPolygon>(ctx, areas.features[i].geometry);
        return *p;
    };
    // Metres between a point and an area (0 inside).
    auto distance_m = [&](std::size_t area, Point p) {
        const PreparedPolygon& poly = polygon(area);
        if (poly.covers(p)) return 0.0;
        if (!areas_in_degrees) return poly.distance(p);
        auto near = poly.nearest_point(p);
        return near ? haversine_m(p, *near) : std::numeric_limits<double>::infinity();
    };
    auto area_containing = [&](Point p) -> std::string {
        for (std::size_t i = 0; i < areas.features.size(); ++i) {
            const auto& a = areas.features[i];
            if (a.geometry.type != GeometryType::Polygon || !a.geometry.bounds().contains(p)) continue;
            if (polygon(i).covers(p)) return code_text(a.value(*match_index));
        }
        return {};
    };

    for (auto& f : points.features) {
        const std::string raw = code_text(f.value(*code_index));
        const std::string code = key(raw);
        auto at = [&](const std::string& field) {
            return f.line > 0 ? SourceLocation{points.source, static_cast<int>(f.line), 0, fmt::format("column '{}'", field)}
                              : SourceLocation{points.source, 0, 0, fmt::format("feature {}, field '{}'", f.id, field)};
        };
        const bool has_point = f.geometry.type == GeometryType::Point && !f.geometry.empty();
        if (code.empty()) {
            if (!has_point) {
                ++stats.failed;
                diagnostics.error(at(spec.code_field),
                                  fmt::format("row '{}' has neither coordinates nor a code in '{}': expected one of them",
                                              f.id, spec.code_field));
            }
            continue;
        }
        auto found = by_code.find(code);
        if (found == by_code.end()) {
            ++stats.failed;
            std::string hint;
            if (!spec.insee && by_code.count(insee(raw)))
                hint = fmt::format("did you mean {}? the leading zero was lost (a spreadsheet read the code as a "
                                   "number); add 'normalise: insee' to the geocode to accept such codes",
                                   insee(raw));
            diagnostics.error(at(spec.code_field),
                              fmt::format("code '{}' is not in layer '{}' (field '{}', {} areas){}", raw,
                                          spec.area_layer, spec.match_field, by_code.size(),
                                          has_point ? "" : ": the row has no coordinates and cannot be placed"),
                              hint);
            continue;
        }
        const std::size_t area = found->second;
        if (!has_point) {
            auto p = point_on_surface(ctx, areas.features[area].geometry);
            if (!p) {
                ++stats.failed;
                diagnostics.error(at(spec.code_field),
                                  fmt::format("area '{}' of layer '{}' has an empty geometry: the row cannot be placed",
                                              code, spec.area_layer));
                continue;
            }
            f.geometry = Geometry::point(to_points ? to_points->transform(*p) : *p);
            ++stats.placed;
            continue;
        }
        ++stats.checked;
        const Point given = f.geometry.points.front();
        const double off = distance_m(area, in_areas(given));
        if (off <= spec.tolerance_m) continue;
        ++stats.failed;
        // Why could it be off? Try the usual mistakes and keep the first that lands in the area.
        struct Candidate {
            Point p;
            std::string why;
        };
        std::vector<Candidate> candidates{{{given.y, given.x}, "the coordinates look swapped (latitude and longitude "
                                                              "inverted): swapped, the point lies in that area"}};
        if (points_in_degrees) {
            const double deg = 180 / std::numbers::pi;
            candidates.push_back({{given.x * deg, given.y * deg},
                                  "the coordinates look like radians: in degrees, the point lies in that area"});
        }
        for (int k = 1; k <= 6; ++k) {
            const double s = std::pow(10.0, k);
            candidates.push_back({{given.x / s, given.y / s},
                                  fmt::format("the coordinates look {} times too large (a lost decimal point, or the wrong "
                                              "unit): divided by {}, the point lies in that area",
                                              s, s)});
            candidates.push_back({{given.x * s, given.y * s},
                                  fmt::format("the coordinates look {} times too small (the wrong unit): multiplied by "
                                              "{}, the point lies in that area",
                                              s, s)});
        }
        std::string hint;
        for (const auto& c : candidates) {
            if (points_in_degrees && (std::fabs(c.p.x) > 180 || std::fabs(c.p.y) > 90)) continue;
            Point q = in_areas(c.p);
            if (!std::isfinite(q.x) || !std::isfinite(q.y)) continue;
            if (distance_m(area, q) <= spec.tolerance_m) {
                hint = c.why;
                break;
            }
        }
        std::string actual = area_containing(in_areas(given));
        if (hint.empty()) hint = "check the coordinates, or the code";
        diagnostics.error(at(spec.code_field),
                          fmt::format("row '{}' at ({}, {}) lies {} outside {} {} of layer '{}'{}{}", f.id, given.x,
                                      given.y, format_distance(off), spec.match_field, code, spec.area_layer,
                                      spec.tolerance_m > 0 ? fmt::format(" (tolerance {})", format_distance(spec.tolerance_m))
                                                           : std::string{},
                                      actual.empty() ? "; it falls in no area of that layer"
                                                     : fmt::format("; it falls in {} {}", spec.match_field, actual)),
                          hint);
    }
    return stats;
}

}  // namespace cartelier::geo
