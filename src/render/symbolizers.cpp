#include "render/symbolizers.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace cartelier::render {

using style::Prop;

void note_error(std::vector<std::string>* errors, const std::string& error) {
    if (error.empty() || !errors || errors->size() >= 50) return;
    if (std::find(errors->begin(), errors->end(), error) == errors->end()) errors->push_back(error);
}

namespace {

void note(const PaintContext& pc, const std::string& error) { note_error(pc.errors, error); }

double number(const style::Layer& l, Prop p, const style::expr::EvaluationContext& ctx, const PaintContext& pc) {
    std::string error;
    double v = l.number(p, ctx, &error);
    note(pc, error);
    return v;
}

style::Color color(const style::Layer& l, Prop p, const style::expr::EvaluationContext& ctx, const PaintContext& pc) {
    std::string error;
    style::Color c = l.color(p, ctx, &error);
    note(pc, error);
    return c;
}

}  // namespace

void set_source(cairo_t* cr, const style::Color& c, double opacity) {
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a * opacity);
}

FillPaint evaluate_fill(const style::Layer& l, const style::expr::EvaluationContext& ctx, const PaintContext& pc) {
    FillPaint p;
    p.color = color(l, Prop::FillColor, ctx, pc);
    p.opacity = number(l, Prop::FillOpacity, ctx, pc);
    if (l.is_set(Prop::FillAntialias)) {
        std::string error;
        const style::expr::Value v = l.evaluate(Prop::FillAntialias, ctx, &error);
        note(pc, error);
        if (const bool* b = v.as_bool()) p.antialias = *b;
    }
    // MapLibre draws fill-outline-color only with fill-antialias.
    if (p.antialias && l.is_set(Prop::FillOutlineColor)) p.outline = color(l, Prop::FillOutlineColor, ctx, pc);
    return p;
}

LinePaint evaluate_line(const style::Layer& l, const style::expr::EvaluationContext& ctx, const PaintContext& pc) {
    LinePaint p;
    p.color = color(l, Prop::LineColor, ctx, pc);
    p.width_pt = number(l, Prop::LineWidth, ctx, pc) * pc.points_per_unit;
    p.opacity = number(l, Prop::LineOpacity, ctx, pc);
    p.offset_pt = number(l, Prop::LineOffset, ctx, pc) * pc.points_per_unit;
    if (l.is_set(Prop::LineDasharray)) {
        std::string error;
        for (double d : l.numbers(Prop::LineDasharray, ctx, &error)) p.dash_pt.push_back(d * p.width_pt);
        note(pc, error);
    }
    std::string error;
    std::string join = l.string(Prop::LineJoin, ctx, &error);
    p.join = join == "round" ? CAIRO_LINE_JOIN_ROUND : join == "bevel" ? CAIRO_LINE_JOIN_BEVEL : CAIRO_LINE_JOIN_MITER;
    std::string cap = l.string(Prop::LineCap, ctx, &error);
    p.cap = cap == "round" ? CAIRO_LINE_CAP_ROUND : cap == "square" ? CAIRO_LINE_CAP_SQUARE : CAIRO_LINE_CAP_BUTT;
    note(pc, error);
    return p;
}

CirclePaint evaluate_circle(const style::Layer& l, const style::expr::EvaluationContext& ctx, const PaintContext& pc) {
    CirclePaint p;
    p.radius_pt = number(l, Prop::CircleRadius, ctx, pc) * pc.points_per_unit;
    p.color = color(l, Prop::CircleColor, ctx, pc);
    p.opacity = number(l, Prop::CircleOpacity, ctx, pc);
    p.stroke_color = color(l, Prop::CircleStrokeColor, ctx, pc);
    p.stroke_width_pt = number(l, Prop::CircleStrokeWidth, ctx, pc) * pc.points_per_unit;
    p.stroke_opacity = number(l, Prop::CircleStrokeOpacity, ctx, pc);
    return p;
}

