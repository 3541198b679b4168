#include "layout/page_layout.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <memory>
#include <unordered_map>

#include "geo/projection.hpp"
#include "layout/legend.hpp"
#include "layout/look.hpp"
#include "layout/scale_bar.hpp"
#include "render/picture.hpp"
#include "render/text.hpp"

namespace cartelier::layout {

using render::Rect;

std::optional<Paper> Paper::named(const std::string& name, const std::string& orientation) {
    std::string n;
    for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Paper p;
    if (n == "a5") p = {210, 148};
    else if (n == "a4") p = {297, 210};
    else if (n == "a3") p = {420, 297};
    else if (n == "a2") p = {594, 420};
    else if (n == "letter") p = {279.4, 215.9};
    else return std::nullopt;
    if (orientation == "portrait") std::swap(p.width_mm, p.height_mm);
    return p;
}

Rect PageLayout::map_area() const {
    const double m = margin_mm * kPointsPerMm;
    const double top = m + title_band_mm * kPointsPerMm;
    const double bottom = m + credits_band_mm * kPointsPerMm;
    return Rect{m, top, width_pt() - 2 * m, height_pt() - top - bottom};
}

InsetFrames PageLayout::frames() const { return arrange_insets(map_area(), insets, inset_band); }

Rect PageLayout::map_frame() const { return frames().main; }

double true_north_deg(const std::string& crs, double lon, double lat) {
    // PROJ's convergence is the angle from true north to grid north, positive clockwise (east of the
    // central meridian of a conformal conic, grid north is east of true north): true north on the page
    // is that angle counter-clockwise from the grid's up.
    return -geo::scale_factors(crs, lon, lat).convergence * 180.0 / 3.14159265358979323846;
}

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kIconGap = 1.5;  ///< points between an icon's box and its label

/// A box of size (w, h) in a corner of `frame`, `inset` points from its edges.
Rect corner(const Rect& frame, const std::string& position, double w, double h, double inset) {
    double x = position.find("right") != std::string::npos ? frame.right() - inset - w : frame.x + inset;
    double y = position.find("bottom") != std::string::npos ? frame.bottom() - inset - h : frame.y + inset;
    return Rect{x, y, w, h};
}

/// Scale factor at the centre of a view and the web zoom there; sets view.scale_factor.
double settle_view(render::View& view) {
    const Point centre{(view.extent.min_x + view.extent.max_x) / 2, (view.extent.min_y + view.extent.max_y) / 2};
    geo::Transformation to_geographic(view.crs, "EPSG:4326");
    const Point ll = to_geographic.transform(centre);
    view.scale_factor = geo::scale_factors(view.crs, ll.x, ll.y).parallel;
    return view.zoom(ll.y);
}

/// The view of an inset: fitted to its frame, or at a fixed scale (1:N, or the main scale magnified).
render::View inset_view(const InsetSpec& inset, const Rect& frame, double main_denominator) {
    const Box extent = inset_extent(inset);
    render::View view = render::View::fit(inset.crs, extent, frame);
    std::optional<double> denominator = inset.scale;
    if (!denominator && inset.magnify) denominator = main_denominator / *inset.magnify;
    if (denominator) {
        settle_view(view);  // the scale factor at the centre
        view.scale = render::kPointsPerMetre / (*denominator * view.scale_factor);
        const double cx = (extent.min_x + extent.max_x) / 2, cy = (extent.min_y + extent.max_y) / 2;
        const double half_w = frame.w / view.scale / 2, half_h = frame.h / view.scale / 2;
        view.extent = Box{cx - half_w, cy - half_h, cx + half_w, cy + half_h};
    }
    return view;
}

/// A north arrow: a split arrowhead with an N, turned by `deg` clockwise around the box centre; one half
/// in the light colour (background-color), the other and the outline in the dark one (line-color).
void draw_north_arrow(cairo_t* cr, const Rect& box, double deg, const style::ElementLook& look, const std::string& font) {
    render::SavedState saved(cr);
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
    set_source(cr, look.background_color);
    cairo_fill_preserve(cr);
    set_source(cr, look.line_color);
    cairo_set_line_width(cr, look.line_width_pt);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);
    cairo_move_to(cr, 0, -len);
    cairo_line_to(cr, -half, len * 0.75);
    cairo_line_to(cr, 0, len * 0.4);
    cairo_close_path(cr);
    cairo_fill_preserve(cr);
    cairo_stroke(cr);
    render::TextBlock n(cr, "N", element_text(look, font));
    n.draw(cr, -n.width() / 2, -len - n.height() - 0.5);
}

