#include "layout/page_plan.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "geo/projection.hpp"
#include "layout/look.hpp"
#include "layout/text_cache.hpp"

namespace cartelier::layout {

namespace {

constexpr double kIconGap = 1.5;  ///< points between an icon's box and its label

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

/// `extent`'s centre in `frame` at 1:`denominator`, true at that centre (the projection's scale factor
/// there): the extent shown is the frame's size at that scale, whatever `extent`'s size.
View view_at_scale(const std::string& crs, const Box& extent, const Rect& frame, double denominator) {
    View view = View::fit(crs, extent, frame);
    settle_view(view);  // the scale factor at the centre
    view.scale = kPointsPerMetre / (denominator * view.scale_factor);
    const double cx = (extent.min_x + extent.max_x) / 2, cy = (extent.min_y + extent.max_y) / 2;
    const double half_w = frame.w / view.scale / 2, half_h = frame.h / view.scale / 2;
    view.extent = Box{cx - half_w, cy - half_h, cx + half_w, cy + half_h};
    return view;
}

/// The view of an inset: fitted to its frame, or at a fixed scale (1:N, or the main scale magnified).
View inset_view(const InsetSpec& inset, const Rect& frame, double main_denominator) {
    const Box extent = inset_extent(inset);
    std::optional<double> denominator = inset.scale;
    if (!denominator && inset.magnify) denominator = main_denominator / *inset.magnify;
    return denominator ? view_at_scale(inset.crs, extent, frame, *denominator) : View::fit(inset.crs, extent, frame);
}

/// A scale bar of the longest round length within `max_width_pt`, then the shorter round lengths down
/// to half of it whose numbers still stand apart over their segments: the sizes a scale bar may take
/// to keep off the land (layout/furniture.hpp).
struct ScaleBarVariants {
    std::vector<ScaleBar> bars;
    std::vector<Rect> sizes;
};
ScaleBarVariants scale_bar_variants(const TextMeasurer& measure, const View& view, double max_width_pt,
                                    const style::ElementLook& look, const std::string& font, bool compact) {
    ScaleBarVariants out;
    double max_w = max_width_pt;
    for (int i = 0; i < 3; ++i) {
        const ScaleBar bar = choose_scale_bar(view, max_w);
        if (!out.bars.empty()) {
            if (bar.length_m >= out.bars.back().length_m || bar.length_pt < out.bars.front().length_pt / 2) break;
            if (!scale_bar_legible(measure, bar, look, font)) break;
        }
        out.bars.push_back(bar);
        out.sizes.push_back(measure_scale_bar(measure, bar, view, look, font, compact));
        max_w = bar.length_pt * 0.99;
    }
    return out;
}

/// The room the labels of a frame ask for first — each one's text box at its preferred position and at
/// the first four of candidate_order (right or left of its point, above or below), those inside the
/// frame — for the labels near the frame's edges, where furniture goes: furniture keeps off it, so
/// that it does not push a label off its point.
std::vector<Rect> label_room(const TextMeasurer& measure, const Rect& frame, const std::vector<LabelRequest>& requests) {
    constexpr double kReach = 200;  // points from the frame's edges
    const Rect core = frame.inflated(-kReach);
    const Rect bounds = frame.inflated(-2);  // where plan_page places labels
    std::vector<Rect> room;
    for (const auto& request : requests) {
        const Rect at{request.anchor.x, request.anchor.y, 0, 0};
        if (core.w > 0 && core.h > 0 && core.contains(at)) continue;
        const TextMetrics t = measure.measure(request.shaped(), request.style);
        const double w = t.width + 2 * request.style.halo_width_pt, h = t.height + 2 * request.style.halo_width_pt;
        std::vector<std::string> anchors;
        if (!request.anchors.empty()) {  // text-variable-anchor: its first four
            for (std::size_t k = 0; k < request.anchors.size() && k < 4; ++k)
                if (request.anchors[k] != "center") anchors.push_back(request.anchors[k]);
        } else {
            anchors.assign(candidate_order().begin(), candidate_order().begin() + 4);
            if (!request.preferred.empty() && request.preferred != "center") anchors.push_back(request.preferred);
        }
        for (const std::string& anchor : anchors) {
            const Rect box = request.symbol_box
                                 ? candidate_box_around(anchor, request.anchor, *request.symbol_box, request.clearance_pt, w, h)
                                 : candidate_box(anchor, request.anchor, request.clearance_pt, w, h);
            if (bounds.contains(box)) room.push_back(box);
        }
    }
    return room;
}

/// Text inside an inset's name band keeps kNamePad from the band's edges along the frame (≥ 1 mm) and
/// kNameInnerPad from the edge facing the map.
constexpr double kNamePad = 3;
constexpr double kNameInnerPad = 1.5;

/// `shown_name`: the inset's name as the page shows it (with its zoom box's letter, when lettered).
InsetDecorationPlan plan_inset_decoration(const TextMeasurer& measure, std::size_t index, const FramePlan& f,
                                          const std::string& shown_name, const style::PageStyle& page,
                                          const std::string& font, const LandCover& land,
                                          const std::vector<Rect>& room, CollisionIndex& taken,
                                          std::vector<FurnitureChoice>& furniture) {
    InsetDecorationPlan d;
    const View& view = f.view;
    const TextStyle name_style = element_text(page.inset_name, font);
    const TextMetrics name = measure.measure(shown_name, name_style);
    const ScaleBarVariants bars = scale_bar_variants(measure, view, view.frame.w * 0.4, page.inset_scale_bar, font, true);
    // The name and the scale bar as a pair: pairs whose bar leaves the name readable first (in a small
    // inset every bar position may be obstructed, and the rule's last resort may then pick one over
    // the name), then free pairs, then the least land, ties in the name's order (top-left first).
    const double name_w = name.width + 2 * kNamePad, name_h = name.height + kNamePad + kNameInnerPad;
    auto judge_name = [&](const std::string& position, const std::vector<Rect>& keep_off) {
        return judge_furniture("inset name " + f.name(), index, view.frame, position, name_w, name_h, 0, land, taken,
                               keep_off);
    };
    // The bar keeps off the name, the labels' room and the symbols; when every position takes one of
    // them and the rule's last resort lands on the name, the room and the symbols are given up before
    // the name: the least land among the positions off the name (nothing else of the page lies in the
    // inset's frame at this point).
    auto bar_beside = [&](const FurnitureChoice& n) {
        std::vector<Rect> blocked = room;
        blocked.push_back(n.box);
        FurnitureChoice b = choose_furniture("inset scale bar " + f.name(), index, view.frame, "bottom-right",
                                             bars.sizes, 0, land, taken, blocked);
        if (b.box.intersects(n.box))
            b = choose_furniture("inset scale bar " + f.name(), index, view.frame, "bottom-right", bars.sizes, 0, land,
                                 CollisionIndex(), {n.box});
        return b;
    };
    std::optional<FurnitureChoice> name_at, bar_at;
    for (const std::string& position : furniture_positions("top-left", true)) {
        FurnitureChoice n = judge_name(position, room);
        if (n.obstructed) continue;
        n.preferred = "top-left";
        FurnitureChoice b = bar_beside(n);
        auto score = [](const FurnitureChoice& x, const FurnitureChoice& y) {
            return std::make_tuple(x.box.intersects(y.box), !(x.free && y.free), x.land_pt2 + y.land_pt2);
        };
        if (!name_at || score(n, b) < score(*name_at, *bar_at)) {
            name_at = std::move(n);
            bar_at = std::move(b);
        }
    }
    if (!name_at) {  // every corner taken: the name where it was asked, the bar by the rule
        name_at = judge_name("top-left", {});
        bar_at = bar_beside(*name_at);
    }
    d.name_box = name_at->box;
    const bool at_top = name_at->position.find("top") != std::string::npos;
    d.name = PlacedText{shown_name, name_style,
                        {d.name_box.x + kNamePad, d.name_box.y + (at_top ? kNamePad : kNameInnerPad)}, name};
    taken.insert(d.name_box, "inset decoration " + f.name());
    furniture.push_back(std::move(*name_at));
    d.scale_bar = plan_scale_bar(measure, bars.bars[bar_at->variant], view, page.inset_scale_bar, font, bar_at->box, true);
    taken.insert(d.scale_bar.box, "inset decoration " + f.name());
    furniture.push_back(std::move(*bar_at));
    return d;
}

/// The letter of a zoom box in its small box, at the first place touching the box outside a corner that
/// lies in `frame` and overlaps nothing in `taken` or `blocked`; else the first in `frame`; else inside
/// its top-left corner (PagePlan::zoom_marks).
ZoomMark plan_zoom_mark(const TextMeasurer& measure, std::size_t frame_index, const Rect& zoom, char letter,
                        const style::ElementLook& look, const std::string& font, const Rect& frame,
                        const CollisionIndex& taken, const std::vector<Rect>& blocked) {
    constexpr double kPad = 1.5;
    const TextStyle style = element_text(look, font);
    const std::string text(1, letter);
    const TextMetrics t = measure.measure(text, style);
    const double w = t.width + 2 * kPad, h = t.height + 2 * kPad;
    const Rect places[] = {{zoom.x, zoom.y - h, w, h},
                           {zoom.right() - w, zoom.y - h, w, h},
                           {zoom.x, zoom.bottom(), w, h},
                           {zoom.right() - w, zoom.bottom(), w, h}};
    const Rect inside = frame.inflated(-2);
    const Rect* at = nullptr;
    for (const Rect& r : places)
        if (inside.contains(r) && !taken.collides(r) &&
            std::none_of(blocked.begin(), blocked.end(), [&](const Rect& b) { return b.intersects(r); })) {
            at = &r;
            break;
        }
    for (const Rect& r : places)
        if (!at && inside.contains(r)) at = &r;
    const Rect box = at ? *at : Rect{zoom.x, zoom.y, w, h};
    return ZoomMark{frame_index, box, PlacedText{text, style, {box.x + kPad, box.y + kPad}, t}};
}

/// A frame's label requests made ready for placement: a label keeps clear of its own symbol whatever
/// the style's text-offset says; labels of points outside the frame (drawn in another frame) are not
/// this frame's.
std::vector<LabelRequest> frame_requests(const FramePlan& f, FrameContent& content) {
    std::unordered_multimap<std::string, const DrawnSymbol*> symbols_by_feature;
    for (const auto& s : content.symbols) symbols_by_feature.emplace(s.feature_id, &s);
    // Other features' symbols over a label's point (an area's name at a point inside it, where a site of
    // the map is drawn): the label keeps clear of them as of its own symbol. Found through a grid of
    // 16 pt cells holding each symbol's extent.
    constexpr double kCell = 16;
    auto cell_of = [](double v) { return static_cast<long long>(std::floor(v / kCell)); };
    std::map<std::pair<long long, long long>, std::vector<const DrawnSymbol*>> grid;
    for (const auto& s : content.symbols) {
        const Rect r = s.box ? *s.box : Rect{s.centre.x - s.radius, s.centre.y - s.radius, 2 * s.radius, 2 * s.radius};
        for (long long x = cell_of(r.x); x <= cell_of(r.right()); ++x)
            for (long long y = cell_of(r.y); y <= cell_of(r.bottom()); ++y) grid[{x, y}].push_back(&s);
    }
    for (auto& request : content.labels) {
        const Point a = request.anchor;
        auto [first, last] = symbols_by_feature.equal_range(request.feature_id);
        for (auto it = first; it != last; ++it) {
            const auto& s = *it->second;
            if (std::hypot(s.centre.x - a.x, s.centre.y - a.y) >= 0.01) continue;
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
        if (auto it = grid.find({cell_of(a.x), cell_of(a.y)}); it != grid.end())
            for (const DrawnSymbol* other : it->second) {
                if (other->feature_id == request.feature_id) continue;
                const double d = std::hypot(other->centre.x - a.x, other->centre.y - a.y);
                if (other->box ? other->box->contains(Rect{a.x, a.y, 0, 0}) : d < other->radius)
                    request.clearance_pt = std::max(request.clearance_pt,
                                                    other->box ? d + std::hypot(other->box->w, other->box->h) / 2 + 1.0
                                                               : d + other->radius + 1.0);
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
    // The labels with no room in the first placement — numbered, or unplaced when even their number
    // found no room — are numbered first in the second, before the others take the room around them.
    auto no_room = [](const PlacedLabel& l) { return l.status == LabelStatus::Numbered || l.status == LabelStatus::Unplaced; };
    const std::size_t numbered = static_cast<std::size_t>(std::count_if(first.begin(), first.end(), no_room));
    if (numbered == 0) {
        obstacles = std::move(trial);
        out.labels = std::move(first);
        return out;
    }
    std::vector<bool> numbered_before(first.size());
    for (std::size_t k = 0; k < first.size(); ++k) numbered_before[k] = no_room(first[k]);
    // Room for the rows the reserved box itself may add (labels it displaces). A list that outgrows its
    // reserved box (more rows than foreseen) is planned again with a box for its rows, so that the list
    // never covers what was placed beside the box.
    const CollisionIndex before = obstacles;
    std::size_t rows = numbered + numbered / 4 + 2;
    for (int attempt = 0;; ++attempt) {
        int number = next_number;
        const Rect reserved = place_numbered_list(numbered_list_size(measure, first, rows, next_number), bounds, obstacles,
                                                  main_frame ? std::optional<Rect>(main_frame->inflated(-2)) : std::nullopt);
        obstacles.insert(reserved, "numbered list " + std::to_string(frame_index));
        out.labels = place_labels(measure, requests, obstacles, bounds, settings, numbered_before, number);
        for (const auto& l : out.labels) number = std::max(number, l.number + 1);
        out.list = plan_numbered_list(measure, out.labels, reserved);
        const bool fits = !out.list || (out.list->box.w <= reserved.w + 1e-9 && out.list->box.h <= reserved.h + 1e-9);
        if (!fits && attempt < 3) {
            rows = out.list->rows.size() + out.list->rows.size() / 4 + 2;
            obstacles = before;
            continue;
        }
        next_number = number;
        // The reserved box is sized for the longest text and a few more rows: a list smaller than it
        // keeps to the reserved box's sides nearest the frame's edges.
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
        break;
    }
    return out;
}

}  // namespace

double PagePlan::land_hidden_mm2() const {
    double pt2 = 0;
    for (const auto& f : furniture) pt2 += f.land_pt2;
    return pt2 * kMm2PerPt2;
}

const std::string& FramePlan::name() const {
    static const std::string main;
    return inset ? inset->name : main;
}

std::vector<FramePlan> plan_frames(const PageLayout& layout, const std::string& crs, const Box& extent) {
    const InsetFrames frames = layout.frames();
    std::vector<FramePlan> out;
    FramePlan main;
    main.view = layout.scale ? view_at_scale(crs, extent, frames.main, *layout.scale) : View::fit(crs, extent, frames.main);
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

PagePlan plan_page(const PageLayout& layout, PlanInputs inputs, const TextMeasurer& measurer) {
    if (inputs.frames.empty()) throw std::invalid_argument("plan_page: no frames (call plan_frames first)");
    // Each text is measured once for the page (label room, trial and final placements, lists).
    const CachingTextMeasurer measure(measurer);
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

    // Zoom boxes: their extent outlined on the main map; the lettered ones' letters, A, B, … in order.
    std::vector<std::string> shown_names(plan.frames.size());
    struct Letter {
        std::size_t frame;
        char letter;
        Rect zoom_box;
    };
    std::vector<Letter> letters;
    for (std::size_t i = 1; i < plan.frames.size(); ++i) {
        const FramePlan& f = plan.frames[i];
        shown_names[i] = f.inset->name;
        if (!f.inset->outline_on_main || f.view.crs != view.crs) continue;
        const Box& e = f.view.extent;
        Point a = view.to_page({e.min_x, e.max_y}), b = view.to_page({e.max_x, e.min_y});
        plan.zoom_boxes.push_back(Rect{a.x, a.y, b.x - a.x, b.y - a.y});
        if (f.inset->lettered && letters.size() < 26) {
            letters.push_back({i, static_cast<char>('A' + letters.size()), plan.zoom_boxes.back()});
            shown_names[i] = std::string(1, letters.back().letter) + "  " + f.inset->name;
        }
    }

    // Each frame's label requests, made ready for placement (their room is kept free of furniture).
    std::vector<std::vector<LabelRequest>> requests;
    for (std::size_t i = 0; i < plan.frames.size(); ++i) requests.push_back(frame_requests(plan.frames[i], inputs.content[i]));
    // Point symbols first: page furniture keeps off them.
    for (const auto& c : inputs.content)
        for (const auto& s : c.symbols) {
            if (s.box) obstacles.insert(*s.box, "symbol " + s.feature_id, ObstacleKind::Symbol, s.feature_id);
            else obstacles.insert_circle(s.centre, s.radius, "symbol " + s.feature_id, s.feature_id);
        }
    // Title block and credits, first: the room they leave in their bands may take a decoration.
    const double m = layout.margin_mm * kPointsPerMm;
    const double page_w = layout.width_pt();
    auto aligned_x = [&](double w) { return layout.title_align == "center" ? (page_w - w) / 2 : m; };
    double y = m;
    // A title or subtitle wider than the page between its margins (an atlas page's text from its
    // feature, a narrow paper) is set smaller until it fits: never cut at the page's edge.
    auto fitted = [&](const std::string& text, TextStyle style) {
        TextMetrics t = measure.measure(text, style);
        const double room = page_w - 2 * m;
        for (int i = 0; i < 8 && t.width > room && style.size_pt > 1; ++i) {
            style.size_pt *= std::max(0.5, room / t.width * 0.995);
            t = measure.measure(text, style);
        }
        return std::pair{style, t};
    };
    if (!layout.title.empty()) {
        const auto [style, t] = fitted(layout.title, element_text(page.title, font));
        plan.title = PlacedText{layout.title, style, {aligned_x(t.width), y}, t};
        y += t.height;
    }
    if (!layout.subtitle.empty()) {
        const auto [style, t] = fitted(layout.subtitle, element_text(page.subtitle, font));
        plan.subtitle = PlacedText{layout.subtitle, style, {aligned_x(t.width), y + 1}, t};
    }
    if (!layout.credits.empty()) {
        const Rect area = layout.map_area();
        TextStyle style = element_text(page.credits, font);
        style.max_width_em = area.w / style.size_pt;
        const TextMetrics t = measure.measure(layout.credits, style);
        plan.credits = PlacedText{layout.credits, style, {m, area.bottom() + 3}, t};
    }
    // Page elements, measured and placed where they hide the least land (layout/furniture.hpp); each
    // is an obstacle for the next ones and for the labels. Insets lying over the main frame are not
    // covered by the main frame's furniture.
    const LandCover& land = inputs.content.front().land;
    std::vector<Rect> over_main = label_room(measure, frame, requests.front());
    for (std::size_t i = 1; i < plan.frames.size(); ++i)
        if (plan.frames[i].view.frame.intersects(frame)) over_main.push_back(plan.frames[i].view.frame.inflated(2));
    // The main frame's elements, measured first: each keeps off the corners the elements after it
    // ask for, so that one moved by the rule does not take another's named corner (two asking for the
    // same corner: the first one, in the order legend, scale bar, north arrow, logo).
    struct Element {
        std::string owner, preferred;
        std::vector<Rect> sizes;
        bool corners_only = false;
    };
    std::vector<Element> elements;
    const bool has_legend = !inputs.legend.empty();
    if (has_legend)
        elements.push_back({"legend", layout.legend_position,
                            {measure_legend(measure, inputs.legend, layout.legend_title, page, font)}});
    ScaleBarVariants bars;
    if (layout.scale_bar_position != "none") {
        bars = scale_bar_variants(measure, view, frame.w * 0.22, page.scale_bar, font, false);
        elements.push_back({"scale bar", layout.scale_bar_position, bars.sizes});
    }
    if (layout.north_arrow != "none") elements.push_back({"north arrow", layout.north_arrow, {Rect{0, 0, 16, 24}}, true});
    if (layout.logo) {
        if (!inputs.logo_height_for_width) throw std::invalid_argument("plan_page: a logo needs its picture's aspect");
        double w = layout.logo->width_mm * kPointsPerMm, h = inputs.logo_height_for_width(w);
        if (layout.logo->position == "title-right") {
            const double band = (layout.title_band_mm - 3) * kPointsPerMm;
            if (h > band) {
                w *= band / h;
                h = band;
            }
            plan.logo = Rect{layout.width_pt() - m - w, m, w, h};
            obstacles.insert(*plan.logo, "logo");
        } else {
            elements.push_back({"logo", layout.logo->position, {Rect{0, 0, w, h}}, true});
        }
    }
    // The bands of the page where the main map's elements may go when the frame has no free place for
    // them: right of the title and subtitle (left of a logo there), right of the credits; 3 mm from the
    // texts, 1 mm from the frame.
    std::vector<FurnitureBand> bands;
    const double band_gap = 3 * kPointsPerMm;
    {
        const Rect area = layout.map_area();
        const double gap = band_gap, clear = 1 * kPointsPerMm;  // from the texts; from the frame
        double title_right = area.x;
        for (const auto& t : {plan.title, plan.subtitle})
            if (t) title_right = std::max(title_right, t->at.x + t->size.width);
        const double title_end = plan.logo ? plan.logo->x - gap : area.right();
        const Rect title_room{title_right + gap, m, title_end - title_right - gap, area.y - clear - m};
        if (title_room.w > 0 && title_room.h > 0) bands.push_back({"title band", title_room});
        const double credits_right = plan.credits ? plan.credits->at.x + plan.credits->size.width : area.x;
        const Rect credits_room{credits_right + gap, area.bottom() + clear, area.right() - credits_right - gap,
                                layout.height_pt() - m - area.bottom() - clear};
        if (credits_room.w > 0 && credits_room.h > 0) bands.push_back({"credits band", credits_room});
    }
    std::vector<FurnitureChoice> placed;
    for (std::size_t k = 0; k < elements.size(); ++k) {
        std::vector<Rect> blocked = over_main;
        for (std::size_t later = k + 1; later < elements.size(); ++later)
            if (elements[later].preferred != elements[k].preferred)  // the same corner: the first one asking
                blocked.push_back(furniture_box(frame, elements[later].preferred, elements[later].sizes.front().w,
                                            elements[later].sizes.front().h, 6));
        FurnitureChoice c = choose_furniture(elements[k].owner, 0, frame, elements[k].preferred, elements[k].sizes, 6,
                                             land, obstacles, blocked, elements[k].corners_only, 2, bands);
        for (FurnitureBand& band : bands)  // the next element in the same band goes left of this one
            if (band.name == c.position) band.room.w = std::max(0.0, c.box.x - band_gap - band.room.x);
        obstacles.insert(c.box, elements[k].owner);
        plan.furniture.push_back(c);
        placed.push_back(std::move(c));
    }
    for (const FurnitureChoice& c : placed) {
        if (c.owner == "legend") {
            plan.legend = plan_legend(measure, std::move(inputs.legend), layout.legend_title, page, font, c.box);
        } else if (c.owner == "scale bar") {
            plan.scale_bar = plan_scale_bar(measure, bars.bars[c.variant], view, page.scale_bar, font, c.box);
        } else if (c.owner == "north arrow") {
            const Point ll = geo::Transformation(view.crs, "EPSG:4326").transform(centre_of(view));
            plan.north_arrow = NorthArrowPlan{c.box, true_north_deg(view.crs, ll.x, ll.y)};
        } else if (c.owner == "logo") {
            plan.logo = c.box;
        }
    }
    for (std::size_t i = 1; i < plan.frames.size(); ++i)
        plan.inset_decorations.push_back(plan_inset_decoration(measure, i, plan.frames[i], shown_names[i], page, font,
                                                               inputs.content[i].land,
                                                               label_room(measure, plan.frames[i].view.frame, requests[i]),
                                                               obstacles, plan.furniture));

    // The zoom boxes' letters, clear of the furniture: obstacles for the labels.
    for (const Letter& l : letters) {
        plan.zoom_marks.push_back(
            plan_zoom_mark(measure, l.frame, l.zoom_box, l.letter, page.zoom_box, font, frame, obstacles, over_main));
        obstacles.insert(plan.zoom_marks.back().box, "zoom box letter " + plan.frames[l.frame].name());
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
        std::vector<LabelRequest> frame_labels = std::move(requests[i]);
        if (i == 0 && !plan.zoom_boxes.empty())
            std::erase_if(frame_labels, [&](const LabelRequest& r) {
                return std::any_of(plan.zoom_boxes.begin(), plan.zoom_boxes.end(),
                                   [&](const Rect& z) { return z.contains(Rect{r.anchor.x, r.anchor.y, 0, 0}); });
            });
        const std::optional<Rect> main_frame = i == 0 ? std::nullopt : std::optional<Rect>(frame);
        PlacementSettings settings = inputs.labels;
        settings.drawn_lines = i < inputs.content.size() ? inputs.content[i].lines.get() : nullptr;
        plan.labels.push_back(
            place_frame_labels(measure, frame_labels, obstacles, i, f.view.frame, main_frame, settings, next_number));
    }
    std::vector<PlacedLabel> every_label;
    for (const auto& group : plan.labels) every_label.insert(every_label.end(), group.labels.begin(), group.labels.end());
    plan.label_quality = measure_quality(every_label, obstacles);
    for (const auto& group : plan.labels) {
        const DrawnLines* lines = group.frame < inputs.content.size() ? inputs.content[group.frame].lines.get() : nullptr;
        if (!lines) continue;
        for (const auto& l : group.labels)
            if (l.status == LabelStatus::Placed || l.status == LabelStatus::Displaced)
                plan.label_quality.lines_hidden_mm2 += lines->within(l.box) * kMm2PerPt2;
    }

    return plan;
}

}  // namespace cartelier::layout
