#include "style/print_check.hpp"

#include <optional>
#include <string>

#include <fmt/format.h>

#include "style/feature_view.hpp"

namespace cartelier::style {

namespace {

/// The translucency a property's value gives ("0.5", "alpha 0.5"), or nullopt when it is opaque (or
/// not a number or colour: an evaluation problem, reported by the data checks).
std::optional<std::string> translucent(const PropertySpec& spec, const expr::Result& r) {
    if (!r) return std::nullopt;
    if (spec.type.kind == expr::Kind::Color) {
        const Color* c = r.value->as_color();
        if (c && c->a < 1) return fmt::format("a colour of alpha {:g}", c->a);
    } else if (const double* n = r.value->as_number(); n && *n < 1) {
        return fmt::format("{:g}", *n);
    }
    return std::nullopt;
}

bool is_opacity(const PropertySpec& spec) {
    const std::string name = spec.name;
    return name.size() > 8 && name.compare(name.size() - 8, 8, "-opacity") == 0;
}

/// Where the property first makes the layer translucent: its value and, data-driven, the feature.
std::optional<std::string> first_translucency(const Layer& sl, const PropertySpec& spec, const expr::Expression& e,
                                              const std::vector<DataFrame>& frames) {
    for (const DataFrame& frame : frames) {
        if (!sl.in_zoom_range(frame.zoom)) continue;
        if (e.is_feature_constant()) {
            if (auto v = translucent(spec, sl.try_evaluate(spec.id, expr::EvaluationContext{frame.zoom, nullptr})))
                return e.is_zoom_constant() ? *v : fmt::format("{} at zoom {:.2f}", *v, frame.zoom);
            continue;
        }
        const cartelier::Layer* data = frame.layer ? frame.layer(sl.source_layer) : nullptr;
        if (!data) continue;
        for (const Feature& feature : data->features) {
            if (!feature.geometry.bounds().intersects(frame.extent)) continue;
            LayerFeatureView view(*data, feature);
            const expr::EvaluationContext ctx{frame.zoom, &view};
            if (!sl.accepts(ctx)) continue;
            if (auto v = translucent(spec, sl.try_evaluate(spec.id, ctx)))
                return fmt::format("{} for feature '{}'", *v, feature.id);
        }
    }
    return std::nullopt;
}

}  // namespace

Diagnostics check_print_transparency(const Style& style, const std::vector<DataFrame>& frames) {
    Diagnostics out;
    for (const Layer& sl : style.layers) {
        if (!sl.visible()) continue;
        for (const PropertySpec& spec : property_specs()) {
            const expr::Expression* e = sl.expression(spec.id);
            if (!e || (spec.type.kind != expr::Kind::Color && !is_opacity(spec))) continue;
            if (sl.type != LayerType::Background && sl.source_layer.empty()) continue;
            if (auto where = first_translucency(sl, spec, *e, frames))
                out.warning(sl.location(spec.id),
                            fmt::format("layer '{}': {} is {}, but the print PDF (pdfx) cannot be translucent: "
                                        "PDF/X-3 has no transparency, so Ghostscript will turn the whole page "
                                        "into one 720 dpi CMYK raster image",
                                        sl.id, spec.name, *where),
                            spec.type.kind == expr::Kind::Color
                                ? "give an opaque colour (a lighter one instead of a translucent one), or leave pdfx "
                                  "out of this map's formats"
                                : fmt::format("set {} to 1 and lighten the colour instead, or leave pdfx out of this "
                                              "map's formats",
                                              spec.name));
        }
    }
    return out;
}

}  // namespace cartelier::style
