#include "layout/scale_bar.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "layout/look.hpp"
#include "render/text.hpp"

namespace cartelier::layout {

using render::Rect;

namespace {

constexpr double kPad = 4;
constexpr double kBarH = 3;

std::string number_label(double v) {
    if (v == std::floor(v)) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{:.1f}", v);
}

}  // namespace

ScaleBar choose_scale_bar(const render::View& view, double max_width_pt) {
    ScaleBar bar;
    // Page points per ground metre at the centre: map units (m) × scale factor × points per unit.
    const double pt_per_ground_m = view.scale * view.scale_factor;
    const double max_m = max_width_pt / pt_per_ground_m;
    const double magnitude = std::pow(10.0, std::floor(std::log10(max_m)));
    for (double f : {5.0, 2.0, 1.0}) {
        if (f * magnitude <= max_m) {
            bar.length_m = f * magnitude;
            break;
        }
    }
    if (bar.length_m == 0) bar.length_m = magnitude;
    bar.length_pt = bar.length_m * pt_per_ground_m;
    bar.unit = bar.length_m >= 1000 ? "km" : "m";
    bar.unit_m = bar.length_m >= 1000 ? 1000 : 1;
    bar.segments = 2;
    return bar;
}

std::string format_scale(double denominator) {
    if (denominator <= 0) return "1:?";
    double magnitude = std::pow(10.0, std::floor(std::log10(denominator)) - 2);
    auto rounded = static_cast<long long>(std::llround(denominator / magnitude) * magnitude);
    std::string digits = fmt::format("{}", rounded), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u202F";  // narrow no-break space, French style
        out += digits[i];
    }
    return "1:" + out;
}

std::string scale_caption(const render::View& view, bool compact) {
    return compact ? format_scale(view.scale_denominator()) : "Échelle " + format_scale(view.scale_denominator()) + " au centre";
}

Rect measure_scale_bar(cairo_t* cr, const ScaleBar& bar, const render::View& view, const style::ElementLook& look,
                       const std::string& font, bool compact) {
    const render::TextStyle text = element_text(look, font);
    render::TextBlock top(cr, "0", text);
    render::TextBlock last(cr, number_label(bar.length_m / bar.unit_m) + " " + bar.unit, text);
    render::TextBlock scale(cr, scale_caption(view, compact), text);
    double w = std::max(bar.length_pt + last.width() / 2 + top.width() / 2, scale.width());
    double h = top.height() + 1 + kBarH + 2 + scale.height();
    return Rect{0, 0, w + 2 * kPad, h + 2 * kPad};
}

void draw_scale_bar(cairo_t* cr, const ScaleBar& bar, const render::View& view, const style::ElementLook& look,
                    const std::string& font, const Rect& box, bool compact) {
    const render::TextStyle text = element_text(look, font);
    render::SavedState saved(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    set_source(cr, look.background_color, look.background_opacity);
    cairo_fill(cr);

    render::TextBlock zero(cr, "0", text);
    const double x0 = box.x + kPad + zero.width() / 2;
    const double label_y = box.y + kPad;
    const double bar_y = label_y + zero.height() + 1;
    const double seg = bar.length_pt / bar.segments;
    for (int i = 0; i <= bar.segments; ++i) {
        double value = bar.length_m / bar.segments * i / bar.unit_m;
        std::string label = number_label(value) + (i == bar.segments ? " " + bar.unit : "");
        render::TextBlock t(cr, label, text);
        double anchor = x0 + seg * i;
        double tx = i == bar.segments ? anchor - render::TextBlock(cr, number_label(value), text).width() / 2
                                      : anchor - t.width() / 2;
        t.draw(cr, tx, label_y);
    }
    for (int i = 0; i < bar.segments; ++i) {
        cairo_rectangle(cr, x0 + seg * i, bar_y, seg, kBarH);
        if (i % 2 == 0) set_source(cr, look.line_color);
        else set_source(cr, look.background_color);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x0, bar_y, bar.length_pt, kBarH);
    set_source(cr, look.line_color);
    cairo_set_line_width(cr, look.line_width_pt);
    cairo_stroke(cr);
    render::TextBlock scale(cr, scale_caption(view, compact), text);
    scale.draw(cr, box.x + kPad, bar_y + kBarH + 2);
}

}  // namespace cartelier::layout
