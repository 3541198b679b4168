#include "layout/legend.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/document.hpp"
#include "layout/look.hpp"
#include "render/feature_view.hpp"
#include "render/symbolizers.hpp"
#include "render/text.hpp"

namespace cartelier::layout {

using render::Rect;
using style::LayerType;
using style::Prop;
namespace ex = style::expr;

namespace {

constexpr double kPadding = 6;
constexpr double kSwatchW = 18;
constexpr double kRowH = 13;
constexpr double kGap = 5;

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

const style::PageStyle& page_of(const LegendLook& look) {
    static const style::PageStyle defaults;
    return look.style ? look.style->page : defaults;
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

Rect measure_legend(cairo_t* cr, const std::vector<LegendSection>& sections, const std::string& title,
                    const LegendLook& look) {
    const style::PageStyle& page = page_of(look);
    const std::string& font = look.font;
    double w = 0, h = kPadding;
    if (!title.empty()) {
        render::TextBlock t(cr, title, element_text(page.legend_title, font));
        w = std::max(w, t.width());
        h += t.height() + 3;
    }
    for (const auto& s : sections) {
        if (!s.title.empty()) {
            render::TextBlock t(cr, s.title, element_text(page.legend_heading, font));
            w = std::max(w, t.width());
            h += t.height() + 1;
        }
        for (const auto& e : s.entries) {
            render::TextBlock t(cr, e.label, element_text(page.legend_label, font));
            w = std::max(w, kSwatchW + kGap + t.width());
            h += std::max(kRowH, t.height() + 2);
        }
        h += 3;
    }
    return Rect{0, 0, w + 2 * kPadding, h + kPadding - 3};
}

void draw_legend(cairo_t* cr, const std::vector<LegendSection>& sections, const std::string& title,
                 const LegendLook& look, const Rect& box, double zoom, double ppu) {
    const style::PageStyle& page = page_of(look);
    const std::string& font = look.font;
    std::optional<render::IconCache> own_icons;
    render::IconCache* icons = look.icons ? look.icons : &own_icons.emplace();
    render::SavedState saved(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    set_source(cr, page.legend.background_color, page.legend.background_opacity);
    cairo_fill_preserve(cr);
    set_source(cr, page.legend.line_color);
    cairo_set_line_width(cr, page.legend.line_width_pt);
    cairo_stroke(cr);

    double x = box.x + kPadding, y = box.y + kPadding;
    if (!title.empty()) {
        render::TextBlock t(cr, title, element_text(page.legend_title, font));
        t.draw(cr, x, y);
        y += t.height() + 3;
    }
    std::vector<std::string> ignored;
    render::PaintContext pc{ppu, &ignored};
    for (const auto& s : sections) {
        if (!s.title.empty()) {
            render::TextBlock t(cr, s.title, element_text(page.legend_heading, font));
            t.draw(cr, x, y);
            y += t.height() + 1;
        }
        for (const auto& e : s.entries) {
            render::TextBlock t(cr, e.label, element_text(page.legend_label, font));
            double row = std::max(kRowH, t.height() + 2);
            double cy = y + row / 2;
            std::optional<render::LayerFeatureView> real;
            std::optional<render::SyntheticFeatureView> synthetic;
            const ex::FeatureView* fv = nullptr;
            if (e.feature) fv = &real.emplace(*e.data, *e.feature);
            else if (e.synthetic) fv = &synthetic.emplace(*e.synthetic, "Point");
            ex::EvaluationContext ctx{zoom, fv};
            const Rect swatch{x, cy - 4.5, kSwatchW, 9};
            switch (e.layer->type) {
                case LayerType::Circle:
                    render::draw_circle(cr, {x + kSwatchW / 2, cy}, render::evaluate_circle(*e.layer, ctx, pc));
                    break;
                case LayerType::Line: {
                    render::LinePaint paint = render::evaluate_line(*e.layer, ctx, pc);
                    cairo_move_to(cr, swatch.x, cy);
                    cairo_line_to(cr, swatch.right(), cy);
                    render::stroke_current_path(cr, paint);
                    break;
                }
                case LayerType::Fill: {
                    render::FillPaint paint = render::evaluate_fill(*e.layer, ctx, pc);
                    cairo_rectangle(cr, swatch.x, swatch.y, swatch.w, swatch.h);
                    render::fill_current_path(cr, paint, 0.25);
                    if (!paint.outline) {
                        cairo_rectangle(cr, swatch.x, swatch.y, swatch.w, swatch.h);
                        set_source(cr, page.legend_swatch.line_color);
                        cairo_set_line_width(cr, page.legend_swatch.line_width_pt);
                        cairo_stroke(cr);
                    }
                    break;
                }
                case LayerType::Symbol: {
                    // The feature's icon as the map draws it (size, opacity), centred in the swatch and
                    // scaled down to the row when it is larger.
                    if (!e.layer->is_set(Prop::IconImage) || !look.style) break;
                    render::IconPaint paint = render::evaluate_icon(*e.layer, ctx, pc);
                    if (paint.name.empty() || paint.size <= 0) break;
                    auto icon = render::load_icon(*look.style, *e.layer, paint.name,
                                                  e.feature ? e.feature->id : std::string(), *icons);
                    double w = icon->width_pt() * paint.size, h = icon->height_pt() * paint.size;
                    const double fit = std::min({1.0, kSwatchW / w, (row - 1) / h});
                    w *= fit;
                    h *= fit;
                    icon->draw(cr, Rect{x + (kSwatchW - w) / 2, cy - h / 2, w, h}, paint.opacity);
                    break;
                }
                default: break;
            }
            t.draw(cr, x + kSwatchW + kGap, cy - t.height() / 2);
            y += row;
        }
        y += 3;
    }
}

}  // namespace cartelier::layout
