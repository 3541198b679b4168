#include "render/map_renderer.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>

#include <fmt/format.h>
#include <glib.h>

#include "geo/coverage.hpp"
#include "geo/geos.hpp"
#include "render/profiling.hpp"
#include "render/feature_view.hpp"
#include "render/symbolizers.hpp"

namespace cartelier::render {

using style::LayerType;
using style::Prop;
namespace ex = style::expr;

namespace {

std::string transform_text(const std::string& text, const std::string& how) {
    if (how != "uppercase" && how != "lowercase") return text;
    gchar* converted = how == "uppercase" ? g_utf8_strup(text.c_str(), -1) : g_utf8_strdown(text.c_str(), -1);
    std::string out = converted;
    g_free(converted);
    return out;
}

void note(std::vector<std::string>* errors, const std::string& e) { note_error(errors, e); }

/// Whether each of these properties has the same value for every feature (constant or zoom-only).
/// Whether some symbol layer shown at `zoom` has text: only then are the drawn lines recorded.
bool places_text(const style::Style& style, double zoom) {
    return std::any_of(style.layers.begin(), style.layers.end(), [&](const style::Layer& l) {
        return l.type == LayerType::Symbol && l.visible() && l.in_zoom_range(zoom) && l.is_set(Prop::TextField);
    });
}

/// Adds the rings or lines of `g` (map coordinates of `view`) to `out`, closing polygon rings; given
/// `keep` (one flag per ring or line), only those kept.
void record_lines(layout::DrawnLines* out, const Geometry& g, const View& view, double weight,
                  std::span<const std::uint8_t> keep = {}) {
    if (!out || !(weight > 0)) return;
    const bool closed = g.type == GeometryType::Polygon;
    for (std::size_t r = 0; r < g.ring_count(); ++r) {
        if (!keep.empty() && !keep[r]) continue;
        const std::uint32_t begin = g.rings[r], end = g.rings[r + 1];
        if (end - begin < 2) continue;
        Point previous = view.to_page(g.points[begin]);
        const Point first = previous;
        for (std::uint32_t i = begin + 1; i < end; ++i) {
            const Point p = view.to_page(g.points[i]);
            out->add(previous, p, weight);
            previous = p;
        }
        if (closed) out->add(previous, first, weight);
    }
}

/// How much a line counts among the drawn lines (layout/drawn_lines.hpp): its width in points, from
/// 0.1 (a hairline) to 3; nothing when it is not seen.
double stroke_weight(const LinePaint& p) {
    if (p.width_pt <= 0 || p.opacity <= 0 || p.color.a <= 0) return 0;
    return std::clamp(p.width_pt, 0.1, 3.0);
}
/// The edge of an area filled in one paint (land against the sea) counts as a half-point line when the
/// fill is seen. Areas filled one by one count only by their outline (a hairline), if they have one:
/// neighbours of one colour show no edge, and borders that matter are drawn by line layers.
double fill_edge_weight(const FillPaint& p, bool as_one) {
    if (p.opacity <= 0) return 0;
    if (as_one) return p.visible() ? 0.5 : 0.0;
    return !p.pattern && p.outline && p.outline->a > 0 ? 0.25 : 0.0;  // a pattern is drawn without outline
}

bool feature_constant(const style::Layer& layer, std::initializer_list<Prop> properties) {
    for (Prop p : properties) {
        const auto* e = layer.expression(p);
        if (e && !e->is_feature_constant()) return false;
    }
    return true;
}

/// The translate property of a layer type (fill-translate, …); none for a background or a symbol layer
/// (icon- and text-translate are ignored with a warning).
std::optional<Prop> translate_of(LayerType type) {
    switch (type) {
        case LayerType::Fill: return Prop::FillTranslate;
        case LayerType::Line: return Prop::LineTranslate;
        case LayerType::Circle: return Prop::CircleTranslate;
        case LayerType::Symbol:
        case LayerType::Background: break;
    }
    return std::nullopt;
}

/// The sort key property of a layer type (fill-sort-key, …); none for a background.
std::optional<Prop> sort_key_of(LayerType type) {
    switch (type) {
        case LayerType::Fill: return Prop::FillSortKey;
        case LayerType::Line: return Prop::LineSortKey;
        case LayerType::Circle: return Prop::CircleSortKey;
        case LayerType::Symbol: return Prop::SymbolSortKey;
        case LayerType::Background: break;
    }
    return std::nullopt;
}

}  // namespace

/// A value computed once on first use, whoever asks first; the others wait for it.
template <typename T>
struct Lazy {
    std::once_flag once;
    T value{};
};

/// What is prepared from a layer for one view extent: the arcs of the polygons that reach into it.
struct LayerSet::Extent {
    std::once_flag coverage_once;
    std::unique_ptr<geo::Coverage> coverage;  ///< null when no polygon reaches the extent
    bool all_polygons = true;                 ///< every feature in the extent is a polygon (or empty)
    // By tolerance; std::map never moves its nodes, so a slot stays put while it is being computed.
    std::map<double, Lazy<std::vector<Geometry>>> generalised;
    std::map<double, Lazy<Geometry>> arcs;    ///< one line per arc
    std::map<double, Lazy<geo::LineChains>> chains;  ///< the order that chains them
};

struct LayerSet::Prepared {
    std::vector<Box> bounds;
    /// By view extent and drawn features (their flags; empty: all).
    std::map<std::pair<std::array<double, 4>, std::vector<std::uint8_t>>, std::unique_ptr<Extent>> extents;
};

GeometryCache::GeometryCache() = default;
GeometryCache::~GeometryCache() = default;

void GeometryCache::take(GeometryCache& from, const std::vector<const Layer*>& layers) {
    if (&from == this) return;
    std::scoped_lock lock(mutex, from.mutex);
    for (const Layer* layer : layers)
        if (auto it = from.prepared.find(layer); it != from.prepared.end()) {
            prepared[layer] = std::move(it->second);
            from.prepared.erase(it);
        }
}

LayerSet::LayerSet(std::shared_ptr<GeometryCache> cache, bool own_views)
    : cache_(cache ? std::move(cache) : std::make_shared<GeometryCache>()),
      views_(own_views ? std::make_shared<GeometryCache>() : cache_) {}
LayerSet::~LayerSet() = default;

LayerSet::Prepared& LayerSet::prepared(const Layer& layer) const {
    std::lock_guard lock(cache_->mutex);
    auto& slot = cache_->prepared[&layer];
    if (!slot) {
        slot = std::make_unique<Prepared>();
        slot->bounds.reserve(layer.features.size());
        for (const auto& f : layer.features) slot->bounds.push_back(f.geometry.bounds());
    }
    return *slot;
}

const std::vector<Box>& LayerSet::bounds(const Layer& layer) const { return prepared(layer).bounds; }

template <typename T, typename Make>
const T& LayerSet::once(std::map<double, Lazy<T>>& slots, double tolerance, Make make) const {
    Lazy<T>* slot;
    {
        std::lock_guard lock(views_->mutex);  // the slots belong to an Extent of views_
        slot = &slots[tolerance];
    }
    std::call_once(slot->once, [&] { slot->value = make(); });
    return slot->value;
}

LayerSet::Extent& LayerSet::extent(const Layer& layer, const Box& view, std::span<const std::uint8_t> drawn) const {
    Prepared& p = prepared(layer);  // the bounds, shared
    if (!drawn.empty() && drawn.size() != layer.features.size())
        throw std::invalid_argument(fmt::format("LayerSet: {} drawn flags for the {} features of layer '{}'", drawn.size(),
                                                layer.features.size(), layer.name));
    // Views shared with other maps and kept between builds (cartelier watch): one preparation per view,
    // from all its features, not one more per style edit that changes what a filter keeps.
    if (views_ == cache_) drawn = {};
    Extent* e;
    {
        std::lock_guard lock(views_->mutex);
        auto& holder = views_->prepared[&layer];  // p itself unless the views are this LayerSet's own
        if (!holder) holder = std::make_unique<Prepared>();
        auto& slot = holder->extents[{{view.min_x, view.min_y, view.max_x, view.max_y},
                                      std::vector<std::uint8_t>(drawn.begin(), drawn.end())}];
        if (!slot) slot = std::make_unique<Extent>();
        e = slot.get();
    }
    std::call_once(e->coverage_once, [&] {
        // Only the features that reach into the view (an inset of Guadeloupe does not simplify France)
        // and that a style layer draws (the communes around an atlas page's are not simplified for it).
        bool polygons = false;
        std::vector<const Geometry*> geometries(layer.features.size(), nullptr);
        for (std::size_t i = 0; i < layer.features.size(); ++i) {
            const Geometry& g = layer.features[i].geometry;
            if (g.empty() || !view.intersects(p.bounds[i]) || (!drawn.empty() && !drawn[i])) continue;
            polygons = polygons || g.type == GeometryType::Polygon;
            if (g.type != GeometryType::Polygon) e->all_polygons = false;
            geometries[i] = &g;
        }
        if (!polygons) return;
        auto start = std::chrono::steady_clock::now();
        e->coverage = std::make_unique<geo::Coverage>(geometries);
        if (profiling())
            fmt::print(stderr, "stage prepare arcs {} {:.3f} s ({} vertices, {} arcs of {} vertices)\n", layer.name,
                       since(start), e->coverage->input_vertices(), e->coverage->arc_count(),
                       e->coverage->arc_vertices());
    });
    return *e;
}

const geo::Coverage* LayerSet::coverage(const Layer& layer, const Box& view, std::span<const std::uint8_t> drawn) const {
    return extent(layer, view, drawn).coverage.get();
}

const std::vector<Geometry>* LayerSet::generalised(const Layer& layer, const Box& view, double tolerance,
                                                   std::span<const std::uint8_t> drawn) const {
    Extent& e = extent(layer, view, drawn);
    if (!e.coverage) return nullptr;
    return &once(e.generalised, tolerance, [&] {
        auto start = std::chrono::steady_clock::now();
        auto result = e.coverage->simplify(tolerance);
        if (profiling()) {
            std::size_t kept = 0;
            for (const auto& g : result) kept += g.points.size();
            fmt::print(stderr, "stage prepare simplify {} tolerance {:.3g} {:.3f} s ({} vertices kept)\n",
                       layer.name, tolerance, since(start), kept);
        }
        return result;
    });
}

const Geometry& LayerSet::simplified_arcs(Extent& e, double tolerance) const {
    return once(e.arcs, tolerance, [&] { return e.coverage->simplified_arcs(tolerance); });
}

LayerSet::ChainedArcs LayerSet::arcs(const Layer& layer, const Box& view, double tolerance,
                                     std::span<const std::uint8_t> drawn) const {
    Extent& e = extent(layer, view, drawn);
    if (!e.coverage || !e.all_polygons) return {};
    const Geometry& arcs = simplified_arcs(e, tolerance);
    return {&arcs, &once(e.chains, tolerance, [&] { return geo::chain_order(arcs); })};
}

Geometry LayerSet::dissolved(const Layer& layer, const Box& view, double tolerance, std::span<const std::uint8_t> member,
                             std::span<const std::uint8_t> drawn) const {
    Extent& e = extent(layer, view, drawn);
    if (!e.coverage) return {};
    return e.coverage->dissolve(member, simplified_arcs(e, tolerance));
}

Generalisation Generalisation::from_environment() {
    Generalisation g;
    if (const char* v = std::getenv("CARTELIER_GENERALISE"); v && std::strcmp(v, "0") == 0) g.enabled = false;
    // Overrides for measuring the trade-off (scripts/bench.sh): tolerances in pixels and points.
    auto positive = [](const char* name, double& target) {
        if (const char* v = std::getenv(name)) {
            char* end = nullptr;
            double d = std::strtod(v, &end);
            if (end != v && *end == '\0' && d > 0 && d < 100) target = d;
        }
    };
    positive("CARTELIER_RASTER_TOLERANCE_PX", g.raster_pixels);
    positive("CARTELIER_VECTOR_TOLERANCE_PT", g.vector_points);
    positive("CARTELIER_VECTOR_GRID_PT", g.vector_grid_points);
    return g;
}

double Generalisation::tolerance_points(bool raster, double device_scale) const {
    if (!raster) return vector_points;
    // The raster tolerance rounded down to the ladder vector_points × √2^k: never coarser than asked,
    // and equal to the vector one when the two are close, so that one simplification serves both.
    const double asked = raster_pixels / device_scale;
    if (vector_points <= 0 || asked <= 0) return asked;
    const double steps = std::floor(2 * std::log2(asked / vector_points) + 1e-9);
    return vector_points * std::exp2(steps / 2);
}

TextStyle evaluate_text(const style::Layer& l, const ex::EvaluationContext& ctx, double ppu,
                        std::vector<std::string>* errors) {
    TextStyle t;
    std::string e;
    t.fonts = l.strings(Prop::TextFont, ctx, &e);
    note(errors, e);
    t.size_pt = l.number(Prop::TextSize, ctx, &e) * ppu;
    t.color = l.color(Prop::TextColor, ctx, &e);
    t.opacity = l.number(Prop::TextOpacity, ctx, &e);
    t.halo_color = l.color(Prop::TextHaloColor, ctx, &e);
    t.halo_width_pt = l.number(Prop::TextHaloWidth, ctx, &e) * ppu;
    t.letter_spacing_em = l.number(Prop::TextLetterSpacing, ctx, &e);
    t.line_height_em = l.number(Prop::TextLineHeight, ctx, &e);
    t.max_width_em = l.number(Prop::TextMaxWidth, ctx, &e);
    t.justify = l.string(Prop::TextJustify, ctx, &e);
    if (t.justify == "auto") t.justify = "left";
    note(errors, e);
    return t;
}

MapDrawResult draw_map(cairo_t* cr, const style::Style& style, const LayerSet& layers, const View& view, double zoom,
                       IconCache* icons, bool on_white_raster) {
    MapDrawResult result;
    result.land = layout::LandCover(view.frame);
    if (places_text(style, zoom)) result.lines = std::make_shared<layout::DrawnLines>(view.frame);
    layout::DrawnLines* lines_drawn = result.lines.get();
    std::optional<IconCache> own_icons;
    if (!icons) icons = &own_icons.emplace();
    std::map<std::string, std::shared_ptr<const Icon>> icon_by_name;  // names resolved once per call
    std::unique_ptr<geo::GeosContext> geos;  // made for the first area or line a symbol layer labels
    // fill-pattern's pattern for a fill layer's feature (or its constant one: `feature_id` empty), made
    // once per name for this page.
    std::map<std::string, std::shared_ptr<cairo_pattern_t>> pattern_by_name;
    auto pattern_of = [&](const style::Layer& sl, const ex::EvaluationContext& ctx,
                          const std::string& feature_id) -> std::shared_ptr<cairo_pattern_t> {
        if (!sl.is_set(Prop::FillPattern)) return nullptr;
        std::string e;
        const std::string name = sl.string(Prop::FillPattern, ctx, &e);
        note(&result.evaluation_errors, e);
        if (name.empty()) return nullptr;
        auto& pattern = pattern_by_name[name];
        if (!pattern) {
            auto& icon = icon_by_name[name];
            if (!icon) icon = load_icon(style, sl, name, feature_id, *icons, Prop::FillPattern);
            pattern = fill_pattern(cr, *icon);
        }
        return pattern;
    };
    const auto start = std::chrono::steady_clock::now();
    const double ppu = style::points_per_unit(style.units);
    PaintContext pc{ppu, &result.evaluation_errors};
    SavedState saved(cr);
    cairo_rectangle(cr, view.frame.x, view.frame.y, view.frame.w, view.frame.h);
    cairo_clip(cr);
    const double hairline = 0.25;

    // Generalisation to this output's resolution: a fraction of a device pixel for a raster target,
    // a fraction of a point (and coordinates on a grid) for vector output.
    static const Generalisation settings = Generalisation::from_environment();
    const bool raster = cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_IMAGE;
    double device_x = 1, device_y = 0;
    cairo_user_to_device_distance(cr, &device_x, &device_y);
    const double device_scale = std::hypot(device_x, device_y);  // device units per point
    const double tolerance_pt = settings.tolerance_points(raster, device_scale);
    const double tolerance = settings.enabled && view.scale > 0 ? tolerance_pt / view.scale : 0;
    const double grid = settings.enabled && !raster ? settings.vector_grid_points : 0;

    // The features each fill and line layer draws in the view (its filter, evaluated once here), and per
    // data layer their union: the coverage its borders are simplified in holds those features only.
    std::vector<std::vector<std::uint8_t>> accepted(style.layers.size());
    std::map<const Layer*, std::vector<std::uint8_t>> drawn_of;
    if (tolerance > 0)
        for (std::size_t i = 0; i < style.layers.size(); ++i) {
            const style::Layer& sl = style.layers[i];
            if (!sl.visible() || !sl.in_zoom_range(zoom) || (sl.type != LayerType::Fill && sl.type != LayerType::Line))
                continue;
            const Layer* data = layers.find(sl.source_layer);
            if (!data) continue;
            const std::vector<Box>& bounds = layers.bounds(*data);
            std::vector<std::uint8_t>& flags = accepted[i];
            flags.assign(data->features.size(), 0);
            std::vector<std::uint8_t>& drawn = drawn_of[data];
            if (drawn.empty()) drawn.assign(data->features.size(), 0);
            ex::EvaluationContext ctx{zoom, nullptr};
            for (std::size_t fi = 0; fi < data->features.size(); ++fi) {
                const Feature& feature = data->features[fi];
                if (feature.geometry.empty() || !view.extent.intersects(bounds[fi])) continue;
                LayerFeatureView fv(*data, feature);
                ctx.feature = &fv;
                if (sl.accepts(ctx)) flags[fi] = drawn[fi] = 1;
            }
        }

    // Whether every pixel of the frame is still opaque white (the caller's promise, until a layer draws).
    bool frame_white = on_white_raster && raster;
    for (std::size_t li = 0; li < style.layers.size(); ++li) {
        const style::Layer& sl = style.layers[li];
        if (!sl.visible() || !sl.in_zoom_range(zoom)) continue;
        ex::EvaluationContext ctx{zoom, nullptr};
        if (sl.type == LayerType::Background) {
            std::string e;
            style::Color c = sl.color(Prop::BackgroundColor, ctx, &e);
            double o = sl.number(Prop::BackgroundOpacity, ctx, &e);
            note(pc.errors, e);
            const bool opaque_white = c.r == 1 && c.g == 1 && c.b == 1 && c.a * o >= 1;
            if (frame_white && opaque_white) continue;  // the same pixels (draw_map's contract)
            set_source(cr, c, o);
            cairo_paint(cr);
            frame_white = false;
            continue;
        }
        frame_white = false;
        const Layer* data = layers.find(sl.source_layer);
        if (!data) continue;  // the build checks source layers before rendering
        // fill-, line- and circle-translate: the layer drawn that far off, right and down (a drop shadow
        // under the layer above); what it records for the labels (lines, land, circles) is where it is
        // drawn. `at` is the view the layer's geometry is drawn through.
        View at = view;
        if (const std::optional<Prop> translate = translate_of(sl.type); translate && sl.is_set(*translate)) {
            std::string e;
            const std::vector<double> t = sl.numbers(*translate, ctx, &e);
            note(pc.errors, e);
            if (t.size() == 2) {
                at.frame.x += t[0] * ppu;
                at.frame.y += t[1] * ppu;
            }
        }
        const auto layer_start = std::chrono::steady_clock::now();
        const std::vector<Box>& bounds = layers.bounds(*data);
        // What the fill and line layers drawing `data` draw (above): the coverage's features.
        const std::span<const std::uint8_t> drawn = accepted[li].empty() ? std::span<const std::uint8_t>{}
                                                                          : std::span<const std::uint8_t>(drawn_of[data]);
        const bool generalise = !accepted[li].empty() && layers.coverage(*data, view.extent, drawn) != nullptr;
        // The polygons in the view that the layer's filter accepts: one flag per feature.
        auto accepted_polygons = [&] {
            std::vector<std::uint8_t> member(data->features.size(), 0);
            for (std::size_t fi = 0; fi < data->features.size(); ++fi) {
                if (!accepted[li][fi] || data->features[fi].geometry.type != GeometryType::Polygon) continue;
                member[fi] = 1;
                ++result.features_drawn;
            }
            return member;
        };
        // A line layer over polygons whose paint is the same for every feature, opaque and plain:
        // each border is stroked once, as an arc of the coverage, rather than once per neighbour. With
        // a filter, the borders of the features it accepts (a border between two of them once too).
        if (generalise && sl.type == LayerType::Line) {
            const bool uniform = feature_constant(sl, {Prop::LineColor, Prop::LineWidth, Prop::LineOpacity, Prop::LineOffset,
                                                       Prop::LineDasharray, Prop::LineJoin, Prop::LineCap});
            const LayerSet::ChainedArcs arcs = uniform ? layers.arcs(*data, view.extent, tolerance, drawn) : LayerSet::ChainedArcs{};
            if (arcs) {
                LinePaint paint = evaluate_line(sl, ctx, pc);
                if (paint.opacity >= 1 && paint.color.a >= 1 && paint.dash_pt.empty() && paint.offset_pt == 0) {
                    const std::vector<std::uint8_t> member = accepted_polygons();
                    // Empty: every arc (the coverage holds the features drawn in the view only).
                    std::vector<std::uint8_t> keep;
                    if (sl.filter) keep = layers.coverage(*data, view.extent, drawn)->arcs_bordering(member);
                    // In batches: Cairo strokes many small paths faster than one huge one.
                    constexpr std::uint32_t batch_vertices = 4096;
                    const Geometry& lines = *arcs.lines;
                    const geo::LineChains& chains = *arcs.chains;
                    record_lines(lines_drawn, lines, at, stroke_weight(paint), keep);
                    for (std::size_t c = 0, n = chains.chain_count(); c < n;) {
                        std::size_t e = c + 1, vertices = chains.vertices(lines, c);
                        while (e < n && (vertices += chains.vertices(lines, e)) < batch_vertices) ++e;
                        add_chains(cr, lines, chains, at, grid, c, e, keep);
                        if (cairo_has_current_point(cr)) stroke_current_path(cr, paint);  // not when keep left none
                        c = e;
                    }
                    if (profiling())
                        fmt::print(stderr, "stage render {} layer {} (arcs once) {:.3f} s\n",
                                   raster ? "raster" : "vector", sl.id, since(layer_start));
                    continue;
                }
            }
        }
        // A fill layer over polygons whose paint is the same for every feature and has no outline:
        // the union of the features drawn is filled as one path (shared borders cancel out), which
        // is the same area with a fraction of the vertices and no anti-aliasing seams.
        if (generalise && sl.type == LayerType::Fill && feature_constant(sl, {Prop::FillColor, Prop::FillOpacity,
                                                                           Prop::FillOutlineColor, Prop::FillPattern})) {
            FillPaint paint = evaluate_fill(sl, ctx, pc);
            paint.pattern = pattern_of(sl, ctx, "");
            if (!paint.outline || paint.pattern) {
                const std::vector<std::uint8_t> member = accepted_polygons();
                const Geometry merged = layers.dissolved(*data, view.extent, tolerance, member, drawn);
                add_path(cr, merged, at, true, grid);
                fill_current_path(cr, paint, hairline, CAIRO_FILL_RULE_WINDING);
                record_lines(lines_drawn, merged, at, fill_edge_weight(paint, true));
                if (paint.visible()) result.land.add(merged, at);
                if (profiling())
                    fmt::print(stderr, "stage render {} layer {} (dissolved, {} vertices) {:.3f} s\n",
                               raster ? "raster" : "vector", sl.id, merged.points.size(), since(layer_start));
                continue;
            }
        }
        const std::vector<Geometry>* simple = generalise ? layers.generalised(*data, view.extent, tolerance, drawn) : nullptr;
        // The features the layer draws, in the data's order, or by the layer's sort key (ascending, ties in
        // the data's order): a feature with a higher key is drawn over one with a lower key, and its label
        // is placed after it (the label requests keep the key).
        std::vector<std::size_t> order;
        for (std::size_t fi = 0; fi < data->features.size(); ++fi) {
            const Feature& feature = data->features[fi];
            if (feature.geometry.empty()) continue;
            if (!view.extent.intersects(bounds[fi])) continue;
            if (!accepted[li].empty()) {
                if (accepted[li][fi]) order.push_back(fi);
                continue;
            }
            LayerFeatureView fv(*data, feature);
            ctx.feature = &fv;
            if (sl.accepts(ctx)) order.push_back(fi);
        }
        const std::optional<Prop> sort_key = sort_key_of(sl.type);
        const bool sorted = sort_key && sl.is_set(*sort_key);
        std::vector<double> keys;
        if (sorted) {
            keys.assign(data->features.size(), 0);
            for (std::size_t fi : order) {
                LayerFeatureView fv(*data, data->features[fi]);
                ctx.feature = &fv;
                std::string e;
                keys[fi] = sl.number(*sort_key, ctx, &e);
                note(pc.errors, e);
            }
            std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
        }
        for (std::size_t fi : order) {
            const Feature& feature = data->features[fi];
            LayerFeatureView fv(*data, feature);
            ctx.feature = &fv;
            ++result.features_drawn;
            const Geometry& geometry = simple ? (*simple)[fi] : feature.geometry;
            switch (sl.type) {
                case LayerType::Fill: {
                    if (feature.geometry.type != GeometryType::Polygon || geometry.empty()) break;
                    FillPaint paint = evaluate_fill(sl, ctx, pc);
                    paint.pattern = pattern_of(sl, ctx, feature.id);
                    add_path(cr, geometry, at, true, grid);
                    fill_current_path(cr, paint, hairline);
                    record_lines(lines_drawn, geometry, at, fill_edge_weight(paint, false));
                    if (paint.visible()) result.land.add(geometry, at);
                    break;
                }
                case LayerType::Line: {
                    if (feature.geometry.type == GeometryType::Point || geometry.empty()) break;
                    LinePaint paint = evaluate_line(sl, ctx, pc);
                    const bool polygon = feature.geometry.type == GeometryType::Polygon;
                    // line-offset: the lines moved sideways (a polygon's outline inset), in map units.
                    std::optional<Geometry> moved;
                    if (paint.offset_pt != 0) {
                        if (!geos) geos = std::make_unique<geo::GeosContext>();
                        moved = geo::offset_curve(*geos, geometry, paint.offset_pt / at.scale);
                        if (!moved)
                            note(pc.errors, fmt::format("layer '{}': line-offset of feature {} failed ({}): drawn on its path",
                                                        sl.id, feature.id, geos->last_error()));
                    }
                    const Geometry& drawn_line = moved ? *moved : geometry;
                    add_path(cr, drawn_line, at, polygon, grid);
                    stroke_current_path(cr, paint);
                    record_lines(lines_drawn, drawn_line, at, stroke_weight(paint));
                    break;
                }
                case LayerType::Circle: {
                    if (feature.geometry.type != GeometryType::Point) break;
                    CirclePaint paint = evaluate_circle(sl, ctx, pc);
                    for (const Point& p : feature.geometry.points) {
                        Point c = at.to_page(p);
                        draw_circle(cr, c, paint);
                        result.symbols.push_back({c, paint.radius_pt + paint.stroke_width_pt, feature.id, std::nullopt});
                    }
                    break;
                }
                case LayerType::Symbol: {
                    // Where the symbol goes: at each point of a point feature; for an area or a line, at
                    // one point inside the part of it the frame shows (geo::label_point).
                    std::span<const Point> anchors = feature.geometry.points;
                    Point inside;
                    if (feature.geometry.type != GeometryType::Point) {
                        if (!geos) geos = std::make_unique<geo::GeosContext>();
                        const auto at = geo::label_point(*geos, feature.geometry, view.extent, 0.5 / view.scale);
                        if (!at) break;
                        inside = *at;
                        anchors = std::span<const Point>(&inside, 1);
                    }
                    if (anchors.empty()) break;
                    if (sl.is_set(Prop::IconImage)) {
                        // The icon at each point, drawn now: it is a label obstacle, as circles are.
                        IconPaint paint = evaluate_icon(sl, ctx, pc);
                        if (!paint.name.empty() && paint.size > 0) {
                            auto& icon = icon_by_name[paint.name];
                            if (!icon) icon = load_icon(style, sl, paint.name, feature.id, *icons);
                            for (const Point& p : anchors) {
                                Point c = view.to_page(p);
                                Rect box = icon_box(*icon, paint, c);
                                icon->draw(cr, box, paint.opacity);
                                result.symbols.push_back({c, 0, feature.id, box});
                            }
                        }
                    }
                    std::string e;
                    std::string text = sl.string(Prop::TextField, ctx, &e);
                    note(pc.errors, e);
                    if (text.empty()) break;
                    LabelRequest request;
                    request.style = evaluate_text(sl, ctx, ppu, pc.errors);
                    const std::string transform = sl.string(Prop::TextTransform, ctx, &e);
                    request.text = transform_text(text, transform);
                    // A ["format", …] text: its sections in their sizes, fonts and colours (Pango markup).
                    if (auto sections = ex::format_sections(*sl.expression(Prop::TextField), ctx)) {
                        for (auto& section : *sections) section.text = transform_text(section.text, transform);
                        request.markup = format_markup(*sections, request.style, request.style.opacity);
                        request.style.markup = true;
                    }
                    // The gap between the point and the text: text-radial-offset when the layer sets it (as
                    // MapLibre with variable anchors), else the length of text-offset.
                    double offset_em = 0;
                    if (sl.is_set(Prop::TextRadialOffset)) {
                        offset_em = std::max(0.0, sl.number(Prop::TextRadialOffset, ctx, &e));
                    } else {
                        std::vector<double> offset = sl.numbers(Prop::TextOffset, ctx, &e);
                        offset_em = offset.size() == 2 ? std::hypot(offset[0], offset[1]) : 0;
                    }
                    request.clearance_pt = offset_em * request.style.size_pt;
                    request.preferred = sl.string(Prop::TextAnchor, ctx, &e);
                    if (sl.is_set(Prop::TextVariableAnchor)) request.anchors = sl.strings(Prop::TextVariableAnchor, ctx, &e);
                    note(pc.errors, e);
                    request.layer_id = sl.id;
                    request.feature_id = feature.id;
                    if (sorted) request.sort_key = keys[fi];
                    request.anchor = view.to_page(anchors.front());
                    result.labels.push_back(std::move(request));
                    break;
                }
                case LayerType::Background: break;
            }
        }
        if (profiling())
            fmt::print(stderr, "stage render {} layer {} {:.3f} s\n", raster ? "raster" : "vector", sl.id,
                       since(layer_start));
    }
    if (result.lines) result.lines->finish();
    if (profiling()) fmt::print(stderr, "stage render {} map {:.3f} s\n", raster ? "raster" : "vector", since(start));
    return result;
}

}  // namespace cartelier::render
