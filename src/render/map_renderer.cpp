#include "render/map_renderer.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <glib.h>

#include "geo/coverage.hpp"
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

void note(std::vector<std::string>* errors, const std::string& e) {
    if (!e.empty() && errors && errors->size() < 50) errors->push_back(e);
}

bool profiling() {
    static const bool on = [] {
        const char* v = std::getenv("CARTELIER_PROFILE");
        return v && *v && std::strcmp(v, "0") != 0;
    }();
    return on;
}

double since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

struct LayerSet::Prepared {
    std::vector<Box> bounds;
    std::once_flag coverage_once;
    std::unique_ptr<geo::Coverage> coverage;  ///< null when the layer has no polygons
    std::map<double, std::vector<Geometry>> generalised;  ///< by tolerance
    std::map<double, Geometry> arcs;                       ///< by tolerance
    bool all_polygons = true;
};

LayerSet::LayerSet() = default;
LayerSet::~LayerSet() = default;

LayerSet::Prepared& LayerSet::prepared(const Layer& layer) const {
    std::lock_guard lock(mutex_);
    auto& slot = prepared_[&layer];
    if (!slot) {
        slot = std::make_unique<Prepared>();
        slot->bounds.reserve(layer.features.size());
        for (const auto& f : layer.features) slot->bounds.push_back(f.geometry.bounds());
    }
    return *slot;
}

const std::vector<Box>& LayerSet::bounds(const Layer& layer) const { return prepared(layer).bounds; }

const std::vector<Geometry>* LayerSet::generalised(const Layer& layer, double tolerance) const {
    Prepared& p = prepared(layer);
    std::call_once(p.coverage_once, [&] {
        bool polygons = false;
        for (const auto& f : layer.features) {
            polygons = polygons || f.geometry.type == GeometryType::Polygon;
            if (!f.geometry.empty() && f.geometry.type != GeometryType::Polygon) p.all_polygons = false;
        }
        if (!polygons) return;
        auto start = std::chrono::steady_clock::now();
        std::vector<const Geometry*> geometries;
        geometries.reserve(layer.features.size());
        for (const auto& f : layer.features) geometries.push_back(&f.geometry);
        p.coverage = std::make_unique<geo::Coverage>(geometries);
        if (profiling())
            fmt::print(stderr, "stage prepare arcs {} {:.3f} s ({} vertices, {} arcs of {} vertices)\n", layer.name,
                       since(start), p.coverage->input_vertices(), p.coverage->arc_count(),
                       p.coverage->arc_vertices());
    });
    if (!p.coverage) return nullptr;
    std::lock_guard lock(mutex_);
    auto it = p.generalised.find(tolerance);
    if (it == p.generalised.end()) {
        auto start = std::chrono::steady_clock::now();
        it = p.generalised.emplace(tolerance, p.coverage->simplify(tolerance)).first;
        if (profiling()) {
            std::size_t kept = 0;
            for (const auto& g : it->second) kept += g.points.size();
            fmt::print(stderr, "stage prepare simplify {} tolerance {:.3g} {:.3f} s ({} vertices kept)\n",
                       layer.name, tolerance, since(start), kept);
        }
    }
    return &it->second;
}

