#include "layout/page_plan.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "geo/projection.hpp"
#include "layout/look.hpp"

namespace cartelier::layout {

namespace {

constexpr double kIconGap = 1.5;  ///< points between an icon's box and its label

/// A box of size (w, h) in a corner of `frame`, `inset` points from its edges.
Rect corner(const Rect& frame, const std::string& position, double w, double h, double inset) {
    double x = position.find("right") != std::string::npos ? frame.right() - inset - w : frame.x + inset;
    double y = position.find("bottom") != std::string::npos ? frame.bottom() - inset - h : frame.y + inset;
    return Rect{x, y, w, h};
}

Point centre_of(const View& view) {
    return {(view.extent.min_x + view.extent.max_x) / 2, (view.extent.min_y + view.extent.max_y) / 2};
}

/// Scale factor at the centre of a view and the web zoom there; sets view.scale_factor.
double settle_view(View& view) {
    geo::Transformation to_geographic(view.crs, "EPSG:4326");
    const Point ll = to_geographic.transform(centre_of(view));
    view.scale_factor = geo::scale_factors(view.crs, ll.x, ll.y).parallel;
    return view.zoom(ll.y);
}

/// The view of an inset: fitted to its frame, or at a fixed scale (1:N, or the main scale magnified).
View inset_view(const InsetSpec& inset, const Rect& frame, double main_denominator) {
    const Box extent = inset_extent(inset);
    View view = View::fit(inset.crs, extent, frame);
    std::optional<double> denominator = inset.scale;
    if (!denominator && inset.magnify) denominator = main_denominator / *inset.magnify;
    if (denominator) {
        settle_view(view);  // the scale factor at the centre
        view.scale = kPointsPerMetre / (*denominator * view.scale_factor);
        const double cx = (extent.min_x + extent.max_x) / 2, cy = (extent.min_y + extent.max_y) / 2;
        const double half_w = frame.w / view.scale / 2, half_h = frame.h / view.scale / 2;
        view.extent = Box{cx - half_w, cy - half_h, cx + half_w, cy + half_h};
    }
    return view;
}

InsetDecorationPlan plan_inset_decoration(const TextMeasurer& measure, const FramePlan& f, const style::PageStyle& page,
                                          const std::string& font) {
    InsetDecorationPlan d;
    const View& view = f.view;
    const TextStyle name_style = element_text(page.inset_name, font);
    const TextMetrics name = measure.measure(f.inset->name, name_style);
    d.name_box = Rect{view.frame.x, view.frame.y, name.width + 6, name.height + 3};
    d.name = PlacedText{f.inset->name, name_style, {d.name_box.x + 3, d.name_box.y + 1.5}, name};
    const ScaleBar bar = choose_scale_bar(view, view.frame.w * 0.4);
    const Rect size = measure_scale_bar(measure, bar, view, page.inset_scale_bar, font, true);
    const Rect bar_box = corner(view.frame, "bottom-right", size.w, size.h, 0);
    d.scale_bar = plan_scale_bar(measure, bar, view, page.inset_scale_bar, font, bar_box, true);
    return d;
}

/// A frame's label requests made ready for placement: a label keeps clear of its own symbol whatever
/// the style's text-offset says; labels of points outside the frame (drawn in another frame) are not
/// this frame's.
std::vector<LabelRequest> frame_requests(const FramePlan& f, FrameContent& content) {
    std::unordered_multimap<std::string, const DrawnSymbol*> symbols_by_feature;
    for (const auto& s : content.symbols) symbols_by_feature.emplace(s.feature_id, &s);
    for (auto& request : content.labels) {
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
    std::vector<LabelRequest> requests;
    for (auto& request : content.labels)
        if (f.view.frame.contains(Rect{request.anchor.x, request.anchor.y, 0, 0})) requests.push_back(std::move(request));
    return requests;
}

/// One frame's labels, inside the frame (2 pt in). With numbering, a first placement on a copy of the
/// index counts the Numbered labels; their list's box (with room for a few more rows) is then reserved
/// in the index and the labels placed again around it, those numbered the first time numbered first.
/// An inset's list may go beside it on `main_frame`. Numbers start at `next_number`, left after the last.
FrameLabels place_frame_labels(const TextMeasurer& measure, const std::vector<LabelRequest>& requests,
                               CollisionIndex& obstacles, std::size_t frame_index, const Rect& frame,
                               const std::optional<Rect>& main_frame, const PlacementSettings& settings,
                               int& next_number) {
    const Rect bounds = frame.inflated(-2);
    FrameLabels out{frame_index, {}, std::nullopt};
    if (!settings.number_unplaced) {
        out.labels = place_labels(measure, requests, obstacles, bounds, settings);
        return out;
    }
    CollisionIndex trial = obstacles;
    std::vector<PlacedLabel> first = place_labels(measure, requests, trial, bounds, settings, {}, next_number);
    const std::size_t numbered = static_cast<std::size_t>(std::count_if(
        first.begin(), first.end(), [](const PlacedLabel& l) { return l.status == LabelStatus::Numbered; }));
    if (numbered == 0) {
        obstacles = std::move(trial);
        out.labels = std::move(first);
        return out;
    }
    // Room for the rows the reserved box itself may add (labels it displaces).
    const std::size_t rows = numbered + numbered / 4 + 2;
    const Rect reserved = place_numbered_list(numbered_list_size(measure, first, rows), bounds, obstacles,
                                              main_frame ? std::optional<Rect>(main_frame->inflated(-2)) : std::nullopt);
    obstacles.insert(reserved, "numbered list " + std::to_string(frame_index));
    std::vector<bool> numbered_before(first.size());
    for (std::size_t k = 0; k < first.size(); ++k) numbered_before[k] = first[k].status == LabelStatus::Numbered;
    out.labels = place_labels(measure, requests, obstacles, bounds, settings, numbered_before, next_number);
    for (const auto& l : out.labels) next_number = std::max(next_number, l.number + 1);
    out.list = plan_numbered_list(measure, out.labels, reserved);
    // The reserved box is sized for the longest text and a few more rows: a list smaller than it keeps
    // to the reserved box's sides nearest the frame's edges.
    if (out.list) {
        const double dx = reserved.x + reserved.w / 2 > bounds.x + bounds.w / 2 ? reserved.right() - out.list->box.right() : 0;
        const double dy = reserved.y + reserved.h / 2 > bounds.y + bounds.h / 2 ? reserved.bottom() - out.list->box.bottom() : 0;
        out.list->box.x += dx;
        out.list->box.y += dy;
        for (auto& row : out.list->rows) {
            row.at.x += dx;
            row.at.y += dy;
        }
    }
    return out;
}

}  // namespace

const std::string& FramePlan::name() const {
    static const std::string main;
    return inset ? inset->name : main;
}

std::vector<FramePlan> plan_frames(const PageLayout& layout, const std::string& crs, const Box& extent) {
    const InsetFrames frames = layout.frames();
    std::vector<FramePlan> out;
    FramePlan main;
    main.view = View::fit(crs, extent, frames.main);
    main.zoom = settle_view(main.view);
    out.push_back(std::move(main));
    const double main_denominator = out.front().view.scale_denominator();
    for (std::size_t i = 0; i < layout.insets.size(); ++i) {
        FramePlan f;
        f.inset = layout.insets[i];
        f.view = inset_view(layout.insets[i], frames.insets[i], main_denominator);
        f.zoom = settle_view(f.view);
        out.push_back(std::move(f));
    }
    return out;
}

PagePlan plan_page(const PageLayout& layout, PlanInputs inputs, const TextMeasurer& measure) {
    if (inputs.frames.empty()) throw std::invalid_argument("plan_page: no frames (call plan_frames first)");
    PagePlan plan;
    plan.width_pt = layout.width_pt();
    plan.height_pt = layout.height_pt();
    plan.font = layout.font;
    plan.frames = std::move(inputs.frames);
    inputs.content.resize(plan.frames.size());
    const style::PageStyle& page = inputs.page;
    const std::string& font = layout.font;
    const View& view = plan.frames.front().view;
    const Rect frame = view.frame;
    CollisionIndex& obstacles = plan.collisions;

    // Zoom boxes: their extent outlined on the main map.
    for (std::size_t i = 1; i < plan.frames.size(); ++i) {
        const FramePlan& f = plan.frames[i];
        if (!f.inset->outline_on_main || f.view.crs != view.crs) continue;
        const Box& e = f.view.extent;
        Point a = view.to_page({e.min_x, e.max_y}), b = view.to_page({e.max_x, e.min_y});
        plan.zoom_boxes.push_back(Rect{a.x, a.y, b.x - a.x, b.y - a.y});
    }

    // Page elements, measured first: they are obstacles for the labels.
    if (!inputs.legend.empty()) {
        Rect size = measure_legend(measure, inputs.legend, layout.legend_title, page, font);
        Rect box = corner(frame, layout.legend_position, size.w, size.h, 6);
        obstacles.insert(box, "legend");
        plan.legend = plan_legend(measure, std::move(inputs.legend), layout.legend_title, page, font, box);
    }
    if (layout.scale_bar_position != "none") {
        ScaleBar bar = choose_scale_bar(view, frame.w * 0.22);
        Rect size = measure_scale_bar(measure, bar, view, page.scale_bar, font);
        Rect box = corner(frame, layout.scale_bar_position, size.w, size.h, 6);
        obstacles.insert(box, "scale bar");
        plan.scale_bar = plan_scale_bar(measure, bar, view, page.scale_bar, font, box);
    }
    if (layout.north_arrow != "none") {
        Rect box = corner(frame, layout.north_arrow, 16, 24, 6);
        obstacles.insert(box, "north arrow");
        const Point ll = geo::Transformation(view.crs, "EPSG:4326").transform(centre_of(view));
        plan.north_arrow = NorthArrowPlan{box, true_north_deg(view.crs, ll.x, ll.y)};
    }
    if (layout.logo) {
        if (!inputs.logo_height_for_width) throw std::invalid_argument("plan_page: a logo needs its picture's aspect");
        double w = layout.logo->width_mm * kPointsPerMm, h = inputs.logo_height_for_width(w);
        Rect box;
        if (layout.logo->position == "title-right") {
            const double band = (layout.title_band_mm - 3) * kPointsPerMm;
            if (h > band) {
                w *= band / h;
                h = band;
            }
            const double m = layout.margin_mm * kPointsPerMm;
            box = Rect{layout.width_pt() - m - w, m, w, h};
        } else {
            box = corner(frame, layout.logo->position, w, h, 6);
        }
        obstacles.insert(box, "logo");
        plan.logo = box;
    }
    for (std::size_t i = 1; i < plan.frames.size(); ++i) {
        InsetDecorationPlan d = plan_inset_decoration(measure, plan.frames[i], page, font);
        const std::string owner = "inset decoration " + plan.frames[i].name();
        obstacles.insert(d.name_box, owner);
        obstacles.insert(d.scale_bar.box, owner);
        plan.inset_decorations.push_back(std::move(d));
    }
    for (const auto& c : inputs.content)
        for (const auto& s : c.symbols) {
            if (s.box) obstacles.insert(*s.box, "symbol " + s.feature_id, ObstacleKind::Symbol, s.feature_id);
            else obstacles.insert_circle(s.centre, s.radius, "symbol " + s.feature_id, s.feature_id);
        }

    // Labels: each frame's inside its frame, against everything above and every label already placed.
    // Insets first; then a zoom box lying over the main frame becomes an obstacle for the main labels.
    std::vector<std::size_t> label_order;
    int next_number = 1;  // numbers run on from frame to frame
    for (std::size_t i = 1; i < plan.frames.size(); ++i) label_order.push_back(i);
    label_order.push_back(0);
    for (std::size_t i : label_order) {
        const FramePlan& f = plan.frames[i];
        if (i == 0) {
            for (std::size_t k = 1; k < plan.frames.size(); ++k)
                if (plan.frames[k].view.frame.intersects(frame))
                    obstacles.insert(plan.frames[k].view.frame.inflated(2), "inset frame " + plan.frames[k].name());
            // A zoom box's outline: no main label over it, no leader across it.
            for (const Rect& z : plan.zoom_boxes) {
                const Point corners[4] = {{z.x, z.y}, {z.right(), z.y}, {z.right(), z.bottom()}, {z.x, z.bottom()}};
                for (int c = 0; c < 4; ++c) obstacles.insert_leader(corners[c], corners[(c + 1) % 4], "zoom box", {});
            }
        }
        std::vector<LabelRequest> requests = frame_requests(f, inputs.content[i]);
        if (i == 0 && !plan.zoom_boxes.empty())
            std::erase_if(requests, [&](const LabelRequest& r) {
                return std::any_of(plan.zoom_boxes.begin(), plan.zoom_boxes.end(),
                                   [&](const Rect& z) { return z.contains(Rect{r.anchor.x, r.anchor.y, 0, 0}); });
            });
        const std::optional<Rect> main_frame = i == 0 ? std::nullopt : std::optional<Rect>(frame);
        plan.labels.push_back(
            place_frame_labels(measure, requests, obstacles, i, f.view.frame, main_frame, inputs.labels, next_number));
    }
    std::vector<PlacedLabel> every_label;
    for (const auto& group : plan.labels) every_label.insert(every_label.end(), group.labels.begin(), group.labels.end());
    plan.label_quality = measure_quality(every_label, obstacles);

    // Title block and credits.
    const double m = layout.margin_mm * kPointsPerMm;
    const double page_w = layout.width_pt();
    auto aligned_x = [&](double w) { return layout.title_align == "center" ? (page_w - w) / 2 : m; };
    double y = m;
    if (!layout.title.empty()) {
        const TextStyle style = element_text(page.title, font);
        const TextMetrics t = measure.measure(layout.title, style);
        plan.title = PlacedText{layout.title, style, {aligned_x(t.width), y}, t};
        y += t.height;
    }
    if (!layout.subtitle.empty()) {
        const TextStyle style = element_text(page.subtitle, font);
        const TextMetrics t = measure.measure(layout.subtitle, style);
        plan.subtitle = PlacedText{layout.subtitle, style, {aligned_x(t.width), y + 1}, t};
    }
    if (!layout.credits.empty()) {
        const Rect area = layout.map_area();
        TextStyle style = element_text(page.credits, font);
        style.max_width_em = area.w / style.size_pt;
        const TextMetrics t = measure.measure(layout.credits, style);
        plan.credits = PlacedText{layout.credits, style, {m, area.bottom() + 3}, t};
    }
    return plan;
}

}  // namespace cartelier::layout
