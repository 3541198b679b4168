#include "geo/projection.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <cmath>
#include <cstdint>
#include <optional>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <set>
#include <thread>
#include <condition_variable>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <proj.h>
#include <xxhash.h>

#include "core/diagnostic.hpp"
#include "core/xxh3_state.hpp"

namespace cartelier::geo {

void ProjContext::Deleter::operator()(pj_ctx* c) const { proj_context_destroy(c); }

ProjContext::ProjContext() : ctx_(proj_context_create()) {
    proj_log_level(ctx_.get(), PJ_LOG_NONE);
}

struct Transformation::Operation {
    struct Deleter {
        void operator()(PJ* p) const { proj_destroy(p); }
    };
    ProjContext ctx;
    std::unique_ptr<PJ, Deleter> pj;
    /// The target CRS's area of use (degrees: west, south, east, north; west > east across the
    /// antimeridian), when PROJ knows it and the source is geographic.
    std::optional<std::array<double, 4>> area;
    Point area_middle;  ///< the middle of `area` (degrees)
    /// From longitudes and latitudes to a projected CRS: what image_bounds answers for.
    bool geographic_to_projected = false;
    /// The central meridian (degrees) when the operation is a transverse Mercator (UTM, tmerc) and
    /// nothing else but unit and axis changes: its singular points are known (image_bounds).
    std::optional<double> transverse_mercator_meridian;
    bool inside_area(Point lonlat) const {
        const auto& [w, s, e, n] = *area;
        if (lonlat.y < s || lonlat.y > n) return false;
        return w <= e ? lonlat.x >= w && lonlat.x <= e : lonlat.x >= w || lonlat.x <= e;
    }
};

namespace {

/// Idle operations by (from, to). Deliberately never destroyed: PROJ's own statics may be gone at exit.
struct OperationPool {
    std::mutex mutex;
    std::map<std::pair<std::string, std::string>, std::vector<std::unique_ptr<Transformation::Operation>>> idle;
    /// Pairs a TransformationWarmup is making now: a Transformation of one waits for it.
    std::set<std::pair<std::string, std::string>> warming;
    /// Pairs for which an operation has been made or is being made (a warm-up skips them).
    std::set<std::pair<std::string, std::string>> started;
    std::condition_variable warmed;
};

OperationPool& pool() {
    static auto* p = new OperationPool;
    return *p;
}

}  // namespace

namespace {

constexpr double radians_per_degree = 3.14159265358979323846 / 180;

/// Whether the four corners of `box` (longitudes and latitudes) lie within `degrees` of arc of `middle`.
bool within_arc(const Box& box, Point middle, double degrees) {
    const double min_cos = std::cos(degrees * radians_per_degree);
    const double sin_m = std::sin(middle.y * radians_per_degree), cos_m = std::cos(middle.y * radians_per_degree);
    for (const double lat : {box.min_y, box.max_y}) {
        const double sin_lat = std::sin(lat * radians_per_degree), cos_lat = std::cos(lat * radians_per_degree);
        for (const double lon : {box.min_x, box.max_x}) {
            const double cos_arc = sin_lat * sin_m + cos_lat * cos_m * std::cos((lon - middle.x) * radians_per_degree);
            if (!(cos_arc >= min_cos)) return false;
        }
    }
    return true;
}

/// The central meridian of a PROJ pipeline that is a transverse Mercator (`proj=utm zone=N`, `proj=tmerc`
/// or `proj=etmerc` with `lon_0`) between unit conversions and axis swaps; nullopt for any other step.
std::optional<double> transverse_mercator_meridian(const char* definition) {
    if (!definition) return std::nullopt;
    std::istringstream in(definition);
    std::string token, projection;
    int zone = 0;
    double lon_0 = 0;
    while (in >> token) {
        if (token.rfind("proj=", 0) == 0) {
            const std::string name = token.substr(5);
            if (name == "pipeline" || name == "unitconvert" || name == "axisswap") continue;
            if (!projection.empty() || (name != "utm" && name != "tmerc" && name != "etmerc")) return std::nullopt;
            projection = name;
        } else if (token.rfind("zone=", 0) == 0) {
            zone = std::atoi(token.c_str() + 5);
        } else if (token.rfind("lon_0=", 0) == 0) {
            char* end = nullptr;
            lon_0 = std::strtod(token.c_str() + 6, &end);
            if (!end || *end) return std::nullopt;  // in another unit (lon_0=3d30'): not read here
        }
    }
    if (projection.empty()) return std::nullopt;
    if (projection != "utm") return lon_0;
    if (zone < 1 || zone > 60) return std::nullopt;
    return 6.0 * zone - 183;
}

/// Whether every point of `box` (longitudes and latitudes) lies on the central meridian's side of the
/// globe and within `degrees` of arc of the great circle of that meridian: where a transverse Mercator
/// is a smooth one-to-one map (its singular points are on the equator, 90° from its central meridian).
bool near_transverse_meridian(const Box& box, double meridian, double degrees) {
    auto offset = [&](double lon) { return std::remainder(lon - meridian, 360.0); };  // in [-180, 180]
    const double west = offset(box.min_x), east = west + box.width();
    if (!(west > -90 && east < 90)) return false;
    // Arc from the meridian's great circle: asin(cos(latitude) × |sin(longitude offset)|), largest at
    // the latitude nearest the equator and the offset farthest from the meridian.
    const double cos_lat = box.min_y <= 0 && box.max_y >= 0
                               ? 1.0
                               : std::max(std::cos(box.min_y * radians_per_degree), std::cos(box.max_y * radians_per_degree));
    const double sin_offset = std::max(std::fabs(std::sin(west * radians_per_degree)), std::fabs(std::sin(east * radians_per_degree)));
    return cos_lat * sin_offset <= std::sin(degrees * radians_per_degree);
}

}  // namespace

Transformation::Transformation(const std::string& from, const std::string& to) : from_(from), to_(to) {
    {
        OperationPool& p = pool();
        std::unique_lock lock(p.mutex);
        const std::pair key(from, to);
        p.warmed.wait(lock, [&] { return !p.warming.count(key); });
        auto it = p.idle.find(key);
        if (it != p.idle.end() && !it->second.empty()) {
            op_ = std::move(it->second.back());
            it->second.pop_back();
            return;
        }
        p.started.insert(key);
    }
    op_ = make_operation(from, to);
}

std::unique_ptr<Transformation::Operation> Transformation::make_operation(const std::string& from, const std::string& to) {
    auto op = std::make_unique<Operation>();
    PJ* raw = proj_create_crs_to_crs(op->ctx.get(), from.c_str(), to.c_str(), nullptr);
    if (!raw) {
        int err = proj_context_errno(op->ctx.get());
        throw Error(SourceLocation{}, fmt::format("cannot make a transformation from '{}' to '{}': {}",
                                                  from.substr(0, 80), to.substr(0, 80),
                                                  proj_context_errno_string(op->ctx.get(), err)),
                    "use an authority code such as EPSG:4326 or EPSG:2154");
    }
    std::unique_ptr<PJ, Operation::Deleter> created(raw);
    PJ* normalised = proj_normalize_for_visualization(op->ctx.get(), raw);
    if (!normalised) throw Error(SourceLocation{}, fmt::format("cannot normalise axis order of '{}'", from));
    op->pj.reset(normalised);
    {
        std::unique_ptr<PJ, Operation::Deleter> source(proj_get_source_crs(op->ctx.get(), raw));
        std::unique_ptr<PJ, Operation::Deleter> target(proj_get_target_crs(op->ctx.get(), raw));
        const PJ_TYPE type = source ? proj_get_type(source.get()) : PJ_TYPE_UNKNOWN;
        const bool geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
        double w = 0, s = 0, e = 0, n = 0;
        if (geographic && target && proj_get_area_of_use(op->ctx.get(), target.get(), &w, &s, &e, &n, nullptr) &&
            w > -1000) {
            op->area = std::array<double, 4>{w, s, e, n};
            op->area_middle = {w <= e ? (w + e) / 2 : (w + e + 360) / 2, (s + n) / 2};
        }
        op->geographic_to_projected =
            geographic && target && proj_get_type(target.get()) == PJ_TYPE_PROJECTED_CRS;
        if (op->geographic_to_projected)
            op->transverse_mercator_meridian = transverse_mercator_meridian(proj_pj_info(op->pj.get()).definition);
    }
    operations_made_.fetch_add(1, std::memory_order_relaxed);
    return op;
}

std::atomic<std::size_t> Transformation::operations_made_{0};

TransformationWarmup::TransformationWarmup(std::vector<std::pair<std::string, std::string>> pairs, unsigned threads)
    : pairs_(std::move(pairs)) {
    const std::size_t n = std::min<std::size_t>(std::max(1u, threads), pairs_.size());
    for (std::size_t t = 0; t < n; ++t) threads_.emplace_back([this] { run(); });
}

TransformationWarmup::~TransformationWarmup() {
    {
        std::lock_guard lock(pool().mutex);
        stopped_ = true;  // the pairs not started are not needed: only those being made are waited for
    }
    finish();
}

void TransformationWarmup::finish() {
    for (std::thread& t : threads_)
        if (t.joinable()) t.join();
}

void TransformationWarmup::run() {
    OperationPool& p = pool();
    for (;;) {
        std::pair<std::string, std::string> key;
        {
            std::lock_guard lock(p.mutex);
            // The next pair nobody has made or started to make.
            while (next_ < pairs_.size() && p.started.count(pairs_[next_])) ++next_;
            if (stopped_ || next_ == pairs_.size()) return;
            key = pairs_[next_++];
            p.started.insert(key);
            p.warming.insert(key);
        }
        std::unique_ptr<Transformation::Operation> op;
        try {
            op = Transformation::make_operation(key.first, key.second);
        } catch (const std::exception&) {
            // Said in full to whoever asks for it: that Transformation makes its own and fails the same way.
        }
        {
            std::lock_guard lock(p.mutex);
            if (op) p.idle[key].push_back(std::move(op));
            p.warming.erase(key);
        }
        p.warmed.notify_all();
    }
}

Transformation::~Transformation() {
    if (!op_) return;
    OperationPool& p = pool();
    std::lock_guard lock(p.mutex);
    auto& idle = p.idle[{from_, to_}];
    if (idle.size() < 16) idle.push_back(std::move(op_));
}

Transformation::Transformation(Transformation&&) noexcept = default;
Transformation& Transformation::operator=(Transformation&&) noexcept = default;

ProjectionFailures Transformation::transform(std::span<Point> points) const {
    ProjectionFailures failed;
    if (points.empty()) return failed;
    // Which points lie outside the target's area of use, before they are overwritten.
    thread_local std::vector<std::uint8_t> outside;
    if (op_->area) {
        outside.resize(points.size());
        for (std::size_t i = 0; i < points.size(); ++i) outside[i] = !op_->inside_area(points[i]);
    }
    constexpr std::size_t stride = sizeof(Point);
    proj_trans_generic(op_->pj.get(), PJ_FWD, &points[0].x, stride, points.size(), &points[0].y, stride,
                       points.size(), nullptr, 0, 0, nullptr, 0, 0);
    for (std::size_t i = 0; i < points.size(); ++i) {
        Point& p = points[i];
        if (!std::isfinite(p.x) || !std::isfinite(p.y) || p.x == HUGE_VAL) {
            p = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
            ++failed.vertices;
            if (op_->area && outside[i]) ++failed.outside_area;
        }
    }
    return failed;
}

std::optional<Box> Transformation::area_of_use() const {
    if (!op_->area) return std::nullopt;
    const auto& [w, s, e, n] = *op_->area;
    return Box{w, s, e, n};
}

std::optional<bool> Transformation::within_area_of_use(Point lonlat, double margin_deg) const {
    if (!op_->area) return std::nullopt;
    const auto& [w, s, e, n] = *op_->area;
    if (!std::isfinite(lonlat.x) || !std::isfinite(lonlat.y)) return false;
    if (lonlat.y < s - margin_deg || lonlat.y > n + margin_deg) return false;
    const double x = std::remainder(lonlat.x, 360.0);  // in [-180, 180]
    auto between = [](double v, double lo, double hi) {  // on the circle of longitudes
        const double span = std::remainder(hi - lo, 360.0), off = std::remainder(v - lo, 360.0);
        return (span < 0 ? span + 360 : span) >= (off < 0 ? off + 360 : off);
    };
    const double span = w <= e ? e - w : e - w + 360;
    if (span + 2 * margin_deg >= 360) return true;
    return between(x, w - margin_deg, e + margin_deg);
}

std::optional<Box> Transformation::image_bounds(const Box& lonlat) const {
    // Boxes of at most this many degrees each way, away from the poles: there a projection is a smooth
    // one-to-one map, so the image of the box is the region its image boundary encloses.
    // And within 80° of arc of the middle of the target's area of use: a transverse Mercator is singular
    // 90° away from its central meridian, a conic at the far side of its cone.
    constexpr double max_span = 10, max_latitude = 85, max_arc = 80;
    if (!op_->geographic_to_projected || !op_->area) return std::nullopt;
    const double w = lonlat.width(), h = lonlat.height();
    if (!(w >= 0 && w <= max_span && h >= 0 && h <= max_span) || !(lonlat.min_y >= -max_latitude) ||
        !(lonlat.max_y <= max_latitude))
        return std::nullopt;  // also an empty box, or NaN
    // A transverse Mercator (the UTM zones of the overseas départements) is known better: smooth on the
    // side of its central meridian, 70° of arc from that meridian's great circle — France seen from
    // La Réunion's zone is 84° from the zone's area but 38° from its meridian.
    constexpr double max_transverse_arc = 70;
    if (!within_arc(lonlat, op_->area_middle, max_arc) &&
        !(op_->transverse_mercator_meridian &&
          near_transverse_meridian(lonlat, *op_->transverse_mercator_meridian, max_transverse_arc)))
        return std::nullopt;
    constexpr int per_side = 2;
    std::array<Point, 4 * per_side> samples;
    for (int i = 0; i < per_side; ++i) {
        const double t = double(i) / per_side;
        samples[i] = {lonlat.min_x + t * w, lonlat.min_y};
        samples[per_side + i] = {lonlat.max_x, lonlat.min_y + t * h};
        samples[2 * per_side + i] = {lonlat.max_x - t * w, lonlat.max_y};
        samples[3 * per_side + i] = {lonlat.min_x, lonlat.max_y - t * h};
    }
    constexpr std::size_t stride = sizeof(Point);
    proj_trans_generic(op_->pj.get(), PJ_FWD, &samples[0].x, stride, samples.size(), &samples[0].y, stride,
                       samples.size(), nullptr, 0, 0, nullptr, 0, 0);
    Box image;
    for (const Point& p : samples) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y) || p.x == HUGE_VAL) return std::nullopt;
        image.expand(p);
    }
    // The boundary between samples bows out of their hull by far less than a quarter of the box; the
    // absolute part covers an operation that switches between datum shifts from one place to the next.
    const double margin = 0.25 * std::max(image.width(), image.height()) + 1000;
    return Box{image.min_x - margin, image.min_y - margin, image.max_x + margin, image.max_y + margin};
}

