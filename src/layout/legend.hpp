// The legend's content (which entries, under which headings) and its layout on the page. The content
// is read from the style and the data by the renderer (render/legend.hpp, build_legend: it evaluates
// the style over the layers it draws); here it is measured and laid out, row by row.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "layout/text_style.hpp"
#include "layout/view.hpp"
#include "style/style.hpp"

namespace cartelier::layout {

struct LegendEntry {
    std::string label;
    const style::Layer* layer = nullptr;
    const Layer* data = nullptr;        ///< the source layer
    const Feature* feature = nullptr;   ///< a feature of this category (null: synthetic)
    std::optional<style::expr::Object> synthetic;  ///< properties for a category with no feature on the map
};

struct LegendSection {
    std::string title;  ///< empty: entries go under the legend's own title
    std::vector<LegendEntry> entries;
};

/// Adds the entries of `more` missing from `sections` (categories present only in an inset): a
/// section of the same title gains the labels it lacks, a new title is appended.
void merge_legend(std::vector<LegendSection>& sections, std::vector<LegendSection> more);

/// One row of the legend: its swatch (a symbol of the entry's layer, drawn centred in `swatch`, an icon
/// scaled down to `row_h` - 1 when larger) and its label.
struct LegendRow {
    LegendEntry entry;
    Rect swatch;
    Point swatch_centre;
    double row_h = 0;
    PlacedText label;
};

/// The legend laid out: a box (the look's background, outlined), its title, then per section an
/// optional heading and its rows, in drawing order.
struct LegendPlan {
    std::vector<LegendSection> sections;
    Rect box;
    std::optional<PlacedText> title;
    std::vector<std::optional<PlacedText>> headings;  ///< one per section
    std::vector<std::vector<LegendRow>> rows;         ///< one list per section
    std::size_t entry_count() const;
};

/// The legend's size (at the origin), for layout and label obstacles. `page`: the page look (legend,
/// legend-title, legend-heading, legend-label); `font`: the project's page font.
Rect measure_legend(const TextMeasurer& measure, const std::vector<LegendSection>& sections, const std::string& title,
                    const style::PageStyle& page, const std::string& font);
/// The legend laid out with its top-left corner at `box` (as measured). The plan keeps `sections`.
LegendPlan plan_legend(const TextMeasurer& measure, std::vector<LegendSection> sections, const std::string& title,
                       const style::PageStyle& page, const std::string& font, const Rect& box);

}  // namespace cartelier::layout