IconPaint evaluate_icon(const style::Layer& l, const style::expr::EvaluationContext& ctx, const PaintContext& pc) {
    IconPaint p;
    std::string error;
    p.name = l.string(Prop::IconImage, ctx, &error);
    note(pc, error);
    error.clear();
    if (p.name.empty()) return p;
    p.size = number(l, Prop::IconSize, ctx, pc);
    p.anchor = l.string(Prop::IconAnchor, ctx, &error);
    note(pc, error);
    error.clear();
    std::vector<double> offset = l.numbers(Prop::IconOffset, ctx, &error);
    note(pc, error);
    if (offset.size() == 2) {
        // The spec: each component is multiplied by icon-size to obtain the offset in pixels.
        p.offset_x_pt = offset[0] * p.size * pc.points_per_unit;
        p.offset_y_pt = offset[1] * p.size * pc.points_per_unit;
    }
    p.opacity = number(l, Prop::IconOpacity, ctx, pc);
    return p;
}

void add_path(cairo_t* cr, const Geometry& g, const View& view, bool close_rings, double grid) {
    add_rings(cr, g, view, close_rings, grid, 0, g.ring_count());
}

namespace {

/// A path built in one buffer and handed to Cairo at once (no call per vertex). On a grid (vector
/// output), coordinates are rounded to it and repeated vertices dropped: the file then carries short
/// numbers (a PDF writes each coordinate as text).
class PathBuffer {
public:
    PathBuffer(const View& view, double grid, std::size_t vertices)
        : view_(view), grid_(grid), inverse_grid_(grid > 0 ? 1.0 / grid : 0) {
        data_.clear();
        data_.reserve(vertices * 2 + 16);
    }
    void move_to(Point p) {
        previous_ = snap(p);
        push(CAIRO_PATH_MOVE_TO, previous_);
    }
    void line_to(Point p) {
        p = snap(p);
        if (grid_ > 0 && p.x == previous_.x && p.y == previous_.y) return;
        push(CAIRO_PATH_LINE_TO, p);
        previous_ = p;
    }
    void close() {
        cairo_path_data_t header;
        header.header.type = CAIRO_PATH_CLOSE_PATH;
        header.header.length = 1;
        data_.push_back(header);
    }
    void append_to(cairo_t* cr) {
        if (data_.empty()) return;
        cairo_path_t path{CAIRO_STATUS_SUCCESS, data_.data(), static_cast<int>(data_.size())};
        cairo_append_path(cr, &path);
    }

private:
    Point snap(Point p) const {
        p = view_.to_page(p);
        if (grid_ > 0) p = {std::nearbyint(p.x * inverse_grid_) * grid_, std::nearbyint(p.y * inverse_grid_) * grid_};
        return p;
    }
    void push(cairo_path_data_type_t type, Point p) {
        cairo_path_data_t header;
        header.header.type = type;
        header.header.length = 2;
        data_.push_back(header);
        cairo_path_data_t point;
        point.point.x = p.x;
        point.point.y = p.y;
        data_.push_back(point);
    }
    static thread_local std::vector<cairo_path_data_t> data_;  // reused: no allocation per path
    const View& view_;
    double grid_, inverse_grid_;
    Point previous_{};
};

thread_local std::vector<cairo_path_data_t> PathBuffer::data_;

}  // namespace

void add_rings(cairo_t* cr, const Geometry& g, const View& view, bool close_rings, double grid, std::size_t first,
               std::size_t last) {
    last = std::min(last, g.ring_count());
    if (first >= last) return;
    PathBuffer path(view, grid, (g.rings[last] - g.rings[first]) + (last - first));
    for (std::size_t r = first; r < last; ++r) {
        std::uint32_t begin = g.rings[r], end = g.rings[r + 1];
        if (end - begin < 2) continue;
        path.move_to(g.points[begin]);
        for (std::uint32_t i = begin + 1; i < end; ++i) path.line_to(g.points[i]);
        if (close_rings) path.close();
    }
    path.append_to(cr);
}

