#include "pipeline/steps.hpp"

#include <memory>
#include <fmt/format.h>

#include "data/table.hpp"
#include "geo/overlay.hpp"
#include "geo/projection.hpp"
#include "pipeline/timing.hpp"
#include "style/expression/expression.hpp"
#include "style/feature_view.hpp"

namespace cartelier::pipeline {

namespace {

/// The step's location with its path down to the step's key ("layers.t.steps[1].filter").
SourceLocation step_at(const StepDecl& step) {
    SourceLocation at = step.declared_at;
    at.path = step.path;
    return at;
}

void run_filter(Layer& layer, const StepDecl& step, Diagnostics& d) {
    std::vector<Feature> kept;
    kept.reserve(layer.features.size());
    std::size_t failures = 0;
    std::string first_failure;
    for (auto& f : layer.features) {
        style::LayerFeatureView view(layer, f);
        style::expr::EvaluationContext ctx{0, &view};
        const style::expr::Result r = step.filter->evaluate(ctx);
        if (!r) {
            // MapLibre drops a feature whose filter cannot be evaluated; a derived layer says so.
            if (failures++ == 0) first_failure = fmt::format("feature '{}': {}", f.id, r.error);
            continue;
        }
        if (const bool* b = r.value->as_bool(); b && *b) kept.push_back(std::move(f));
    }
    if (failures)
        d.warning(step_at(step),
                  fmt::format("the filter could not be evaluated on {} feature(s) of layer '{}', left out (first: {})",
                              failures, layer.name, first_failure));
    layer.features = std::move(kept);
}

/// A closed ring with `per_edge` points along each edge (the last point repeats the first).
std::vector<Point> densified_ring(const std::vector<Point>& ring, int per_edge) {
    std::vector<Point> out;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i)
        for (int k = 0; k < per_edge; ++k) {
            const double t = static_cast<double>(k) / per_edge;
            out.push_back({ring[i].x + t * (ring[i + 1].x - ring[i].x), ring[i].y + t * (ring[i + 1].y - ring[i].y)});
        }
    if (!ring.empty()) out.push_back(ring.back());
    return out;
}

void run_join(Layer& layer, const StepDecl& step, Diagnostics& d, StepsRun* run) {
    Diagnostics table_problems;
    data::Table table = data::read_csv(step.join.table, table_problems);
    d.append(table_problems);
    if (table_problems.has_errors()) return;
    data::JoinSpec spec = step.join.spec;
    if (spec.declared_at.path.empty()) spec.declared_at = step_at(step);
    auto stats = data::join(layer, table, spec, d);
    if (run) {
        stats.layer = layer.name;
        run->joins.push_back(std::move(stats));
    }
}

}  // namespace

std::vector<std::string> step_files(const LayerDecl& decl) {
    std::vector<std::string> files;
    for (const auto& step : decl.steps)
        if (step.kind == StepDecl::Kind::Join && !step.join.table.empty()) files.push_back(step.join.table);
    return files;
}

std::vector<std::string> layer_files(const LayerDecl& decl) {
    std::vector<std::string> files;
    if (!decl.derived() && !decl.spec.database) files.push_back(decl.spec.path);
    for (const auto& j : decl.joins) files.push_back(j.table);
    for (auto& table : step_files(decl)) files.push_back(std::move(table));
    return files;
}

Layer run_steps(Layer layer, const std::string& name, const LayerDecl& decl, const LayerInCrs& other_layer,
                Diagnostics& diagnostics, StepsRun* run) {
    // A copy of another layer shares its schema: the steps (a join adds fields) change a schema of its own,
    // never the input's, which other threads may be reading.
    layer.schema = std::make_shared<Schema>(*layer.schema);
    if (run) run->files = step_files(decl);
    for (const auto& step : decl.steps) {
        ScopedStage timing("derive");
        Diagnostics d;
        switch (step.kind) {
            case StepDecl::Kind::Filter:
                if (step.filter) run_filter(layer, step, d);
                break;
            case StepDecl::Kind::Join:
                run_join(layer, step, d, run);
                break;
            case StepDecl::Kind::Dissolve:
                layer = geo::dissolve(layer, step.dissolve, d);
                break;
            case StepDecl::Kind::PointOnSurface:
                layer = geo::to_points(layer, geo::PointKind::OnSurface, step_at(step), d);
                break;
            case StepDecl::Kind::Centroid:
                layer = geo::to_points(layer, geo::PointKind::Centroid, step_at(step), d);
                break;
            case StepDecl::Kind::Clip: {
                Geometry mask;
                if (!step.clip_layer.empty()) {
                    try {
                        mask = geo::union_of(other_layer(step.clip_layer, layer.crs));
                    } catch (const Error& e) {
                        d.error(step_at(step), fmt::format("the clip layer '{}' could not be loaded", step.clip_layer));
                        d.append(e.diagnostics());
                        break;
                    }
                } else if (step.clip_extent) {
                    mask = geo::box_polygon(*step.clip_extent);
                    if (!step.clip_extent_crs.empty() && step.clip_extent_crs != layer.crs) {
                        // The rectangle's edges are curves in the layer's CRS: follow them closely.
                        mask.points = densified_ring(mask.points, 64);
                        mask.rings = {0, static_cast<std::uint32_t>(mask.points.size())};
                        try {
                            geo::Transformation to_layer(step.clip_extent_crs, layer.crs);
                            to_layer.transform(mask.points);
                        } catch (const Error& e) {
                            d.append(e.diagnostics());
                            break;
                        }
                    }
                }
                layer = geo::clip(layer, mask, d);
                break;
            }
            case StepDecl::Kind::Buffer: {
                bool geographic = false;
                try {
                    geographic = geo::crs_units(layer.crs).kind == geo::CrsUnits::Kind::Geographic;
                } catch (const Error& e) {
                    d.append(e.diagnostics());
                    break;
                }
                if (geographic) {
                    d.error(step_at(step),
                            fmt::format("a buffer distance is in metres, but layer '{}' is in the geographic CRS {} "
                                        "(degrees)",
                                        layer.name, layer.crs),
                            fmt::format("give layer '{}' a projected CRS to run its steps in, e.g. crs: EPSG:2154", name));
                    break;
                }
                layer = geo::buffer(layer, step.buffer_distance_m, step.buffer_segments, step_at(step), d);
                break;
            }
        }
        const bool failed = d.has_errors();
        diagnostics.append(d);
        if (failed) break;
    }
    layer.name = name;
    return layer;
}

}  // namespace cartelier::pipeline
