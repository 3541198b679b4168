#include "render/labels.hpp"

#include <optional>

#include "render/symbolizers.hpp"
#include "render/text.hpp"

namespace cartelier::render {

using layout::LabelStatus;

void draw_labels(cairo_t* cr, const std::vector<layout::PlacedLabel>& labels, bool opaque, TextLayouts* texts) {
    for (const auto& l : labels) {
        if (!l.leader) continue;
        SavedState saved(cr);
        // A white casing under the thin leader keeps it legible across boundaries.
        cairo_move_to(cr, l.leader->first.x, l.leader->first.y);
        cairo_line_to(cr, l.leader->second.x, l.leader->second.y);
        cairo_set_source_rgba(cr, 1, 1, 1, opaque ? 1 : 0.8);
        cairo_set_line_width(cr, 1.2);
        cairo_stroke_preserve(cr);
        set_source(cr, l.request.style.color, opaque ? 1 : 0.85);
        cairo_set_line_width(cr, 0.45);
        cairo_stroke(cr);
    }
    std::optional<TextLayouts> own;
    TextLayouts& layouts = texts ? *texts : own.emplace(cr);
    for (const auto& l : labels) {
        if (l.status == LabelStatus::Unplaced) continue;
        if (l.status == LabelStatus::Numbered) {
            if (l.number_text) draw_text(cr, *l.number_text);
            continue;
        }
        const TextBlock block(layouts, l.request.shaped(), l.request.style);
        const double halo = l.request.style.halo_width_pt;
        block.draw(cr, l.box.x + halo, l.box.y + halo);
    }
}

void draw_numbered_list(cairo_t* cr, const layout::NumberedList& list, const style::ElementLook& look) {
    SavedState saved(cr);
    const layout::Rect& b = list.box;
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    set_source(cr, look.background_color, look.background_opacity);
    cairo_fill_preserve(cr);
    set_source(cr, look.line_color, 1);
    cairo_set_line_width(cr, look.line_width_pt);
    cairo_stroke(cr);
    for (const auto& row : list.rows) draw_text(cr, row);
}

}  // namespace cartelier::render