Point Transformation::transform(Point p) const {
    PJ_COORD c = proj_trans(op_->pj.get(), PJ_FWD, proj_coord(p.x, p.y, 0, 0));
    return {c.xy.x, c.xy.y};
}

Box Transformation::transform_box(const Box& box, int steps) const {
    Box out;
    for (int i = 0; i <= steps; ++i) {
        const double f = static_cast<double>(i) / steps;
        for (Point p : {Point{box.min_x + f * box.width(), box.min_y}, Point{box.min_x + f * box.width(), box.max_y},
                        Point{box.min_x, box.min_y + f * box.height()}, Point{box.max_x, box.min_y + f * box.height()}}) {
            const Point q = transform(p);
            if (std::isfinite(q.x) && std::isfinite(q.y)) out.expand(q);
        }
    }
    return out;
}

Point Transformation::inverse(Point p) const {
    PJ_COORD c = proj_trans(op_->pj.get(), PJ_INV, proj_coord(p.x, p.y, 0, 0));
    return {c.xy.x, c.xy.y};
}

ProjectionFailures reproject(Layer& layer, const std::string& to) {
    if (layer.crs == to) return {};
    Transformation t(layer.crs, to);
    ProjectionFailures failed;
    for (auto& f : layer.features) failed += t.transform(f.geometry.points);
    layer.crs = to;
    return failed;
}