/// Name band and scale bar of an inset, inside its frame; returns their boxes (label obstacles).
std::vector<Rect> inset_decorations(cairo_t* cr, const InsetSpec& inset, const render::View& view,
                                    const style::PageStyle& page, const std::string& font, bool draw) {
    std::vector<Rect> boxes;
    render::TextBlock name(cr, inset.name, element_text(page.inset_name, font));
    Rect name_box{view.frame.x, view.frame.y, name.width() + 6, name.height() + 3};
    boxes.push_back(name_box);
    ScaleBar bar = choose_scale_bar(view, view.frame.w * 0.4);
    Rect size = measure_scale_bar(cr, bar, view, page.inset_scale_bar, font, true);
    Rect bar_box = corner(view.frame, "bottom-right", size.w, size.h, 0);
    boxes.push_back(bar_box);
    if (draw) {
        render::SavedState saved(cr);
        cairo_rectangle(cr, name_box.x, name_box.y, name_box.w, name_box.h);
        set_source(cr, page.inset_name.background_color, page.inset_name.background_opacity);
        cairo_fill(cr);
        name.draw(cr, name_box.x + 3, name_box.y + 1.5);
        draw_scale_bar(cr, bar, view, page.inset_scale_bar, font, bar_box, true);
    }
    return boxes;
}

void stroke_frame(cairo_t* cr, const Rect& r, const style::ElementLook& look) {
    render::SavedState saved(cr);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    set_source(cr, look.line_color);
    cairo_set_line_width(cr, look.line_width_pt);
    cairo_stroke(cr);
}

/// Adds the entries of `more` missing from `sections` (categories present only in an inset).
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

}  // namespace

std::vector<double> frame_zooms(const PageLayout& layout, const std::string& crs, const Box& extent) {
    const InsetFrames frames = layout.frames();
    render::View view = render::View::fit(crs, extent, frames.main);
    std::vector<double> zooms{settle_view(view)};
    for (std::size_t i = 0; i < layout.insets.size(); ++i) {
        render::View v = inset_view(layout.insets[i], frames.insets[i], view.scale_denominator());
        zooms.push_back(settle_view(v));
    }
    return zooms;
}

