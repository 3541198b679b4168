#include "layout/page_layout.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>

#include "geo/projection.hpp"
#include "layout/legend.hpp"
#include "layout/scale_bar.hpp"
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

Rect PageLayout::map_frame() const {
    const double m = margin_mm * kPointsPerMm;
    const double top = m + title_band_mm * kPointsPerMm;
    const double bottom = m + credits_band_mm * kPointsPerMm;
    return Rect{m, top, width_pt() - 2 * m, height_pt() - top - bottom};
}

namespace {

render::TextStyle page_text(const std::string& font, const char* weight, double size, double grey) {
    render::TextStyle t;
    t.fonts = {font + " " + weight};
    t.size_pt = size;
    t.color = style::Color{grey, grey, grey, 1};
    return t;
}

/// A box of size (w, h) in a corner of `frame`, `inset` points from its edges.
Rect corner(const Rect& frame, const std::string& position, double w, double h, double inset) {
    double x = position.find("right") != std::string::npos ? frame.right() - inset - w : frame.x + inset;
    double y = position.find("bottom") != std::string::npos ? frame.bottom() - inset - h : frame.y + inset;
    return Rect{x, y, w, h};
}

}  // namespace

PageReport compose_page(cairo_t* cr, const PageLayout& layout, const MapContent& content) {
    PageReport report;
    const Rect frame = layout.map_frame();
    render::View view = render::View::fit(content.crs, content.extent, frame);

    // Scale and zoom are taken at the map centre, with the projection's own scale factor there.
    const Point centre{(view.extent.min_x + view.extent.max_x) / 2, (view.extent.min_y + view.extent.max_y) / 2};
    geo::Transformation to_geographic(content.crs, "EPSG:4326");
    const Point centre_ll = to_geographic.transform(centre);
    const geo::ScaleFactors factors = geo::scale_factors(content.crs, centre_ll.x, centre_ll.y);
    view.scale_factor = factors.parallel;
    const double zoom = view.zoom(centre_ll.y);
    report.zoom = zoom;
    report.scale_denominator = view.scale_denominator();

    // Map.
    render::MapDrawResult map = render::draw_map(cr, *content.style, *content.layers, view, zoom);
    report.features_drawn = map.features_drawn;
    report.evaluation_errors = std::move(map.evaluation_errors);

    // Page elements inside the frame, measured first: they are obstacles for the labels.
    render::CollisionIndex obstacles;
    auto sections = build_legend(*content.style, *content.layers, view, zoom);
    for (const auto& s : sections) report.legend_entries += s.entries.size();
    Rect legend_box;
    if (!sections.empty()) {
        Rect size = measure_legend(cr, sections, layout.legend_title, layout.font);
        legend_box = corner(frame, layout.legend_position, size.w, size.h, 6);
        obstacles.insert(legend_box, "legend");
    }
    std::optional<ScaleBar> bar;
    Rect bar_box;
    if (layout.scale_bar_position != "none") {
        bar = choose_scale_bar(view, frame.w * 0.22);
        Rect size = measure_scale_bar(cr, *bar, view, layout.font);
        bar_box = corner(frame, layout.scale_bar_position, size.w, size.h, 6);
        obstacles.insert(bar_box, "scale bar");
    }
    for (const auto& s : map.symbols) obstacles.insert_circle(s.centre, s.radius, "symbol " + s.feature_id);

    // A label keeps clear of its own symbol whatever the style's text-offset says.
    std::unordered_multimap<std::string, const render::DrawnSymbol*> symbols_by_feature;
    for (const auto& s : map.symbols) symbols_by_feature.emplace(s.feature_id, &s);
    for (auto& request : map.labels) {
        auto [first, last] = symbols_by_feature.equal_range(request.feature_id);
        for (auto it = first; it != last; ++it) {
            const auto& s = *it->second;
            if (std::hypot(s.centre.x - request.anchor.x, s.centre.y - request.anchor.y) < 0.01)
                request.clearance_pt = std::max(request.clearance_pt, s.radius + 1.0);
        }
    }
    // Labels: placed against everything above, drawn over the map, under the page elements.
    report.labels = render::place_labels(cr, map.labels, obstacles, frame.inflated(-3));
    {
        render::SavedState saved(cr);
        cairo_rectangle(cr, frame.x, frame.y, frame.w, frame.h);
        cairo_clip(cr);
        render::draw_labels(cr, report.labels);
    }
    if (!sections.empty())
        draw_legend(cr, sections, layout.legend_title, layout.font, legend_box, zoom,
                    style::points_per_unit(content.style->units));
    if (bar) draw_scale_bar(cr, *bar, view, layout.font, bar_box);

    // Frame, title block, credits.
    cairo_rectangle(cr, frame.x, frame.y, frame.w, frame.h);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);

    const double m = layout.margin_mm * kPointsPerMm;
    double y = m;
    if (!layout.title.empty()) {
        render::TextBlock title(cr, layout.title, page_text(layout.font, "Bold", 17, 0.1));
        title.draw(cr, m, y);
        y += title.height();
    }
    if (!layout.subtitle.empty()) {
        render::TextBlock subtitle(cr, layout.subtitle, page_text(layout.font, "Book", 10, 0.3));
        subtitle.draw(cr, m, y + 1);
    }
    if (!layout.credits.empty()) {
        auto style = page_text(layout.font, "Book", 6.5, 0.35);
        style.max_width_em = (frame.w) / style.size_pt;
        render::TextBlock credits(cr, layout.credits, style);
        credits.draw(cr, m, frame.bottom() + 3);
    }
    return report;
}

}  // namespace cartelier::layout
