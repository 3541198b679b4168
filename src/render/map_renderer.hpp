// The "render map" stage: a style's layers drawn over the project's (projected) layers into one map
// frame of the page. Labels are not drawn here: they are returned as requests for the placement engine.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "render/labels.hpp"
#include "render/view.hpp"
#include "style/style.hpp"

namespace cartelier::render {

/// The project layers a map may draw, by name, already in the map's CRS.
class LayerSet {
public:
    void add(const Layer& layer) { layers_[layer.name] = &layer; }
    const Layer* find(const std::string& name) const {
        auto it = layers_.find(name);
        return it == layers_.end() ? nullptr : it->second;
    }

private:
    std::map<std::string, const Layer*> layers_;
};

/// A point symbol as drawn (an obstacle for labels).
struct DrawnSymbol {
    Point centre;
    double radius = 0;  ///< outer radius, stroke included
    std::string feature_id;
};

struct MapDrawResult {
    std::vector<LabelRequest> labels;    ///< from symbol layers, in style order
    std::vector<DrawnSymbol> symbols;    ///< point symbols drawn (label obstacles)
    std::size_t features_drawn = 0;
    std::vector<std::string> evaluation_errors;  ///< style evaluation problems (a few, for the report)
};

/// Draws every visible style layer into `view.frame` (clipped to it) at web zoom `zoom`.
MapDrawResult draw_map(cairo_t* cr, const style::Style& style, const LayerSet& layers, const View& view, double zoom);

/// The text style of a symbol layer for one feature.
TextStyle evaluate_text(const style::Layer& layer, const style::expr::EvaluationContext& ctx, double points_per_unit,
                        std::vector<std::string>* errors);

}  // namespace cartelier::render
