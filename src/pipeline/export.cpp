#include "pipeline/export.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "data/layer_writer.hpp"
#include "geo/projection.hpp"
#include "pipeline/layer_store.hpp"

namespace cartelier::pipeline {

void check_export(const Project& project, const ExportRequest& request) {
    if (!project.layers.count(request.layer)) {
        std::vector<std::string> names;
        for (const auto& [name, decl] : project.layers) names.push_back(name);
        throw Error(SourceLocation{project.file, 0, 0, {}},
                    fmt::format("no layer '{}' in the project; its layers: {}", request.layer, fmt::join(names, ", ")),
                    did_you_mean(nearest_name(request.layer, names)));
    }
    data::check_target(request.file);
    if (!request.crs.empty()) {
        try {
            geo::crs_wkt(request.crs);
        } catch (const Error& e) {
            throw Error(SourceLocation{{}, 0, 0, "--crs"},
                        fmt::format("expected a CRS that PROJ knows, found '{}'", request.crs),
                        "for example EPSG:2154 (Lambert-93) or EPSG:4326 (longitude, latitude)");
        }
    }
}

ExportOutcome export_layer(const Project& project, const ExportRequest& request) {
    check_export(project, request);
    LayerStore store(project);  // no prepared cache: an export writes nothing but its file
    const Layer* loaded = nullptr;
    try {
        loaded = request.crs.empty() ? &store.source(request.layer) : &store.projected(request.layer, request.crs);
    } catch (const Error& e) {  // the layer's warnings (kept by the store) with its errors
        Diagnostics all;
        all.append(store.warnings());
        all.append(e.diagnostics());
        throw Error(std::move(all));
    }
    const Layer& layer = *loaded;
    ExportOutcome outcome;
    outcome.warnings.append(store.warnings());
    outcome.crs = layer.crs;
    outcome.features = layer.features.size();
    outcome.files = data::write_layer_file(layer, request.file, geo::crs_wkt(layer.crs), outcome.warnings);
    return outcome;
}

}  // namespace cartelier::pipeline
