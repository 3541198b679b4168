#include "render/icons.hpp"

#include <utility>
#include <vector>

#include <fmt/format.h>

#include "render/feature_view.hpp"
#include "render/map_renderer.hpp"

namespace cartelier::render {

using style::Prop;
namespace ex = style::expr;

void Icon::draw(cairo_t* cr, const Rect& box, double opacity) const {
    std::lock_guard lock(mutex_);
    picture_.draw(cr, box, opacity);
}

std::shared_ptr<const Icon> IconCache::get(const std::string& path) {
    std::lock_guard lock(mutex_);
    if (auto it = icons_.find(path); it != icons_.end()) return it->second;
    if (auto it = failures_.find(path); it != failures_.end())
        throw Error(SourceLocation{path, 0, 0, {}}, it->second);
    ++reads_;
    try {
        auto icon = std::make_shared<const Icon>(Picture::load(path, "icon"));
        if (icon->width_pt() <= 0 || icon->height_pt() <= 0)
            throw Error(SourceLocation{path, 0, 0, {}}, "the icon has no size");
        icons_.emplace(path, icon);
        return icon;
    } catch (const Error& e) {
        std::string message = e.diagnostics().empty() ? e.what() : e.diagnostics().items().front().message;
        failures_.emplace(path, message);
        throw;
    }
}

std::string IconCache::check(const std::string& path) {
    try {
        get(path);
        return {};
    } catch (const Error& e) {
        const std::string why = e.diagnostics().empty() ? e.what() : e.diagnostics().items().front().message;
        return fmt::format("expected an SVG or PNG image that can be drawn, found {}, which cannot be read ({})", path,
                           why);
    }
}

std::size_t IconCache::files_read() const {
    std::lock_guard lock(mutex_);
    return reads_;
}

style::StyleEnvironment IconCache::environment(const std::string& project_root) {
    style::StyleEnvironment env;
    env.project_root = project_root;
    env.check_icon = [this](const std::string& path) { return check(path); };
    return env;
}

Rect icon_box(const Icon& icon, const IconPaint& paint, Point at) {
    const double w = icon.width_pt() * paint.size, h = icon.height_pt() * paint.size;
    const Point p{at.x + paint.offset_x_pt, at.y + paint.offset_y_pt};
    const std::string& a = paint.anchor;
    // The anchor names the part of the icon placed at the point ("bottom": the icon above the point).
    double x = p.x - w / 2, y = p.y - h / 2;
    if (a == "left" || a == "top-left" || a == "bottom-left") x = p.x;
    if (a == "right" || a == "top-right" || a == "bottom-right") x = p.x - w;
    if (a == "top" || a == "top-left" || a == "top-right") y = p.y;
    if (a == "bottom" || a == "bottom-left" || a == "bottom-right") y = p.y - h;
    return Rect{x, y, w, h};
}

std::shared_ptr<const Icon> load_icon(const style::Style& style, const style::Layer& layer, const std::string& name,
                                      const std::string& feature_id, IconCache& cache, Prop property) {
    auto where = [&] {
        SourceLocation at = layer.location(property);
        if (at.file.empty()) at.file = style.file;
        return at;
    };
    auto who = [&] { return feature_id.empty() ? std::string() : fmt::format("feature '{}': ", feature_id); };
    style::IconResolution r = style::resolve_icon(style, name);
    if (!r) throw Error(where(), who() + r.error, r.hint);
    try {
        return cache.get(r.path);
    } catch (const Error&) {
        throw Error(where(), who() + cache.check(r.path));
    }
}

Diagnostics check_icons(const style::Style& style, const LayerSet& layers, const std::vector<double>& zooms,
                        IconCache& cache, std::set<std::string>* files) {
    return check_icons(style, std::vector<const LayerSet*>{&layers}, zooms, cache, files);
}

Diagnostics check_icons(const style::Style& style, const std::vector<const LayerSet*>& sets,
                        const std::vector<double>& zooms, IconCache& cache, std::set<std::string>* files) {
    Diagnostics out;
    for (const auto& sl : style.layers) {
        // The property naming images: a symbol layer's icon, a fill layer's pattern.
        const Prop prop = sl.type == style::LayerType::Fill ? Prop::FillPattern : Prop::IconImage;
        if ((sl.type != style::LayerType::Symbol && sl.type != style::LayerType::Fill) || !sl.is_set(prop) ||
            !sl.visible())
            continue;
        // The layer's copies in the map's CRSs (pipeline::LayerStore::drawn), each with the geometries of
        // its own frames; a feature counts when one of them has its geometry.
        std::vector<const Layer*> copies;
        for (const LayerSet* set : sets)
            if (const Layer* copy = set ? set->find(sl.source_layer) : nullptr) copies.push_back(copy);
        if (copies.empty()) continue;
        // The features the layer draws in one of the copies, in the order of the whole layer: copies of
        // the same features (a copy held in a window holds some, LayerSubset), each with the geometries of
        // its own frames.
        std::vector<std::pair<const Layer*, const Feature*>> drawn_features;
        const std::size_t whole = copies.front()->whole_size();
        std::erase_if(copies, [&](const Layer* c) { return c->whole_size() != whole; });  // other features
        for_each_held(copies, [&](const std::vector<std::size_t>& held) {
            for (std::size_t c = 0; c < copies.size(); ++c) {
                if (held[c] == kNotHeld) continue;
                const Feature& f = copies[c]->features[held[c]];
                // A symbol draws its icon at any feature; a fill pattern fills areas only.
                if (!f.geometry.empty() && (prop == Prop::IconImage || f.geometry.type == GeometryType::Polygon)) {
                    drawn_features.emplace_back(copies[c], &f);
                    return;
                }
            }
        });
        const ex::Expression& e = *sl.expression(prop);
        // name → the first feature that uses it, and how many do.
        struct Use {
            std::string feature_id;
            std::set<std::string> features;
        };
        std::map<std::string, Use> uses;
        auto note = [&](const std::string& name, const std::string& feature_id) {
            if (name.empty()) return;
            Use& u = uses[name];
            if (u.features.empty()) u.feature_id = feature_id;
            u.features.insert(feature_id);
        };
        for (double zoom : zooms) {
            if (!sl.in_zoom_range(zoom)) continue;
            if (e.is_feature_constant()) {
                note(sl.string(prop, ex::EvaluationContext{zoom, nullptr}), "");
                continue;
            }
            for (const auto& [layer, feature] : drawn_features) {
                const Feature& f = *feature;
                LayerFeatureView fv(*layer, f);
                ex::EvaluationContext ctx{zoom, &fv};
                if (!sl.accepts(ctx)) continue;
                note(sl.string(prop, ctx), f.id);
            }
        }
        for (const auto& [name, use] : uses) {
            style::IconResolution r = style::resolve_icon(style, name);
            if (files) files->insert(r.candidates.begin(), r.candidates.end());
            try {
                load_icon(style, sl, name, use.feature_id, cache, prop);
            } catch (const Error& err) {
                for (Diagnostic d : err.diagnostics().items()) {
                    if (use.features.size() > 1 && !use.feature_id.empty())
                        d.message += fmt::format(" (and {} other feature(s) of layer '{}')", use.features.size() - 1,
                                                 sl.source_layer);
                    out.add(std::move(d));
                }
            }
        }
    }
    return out;
}

}  // namespace cartelier::render