namespace {

bool same_bits(const Geometry& a, const Geometry& b) {
    return a.type == b.type && a.rings == b.rings && a.parts == b.parts && a.points.size() == b.points.size() &&
           (a.points.empty() || std::memcmp(a.points.data(), b.points.data(), a.points.size() * sizeof(Point)) == 0);
}

bool all_finite(const Geometry& g) {
    return std::all_of(g.points.begin(), g.points.end(),
                       [](const Point& p) { return std::isfinite(p.x) && std::isfinite(p.y); });
}

/// reproject(), feature k of `layer` taking the coordinates of feature j of `projected` (an earlier copy
/// of it in `to`: the feature with its id, at position k, else anywhere) when `unchanged(k, j)` and none
/// of them failed; null `projected`: every feature transformed.
template <class Unchanged>
ProjectionFailures reproject_taking(Layer& layer, const std::string& to, const Layer* projected, Unchanged unchanged,
                                    std::size_t* transformed) {
    if (transformed) *transformed = 0;
    if (layer.crs == to) return {};
    std::unordered_map<std::string_view, std::size_t> by_id;  // made when a feature is not at its place
    std::optional<Transformation> t;
    ProjectionFailures failed;
    for (std::size_t k = 0; k < layer.features.size(); ++k) {
        Feature& f = layer.features[k];
        std::optional<std::size_t> was;
        if (projected) {
            const std::vector<Feature>& before = projected->features;
            if (k < before.size() && before[k].id == f.id) {
                was = k;
            } else {
                if (by_id.empty())
                    for (std::size_t j = 0; j < before.size(); ++j) by_id.emplace(before[j].id, j);
                if (auto it = by_id.find(f.id); it != by_id.end()) was = it->second;
            }
        }
        if (was && unchanged(k, *was) && projected->features[*was].geometry.points.size() == f.geometry.points.size() &&
            all_finite(projected->features[*was].geometry)) {
            f.geometry.points = projected->features[*was].geometry.points;
            continue;
        }
        if (!t) t.emplace(layer.crs, to);
        failed += t->transform(f.geometry.points);
        if (transformed) ++*transformed;
    }
    layer.crs = to;
    return failed;
}

}  // namespace

