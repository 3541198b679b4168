#include "layout/legend.hpp"

#include <algorithm>

#include "layout/look.hpp"

namespace cartelier::layout {

namespace {

constexpr double kPadding = 6;
constexpr double kSwatchW = 18;
constexpr double kRowH = 13;
constexpr double kGap = 5;

}  // namespace

void merge_legend(std::vector<LegendSection>& sections, std::vector<LegendSection> more) {
    for (auto& s : more) {
        auto same = std::find_if(sections.begin(), sections.end(), [&](const LegendSection& t) { return t.title == s.title; });
        if (same == sections.end()) {
            sections.push_back(std::move(s));
            continue;
        }
        for (auto& e : s.entries)
            if (std::none_of(same->entries.begin(), same->entries.end(),
                             [&](const LegendEntry& x) { return x.label == e.label; }))
                same->entries.push_back(std::move(e));
    }
}

std::size_t LegendPlan::entry_count() const {
    std::size_t n = 0;
    for (const auto& s : sections) n += s.entries.size();
    return n;
}

Rect measure_legend(const TextMeasurer& measure, const std::vector<LegendSection>& sections, const std::string& title,
                    const style::PageStyle& page, const std::string& font) {
    double w = 0, h = kPadding;
    if (!title.empty()) {
        const TextMetrics t = measure.measure(title, element_text(page.legend_title, font));
        w = std::max(w, t.width);
        h += t.height + 3;
    }
    for (const auto& s : sections) {
        if (!s.title.empty()) {
            const TextMetrics t = measure.measure(s.title, element_text(page.legend_heading, font));
            w = std::max(w, t.width);
            h += t.height + 1;
        }
        for (const auto& e : s.entries) {
            const TextMetrics t = measure.measure(e.label, element_text(page.legend_label, font));
            w = std::max(w, kSwatchW + kGap + t.width);
            h += std::max(kRowH, t.height + 2);
        }
        h += 3;
    }
    return Rect{0, 0, w + 2 * kPadding, h + kPadding - 3};
}

LegendPlan plan_legend(const TextMeasurer& measure, std::vector<LegendSection> sections, const std::string& title,
                       const style::PageStyle& page, const std::string& font, const Rect& box) {
    LegendPlan plan;
    plan.sections = std::move(sections);
    plan.box = box;
    double x = box.x + kPadding, y = box.y + kPadding;
    if (!title.empty()) {
        const TextStyle style = element_text(page.legend_title, font);
        const TextMetrics t = measure.measure(title, style);
        plan.title = PlacedText{title, style, {x, y}, t};
        y += t.height + 3;
    }
    for (const auto& s : plan.sections) {
        auto& heading = plan.headings.emplace_back();
        auto& rows = plan.rows.emplace_back();
        if (!s.title.empty()) {
            const TextStyle style = element_text(page.legend_heading, font);
            const TextMetrics t = measure.measure(s.title, style);
            heading = PlacedText{s.title, style, {x, y}, t};
            y += t.height + 1;
        }
        for (const auto& e : s.entries) {
            const TextStyle style = element_text(page.legend_label, font);
            const TextMetrics t = measure.measure(e.label, style);
            double row = std::max(kRowH, t.height + 2);
            double cy = y + row / 2;
            rows.push_back({e, Rect{x, cy - 4.5, kSwatchW, 9}, Point{x + kSwatchW / 2, cy}, row,
                            PlacedText{e.label, style, {x + kSwatchW + kGap, cy - t.height / 2}, t}});
            y += row;
        }
        y += 3;
    }
    return plan;
}

}  // namespace cartelier::layout
