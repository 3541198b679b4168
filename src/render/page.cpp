#include "render/page.hpp"

#include <map>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "layout/look.hpp"
#include "render/labels.hpp"
#include "render/legend.hpp"
#include "render/picture.hpp"
#include "render/symbolizers.hpp"
#include "render/symbolizers.hpp"
#include "render/text.hpp"

namespace cartelier::render {

namespace {

constexpr double kPi = 3.14159265358979323846;

/// A north arrow: a split arrowhead with an N, turned by `deg` clockwise around the box centre; one half
/// in the light colour (background-color), the other and the outline in the dark one (line-color).
void draw_north_arrow(cairo_t* cr, const Rect& box, double deg, const style::ElementLook& look, const std::string& font) {
    SavedState saved(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    set_source(cr, look.background_color, look.background_opacity);
    cairo_fill(cr);
    const double cx = box.x + box.w / 2, cy = box.y + box.h / 2 + 2;
    const double len = box.h * 0.36, half = box.w * 0.17;
    cairo_translate(cr, cx, cy);
    cairo_rotate(cr, deg * kPi / 180.0);
    cairo_move_to(cr, 0, -len);
    cairo_line_to(cr, half, len * 0.75);
    cairo_line_to(cr, 0, len * 0.4);
    cairo_close_path(cr);
    set_source(cr, look.background_color, 1);
    cairo_fill_preserve(cr);
    set_source(cr, look.line_color, 1);
    cairo_set_line_width(cr, look.line_width_pt);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);
    cairo_move_to(cr, 0, -len);
    cairo_line_to(cr, -half, len * 0.75);
    cairo_line_to(cr, 0, len * 0.4);
    cairo_close_path(cr);
    cairo_fill_preserve(cr);
    cairo_stroke(cr);
    TextBlock n(cr, "N", layout::element_text(look, font));
    n.draw(cr, -n.width() / 2, -len - n.height() - 0.5);
}

/// A planned scale bar: its box, the numbers, the segments (dark and light in turn), the outline and
/// the caption.
void draw_scale_bar(cairo_t* cr, const layout::ScaleBarPlan& plan) {
    const style::ElementLook& look = plan.look;
    const Rect& box = plan.box;
    SavedState saved(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    set_source(cr, look.background_color, look.background_opacity);
    cairo_fill(cr);
    for (const auto& t : plan.ticks) draw_text(cr, t);
    const Rect& bar = plan.bar_rect;
    const double seg = plan.bar.length_pt / plan.bar.segments;
    for (int i = 0; i < plan.bar.segments; ++i) {
        cairo_rectangle(cr, bar.x + seg * i, bar.y, seg, bar.h);
        set_source(cr, i % 2 == 0 ? look.line_color : look.background_color, 1);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, bar.x, bar.y, bar.w, bar.h);
    set_source(cr, look.line_color, 1);
    cairo_set_line_width(cr, look.line_width_pt);
    cairo_stroke(cr);
    draw_text(cr, plan.caption);
}

void stroke_frame(cairo_t* cr, const Rect& r, const style::ElementLook& look) {
    SavedState saved(cr);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    set_source(cr, look.line_color, 1);
    cairo_set_line_width(cr, look.line_width_pt);
    cairo_stroke(cr);
}

void clip_to(cairo_t* cr, const Rect& r) {
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_clip(cr);
}

}  // namespace

void draw_page(cairo_t* cr, const layout::PagePlan& plan, const style::Style& style, const Picture* logo,
               IconCache* icons, TextLayouts* texts) {
    const style::PageStyle& page = style.page;
    const layout::FramePlan& main = plan.frames.front();
    const Rect& frame = main.view.frame;
    for (const Rect& box : plan.zoom_boxes) {
        SavedState saved(cr);
        clip_to(cr, frame);
        cairo_rectangle(cr, box.x, box.y, box.w, box.h);
        set_source(cr, page.zoom_box.line_color, 1);
        cairo_set_line_width(cr, page.zoom_box.line_width_pt);
        cairo_stroke(cr);
    }
    for (const auto& mark : plan.zoom_marks) {
        SavedState saved(cr);
        cairo_rectangle(cr, mark.box.x, mark.box.y, mark.box.w, mark.box.h);
        set_source(cr, page.zoom_box.background_color, page.zoom_box.background_opacity);
        cairo_fill_preserve(cr);
        set_source(cr, page.zoom_box.line_color, 1);
        cairo_set_line_width(cr, page.zoom_box.line_width_pt);
        cairo_stroke(cr);
        draw_text(cr, mark.letter);
    }
    for (const auto& group : plan.labels) {
        SavedState saved(cr);
        clip_to(cr, plan.frames[group.frame].view.frame);
        draw_labels(cr, group.labels, page.opaque, texts);
    }
    for (const auto& group : plan.labels)
        if (group.list) draw_numbered_list(cr, *group.list, page.legend);
    if (plan.legend)
        draw_legend(cr, *plan.legend, style, icons, main.zoom, style::points_per_unit(style.units));
    if (plan.scale_bar) draw_scale_bar(cr, *plan.scale_bar);
    if (plan.north_arrow) draw_north_arrow(cr, plan.north_arrow->box, plan.north_arrow->deg, page.north_arrow, plan.font);
    for (std::size_t i = 0; i < plan.inset_decorations.size(); ++i) {
        const auto& d = plan.inset_decorations[i];
        {
            SavedState saved(cr);
            cairo_rectangle(cr, d.name_box.x, d.name_box.y, d.name_box.w, d.name_box.h);
            set_source(cr, page.inset_name.background_color, page.inset_name.background_opacity);
            cairo_fill(cr);
            draw_text(cr, d.name);
            draw_scale_bar(cr, d.scale_bar);
        }
        stroke_frame(cr, plan.frames[i + 1].view.frame, page.inset_frame);
    }
    if (plan.logo) {
        if (!logo) throw std::invalid_argument("draw_page: the plan has a logo but no picture was given");
        logo->draw(cr, *plan.logo);
    }
    stroke_frame(cr, frame, page.frame);
    if (plan.title) draw_text(cr, *plan.title);
    if (plan.subtitle) draw_text(cr, *plan.subtitle);
    if (plan.credits) draw_text(cr, *plan.credits);
}

PageReport compose_page(cairo_t* cr, const layout::PageLayout& layout, const MapContent& content) {
    const style::Style& style = *content.style;
    std::optional<IconCache> own_icons;
    IconCache* icons = content.icons ? content.icons : &own_icons.emplace();

    layout::PlanInputs inputs;
    inputs.frames = layout::plan_frames(layout, content.crs, content.extent);
    inputs.page = style.page;
    inputs.labels.max_displacement_pt = style.labels.max_displacement_mm * layout::kPointsPerMm;
    inputs.labels.number_unplaced = style.labels.number_overflow;

    // Every frame's map first; labels come later, placed over the whole page at once.
    std::vector<MapDrawResult> maps;
    std::vector<const LayerSet*> frame_layers;
    for (const layout::FramePlan& f : inputs.frames) {
        const LayerSet* layers = content.layers;
        if (f.inset) {
            if (f.inset->crs != content.crs) {
                if (!content.layers_in)
                    throw Error(SourceLocation{},
                                fmt::format("internal error: inset '{}' is in {}, and no layers were prepared in that CRS",
                                            f.inset->name, f.inset->crs));
                layers = &content.layers_in(f.inset->crs);
            }
            // Paper under the inset (inset-frame's background-color), whatever the style paints.
            SavedState saved(cr);
            cairo_rectangle(cr, f.view.frame.x, f.view.frame.y, f.view.frame.w, f.view.frame.h);
            set_source(cr, style.page.inset_frame.background_color, 1);
            cairo_fill(cr);
        }
        // The main map is the first thing drawn on the page; an inset lies over it and its paper.
        const bool on_white = content.white_raster_page && !f.inset;
        maps.push_back(draw_map(cr, style, *layers, f.view, f.zoom, icons, on_white));
        frame_layers.push_back(layers);
    }

    // The legend's content: the main map's, with the categories found only in an inset.
    inputs.legend = build_legend(style, *content.layers, inputs.frames[0].view, inputs.frames[0].zoom);
    for (std::size_t i = 1; i < inputs.frames.size(); ++i)
        layout::merge_legend(inputs.legend,
                             build_legend(style, *frame_layers[i], inputs.frames[i].view, inputs.frames[i].zoom));
    std::optional<Picture> logo;
    if (layout.logo) {
        logo = Picture::load(layout.logo->path);
        inputs.logo_height_for_width = [&](double w) { return logo->height_for_width(w); };
    }
    for (auto& m : maps)
        inputs.content.push_back({std::move(m.labels), std::move(m.symbols), std::move(m.land), std::move(m.lines)});

    PageReport report;
    for (std::size_t i = 0; i < inputs.frames.size(); ++i) {
        const layout::FramePlan& f = inputs.frames[i];
        FrameReport r;
        r.name = f.name();
        r.crs = f.view.crs;
        r.frame = f.view.frame;
        r.view = f.view;
        r.scale_denominator = f.view.scale_denominator();
        r.zoom = f.zoom;
        r.features_drawn = maps[i].features_drawn;
        r.symbols = inputs.content[i].symbols.size();
        report.features_drawn += maps[i].features_drawn;
        for (const auto& e : maps[i].evaluation_errors) note_error(&report.evaluation_errors, e);
        report.frames.push_back(std::move(r));
    }
    report.zoom = inputs.frames[0].zoom;
    report.scale_denominator = inputs.frames[0].view.scale_denominator();

    // The texts measured for the plan keep their layouts, and the labels are drawn from them.
    // A text found in `content.text_metrics` is not shaped for the plan; drawn, it is laid out then. Its
    // metrics are those measured on a surface of the same kind (a PDF's and a PNG's differ slightly) and
    // the same transformation (the dpi of a PNG).
    TextLayouts texts(cr, true);
    const PangoTextMeasurer pango(texts);
    std::optional<layout::MemoTextMeasurer> memo;
    if (content.text_metrics) {
        cairo_matrix_t m;
        cairo_get_matrix(cr, &m);
        memo.emplace(pango, *content.text_metrics,
                     fmt::format("{} {} {} {} {}", static_cast<int>(cairo_surface_get_type(cairo_get_target(cr))), m.xx,
                                 m.yx, m.xy, m.yy));
    }
    const layout::PagePlan plan = memo ? layout::plan_page(layout, std::move(inputs), *memo)
                                       : layout::plan_page(layout, std::move(inputs), pango);
    draw_page(cr, plan, style, logo ? &*logo : nullptr, icons, &texts);

    for (const auto& group : plan.labels)
        for (const auto& l : group.labels) report.labels.push_back(l);
    for (const auto& e : plan.collisions.entries())
        if (e.kind != layout::ObstacleKind::Label && e.kind != layout::ObstacleKind::Leader) report.obstacles.push_back(e);
    report.label_quality = plan.label_quality;
    if (plan.legend) report.legend_entries = plan.legend->entry_count();
    if (plan.north_arrow) report.north_arrow_deg = plan.north_arrow->deg;
    report.furniture = plan.furniture;
    report.land_hidden_mm2 = plan.land_hidden_mm2();
    return report;
}

}  // namespace cartelier::render