void add_chains(cairo_t* cr, const Geometry& lines, const geo::LineChains& chains, const View& view, double grid,
                std::size_t first, std::size_t last, std::span<const std::uint8_t> keep) {
    last = std::min(last, chains.chain_count());
    if (first >= last) return;
    std::size_t vertices = 0;
    for (std::size_t c = first; c < last; ++c) vertices += chains.vertices(lines, c);
    PathBuffer path(view, grid, vertices);
    for (std::size_t c = first; c < last; ++c)
        chains.walk(lines, c, [&](Point p, bool start) { start ? path.move_to(p) : path.line_to(p); }, keep);
    path.append_to(cr);
}

namespace {

/// Antialiasing `mode` (fast, unless said) on `cr` while it lives, when `on`; the context's own setting
/// again after.
class AntialiasScope {
public:
    AntialiasScope(cairo_t* cr, bool on, cairo_antialias_t mode = CAIRO_ANTIALIAS_FAST) : cr_(on ? cr : nullptr) {
        if (cr_) cairo_set_antialias(cr_, mode);
    }
    ~AntialiasScope() {
        if (cr_) cairo_set_antialias(cr_, CAIRO_ANTIALIAS_DEFAULT);
    }
    AntialiasScope(const AntialiasScope&) = delete;
    AntialiasScope& operator=(const AntialiasScope&) = delete;

private:
    cairo_t* cr_;
};

/// The device lengths of a user unit along each axis under the context's current transformation.
std::pair<double, double> axis_scales(cairo_t* cr) {
    double x1 = 1, y1 = 0, x2 = 0, y2 = 1;
    cairo_user_to_device_distance(cr, &x1, &y1);
    cairo_user_to_device_distance(cr, &x2, &y2);
    return {std::hypot(x1, y1), std::hypot(x2, y2)};
}

}  // namespace

double device_width(cairo_t* cr, double width_pt) {
    const auto [x, y] = axis_scales(cr);
    return width_pt * std::max(x, y);
}

bool fast_antialias(cairo_t* cr, std::optional<double> line_width_pt) {
    if (cairo_get_antialias(cr) != CAIRO_ANTIALIAS_DEFAULT ||
        cairo_surface_get_type(cairo_get_target(cr)) != CAIRO_SURFACE_TYPE_IMAGE)
        return false;
    // The resolution of the finer axis is not the page's: a page stretched one way is no finer the other.
    const auto [x, y] = axis_scales(cr);
    if (std::min(x, y) * 72 >= kFastAntialiasFromDpi - 1e-9) return true;
    return line_width_pt && *line_width_pt * std::max(x, y) < kFastAntialiasBelowPx;
}

std::shared_ptr<cairo_pattern_t> fill_pattern(cairo_t* cr, const Icon& icon) {
    const double w = icon.width_pt(), h = icon.height_pt();
    // Device units per point (the page's scale, without its translation).
    double sx = 1, sy = 0, tx = 0, ty = 1;
    cairo_user_to_device_distance(cr, &sx, &sy);
    cairo_user_to_device_distance(cr, &tx, &ty);
    const double scale = std::max(std::hypot(sx, sy), std::hypot(tx, ty));
    SurfacePtr tile;
    double per_point_x = 1, per_point_y = 1;  // tile units per point of the page
    if (cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_IMAGE) {
        const int pw = std::max(1, static_cast<int>(std::lround(w * scale)));
        const int ph = std::max(1, static_cast<int>(std::lround(h * scale)));
        tile.reset(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph));
        per_point_x = pw / w;
        per_point_y = ph / h;
        ContextPtr t(cairo_create(tile.get()));
        cairo_scale(t.get(), per_point_x, per_point_y);
        icon.draw(t.get(), Rect{0, 0, w, h}, 1);
    } else {
        const cairo_rectangle_t extents{0, 0, w, h};
        tile.reset(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents));
        ContextPtr t(cairo_create(tile.get()));
        icon.draw(t.get(), Rect{0, 0, w, h}, 1);
    }
    std::shared_ptr<cairo_pattern_t> pattern(cairo_pattern_create_for_surface(tile.get()), cairo_pattern_destroy);
    cairo_pattern_set_extend(pattern.get(), CAIRO_EXTEND_REPEAT);
    // The page's points (the user space maps draw in) to the tile's units.
    cairo_matrix_t to_tile;
    cairo_matrix_init_scale(&to_tile, per_point_x, per_point_y);
    cairo_pattern_set_matrix(pattern.get(), &to_tile);
    return pattern;
}