ProjectionFailures reproject_reusing(Layer& layer, const std::string& to, const Layer& before,
                                     const Layer& before_projected, std::size_t* transformed) {
    const bool usable = before.crs == layer.crs && before_projected.crs == to && !before.subset &&
                        !before_projected.subset && before.features.size() == before_projected.features.size();
    return reproject_taking(
        layer, to, usable ? &before_projected : nullptr,
        [&](std::size_t k, std::size_t j) { return same_bits(before.features[j].geometry, layer.features[k].geometry); },
        transformed);
}

std::vector<SourceDigest> source_digests(const Layer& layer) {
    std::vector<SourceDigest> out;
    out.reserve(layer.features.size());
    const Xxh3State owned = new_xxh3_state();
    XXH3_state_t* state = owned.get();
    if (!state) throw std::bad_alloc();
    for (const Feature& f : layer.features) {
        const Geometry& g = f.geometry;
        XXH3_128bits_reset(state);
        const auto type = static_cast<std::uint8_t>(g.type);
        const std::uint64_t sizes[3] = {g.rings.size(), g.parts.size(), g.points.size()};
        XXH3_128bits_update(state, &type, sizeof type);
        XXH3_128bits_update(state, sizes, sizeof sizes);
        XXH3_128bits_update(state, g.rings.data(), g.rings.size() * sizeof(g.rings[0]));
        XXH3_128bits_update(state, g.parts.data(), g.parts.size() * sizeof(g.parts[0]));
        XXH3_128bits_update(state, g.points.data(), g.points.size() * sizeof(Point));
        const XXH128_hash_t h = XXH3_128bits_digest(state);
        out.push_back(SourceDigest{h.high64, h.low64});
    }
    return out;
}