const Geometry* LayerSet::arcs(const Layer& layer, double tolerance) const {
    if (!generalised(layer, tolerance)) return nullptr;  // builds the coverage
    Prepared& p = prepared(layer);
    if (!p.all_polygons) return nullptr;
    std::lock_guard lock(mutex_);
    auto it = p.arcs.find(tolerance);
    if (it == p.arcs.end()) it = p.arcs.emplace(tolerance, p.coverage->simplified_arcs(tolerance)).first;
    return &it->second;
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
    return g;
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
                       IconCache* icons) {
    MapDrawResult result;
    std::optional<IconCache> own_icons;
    if (!icons) icons = &own_icons.emplace();
    std::map<std::string, std::shared_ptr<const Icon>> icon_by_name;  // names resolved once per call
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
    const double tolerance_pt = raster ? settings.raster_pixels / device_scale : settings.vector_points;
    const double tolerance = settings.enabled && view.scale > 0 ? tolerance_pt / view.scale : 0;
    const double grid = settings.enabled && !raster ? settings.vector_grid_points : 0;

    for (const auto& sl : style.layers) {
        if (!sl.visible() || !sl.in_zoom_range(zoom)) continue;
        ex::EvaluationContext ctx{zoom, nullptr};
        if (sl.type == LayerType::Background) {
            std::string e;
            style::Color c = sl.color(Prop::BackgroundColor, ctx, &e);
            double o = sl.number(Prop::BackgroundOpacity, ctx, &e);
            note(pc.errors, e);
            set_source(cr, c, o);
            cairo_paint(cr);
            continue;
        }
        const Layer* data = layers.find(sl.source_layer);
        if (!data) continue;  // the build checks source layers before rendering
        const auto layer_start = std::chrono::steady_clock::now();
        const std::vector<Box>& bounds = layers.bounds(*data);
        const std::vector<Geometry>* simple = nullptr;
        if (tolerance > 0 && (sl.type == LayerType::Fill || sl.type == LayerType::Line))
            simple = layers.generalised(*data, tolerance);
        // A line layer over polygons whose paint is the same for every feature, opaque and plain:
        // each border is stroked once, as an arc of the coverage, rather than once per neighbour.
        if (simple && sl.type == LayerType::Line && !sl.filter) {
            auto constant = [&](Prop p) {
                const auto* e = sl.expression(p);
                return !e || e->is_feature_constant();
            };
            bool uniform = true;
            for (Prop p : {Prop::LineColor, Prop::LineWidth, Prop::LineOpacity, Prop::LineOffset, Prop::LineDasharray,
                           Prop::LineJoin, Prop::LineCap})
                uniform = uniform && constant(p);
            const Geometry* arcs = uniform ? layers.arcs(*data, tolerance) : nullptr;
            if (arcs) {
                LinePaint paint = evaluate_line(sl, ctx, pc);
                if (paint.opacity >= 1 && paint.color.a >= 1 && paint.dash_pt.empty() && paint.offset_pt == 0) {
                    for (const auto& f : data->features) result.features_drawn += f.geometry.empty() ? 0 : 1;
                    // In batches: Cairo strokes many small paths faster than one huge one.
                    constexpr std::size_t batch = 64;
                    for (std::size_t r = 0; r < arcs->ring_count(); r += batch) {
                        add_rings(cr, *arcs, view, false, grid, r, r + batch);
                        stroke_current_path(cr, paint);
                    }
                    if (profiling())
                        fmt::print(stderr, "stage render {} layer {} (arcs once) {:.3f} s\n",
                                   raster ? "raster" : "vector", sl.id, since(layer_start));
                    continue;
                }
            }
        }
        for (std::size_t fi = 0; fi < data->features.size(); ++fi) {
            const Feature& feature = data->features[fi];
            if (feature.geometry.empty()) continue;
            if (!view.extent.intersects(bounds[fi])) continue;
            LayerFeatureView fv(*data, feature);
            ctx.feature = &fv;
            if (!sl.accepts(ctx)) continue;
            ++result.features_drawn;
            const Geometry& geometry = simple ? (*simple)[fi] : feature.geometry;
            switch (sl.type) {
                case LayerType::Fill: {
                    if (feature.geometry.type != GeometryType::Polygon || geometry.empty()) break;
                    FillPaint paint = evaluate_fill(sl, ctx, pc);
                    add_path(cr, geometry, view, true, grid);
                    fill_current_path(cr, paint, hairline);
                    break;
                }
                case LayerType::Line: {
                    if (feature.geometry.type == GeometryType::Point || geometry.empty()) break;
                    LinePaint paint = evaluate_line(sl, ctx, pc);
                    add_path(cr, geometry, view, feature.geometry.type == GeometryType::Polygon, grid);
                    stroke_current_path(cr, paint);
                    break;
                }
                case LayerType::Circle: {
                    if (feature.geometry.type != GeometryType::Point) break;
                    CirclePaint paint = evaluate_circle(sl, ctx, pc);
                    for (const Point& p : feature.geometry.points) {
                        Point c = view.to_page(p);
                        draw_circle(cr, c, paint);
                        result.symbols.push_back({c, paint.radius_pt + paint.stroke_width_pt, feature.id, std::nullopt});
                    }
                    break;
                }
                case LayerType::Symbol: {
                    if (feature.geometry.type != GeometryType::Point) break;
                    if (sl.is_set(Prop::IconImage)) {
                        // The icon at each point, drawn now: it is a label obstacle, as circles are.
                        IconPaint paint = evaluate_icon(sl, ctx, pc);
                        if (!paint.name.empty() && paint.size > 0) {
                            auto& icon = icon_by_name[paint.name];
                            if (!icon) icon = load_icon(style, sl, paint.name, feature.id, *icons);
                            for (const Point& p : feature.geometry.points) {
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
                    request.text = transform_text(text, sl.string(Prop::TextTransform, ctx, &e));
                    std::vector<double> offset = sl.numbers(Prop::TextOffset, ctx, &e);
                    double offset_em = offset.size() == 2 ? std::hypot(offset[0], offset[1]) : 0;
                    request.clearance_pt = offset_em * request.style.size_pt;
                    request.preferred = sl.string(Prop::TextAnchor, ctx, &e);
                    note(pc.errors, e);
                    request.layer_id = sl.id;
                    request.feature_id = feature.id;
                    request.anchor = view.to_page(feature.geometry.points.front());
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
    if (profiling()) fmt::print(stderr, "stage render {} map {:.3f} s\n", raster ? "raster" : "vector", since(start));
    return result;
}

}  // namespace cartelier::render
