#include "serve/inspector.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "render/map_renderer.hpp"
#include "style/feature_view.hpp"
#include "style/style.hpp"

namespace cartelier::serve {

namespace {

/// Squared distance from `p` to the segment a–b.
double segment_distance2(Point p, Point a, Point b) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    const double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
    return ex * ex + ey * ey;
}

/// True when `p` is inside a polygon part (its rings, even-odd: the holes are out).
bool in_polygon(const Geometry& g, std::size_t part, Point p) {
    bool inside = false;
    for (std::uint32_t r = g.parts[part]; r < g.parts[part + 1]; ++r) {
        const std::uint32_t begin = g.rings[r], end = g.rings[r + 1];
        for (std::uint32_t i = begin, j = end - 1; i < end; j = i++) {
            const Point a = g.points[i], b = g.points[j];
            if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) inside = !inside;
        }
    }
    return inside;
}

/// True when the feature's geometry is under `p`: a polygon containing it, a line or point within `tol`.
/// `outline`: a polygon drawn by a line layer is its rings: hit within `tol` of them.
bool hits(const Geometry& g, Point p, double tol, bool outline) {
    const double tol2 = tol * tol;
    switch (outline && g.type == GeometryType::Polygon ? GeometryType::LineString : g.type) {
        case GeometryType::Point:
            return std::any_of(g.points.begin(), g.points.end(), [&](Point q) {
                return (q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y) <= tol2;
            });
        case GeometryType::LineString:
            for (std::size_t r = 0; r + 1 < g.rings.size(); ++r)
                for (std::uint32_t i = g.rings[r]; i + 1 < g.rings[r + 1]; ++i)
                    if (segment_distance2(p, g.points[i], g.points[i + 1]) <= tol2) return true;
            return false;
        case GeometryType::Polygon:
            for (std::size_t part = 0; part + 1 < g.parts.size(); ++part)
                if (in_polygon(g, part, p)) return true;
            return false;
        case GeometryType::None:
            return false;
    }
    return false;
}

const char* geometry_name(GeometryType t) {
    switch (t) {
        case GeometryType::Point: return "Point";
        case GeometryType::LineString: return "LineString";
        case GeometryType::Polygon: return "Polygon";
        case GeometryType::None: break;
    }
    return "None";
}

}  // namespace

/// The features of one project layer in one frame, bucketed by the grid cells their bounds (within the
/// frame's extent) cover.
struct Inspector::Index {
    std::size_t frame = 0;
    const Layer* layer = nullptr;
    Box extent;
    int columns = 1, rows = 1;
    double cell_w = 1, cell_h = 1;
    std::vector<std::vector<std::uint32_t>> cells;

    Index(std::size_t frame_index, const Layer& l, const std::vector<Box>& bounds, const Box& view_extent)
        : frame(frame_index), layer(&l), extent(view_extent) {
        // About a feature per cell, at most 256 × 256 cells.
        const double n = std::max<double>(1, static_cast<double>(bounds.size()));
        const double side = std::clamp(std::sqrt(n), 1.0, 256.0);
        const double aspect = extent.width() > 0 && extent.height() > 0 ? extent.width() / extent.height() : 1;
        columns = std::clamp(static_cast<int>(std::ceil(side * std::sqrt(aspect))), 1, 256);
        rows = std::clamp(static_cast<int>(std::ceil(side / std::sqrt(aspect))), 1, 256);
        cell_w = std::max(extent.width() / columns, 1e-12);
        cell_h = std::max(extent.height() / rows, 1e-12);
        cells.resize(static_cast<std::size_t>(columns) * rows);
        for (std::size_t i = 0; i < bounds.size(); ++i) {
            const Box& b = bounds[i];
            if (b.empty() || !b.intersects(extent)) continue;  // not drawn in this frame
            const int c0 = column(b.min_x), c1 = column(b.max_x), r0 = row(b.min_y), r1 = row(b.max_y);
            for (int r = r0; r <= r1; ++r)
                for (int c = c0; c <= c1; ++c) cells[static_cast<std::size_t>(r) * columns + c].push_back(static_cast<std::uint32_t>(i));
        }
    }
    int column(double x) const { return std::clamp(static_cast<int>((x - extent.min_x) / cell_w), 0, columns - 1); }
    int row(double y) const { return std::clamp(static_cast<int>((y - extent.min_y) / cell_h), 0, rows - 1); }

    /// The features whose bounds, grown by `tol`, hold `p`.
    std::vector<std::uint32_t> candidates(Point p, double tol, const std::vector<Box>& bounds) const {
        std::vector<std::uint32_t> out;
        for (int r = row(p.y - tol); r <= row(p.y + tol); ++r)
            for (int c = column(p.x - tol); c <= column(p.x + tol); ++c)
                for (std::uint32_t i : cells[static_cast<std::size_t>(r) * columns + c]) {
                    const Box& b = bounds[i];
                    if (p.x >= b.min_x - tol && p.x <= b.max_x + tol && p.y >= b.min_y - tol && p.y <= b.max_y + tol)
                        out.push_back(i);
                }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }
};

Inspector::Inspector(std::shared_ptr<const pipeline::PreparedMap> map, std::vector<render::FrameReport> frames)
    : map_(std::move(map)), frames_(std::move(frames)) {}

void Inspector::build() const {
    for (std::size_t f = 0; f < frames_.size(); ++f) {
        const render::LayerSet& set = map_->layers_in(frames_[f].crs);
        for (const std::string& name : map_->source_layers) {
            const Layer* layer = set.find(name);
            if (!layer) continue;
            indexes_.push_back(std::make_unique<Index>(f, *layer, set.bounds(*layer), frames_[f].view.extent));
        }
    }
}