ProjectionFailures reproject_reusing(Layer& layer, const std::string& to, std::span<const SourceDigest> sources,
                                     const Layer& before_projected, std::span<const SourceDigest> before_sources,
                                     std::size_t* transformed) {
    const bool usable = sources.size() == layer.features.size() && before_projected.crs == to &&
                        before_sources.size() == before_projected.features.size();
    return reproject_taking(
        layer, to, usable ? &before_projected : nullptr,
        [&](std::size_t k, std::size_t j) { return before_sources[j] == sources[k]; }, transformed);
}

namespace {

/// Whether `geometry`, transformed by `t`, surely has bounds that miss `window`: the image of its
/// bounds (Transformation::image_bounds) misses it. False when that cannot be said, or a coordinate is
/// not finite (the whole transformation then says what becomes of it).
bool surely_outside(const Transformation& t, const Geometry& geometry, const Box& window) {
    // Fewer vertices cost no more to transform than the samples image_bounds takes.
    if (geometry.points.size() <= 24) return false;
    Box bounds;
    for (const Point& p : geometry.points) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) return false;
        bounds.expand(p);
    }
    const std::optional<Box> image = t.image_bounds(bounds);
    return image && !window.intersects(*image);
}

}  // namespace

Layer reproject_within(const Layer& layer, const std::string& to, const Box& window, ProjectionFailures& failed) {
    Layer out;
    out.name = layer.name;
    out.source = layer.source;
    out.digest = layer.digest;
    out.crs = to;
    out.schema = layer.schema;
    std::optional<Transformation> t;
    if (layer.crs != to) t.emplace(layer.crs, to);
    std::vector<Point> points;
    std::vector<std::uint32_t> index;
    for (std::size_t k = 0; k < layer.features.size(); ++k) {
        const Feature& f = layer.features[k];
        if (t && surely_outside(*t, f.geometry, window)) continue;
        points.assign(f.geometry.points.begin(), f.geometry.points.end());
        if (t) failed += t->transform(points);
        Box bounds;
        for (const Point& p : points) bounds.expand(p);
        if (points.empty() || !window.intersects(bounds)) continue;  // drawn in no view inside the window
        Feature& copy = out.features.emplace_back();
        copy.id = f.id;
        copy.line = f.line;
        copy.values = f.values;
        copy.geometry.type = f.geometry.type;
        copy.geometry.points = points;
        copy.geometry.rings = f.geometry.rings;
        copy.geometry.parts = f.geometry.parts;
        index.push_back(static_cast<std::uint32_t>(layer.whole_index(k)));
    }
    out.features.shrink_to_fit();
    if (out.features.size() < layer.whole_size()) {
        auto subset = std::make_shared<LayerSubset>();
        subset->whole_size = layer.whole_size();
        subset->index = std::move(index);
        subset->fields = layer.subset ? layer.subset->fields : field_stats(layer);
        out.subset = std::move(subset);
    }
    return out;
}