namespace {

/// The current path filled with `pattern` at `opacity`.
void fill_with_pattern(cairo_t* cr, cairo_pattern_t* pattern, double opacity) {
    if (opacity <= 0) {
        cairo_new_path(cr);
        return;
    }
    const AntialiasScope fast(cr, fast_antialias(cr, std::nullopt));
    if (opacity >= 1) {
        cairo_set_source(cr, pattern);
        cairo_fill(cr);
        return;
    }
    SavedState saved(cr);
    cairo_clip(cr);
    cairo_set_source(cr, pattern);
    cairo_paint_with_alpha(cr, opacity);
}

}  // namespace

void fill_current_path(cairo_t* cr, const FillPaint& paint, double hairline_pt, cairo_fill_rule_t rule) {
    cairo_set_fill_rule(cr, rule);
    if (paint.pattern) {
        fill_with_pattern(cr, paint.pattern.get(), paint.opacity);
        return;
    }
    set_source(cr, paint.color, paint.opacity);
    if (!paint.antialias) {
        const AntialiasScope whole_pixels(cr, true, CAIRO_ANTIALIAS_NONE);
        cairo_fill(cr);
        return;
    }
    if (paint.outline) {
        {
            const AntialiasScope fast(cr, fast_antialias(cr, std::nullopt));
            cairo_fill_preserve(cr);
        }
        set_source(cr, *paint.outline, paint.opacity);
        cairo_set_line_width(cr, hairline_pt);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_set_dash(cr, nullptr, 0, 0);
        const AntialiasScope fast(cr, fast_antialias(cr, hairline_pt));
        cairo_stroke(cr);
    } else {
        const AntialiasScope fast(cr, fast_antialias(cr, std::nullopt));
        cairo_fill(cr);
    }
}

void stroke_current_path(cairo_t* cr, const LinePaint& paint) {
    if (paint.width_pt <= 0 || paint.opacity <= 0) {
        cairo_new_path(cr);
        return;
    }
    set_source(cr, paint.color, paint.opacity);
    cairo_set_line_width(cr, paint.width_pt);
    cairo_set_line_join(cr, paint.join);
    cairo_set_line_cap(cr, paint.cap);
    cairo_set_miter_limit(cr, 2.0);
    cairo_set_dash(cr, paint.dash_pt.empty() ? nullptr : paint.dash_pt.data(), static_cast<int>(paint.dash_pt.size()), 0);
    {
        const AntialiasScope fast(cr, fast_antialias(cr, paint.width_pt));
        cairo_stroke(cr);
    }
    cairo_set_dash(cr, nullptr, 0, 0);
}

void draw_circle(cairo_t* cr, Point centre, const CirclePaint& paint) {
    // As in MapLibre, the stroke lies outside the radius: the symbol's outer radius is radius + stroke.
    cairo_new_path(cr);
    cairo_arc(cr, centre.x, centre.y, paint.radius_pt, 0, 2 * M_PI);
    set_source(cr, paint.color, paint.opacity);
    cairo_fill(cr);
    if (paint.stroke_width_pt > 0) {
        cairo_arc(cr, centre.x, centre.y, paint.radius_pt + paint.stroke_width_pt / 2, 0, 2 * M_PI);
        set_source(cr, paint.stroke_color, paint.stroke_opacity * paint.opacity);
        cairo_set_line_width(cr, paint.stroke_width_pt);
        cairo_set_dash(cr, nullptr, 0, 0);
        cairo_stroke(cr);
    }
}

}  // namespace cartelier::render
