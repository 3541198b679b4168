#include "render/map_renderer.hpp"

#include <cmath>

#include <fmt/format.h>
#include <glib.h>

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

}  // namespace

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

MapDrawResult draw_map(cairo_t* cr, const style::Style& style, const LayerSet& layers, const View& view, double zoom) {
    MapDrawResult result;
    const double ppu = style::points_per_unit(style.units);
    PaintContext pc{ppu, &result.evaluation_errors};
    SavedState saved(cr);
    cairo_rectangle(cr, view.frame.x, view.frame.y, view.frame.w, view.frame.h);
    cairo_clip(cr);
    const double hairline = 0.25;

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
        for (const auto& feature : data->features) {
            if (feature.geometry.empty()) continue;
            if (!view.extent.intersects(feature.geometry.bounds())) continue;
            LayerFeatureView fv(*data, feature);
            ctx.feature = &fv;
            if (!sl.accepts(ctx)) continue;
            ++result.features_drawn;
            switch (sl.type) {
                case LayerType::Fill: {
                    if (feature.geometry.type != GeometryType::Polygon) break;
                    FillPaint paint = evaluate_fill(sl, ctx, pc);
                    add_path(cr, feature.geometry, view, true);
                    fill_current_path(cr, paint, hairline);
                    break;
                }
                case LayerType::Line: {
                    if (feature.geometry.type == GeometryType::Point) break;
                    LinePaint paint = evaluate_line(sl, ctx, pc);
                    add_path(cr, feature.geometry, view, feature.geometry.type == GeometryType::Polygon);
                    stroke_current_path(cr, paint);
                    break;
                }
                case LayerType::Circle: {
                    if (feature.geometry.type != GeometryType::Point) break;
                    CirclePaint paint = evaluate_circle(sl, ctx, pc);
                    for (const Point& p : feature.geometry.points) {
                        Point c = view.to_page(p);
                        draw_circle(cr, c, paint);
                        result.symbols.push_back({c, paint.radius_pt + paint.stroke_width_pt, feature.id});
                    }
                    break;
                }
                case LayerType::Symbol: {
                    if (feature.geometry.type != GeometryType::Point) break;
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
    }
    return result;
}

}  // namespace cartelier::render