namespace {

/// A projected CRS's projection alone, as PROJ's classic operation (longitude and latitude in radians
/// to easting and northing), on which proj_factors() computes at once. Given the CRS itself,
/// proj_factors() looks the operation up in PROJ's database at every call (milliseconds each, once
/// per atlas page), and PROJ 9.1 returns meaningless factors for a CRS whose axes are northing first
/// or in feet (EPSG:3035, EPSG:2263); this is made once per CRS and thread.
struct FactorOperation {
    struct Deleter {
        void operator()(PJ* p) const { proj_destroy(p); }
    };
    ProjContext ctx;
    std::unique_ptr<PJ, Deleter> crs;        ///< the CRS (fallback: proj_factors on it, as before)
    std::unique_ptr<PJ, Deleter> projection;  ///< null when the CRS has no PROJ string
};

FactorOperation& factor_operation(const std::string& projected_crs) {
    thread_local std::map<std::string, std::unique_ptr<FactorOperation>> by_crs;
    auto& slot = by_crs[projected_crs];
    if (slot) return *slot;
    auto op = std::make_unique<FactorOperation>();
    op->crs.reset(proj_create(op->ctx.get(), projected_crs.c_str()));
    if (!op->crs) throw Error(SourceLocation{}, fmt::format("unknown CRS '{}'", projected_crs));
    if (proj_get_type(op->crs.get()) == PJ_TYPE_PROJECTED_CRS) {
        if (const char* text = proj_as_proj_string(op->ctx.get(), op->crs.get(), PJ_PROJ_4, nullptr)) {
            // "+proj=lcc … +ellps=GRS80 +towgs84=… +units=m +no_defs +type=crs": the projection, its
            // ellipsoid and units; without "+type=crs" it is an operation rather than a CRS.
            // Web Mercator's string ("+nadgrids=@null +wktext") draws a sphere where the CRS takes
            // geodetic latitudes on its ellipsoid: its factors are left to the CRS.
            const std::string_view all = text;
            std::string definition;
            for (std::string_view rest = all.find("+wktext") != std::string_view::npos ? std::string_view{} : all;
                 !rest.empty();) {
                const std::size_t space = rest.find(' ');
                const std::string_view token = rest.substr(0, space);
                rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
                if (token.empty() || token == "+type=crs" || token.starts_with("+towgs84=") || token.starts_with("+nadgrids="))
                    continue;
                if (!definition.empty()) definition += ' ';
                definition += token;
            }
            if (!definition.empty()) op->projection.reset(proj_create(op->ctx.get(), definition.c_str()));
        }
    }
    slot = std::move(op);
    return *slot;
}

}  // namespace

