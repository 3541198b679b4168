#include "geo/validation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <new>
#include <set>

#include <fmt/format.h>
#include <xxhash.h>

#include "core/xxh3_state.hpp"
#include "geo/geos.hpp"

namespace cartelier::geo {

bool is_geographic(const std::string& crs) {
    return crs == "EPSG:4326" || crs == "OGC:CRS84" || crs == "EPSG:4171" || crs == "EPSG:4258" ||
           crs == "EPSG:4269" || crs == "CRS:84";
}

namespace {

SourceLocation where(const Layer& layer, const Feature& f) {
    if (f.line > 0) return SourceLocation{layer.source, static_cast<int>(f.line), 0, {}};
    return SourceLocation{layer.source, 0, 0, fmt::format("feature {}", f.id)};
}

/// Counts messages per kind so that a broken file of 35,000 features gives a readable report.
class Limiter {
public:
    Limiter(Diagnostics& d, std::size_t max) : d_(d), max_(max) {}
    void add(const std::string& kind, Severity s, SourceLocation at, std::string message, std::string hint = {}) {
        auto& n = counts_[kind];
        if (++n.count <= max_) d_.add({s, std::move(at), std::move(message), std::move(hint)});
        else n.severity = s;
    }
    void summarise(const Layer& layer) {
        for (const auto& [kind, n] : counts_)
            if (n.count > max_)
                d_.add({n.severity, SourceLocation{layer.source, 0, 0, {}},
                        fmt::format("{} more features of layer '{}': {}", n.count - max_, layer.name, kind), {}});
    }

private:
    struct Count {
        std::size_t count = 0;
        Severity severity = Severity::Warning;
    };
    Diagnostics& d_;
    std::size_t max_;
    std::map<std::string, Count> counts_;
};

}  // namespace

ValidPolygons::ValidPolygons(std::vector<Digest> known) : known_(std::move(known)) {
    std::sort(known_.begin(), known_.end());
}

ValidPolygons::Digest ValidPolygons::digest(const Geometry& g) {
    // Streamed over the geometry where it lies: the same digest as of its bytes copied end to end.
    thread_local const Xxh3State state = new_xxh3_state();
    if (!state) throw std::bad_alloc();
    XXH3_128bits_reset(state.get());
    geometry_bytes(g, [&](const char* data, std::size_t size) { XXH3_128bits_update(state.get(), data, size); });
    const XXH128_hash_t h = XXH3_128bits_digest(state.get());
    return {h.high64, h.low64};
}

bool ValidPolygons::known(const Digest& d) const {
    const bool found = std::binary_search(known_.begin(), known_.end(), d);
    hits_ += found;
    return found;
}

std::vector<ValidPolygons::Digest> ValidPolygons::learned() const {
    std::vector<Digest> out = learned_;
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

struct GeometryValidator::State {
    State(const Layer& l, Diagnostics& d, std::size_t max) : layer(l), report(d, max), geographic(is_geographic(l.crs)) {}
    const Layer& layer;
    Limiter report;
    bool geographic;
    GeosContext ctx;
    ValidationStats stats;
    std::set<std::string> acknowledged;   ///< acknowledge_repairs()
    std::set<std::string> repaired_ids;   ///< of those, the ones repaired
    SourceLocation acknowledged_at;
    ValidPolygons* memo = nullptr;        ///< remember()
};

void GeometryValidator::remember(ValidPolygons& memo) { state_->memo = &memo; }

void GeometryValidator::acknowledge_repairs(std::vector<std::string> ids, SourceLocation declared_at) {
    state_->acknowledged.insert(ids.begin(), ids.end());
    state_->acknowledged_at = std::move(declared_at);
}

GeometryValidator::GeometryValidator(const Layer& layer, Diagnostics& diagnostics, std::size_t max_messages)
    : state_(std::make_unique<State>(layer, diagnostics, max_messages)) {}

GeometryValidator::~GeometryValidator() = default;

ValidationStats GeometryValidator::finish() {
    state_->report.summarise(state_->layer);
    for (const auto& id : state_->acknowledged)
        if (!state_->repaired_ids.count(id))
            state_->report.add("stale repaired lists", Severity::Warning, state_->acknowledged_at,
                               fmt::format("layer '{}' lists feature '{}' as repaired, but the layer has no such "
                                           "feature or its geometry is valid",
                                           state_->layer.name, id),
                               "remove it from 'repaired' (the source was fixed or changed)");
    return state_->stats;
}

void GeometryValidator::check(Feature& f) {
    const Layer& layer = state_->layer;
    Limiter& report = state_->report;
    ValidationStats& stats = state_->stats;
    const bool geographic = state_->geographic;
    GeosContext& ctx = state_->ctx;
    Geometry& g = f.geometry;
    if (g.empty()) {
        ++stats.empty;
        // CSV rows without coordinates are reported by the reader (or placed by geocoding).
        if (f.line == 0)
            report.add("no geometry (not drawn)", Severity::Warning, where(layer, f),
                       "the feature has no geometry (null or empty): it will not be drawn");
        return;
    }
    ++stats.checked;
    // Coordinates: finite, and in range for degrees.
    bool bad = false;
    for (std::size_t i = 0; i < g.points.size() && !bad; ++i) {
        const Point p = g.points[i];
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
            report.add("NaN or infinite coordinates", Severity::Error, where(layer, f),
                       fmt::format("vertex {} has coordinates ({}, {}): expected finite numbers", i + 1, p.x, p.y),
                       "the geometry was dropped; fix or remove that vertex");
            bad = true;
        } else if (geographic && (std::fabs(p.x) > 180 || std::fabs(p.y) > 90)) {
            bool swapped = std::fabs(p.x) <= 90 && std::fabs(p.y) <= 180;
            report.add("coordinates out of range", Severity::Error, where(layer, f),
                       fmt::format("vertex {} at ({}, {}) is out of range for {}: expected longitude in "
                                   "[-180, 180] and latitude in [-90, 90]",
                                   i + 1, p.x, p.y, layer.crs),
                       swapped ? "are longitude and latitude swapped?"
                               : "are these projected coordinates (metres)? declare the layer's real 'crs'");
            bad = true;
        }
    }
    if (bad) {
        ++stats.rejected;
        g = Geometry{};
        return;
    }
    // Degenerate parts GEOS cannot even build.
    for (std::size_t r = 0; r < g.ring_count() && !bad; ++r) {
        std::uint32_t n = g.rings[r + 1] - g.rings[r];
        if (g.type == GeometryType::Polygon && n < 4) {
            report.add("degenerate rings", Severity::Error, where(layer, f),
                       fmt::format("ring {} has {} point(s): expected a closed ring of at least 4", r + 1, n),
                       "the geometry was dropped");
            bad = true;
        } else if (g.type == GeometryType::LineString && n < 2) {
            report.add("degenerate lines", Severity::Error, where(layer, f),
                       fmt::format("line {} has {} point: expected at least 2", r + 1, n),
                       "the geometry was dropped");
            bad = true;
        }
    }
    if (bad) {
        ++stats.rejected;
        g = Geometry{};
        return;
    }
    if (g.type != GeometryType::Polygon) return;
    ValidPolygons* memo = state_->memo;
    const ValidPolygons::Digest digest = memo ? ValidPolygons::digest(g) : ValidPolygons::Digest{};
    if (memo && memo->known(digest)) {
        memo->learn(digest);
        return;
    }
    std::string reason = invalidity_reason(ctx, g);
    if (reason.empty()) {
        if (memo) memo->learn(digest);
        return;
    }
    Geometry repaired;
    try {
        repaired = make_valid(ctx, g);
    } catch (const Error&) {
    }
    if (repaired.empty()) {
        ++stats.rejected;
        report.add("invalid polygons that could not be repaired", Severity::Error, where(layer, f),
                   fmt::format("invalid polygon ({}) and GEOS MakeValid left nothing of it", reason),
                   "the geometry was dropped");
        g = Geometry{};
        return;
    }
    ++stats.repaired;
    g = std::move(repaired);
    if (state_->acknowledged.count(f.id)) {
        ++stats.acknowledged;
        state_->repaired_ids.insert(f.id);
        return;
    }
    report.add("invalid polygons repaired with GEOS MakeValid", Severity::Warning, where(layer, f),
               fmt::format("invalid polygon ({}): repaired with GEOS MakeValid", reason),
               "fix the source, or list the feature in the layer's 'repaired' when the source cannot be fixed");
}

ValidationStats validate_geometries(Layer& layer, Diagnostics& diagnostics, std::size_t max_messages) {
    GeometryValidator validator(layer, diagnostics, max_messages);
    for (auto& f : layer.features) validator.check(f);
    return validator.finish();
}

}  // namespace cartelier::geo
