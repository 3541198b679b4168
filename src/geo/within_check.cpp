#include "geo/within_check.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "geo/code_text.hpp"
#include "geo/geos.hpp"

namespace cartelier::geo {

namespace {

std::vector<std::string> split(const std::string& s, const std::string& sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        std::size_t end = sep.empty() ? std::string::npos : s.find(sep, start);
        std::string part = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
        auto b = part.find_first_not_of(" \t"), e = part.find_last_not_of(" \t");
        if (b != std::string::npos) out.push_back(part.substr(b, e - b + 1));
        if (end == std::string::npos) break;
        start = end + sep.size();
    }
    return out;
}

/// A code of 1 or 4 digits: a 2-digit département or 5-digit commune code that lost its leading zero.
bool lost_leading_zero(const std::string& code) {
    return (code.size() == 1 || code.size() == 4) &&
           std::all_of(code.begin(), code.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::size_t check_within(const Layer& points, const Layer& containers, const WithinSpec& spec,
                         Diagnostics& diagnostics) {
    if (spec.missing_is_warning && containers.features.empty()) {
        diagnostics.warning(spec.declared_at,
                            fmt::format("layer '{}' is empty: the features of layer '{}' are not checked against it",
                                        containers.name, points.name));
        return 0;
    }
    auto codes_index = points.schema->index(spec.codes_field);
    auto match_index = containers.schema->index(spec.match_field);
    if (!codes_index) {
        diagnostics.error(spec.declared_at, fmt::format("layer '{}' has no field '{}' (check 'codes')", points.name,
                                                        spec.codes_field));
        return 0;
    }
    if (!match_index) {
        diagnostics.error(spec.declared_at, fmt::format("layer '{}' has no field '{}' (check 'match')",
                                                        containers.name, spec.match_field));
        return 0;
    }
    GeosContext ctx;
    std::map<std::string, std::unique_ptr<PreparedPolygon>> prepared;
    auto container = [&](const std::string& code) -> const PreparedPolygon* {
        if (auto it = prepared.find(code); it != prepared.end()) return it->second.get();
        for (const auto& f : containers.features) {
            if (code_text(f.value(*match_index)) == code && f.geometry.type == GeometryType::Polygon)
                return prepared.emplace(code, std::make_unique<PreparedPolygon>(ctx, f.geometry)).first->second.get();
        }
        prepared.emplace(code, nullptr);
        return nullptr;
    };

    std::size_t checked = 0;
    for (const auto& f : points.features) {
        if (f.geometry.type != GeometryType::Point || f.geometry.empty()) continue;
        ++checked;
        const Point p = f.geometry.points.front();
        SourceLocation where = f.line > 0 ? SourceLocation{points.source, static_cast<int>(f.line), 0,
                                                           fmt::format("column '{}'", spec.codes_field)}
                                          : SourceLocation{points.source, 0, 0, fmt::format("feature {}", f.id)};
        auto codes = split(code_text(f.value(*codes_index)), spec.separator);
        if (codes.empty()) {
            diagnostics.error(where, fmt::format("feature '{}' lists no {} to check against", f.id, containers.name));
            continue;
        }
        bool inside = false;
        double nearest = std::numeric_limits<double>::infinity();
        std::string nearest_code;
        for (const auto& code : codes) {
            const PreparedPolygon* poly = container(code);
            if (!poly) {
                // A code that lost its leading zero in a spreadsheet (7 for 07, 7341 for 07341).
                std::string hint;
                if (lost_leading_zero(code) && container("0" + code))
                    hint = fmt::format("did you mean 0{}? the leading zero was lost (a spreadsheet read the code as a "
                                       "number); write the code as text",
                                       code);
                if (spec.missing_is_warning && hint.empty())
                    diagnostics.warning(where,
                                        fmt::format("feature '{}' is not checked: no feature of {} has {} '{}'", f.id,
                                                    containers.name, spec.match_field, code),
                                        fmt::format("layer '{}' may not have every {} (the check says 'missing: warning')",
                                                    containers.name, spec.match_field));
                else
                    diagnostics.error(where,
                                      fmt::format("feature '{}' names {} '{}', which is not in {} (field '{}')", f.id,
                                                  containers.name, code, containers.source, spec.match_field),
                                      hint);
                inside = true;  // already reported
                break;
            }
            if (poly->covers(p)) {
                inside = true;
                break;
            }
            if (const double d = poly->distance(p); d < nearest) {
                nearest = d;
                nearest_code = code;
            }
        }
        if (inside || nearest <= spec.tolerance) continue;
        std::string actual;
        for (const auto& c : containers.features) {
            if (c.geometry.type != GeometryType::Polygon || !c.geometry.bounds().contains(p)) continue;
            PreparedPolygon poly(ctx, c.geometry);
            if (poly.covers(p)) {
                actual = code_text(c.value(*match_index));
                break;
            }
        }
        const bool degrees = containers.crs == "EPSG:4326" || containers.crs == "OGC:CRS84";
        std::string distance = degrees ? fmt::format("{:.3g}°", nearest) : fmt::format("{:.1f} km", nearest / 1000);
        if (actual.empty()) {  // in none of them: at sea, abroad, or its coordinates are wrong
            diagnostics.error(where,
                              fmt::format("feature '{}' at ({:.0f}, {:.0f} in {}) lies in no {} (nearest: {}, {} "
                                          "away)",
                                          f.id, p.x, p.y, containers.crs, containers.name,
                                          codes.size() > 1 ? fmt::format("{} of {}", nearest_code, fmt::join(codes, ", "))
                                                           : nearest_code,
                                          distance),
                              "check its coordinates (swapped longitude/latitude? a site on the coast placed at sea?)");
            continue;
        }
        diagnostics.error(where,
                          fmt::format("feature '{}' at ({:.0f}, {:.0f} in {}) lies outside {} {}, {} away; it falls in {}",
                                      f.id, p.x, p.y, containers.crs, containers.name, fmt::join(codes, " or "),
                                      distance, actual),
                          "check its coordinates (swapped longitude/latitude?) or the codes it lists");
    }
    return checked;
}

}  // namespace cartelier::geo