ScaleFactors scale_factors(const std::string& projected_crs, double lon, double lat) {
    using Key = std::tuple<std::string, double, double>;
    static auto* memo = new std::pair<std::mutex, std::map<Key, ScaleFactors>>;  // never destroyed, as the pool
    Key key{projected_crs, lon, lat};
    {
        std::lock_guard lock(memo->first);
        if (auto it = memo->second.find(key); it != memo->second.end()) return it->second;
    }
    FactorOperation& op = factor_operation(projected_crs);
    PJ* pj = op.projection ? op.projection.get() : op.crs.get();
    proj_errno_reset(pj);
    PJ_COORD c = proj_coord(proj_torad(lon), proj_torad(lat), 0, 0);
    PJ_FACTORS f = proj_factors(pj, c);
    if (proj_errno(pj) != 0)
        throw Error(SourceLocation{}, fmt::format("PROJ cannot compute scale factors of '{}' at ({}, {})",
                                                  projected_crs, lon, lat));
    ScaleFactors result{f.meridional_scale, f.parallel_scale, f.meridian_convergence};
    std::lock_guard lock(memo->first);
    memo->second.emplace(std::move(key), result);
    return result;
}

std::string crs_wkt(const std::string& crs) {
    ProjContext ctx;
    std::unique_ptr<PJ, decltype(&proj_destroy)> pj(proj_create(ctx.get(), crs.c_str()), &proj_destroy);
    if (!pj) throw Error(SourceLocation{}, fmt::format("unknown CRS '{}'", crs));
    const char* options[] = {"MULTILINE=NO", nullptr};
    const char* wkt = proj_as_wkt(ctx.get(), pj.get(), PJ_WKT1_GDAL, options);
    if (!wkt) throw Error(SourceLocation{}, fmt::format("PROJ cannot write CRS '{}' as WKT1", crs));
    return wkt;
}