Inspector::~Inspector() = default;

Inspection Inspector::inspect(Point page_point, double tolerance_pt, std::size_t limit) const {
    const auto start = std::chrono::steady_clock::now();
    std::call_once(built_, [this] { build(); });
    Inspection out;
    // The topmost frame under the point: insets are drawn over the main map.
    std::optional<std::size_t> frame;
    for (std::size_t f = frames_.size(); f-- > 0;) {
        const layout::Rect& r = frames_[f].frame;
        if (page_point.x >= r.x && page_point.x <= r.right() && page_point.y >= r.y && page_point.y <= r.bottom()) {
            frame = f;
            break;
        }
    }
    if (frame) {
        const render::FrameReport& fr = frames_[*frame];
        out.in_frame = true;
        out.frame = fr.name;
        out.crs = fr.crs;
        out.zoom = fr.zoom;
        out.map_point = fr.view.to_map(page_point);
        const double tol = tolerance_pt / fr.view.scale;
        const render::LayerSet& set = map_->layers_in(fr.crs);
        const style::Style& style = *map_->style;
        style::expr::GlobalStateScope state(map_->map && !map_->map->global_state.empty() ? &map_->map->global_state
                                                                                           : nullptr);
        // Per feature hit, the style layers that drew it, topmost first.
        std::map<std::pair<const Layer*, std::uint32_t>, std::size_t> found;
        for (std::size_t l = style.layers.size(); l-- > 0;) {
            const style::Layer& sl = style.layers[l];
            if (sl.source_layer.empty() || !sl.visible() || !sl.in_zoom_range(fr.zoom)) continue;
            const Index* index = nullptr;
            for (const auto& ix : indexes_)
                if (ix->frame == *frame && ix->layer->name == sl.source_layer) index = ix.get();
            if (!index) continue;
            const Layer& layer = *index->layer;
            // Points and lines are found within the tolerance; so are the labels of a symbol layer's points.
            for (std::uint32_t i : index->candidates(out.map_point, tol, set.bounds(layer))) {
                const Feature& feature = layer.features[i];
                if (!hits(feature.geometry, out.map_point, tol, sl.type == style::LayerType::Line)) continue;
                style::LayerFeatureView view(layer, feature);
                style::expr::EvaluationContext ctx{fr.zoom, &view};
                if (!sl.accepts(ctx)) continue;
                auto [it, fresh] = found.emplace(std::make_pair(&layer, i), out.features.size());
                if (fresh) {
                    if (out.features.size() >= limit) {
                        found.erase(it);
                        continue;
                    }
                    InspectedFeature f;
                    f.layer = layer.name;
                    f.id = feature.id;
                    f.geometry_type = geometry_name(feature.geometry.type);
                    for (std::size_t k = 0; k < layer.schema->size(); ++k)
                        f.attributes.emplace_back(layer.schema->fields()[k],
                                                  style::to_expression_value(feature.value(k)).to_json());
                    out.features.push_back(std::move(f));
                }
                InspectedStyleLayer s;
                s.id = sl.id;
                s.type = style::layer_type_name(sl.type);
                s.where = sl.where;
                for (const style::PropertySpec& spec : style::property_specs()) {
                    if (spec.layer != sl.type || spec.id == style::Prop::Visibility) continue;
                    InspectedProperty p;
                    p.name = spec.name;
                    p.is_default = !sl.is_set(spec.id);
                    p.where = sl.location(spec.id);
                    style::expr::Result r = sl.try_evaluate(spec.id, ctx);
                    if (r) {
                        p.value_json = r.value->to_json();
                    } else {
                        p.error = r.error;
                        p.value_json = spec.default_value.to_json();
                    }
                    s.properties.push_back(std::move(p));
                }
                out.features[it->second].styles.push_back(std::move(s));
            }
        }
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

std::string inspection_json(const Inspection& inspection, std::uint64_t version) {
    using nlohmann::json;
    auto location = [](const SourceLocation& w) {
        json j = json::object();
        if (w.file.empty()) return j;
        j["file"] = w.file;
        j["line"] = w.line;
        j["column"] = w.column;
        j["path"] = w.path;
        j["text"] = w.format();
        return j;
    };
    auto parsed = [](const std::string& text) { return json::parse(text, nullptr, false); };
    json j;
    j["version"] = version;
    j["in_frame"] = inspection.in_frame;
    j["frame"] = inspection.frame;
    j["crs"] = inspection.crs;
    j["map_point"] = {inspection.map_point.x, inspection.map_point.y};
    j["zoom"] = inspection.zoom;
    j["seconds"] = inspection.seconds;
    j["features"] = json::array();
    for (const auto& f : inspection.features) {
        json jf;
        jf["layer"] = f.layer;
        jf["id"] = f.id;
        jf["geometry_type"] = f.geometry_type;
        jf["attributes"] = json::array();
        for (const auto& [name, value] : f.attributes) jf["attributes"].push_back({{"name", name}, {"value", parsed(value)}});
        jf["styles"] = json::array();
        for (const auto& s : f.styles) {
            json js;
            js["id"] = s.id;
            js["type"] = s.type;
            js["where"] = location(s.where);
            js["properties"] = json::array();
            for (const auto& p : s.properties) {
                json jp;
                jp["name"] = p.name;
                jp["value"] = parsed(p.value_json);
                jp["default"] = p.is_default;
                if (!p.error.empty()) jp["error"] = p.error;
                jp["where"] = location(p.where);
                js["properties"].push_back(std::move(jp));
            }
            jf["styles"].push_back(std::move(js));
        }
        j["features"].push_back(std::move(jf));
    }
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cartelier::serve
