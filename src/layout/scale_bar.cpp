#include "layout/scale_bar.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "layout/look.hpp"

namespace cartelier::layout {


namespace {

constexpr double kPad = 4;
/// An inset's compact bar sits flush with its frame: 3 pt keeps its text 1 mm from the frame.
constexpr double kCompactPad = 3;
constexpr double kBarH = 3;

std::string number_label(double v) {
    if (v == std::floor(v)) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{:.1f}", v);
}

}  // namespace

ScaleBar choose_scale_bar(const View& view, double max_width_pt) {
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

std::string scale_caption(const View& view, bool compact) {
    return compact ? format_scale(view.scale_denominator()) : "Échelle " + format_scale(view.scale_denominator()) + " au centre";
}

bool scale_bar_legible(const TextMeasurer& measure, const ScaleBar& bar, const style::ElementLook& look,
                       const std::string& font) {
    const TextStyle text = element_text(look, font);
    const double segment = bar.length_pt / bar.segments;
    double previous = 0;  // half the width of the previous number
    for (int i = 0; i <= bar.segments; ++i) {
        const double half = measure.measure(number_label(bar.length_m / bar.segments * i / bar.unit_m), text).width / 2;
        if (i > 0 && previous + half + 2 > segment) return false;
        previous = half;
    }
    return true;
}

Rect measure_scale_bar(const TextMeasurer& measure, const ScaleBar& bar, const View& view,
                       const style::ElementLook& look, const std::string& font, bool compact) {
    const TextStyle text = element_text(look, font);
    const TextMetrics top = measure.measure("0", text);
    const std::string last_number = number_label(bar.length_m / bar.unit_m);
    const TextMetrics last = measure.measure(last_number + " " + bar.unit, text);
    const TextMetrics scale = measure.measure(scale_caption(view, compact), text);
    // The last number is centred on its tick and the unit hangs to its right (plan_scale_bar): the box
    // holds the whole "20 km", its padding on both sides.
    const double tail = last.width - measure.measure(last_number, text).width / 2;
    double w = std::max(top.width / 2 + bar.length_pt + tail, scale.width);
    double h = top.height + 1 + kBarH + 2 + scale.height;
    const double pad = compact ? kCompactPad : kPad;
    return Rect{0, 0, w + 2 * pad, h + 2 * pad};
}

ScaleBarPlan plan_scale_bar(const TextMeasurer& measure, const ScaleBar& bar, const View& view,
                            const style::ElementLook& look, const std::string& font, const Rect& box,
                            bool compact) {
    const TextStyle text = element_text(look, font);
    ScaleBarPlan plan{bar, box, {}, {}, {}, look};
    const TextMetrics zero = measure.measure("0", text);
    const double pad = compact ? kCompactPad : kPad;
    const double x0 = box.x + pad + zero.width / 2;
    const double label_y = box.y + pad;
    const double bar_y = label_y + zero.height + 1;
    const double seg = bar.length_pt / bar.segments;
    for (int i = 0; i <= bar.segments; ++i) {
        double value = bar.length_m / bar.segments * i / bar.unit_m;
        std::string label = number_label(value) + (i == bar.segments ? " " + bar.unit : "");
        const TextMetrics t = measure.measure(label, text);
        double anchor = x0 + seg * i;
        // The unit hangs to the right of the last number, which is centred on its tick as the others.
        double tx = i == bar.segments ? anchor - measure.measure(number_label(value), text).width / 2
                                      : anchor - t.width / 2;
        plan.ticks.push_back({std::move(label), text, {tx, label_y}, t});
    }
    plan.bar_rect = Rect{x0, bar_y, bar.length_pt, kBarH};
    std::string caption = scale_caption(view, compact);
    const TextMetrics size = measure.measure(caption, text);
    plan.caption = {std::move(caption), text, {box.x + pad, bar_y + kBarH + 2}, size};
    return plan;
}

}  // namespace cartelier::layout