namespace {

/// The EPSG code of a PROJ object, 0 when its first identifier is not an EPSG one.
int epsg_code(PJ* pj) {
    const char* auth = proj_get_id_auth_name(pj, 0);
    const char* code = proj_get_id_code(pj, 0);
    if (!auth || !code || std::string_view(auth) != "EPSG") return 0;
    int value = 0;
    auto [end, ec] = std::from_chars(code, code + std::strlen(code), value);
    return ec == std::errc{} && *end == '\0' ? value : 0;
}

}  // namespace

CrsIdentity crs_identity(const std::string& crs) {
    ProjContext ctx;
    using Owned = std::unique_ptr<PJ, decltype(&proj_destroy)>;
    Owned pj(proj_create(ctx.get(), crs.c_str()), &proj_destroy);
    if (!pj) throw Error(SourceLocation{}, fmt::format("unknown CRS '{}'", crs));
    CrsIdentity out;
    out.wkt = crs_wkt(crs);
    out.epsg = epsg_code(pj.get());
    const PJ_TYPE type = proj_get_type(pj.get());
    out.geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
    Owned geodetic(proj_crs_get_geodetic_crs(ctx.get(), pj.get()), &proj_destroy);
    if (!geodetic) throw Error(SourceLocation{}, fmt::format("CRS '{}' has no geodetic datum", crs));
    if (int code = epsg_code(geodetic.get())) {
        out.geographic_crs = fmt::format("EPSG:{}", code);
    } else {
        const char* wkt = proj_as_wkt(ctx.get(), geodetic.get(), PJ_WKT2_2019, nullptr);
        if (!wkt) throw Error(SourceLocation{}, fmt::format("PROJ cannot write the datum of CRS '{}'", crs));
        out.geographic_crs = wkt;
    }
    return out;
}

CrsUnits crs_units(const std::string& crs) {
    static auto* memo = new std::pair<std::mutex, std::map<std::string, CrsUnits>>;  // never destroyed, as the pool
    {
        std::lock_guard lock(memo->first);
        if (auto it = memo->second.find(crs); it != memo->second.end()) return it->second;
    }
    ProjContext ctx;
    using Owned = std::unique_ptr<PJ, decltype(&proj_destroy)>;
    Owned pj(proj_create(ctx.get(), crs.c_str()), &proj_destroy);
    if (!pj) throw Error(SourceLocation{}, fmt::format("unknown CRS '{}'", crs));
    // The horizontal part: the source of a bound CRS (a PROJ string with +towgs84), the first part of a
    // compound one (a projected CRS with heights).
    for (int depth = 0; depth < 4; ++depth) {
        const PJ_TYPE type = proj_get_type(pj.get());
        PJ* inner = type == PJ_TYPE_BOUND_CRS      ? proj_get_source_crs(ctx.get(), pj.get())
                    : type == PJ_TYPE_COMPOUND_CRS ? proj_crs_get_sub_crs(ctx.get(), pj.get(), 0)
                                                   : nullptr;
        if (!inner) break;
        pj.reset(inner);
    }
    CrsUnits out;
    switch (proj_get_type(pj.get())) {
        case PJ_TYPE_PROJECTED_CRS: out.kind = CrsUnits::Kind::Projected; break;
        case PJ_TYPE_GEOGRAPHIC_2D_CRS:
        case PJ_TYPE_GEOGRAPHIC_3D_CRS: out.kind = CrsUnits::Kind::Geographic; break;
        case PJ_TYPE_GEOCENTRIC_CRS: out.kind = CrsUnits::Kind::Geocentric; break;
        default: out.kind = CrsUnits::Kind::Other; break;
    }
    if (Owned cs(proj_crs_get_coordinate_system(ctx.get(), pj.get()), &proj_destroy); cs) {
        const char* unit = nullptr;
        double factor = 1;
        if (proj_cs_get_axis_info(ctx.get(), cs.get(), 0, nullptr, nullptr, nullptr, &factor, &unit, nullptr, nullptr)) {
            out.unit = unit ? unit : "";
            out.to_si = factor;
        }
    }
    std::lock_guard lock(memo->first);
    memo->second.emplace(crs, out);
    return out;
}

}  // namespace cartelier::geo
