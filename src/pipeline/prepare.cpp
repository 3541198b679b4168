#include "pipeline/prepare.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "geo/projection.hpp"
#include "layout/page_plan.hpp"
#include "pipeline/cancel.hpp"
#include "pipeline/credits.hpp"
#include "pipeline/pdfx.hpp"
#include "pipeline/timing.hpp"
#include "style/data_check.hpp"
#include "style/feature_view.hpp"
#include "style/print_check.hpp"

namespace cartelier::pipeline {

const render::LayerSet& PreparedMap::layers_in(const std::string& crs) const {
    auto it = layers.find(crs);
    if (it == layers.end())
        throw Error(SourceLocation{map ? map->style : std::string(), 0, 0, {}},
                    fmt::format("internal error: the layers of map '{}' were not prepared in {}",
                                map ? map->id : std::string("?"), crs));
    return *it->second;
}

namespace {

/// The style, parsed from the bytes this build read (and hashes). Style errors end the preparation:
/// without a style there is nothing more to check.
void prepare_style(PrepareContext& ctx, const MapDecl& map, PreparedMap& out) {
    ScopedStage stage("prepare");
    const std::shared_ptr<const StyleFile> file = ctx.inputs.style_file(map.style);
    const style::StyleEnvironment environment = ctx.icons.environment(ctx.project.root.string());
    out.style = std::make_shared<const style::Style>(
        style::parse_style_file(map.style, file->bytes, &out.warnings, &environment));
    out.source_layers = out.style->source_layers();
    out.fonts = fonts_of(map, *out.style);
    if (std::find(map.formats.begin(), map.formats.end(), Format::Pdfx) != map.formats.end()) {
        // Parsed again from the same bytes (a Style is not copyable); its warnings are the ones above.
        auto print = std::make_shared<style::Style>(style::parse_style_file(map.style, file->bytes, nullptr, &environment));
        for (const style::PageElementSpec& spec : style::page_element_specs())
            (print->page.*spec.member).background_opacity = 1;
        print->page.opaque = true;
        out.print_style = std::move(print);
    }
}

/// Each layer the style draws, in the map's CRS and each inset's: every problem of every layer.
void prepare_layers(PrepareContext& ctx, const MapDecl& map, PreparedMap& out, Diagnostics& problems) {
    std::vector<std::string> names;
    for (const auto& [n, _] : ctx.project.layers) names.push_back(n);
    std::vector<std::string> crss{map.crs};
    for (const auto& inset : map.page.insets)
        if (!inset.crs.empty() && std::find(crss.begin(), crss.end(), inset.crs) == crss.end())
            crss.push_back(inset.crs);
    // What the renderer prepares from the layers (bounds; arcs and generalised lines per view) is kept in
    // the store's cache, shared by the maps and by `watch`'s next builds — except an atlas page's views,
    // which no other page shows: kept with the page and released with it, so that the memory of a series
    // stays flat in its number of pages.
    for (const auto& crs : crss)
        out.layers[crs] = std::make_unique<render::LayerSet>(ctx.layers.geometry_cache(), map.page_of.has_value());

    for (const auto& name : out.source_layers) {
        if (!ctx.project.layers.count(name)) {
            problems.error(out.style->source_layer_location(name),
                           fmt::format("the style draws layer '{}', which the project ({}) does not declare", name,
                                       ctx.project.file),
                           suggest_name(name, names, {"declared layers: ", ""}));
            continue;
        }
        for (const auto& crs : crss) {
            throw_if_interrupted();
            try {
                out.layers[crs]->add(ctx.layers.drawn(name, crs));
            } catch (const Error& e) {
                problems.append(e.diagnostics());
                break;  // the same layer in another CRS would only repeat its problems
            }
        }
    }
}

/// Icons named per feature (or per zoom): every one the map will draw resolved and read now, so that a
/// missing or unreadable icon fails the map before any rendering, naming the feature.
void prepare_icons(PrepareContext& ctx, const MapDecl& map, PreparedMap& out, Diagnostics& problems) {
    ScopedStage stage("prepare");
    std::set<std::string> files;
    // The map's copies in each of its CRSs: an inset's features may be held in its CRS only.
    std::vector<const render::LayerSet*> sets{&out.layers_in(map.crs)};
    for (const auto& [crs, set] : out.layers)
        if (crs != map.crs) sets.push_back(set.get());
    problems.append(render::check_icons(*out.style, sets, layout::frame_zooms(map.page, map.crs, map.extent),
                                        ctx.icons, &files));
    out.icons.assign(files.begin(), files.end());
}

/// The style against the data the map draws, frame by frame (style/data_check.hpp): evaluation errors
/// fail the map; comparisons that never hold and style layers that draw nothing are warnings, and so,
/// for a map built as pdfx, is a translucent style layer (style/print_check.hpp).
void prepare_data_checks(const MapDecl& map, const std::vector<layout::FramePlan>& plans, PreparedMap& out,
                         Diagnostics& problems) {
    ScopedStage stage("prepare");
    std::vector<style::DataFrame> frames;
    for (const layout::FramePlan& f : plans) {
        const render::LayerSet& set = out.layers_in(f.inset && !f.inset->crs.empty() ? f.inset->crs : map.crs);
        frames.push_back({f.zoom, f.view.extent, [&set](const std::string& name) { return set.find(name); },
                          [&set](const cartelier::Layer& layer) { return &set.bounds(layer); }});
    }
    style::DataCheckSummary drawn;
    problems.append(style::check_style_against_data(*out.style, frames, &drawn));
    // Every layer drawing nothing: a blank page (an extent in the wrong place or CRS) is no map.
    if (drawn.layers_with_data > 0 && drawn.layers_drawing == 0)
        problems.error(map.extent_at.file.empty() ? map.declared_at : map.extent_at,
                       drawn.layers_with_data == 1
                           ? fmt::format("map '{}' would be blank: the one style layer drawing the project's layers "
                                         "draws no feature on it (the warning above says why)",
                                         map.id)
                           : fmt::format("map '{}' would be blank: none of the {} style layers drawing the project's "
                                         "layers draws a feature on it (the warnings above say why)",
                                         map.id, drawn.layers_with_data),
                       fmt::format("check the map's extent (in its CRS, {}), the layers' coordinates, and the style's "
                                   "filters, zoom ranges and layer types",
                                   map.crs));
    // Built as pdfx: a translucent style layer would make the print PDF one raster image.
    if (out.print_style) problems.append(style::check_print_transparency(*out.style, frames));
}

/// `deg` as "12.34°E" (or W, N, S).
std::string degrees(double deg, char positive, char negative) {
    return fmt::format("{:.2f}°{}", std::abs(deg), deg < 0 ? negative : positive);
}

/// A frame drawn in a CRS made for another part of the world (an atlas page of Guadeloupe in
/// Lambert-93: a crs rule mistyped or missing) is distorted — its shapes, its areas, its scale bar —
/// while looking like a map: a warning when the frame's centre lies outside the CRS's area of use
/// (widened by a tenth of its size, at least 1°).
void prepare_crs_checks(const MapDecl& map, const std::vector<layout::FramePlan>& plans, PreparedMap& out) {
    for (const layout::FramePlan& f : plans) {
        const std::string& crs = f.inset && !f.inset->crs.empty() ? f.inset->crs : map.crs;
        const Box& v = f.view.extent;
        if (v.empty()) continue;
        const geo::Transformation to_crs("EPSG:4326", crs);
        const std::optional<Box> known = to_crs.area_of_use();
        if (!known) continue;
        const Box& area = *known;
        const double width = area.max_x >= area.min_x ? area.max_x - area.min_x : area.max_x - area.min_x + 360;
        const double margin = std::max(1.0, 0.1 * std::max(width, area.max_y - area.min_y));
        const Point centre = to_crs.inverse({(v.min_x + v.max_x) / 2, (v.min_y + v.max_y) / 2});
        if (to_crs.within_area_of_use(centre, margin).value_or(true)) continue;
        const std::string frame = f.inset ? fmt::format("its inset '{}'", f.inset->name) : "its main map";
        out.warnings.warning(
            map.declared_at,
            fmt::format("map '{}': {} is drawn in {}, whose area of use is {}–{}, {}–{}, and its centre ({}, {}) lies "
                        "outside it: shapes, areas and the scale bar are distorted there",
                        map.id, frame, crs, degrees(area.min_x, 'E', 'W'), degrees(area.max_x, 'E', 'W'),
                        degrees(area.min_y, 'N', 'S'), degrees(area.max_y, 'N', 'S'), degrees(centre.x, 'E', 'W'),
                        degrees(centre.y, 'N', 'S')),
            map.page_of ? "draw the page in a CRS made for that place: the atlas's `crs: {field, values}` rule"
                        : "draw it in a CRS made for that place (the map's or the inset's `crs`)");
    }
}

/// Points that fall off the map — coordinates swapped or mistyped in a table of sites (latitude 0.98,
/// longitude 44.51: Somalia) — would leave the map with fewer sites and nothing said. A warning names
/// them when a few features of a point layer the style draws (and its filters keep) lie outside the main
/// map and every inset while the others lie inside: at most max(3, a tenth) and less than half of them.
/// Not for an atlas page, whose extent shows a part of the layers by design.
void prepare_off_map_checks(PrepareContext& ctx, const MapDecl& map, const std::vector<layout::FramePlan>& plans,
                            PreparedMap& out) {
    if (map.page_of || plans.empty()) return;
    for (const auto& name : out.source_layers) {
        std::vector<const style::Layer*> drawing;
        for (const auto& sl : out.style->layers)
            if (sl.type != style::LayerType::Background && sl.source_layer == name && sl.visible()) drawing.push_back(&sl);
        auto declared = ctx.project.layers.find(name);
        if (drawing.empty() || declared == ctx.project.layers.end()) continue;
        // A point layer (as the map holds it: maybe only the features near its frames).
        const Layer* held = out.layers_in(map.crs).find(name);
        auto point_or_none = [](const Feature& f) { return f.geometry.type == GeometryType::Point || f.geometry.empty(); };
        if (!held || !std::all_of(held->features.begin(), held->features.end(), point_or_none)) continue;
        // Then the layer as read, and in each frame's CRS, whole: a few points to project.
        std::vector<const Layer*> copies;
        const Layer* source = nullptr;
        try {
            source = &ctx.layers.source(name);
            if (source->features.empty() || !std::all_of(source->features.begin(), source->features.end(), point_or_none))
                continue;
            for (const layout::FramePlan& f : plans) {
                copies.push_back(&ctx.layers.projected(name, f.inset && !f.inset->crs.empty() ? f.inset->crs : map.crs));
                if (copies.back()->features.size() != source->features.size()) break;  // not one for one
            }
            if (copies.back()->features.size() != source->features.size()) continue;
        } catch (const Error&) {
            continue;  // its problems are the layer's, reported where it is drawn
        }
        const double zoom = plans.front().zoom;
        std::vector<std::size_t> off;
        std::size_t placed = 0;
        for (std::size_t i = 0; i < source->features.size(); ++i) {
            if (source->features[i].geometry.empty()) continue;
            ++placed;
            bool inside = false;
            for (std::size_t k = 0; k < plans.size() && !inside; ++k) {
                const Geometry& g = copies[k]->features[i].geometry;
                inside = !g.empty() && g.bounds().intersects(plans[k].view.extent);
            }
            if (inside) continue;
            // Left out by every style layer's filter: not meant for this map.
            const style::LayerFeatureView view(*copies.front(), copies.front()->features[i]);
            const style::expr::EvaluationContext at{zoom, &view};
            const bool kept = std::any_of(drawing.begin(), drawing.end(),
                                          [&](const style::Layer* sl) { return sl->in_zoom_range(zoom) && sl->accepts(at); });
            if (kept) off.push_back(i);
        }
        if (off.empty() || off.size() > std::max<std::size_t>(3, placed / 10) || 2 * off.size() >= placed) continue;
        std::vector<std::string> named;
        for (std::size_t i : off) {
            const Feature& f = source->features[i];
            const Point p = f.geometry.points.front();
            named.push_back(fmt::format("{} at ({:.6g}, {:.6g})", f.id, p.x, p.y));
        }
        out.warnings.warning(declared->second.spec.declared_at,
                             fmt::format("map '{}': {} of the {} features of layer '{}' lie outside the map and its "
                                         "insets, while the others lie inside: {} (coordinates in {})",
                                         map.id, off.size(), placed, name, fmt::join(named, ", "), source->crs),
                             "check their coordinates (longitude and latitude swapped? a sign or a digit lost?); a "
                             "feature meant to be off this map can be left out by the style's filter");
    }
}

/// A font fontconfig cannot find would be replaced by another one: worth a warning. So is a text-font
/// none of whose fonts is installed: fontconfig draws its text in some other font, silently.
void prepare_fonts(PrepareContext& ctx, const MapDecl& map, PreparedMap& out) {
    for (const auto& font : out.fonts)
        if (ctx.inputs.fonts().resolve(font).empty())
            out.warnings.warning(SourceLocation{map.style, 0, 0, {}},
                                 fmt::format("fontconfig finds no file for the font '{}'", font),
                                 "install it, or check `fc-match` on this machine");
    // The font drawn instead of one that is not installed, and what to do about it.
    auto stand_in = [](const FontResolver::Match& m) {
        return fmt::format("{} ({})", m.families.empty() ? std::string("another font") : fmt::format("'{}'", m.families.front()),
                           m.file);
    };
    const char* hint = "install the font, or name an installed one (`fc-list : family` lists them)";
    FontResolver& fonts = ctx.inputs.fonts();
    // The project's `font`, the page's texts (title, legend, scale bar, credits) where the style names none.
    if (const FontResolver::Match page = fonts.match(map.page.font + " Book"); !page.file.empty() && !page.installed())
        out.warnings.warning(map.font_at.file.empty() ? map.declared_at : map.font_at,
                             fmt::format("the font '{}' of the page's texts is not installed on this machine: they are "
                                         "drawn in {}",
                                         map.page.font, stand_in(page)),
                             hint);
    for (const auto& stack : out.style->font_stacks) {
        const FontResolver::Match used = fonts.match(stack.fonts.front());
        if (used.file.empty() ||
            std::any_of(stack.fonts.begin(), stack.fonts.end(), [&](const std::string& f) { return fonts.match(f).installed(); }))
            continue;
        out.warnings.warning(
            stack.where,
            fmt::format("{} installed on this machine: its text is drawn in {}",
                        stack.fonts.size() == 1 ? fmt::format("the font '{}' is not", stack.fonts.front())
                                                : fmt::format("none of the fonts '{}' is", fmt::join(stack.fonts, "', '")),
                        stand_in(used)),
            hint);
    }
}

}  // namespace

PreparedMap prepare_map(PrepareContext& ctx, const MapDecl& map, const MapState* previous) {
    throw_if_interrupted();
    // The page's ["global-state"] (an atlas page's feature) for the icons and checks evaluated here.
    const style::expr::GlobalStateScope state(&map.global_state);
    PreparedMap out;
    out.map = &map;
    prepare_style(ctx, map, out);
    Diagnostics problems;
    prepare_layers(ctx, map, out, problems);
    if (!problems.has_errors()) prepare_icons(ctx, map, out, problems);
    // The frames the page will draw (the main map, each inset): what the checks look at.
    const std::vector<layout::FramePlan> frames = layout::plan_frames(map.page, map.crs, map.extent);
    if (!problems.has_errors()) prepare_data_checks(map, frames, out, problems);
    if (problems.has_errors()) {
        Diagnostics all = out.warnings;
        all.append(problems);
        throw Error(all);
    }
    out.warnings.append(problems);  // warnings only
    if (map.page_of) out.warnings.append(map.page_of->warnings);
    prepare_crs_checks(map, frames, out);
    prepare_off_map_checks(ctx, map, frames, out);
    prepare_fonts(ctx, map, out);
    // The print PDF needs Ghostscript: said by `check` too, before any drawing.
    if (out.print_style) ghostscript_program(map.formats_at.file.empty() ? map.declared_at : map.formats_at);

    ScopedStage stage("prepare");
    out.inputs = ctx.inputs.collect(map, out.source_layers, out.fonts, out.icons, previous);
    out.date = ctx.date ? *ctx.date : ctx.inputs.date_of(out.inputs);
    out.page = map.page;
    out.page.credits = credits_text(ctx.project, map, out.source_layers, out.date, out.warnings);
    return out;
}

}  // namespace cartelier::pipeline
