#include "render/legend.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/document.hpp"
#include "render/feature_view.hpp"
#include "render/symbolizers.hpp"
#include "render/text.hpp"

namespace cartelier::render {

using style::LayerType;
using style::Prop;
namespace ex = style::expr;

namespace {

std::string value_key(const ex::Value& v) {
    if (auto s = v.as_string()) return *s;
    if (auto d = v.as_number()) {
        if (*d == std::floor(*d) && std::fabs(*d) < 1e15) return fmt::format("{}", static_cast<long long>(*d));
        return fmt::format("{}", *d);
    }
    if (auto b = v.as_bool()) return *b ? "true" : "false";
    return "null";
}

/// The property whose match expression gives a layer's legend categories.
Prop category_property(const style::Layer& l) {
    switch (l.type) {
        case LayerType::Circle: return Prop::CircleColor;
        case LayerType::Line: return Prop::LineColor;
        case LayerType::Symbol:
            return dynamic_cast<const ex::MatchView*>(l.expression(Prop::IconImage)) ? Prop::IconImage : Prop::TextColor;
        default: return Prop::FillColor;
    }
}

/// Features of the layer that pass its filter and lie in the view, in data order.
template <typename Fn>
void for_each_shown(const style::Layer& sl, const Layer& data, const render::View& view, double zoom, Fn&& fn) {
    for (const auto& f : data.features) {
        if (f.geometry.empty() || !view.extent.intersects(f.geometry.bounds())) continue;
        render::LayerFeatureView fv(data, f);
        ex::EvaluationContext ctx{zoom, &fv};
        if (!sl.accepts(ctx)) continue;
        if (!fn(f, ctx)) break;
    }
}

}  // namespace

std::vector<LegendSection> build_legend(const style::Style& style, const render::LayerSet& layers,
                                        const render::View& view, double zoom) {
    std::vector<LegendSection> sections;
    LegendSection plain;  // single entries, under the legend title
    for (auto it = style.layers.rbegin(); it != style.layers.rend(); ++it) {
        const style::Layer& sl = *it;
        if (!sl.legend) continue;
        const style::LegendSpec& md = *sl.legend;
        const Layer* data = layers.find(sl.source_layer);
        if (!sl.visible() || !data) continue;

        if (md.by_category) {
            const ex::Expression* colour = sl.expression(category_property(sl));
            const auto* match = dynamic_cast<const ex::MatchView*>(colour);
            LegendSection section;
            section.title = md.title;
            const bool show_all = md.show_all;
            std::map<std::string, const Feature*> present;
            for_each_shown(sl, *data, view, zoom, [&](const Feature& f, const ex::EvaluationContext& ctx) {
                std::string key;
                if (match) {
                    ex::Result r = match->input().evaluate(ctx);
                    if (!r) return true;
                    key = value_key(*r.value);
                }
                present.emplace(key, &f);
                return true;
            });
            for (const auto& category : md.categories) {
                const std::string& key = category.value;
                LegendEntry entry{category.label, &sl, data, nullptr, std::nullopt};
                if (auto p = present.find(key); p != present.end()) {
                    entry.feature = p->second;
                } else if (show_all && match && match->input().op() == "get" &&
                           !match->input().children().empty()) {
                    ex::Result name = match->input().children().front()->evaluate({zoom, nullptr});
                    if (!name || !name.value->as_string()) continue;
                    entry.synthetic = ex::Object{{*name.value->as_string(), ex::Value(key)}};
                } else {
                    continue;
                }
                section.entries.push_back(std::move(entry));
            }
            if (!section.entries.empty()) sections.push_back(std::move(section));
            continue;
        }
        LegendEntry entry{md.label, &sl, data, nullptr, std::nullopt};
        for_each_shown(sl, *data, view, zoom, [&](const Feature& f, const ex::EvaluationContext&) {
            entry.feature = &f;
            return false;
        });
        if (entry.feature) plain.entries.push_back(std::move(entry));
    }
    // Categories (the map's subject) first, then the plain entries (boundaries, background).
    if (!plain.entries.empty()) sections.push_back(std::move(plain));
    return sections;
}

void draw_legend(cairo_t* cr, const layout::LegendPlan& legend, const style::Style& style, IconCache* icons,
                 double zoom, double ppu) {
    const style::PageStyle& page = style.page;
    std::optional<IconCache> own_icons;
    if (!icons) icons = &own_icons.emplace();
    const Rect& box = legend.box;
    SavedState saved(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    set_source(cr, page.legend.background_color, page.legend.background_opacity);
    cairo_fill_preserve(cr);
    set_source(cr, page.legend.line_color, 1);
    cairo_set_line_width(cr, page.legend.line_width_pt);
    cairo_stroke(cr);

    if (legend.title) draw_text(cr, *legend.title);
    std::vector<std::string> ignored;
    PaintContext pc{ppu, &ignored};
    for (std::size_t s = 0; s < legend.rows.size(); ++s) {
        if (legend.headings[s]) draw_text(cr, *legend.headings[s]);
        for (const auto& r : legend.rows[s]) {
            const LegendEntry& e = r.entry;
            const double x = r.swatch.x, cy = r.swatch_centre.y, row = r.row_h;
            std::optional<LayerFeatureView> real;
            std::optional<SyntheticFeatureView> synthetic;
            const ex::FeatureView* fv = nullptr;
            if (e.feature) fv = &real.emplace(*e.data, *e.feature);
            else if (e.synthetic) fv = &synthetic.emplace(*e.synthetic, "Point");
            ex::EvaluationContext ctx{zoom, fv};
            const Rect& swatch = r.swatch;
            switch (e.layer->type) {
                case LayerType::Circle:
                    draw_circle(cr, r.swatch_centre, evaluate_circle(*e.layer, ctx, pc));
                    break;
                case LayerType::Line: {
                    LinePaint paint = evaluate_line(*e.layer, ctx, pc);
                    cairo_move_to(cr, swatch.x, cy);
                    cairo_line_to(cr, swatch.right(), cy);
                    stroke_current_path(cr, paint);
                    break;
                }
                case LayerType::Fill: {
                    FillPaint paint = evaluate_fill(*e.layer, ctx, pc);
                    // The feature's pattern, as the map fills it.
                    if (e.layer->is_set(Prop::FillPattern))
                        if (const std::string name = e.layer->string(Prop::FillPattern, ctx); !name.empty())
                            paint.pattern = fill_pattern(cr, *load_icon(style, *e.layer, name,
                                                                        e.feature ? e.feature->id : std::string(),
                                                                        *icons, Prop::FillPattern));
                    cairo_rectangle(cr, swatch.x, swatch.y, swatch.w, swatch.h);
                    fill_current_path(cr, paint, 0.25);
                    if (!paint.outline || paint.pattern) {
                        cairo_rectangle(cr, swatch.x, swatch.y, swatch.w, swatch.h);
                        set_source(cr, page.legend_swatch.line_color, 1);
                        cairo_set_line_width(cr, page.legend_swatch.line_width_pt);
                        cairo_stroke(cr);
                    }
                    break;
                }
                case LayerType::Symbol: {
                    // The feature's icon as the map draws it (size, opacity), centred in the swatch and
                    // scaled down to the row when it is larger.
                    if (!e.layer->is_set(Prop::IconImage)) break;
                    IconPaint paint = evaluate_icon(*e.layer, ctx, pc);
                    if (paint.name.empty() || paint.size <= 0) break;
                    auto icon = load_icon(style, *e.layer, paint.name, e.feature ? e.feature->id : std::string(), *icons);
                    double w = icon->width_pt() * paint.size, h = icon->height_pt() * paint.size;
                    const double fit = std::min({1.0, swatch.w / w, (row - 1) / h});
                    w *= fit;
                    h *= fit;
                    icon->draw(cr, Rect{x + (swatch.w - w) / 2, cy - h / 2, w, h}, paint.opacity);
                    break;
                }
                default: break;
            }
            draw_text(cr, r.label);
        }
    }
}

}  // namespace cartelier::render