PageReport compose_page(cairo_t* cr, const PageLayout& layout, const MapContent& content) {
    PageReport report;
    const style::PageStyle& page = content.style->page;
    std::optional<render::IconCache> own_icons;
    render::IconCache* icons = content.icons ? content.icons : &own_icons.emplace();
    const InsetFrames frames = layout.frames();
    const Rect frame = frames.main;
    render::View view = render::View::fit(content.crs, content.extent, frame);

    // Scale and zoom are taken at the map centre, with the projection's own scale factor there.
    const double zoom = settle_view(view);
    report.zoom = zoom;
    report.scale_denominator = view.scale_denominator();
    const double ppu = style::points_per_unit(content.style->units);

    // Every frame's map first; labels come later, placed over the whole page at once.
    struct Drawn {
        render::View view;
        double zoom;
        render::MapDrawResult map;
        const render::LayerSet* layers;
        const InsetSpec* inset;
    };
    std::vector<Drawn> drawn;
    std::map<std::string, std::pair<std::vector<std::unique_ptr<Layer>>, render::LayerSet>> reprojected;
    drawn.push_back({view, zoom, render::draw_map(cr, *content.style, *content.layers, view, zoom, icons), content.layers,
                     nullptr});
    for (std::size_t i = 0; i < layout.insets.size(); ++i) {
        const InsetSpec& inset = layout.insets[i];
        render::View v = inset_view(inset, frames.insets[i], report.scale_denominator);
        const double z = settle_view(v);
        const render::LayerSet* layers = content.layers;
        if (inset.crs != content.crs) {
            if (content.layers_in) {
                layers = &content.layers_in(inset.crs);
            } else {
                // No provider: reproject the map's own layers here (once per CRS for this page).
                auto [it, fresh] = reprojected.try_emplace(inset.crs);
                if (fresh) {
                    for (const auto& name : content.style->source_layers()) {
                        const Layer* source = content.layers->find(name);
                        if (!source) continue;
                        auto copy = std::make_unique<Layer>(*source);
                        geo::reproject(*copy, inset.crs);
                        it->second.second.add(*copy);
                        it->second.first.push_back(std::move(copy));
                    }
                }
                layers = &it->second.second;
            }
        }
        {
            // Paper under the inset (inset-frame's background-color), whatever the style paints.
            render::SavedState saved(cr);
            cairo_rectangle(cr, v.frame.x, v.frame.y, v.frame.w, v.frame.h);
            set_source(cr, page.inset_frame.background_color);
            cairo_fill(cr);
        }
        drawn.push_back({v, z, render::draw_map(cr, *content.style, *layers, v, z, icons), layers, &inset});
    }
    for (auto& d : drawn) {
        FrameReport f;
        f.name = d.inset ? d.inset->name : "";
        f.crs = d.view.crs;
        f.frame = d.view.frame;
        f.view = d.view;
        f.scale_denominator = d.view.scale_denominator();
        f.features_drawn = d.map.features_drawn;
        f.symbols = d.map.symbols.size();
        report.features_drawn += d.map.features_drawn;
        for (auto& e : d.map.evaluation_errors) report.evaluation_errors.push_back(std::move(e));
        report.frames.push_back(std::move(f));
    }
    // Zoom boxes: their extent outlined on the main map.
    for (std::size_t i = 1; i < drawn.size(); ++i) {
        const InsetSpec& inset = *drawn[i].inset;
        if (!inset.outline_on_main || inset.crs != content.crs) continue;
        const Box& e = drawn[i].view.extent;
        Point a = view.to_page({e.min_x, e.max_y}), b = view.to_page({e.max_x, e.min_y});
        render::SavedState saved(cr);
        cairo_rectangle(cr, frame.x, frame.y, frame.w, frame.h);
        cairo_clip(cr);
        cairo_rectangle(cr, a.x, a.y, b.x - a.x, b.y - a.y);
        set_source(cr, page.zoom_box.line_color);
        cairo_set_line_width(cr, page.zoom_box.line_width_pt);
        cairo_stroke(cr);
    }

    // Page elements, measured first: they are obstacles for the labels.
    render::CollisionIndex obstacles;
    auto sections = build_legend(*content.style, *content.layers, view, zoom);
    for (std::size_t i = 1; i < drawn.size(); ++i)
        merge_legend(sections, build_legend(*content.style, *drawn[i].layers, drawn[i].view, drawn[i].zoom));
    for (const auto& s : sections) report.legend_entries += s.entries.size();
    const LegendLook legend_look{content.style, layout.font, icons};
    Rect legend_box;
    if (!sections.empty()) {
        Rect size = measure_legend(cr, sections, layout.legend_title, legend_look);
        legend_box = corner(frame, layout.legend_position, size.w, size.h, 6);
        obstacles.insert(legend_box, "legend");
    }
    std::optional<ScaleBar> bar;
    Rect bar_box;
    if (layout.scale_bar_position != "none") {
        bar = choose_scale_bar(view, frame.w * 0.22);
        Rect size = measure_scale_bar(cr, *bar, view, page.scale_bar, layout.font);
        bar_box = corner(frame, layout.scale_bar_position, size.w, size.h, 6);
        obstacles.insert(bar_box, "scale bar");
    }
    Rect arrow_box;
    if (layout.north_arrow != "none") {
        arrow_box = corner(frame, layout.north_arrow, 16, 24, 6);
        obstacles.insert(arrow_box, "north arrow");
        const Point centre{(view.extent.min_x + view.extent.max_x) / 2, (view.extent.min_y + view.extent.max_y) / 2};
        const Point ll = geo::Transformation(view.crs, "EPSG:4326").transform(centre);
        report.north_arrow_deg = true_north_deg(view.crs, ll.x, ll.y);
    }
    std::optional<render::Picture> logo;
    Rect logo_box;
    if (layout.logo) {
        logo = render::Picture::load(layout.logo->path);
        double w = layout.logo->width_mm * kPointsPerMm, h = logo->height_for_width(w);
        if (layout.logo->position == "title-right") {
            const double band = (layout.title_band_mm - 3) * kPointsPerMm;
            if (h > band) {
                w *= band / h;
                h = band;
            }
            const double m = layout.margin_mm * kPointsPerMm;
            logo_box = Rect{layout.width_pt() - m - w, m, w, h};
        } else {
            logo_box = corner(frame, layout.logo->position, w, h, 6);
        }
        obstacles.insert(logo_box, "logo");
    }
    for (std::size_t i = 1; i < drawn.size(); ++i)
        for (const Rect& b : inset_decorations(cr, *drawn[i].inset, drawn[i].view, page, layout.font, false))
            obstacles.insert(b, "inset decoration " + drawn[i].inset->name);
    for (const auto& d : drawn)
        for (const auto& s : d.map.symbols) {
            if (s.box) obstacles.insert(*s.box, "symbol " + s.feature_id, render::ObstacleKind::Symbol, s.feature_id);
            else obstacles.insert_circle(s.centre, s.radius, "symbol " + s.feature_id, s.feature_id);
        }

    // Labels: each frame's inside its frame, against everything above and every label already placed.
    // Insets first; then a zoom box lying over the main frame becomes an obstacle for the main labels.
    std::vector<std::size_t> label_order;
    for (std::size_t i = 1; i < drawn.size(); ++i) label_order.push_back(i);
    label_order.push_back(0);
    for (std::size_t i : label_order) {
        Drawn& d = drawn[i];
        if (i == 0)
            for (std::size_t k = 1; k < drawn.size(); ++k)
                if (drawn[k].view.frame.intersects(frame))
                    obstacles.insert(drawn[k].view.frame.inflated(2), "inset frame " + drawn[k].inset->name);
        // A label keeps clear of its own symbol whatever the style's text-offset says.
        std::unordered_multimap<std::string, const render::DrawnSymbol*> symbols_by_feature;
        for (const auto& s : d.map.symbols) symbols_by_feature.emplace(s.feature_id, &s);
        for (auto& request : d.map.labels) {
            auto [first, last] = symbols_by_feature.equal_range(request.feature_id);
            for (auto it = first; it != last; ++it) {
                const auto& s = *it->second;
                if (std::hypot(s.centre.x - request.anchor.x, s.centre.y - request.anchor.y) >= 0.01) continue;
                if (s.box) {
                    // Beside its icon: the text sits around the icon's box (all the feature's icons at
                    // this point), a small gap from its edges.
                    Rect b = *s.box;
                    if (request.symbol_box) {
                        const Rect& o = *request.symbol_box;
                        const double x = std::min(o.x, b.x), y = std::min(o.y, b.y);
                        b = Rect{x, y, std::max(o.right(), b.right()) - x, std::max(o.bottom(), b.bottom()) - y};
                    }
                    request.symbol_box = b;
                } else {
                    request.clearance_pt = std::max(request.clearance_pt, s.radius + 1.0);
                }
            }
            if (request.symbol_box) request.clearance_pt = kIconGap;
        }
        // Labels of points outside the frame (drawn in another frame) are not this frame's.
        std::vector<render::LabelRequest> requests;
        for (auto& request : d.map.labels)
            if (d.view.frame.contains(Rect{request.anchor.x, request.anchor.y, 0, 0})) requests.push_back(std::move(request));
        auto placed = render::place_labels(cr, requests, obstacles, d.view.frame.inflated(-2));
        {
            render::SavedState saved(cr);
            cairo_rectangle(cr, d.view.frame.x, d.view.frame.y, d.view.frame.w, d.view.frame.h);
            cairo_clip(cr);
            render::draw_labels(cr, placed);
        }
        for (auto& l : placed) report.labels.push_back(std::move(l));
    }
    for (const auto& e : obstacles.entries())
        if (e.kind != render::ObstacleKind::Label) report.obstacles.push_back(e);

    if (!sections.empty()) draw_legend(cr, sections, layout.legend_title, legend_look, legend_box, zoom, ppu);
    if (bar) draw_scale_bar(cr, *bar, view, page.scale_bar, layout.font, bar_box);
    if (report.north_arrow_deg) draw_north_arrow(cr, arrow_box, *report.north_arrow_deg, page.north_arrow, layout.font);
    for (std::size_t i = 1; i < drawn.size(); ++i) {
        inset_decorations(cr, *drawn[i].inset, drawn[i].view, page, layout.font, true);
        stroke_frame(cr, drawn[i].view.frame, page.inset_frame);
    }
    if (logo) logo->draw(cr, logo_box);

    // Frame, title block, credits.
    stroke_frame(cr, frame, page.frame);
    const double m = layout.margin_mm * kPointsPerMm;
    const double page_w = layout.width_pt();
    auto aligned_x = [&](double w) { return layout.title_align == "center" ? (page_w - w) / 2 : m; };
    double y = m;
    if (!layout.title.empty()) {
        render::TextBlock title(cr, layout.title, element_text(page.title, layout.font));
        title.draw(cr, aligned_x(title.width()), y);
        y += title.height();
    }
    if (!layout.subtitle.empty()) {
        render::TextBlock subtitle(cr, layout.subtitle, element_text(page.subtitle, layout.font));
        subtitle.draw(cr, aligned_x(subtitle.width()), y + 1);
    }
    if (!layout.credits.empty()) {
        const Rect area = layout.map_area();
        auto style = element_text(page.credits, layout.font);
        style.max_width_em = area.w / style.size_pt;
        render::TextBlock credits(cr, layout.credits, style);
        credits.draw(cr, m, area.bottom() + 3);
    }
    return report;
}

}  // namespace cartelier::layout
