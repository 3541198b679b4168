// The "render map" stage: a style's layers drawn over the project's (projected) layers into one map
// frame of the page. Labels are not drawn here: they are returned as requests for the placement engine.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "render/icons.hpp"
#include "render/labels.hpp"
#include "render/view.hpp"
#include "style/style.hpp"

namespace cartelier::render {

/// The project layers a map may draw, by name, already in the map's CRS. It also keeps what the
/// renderer prepares from them once per map (PDF and PNG alike): each feature's bounds, and the
/// polygons generalised to each output's resolution with shared borders kept shared.
class LayerSet {
public:
    LayerSet();
    ~LayerSet();
    LayerSet(const LayerSet&) = delete;
    LayerSet& operator=(const LayerSet&) = delete;

    void add(const Layer& layer) { layers_[layer.name] = &layer; }
    const Layer* find(const std::string& name) const {
        auto it = layers_.find(name);
        return it == layers_.end() ? nullptr : it->second;
    }

    /// Bounds of each feature of `layer` (same order as its features).
    const std::vector<Box>& bounds(const Layer& layer) const;
    /// The geometries of `layer` generalised to `tolerance` (map units): each shared border simplified
    /// once (geo::Coverage), so neighbours never crack apart. nullptr when the layer has no polygons.
    /// Thread-safe; built once per layer and tolerance.
    const std::vector<Geometry>* generalised(const Layer& layer, double tolerance) const;

    /// Every border of `layer`'s polygons once (shared ones too), simplified to `tolerance`, as lines;
    /// nullptr unless every feature of the layer is a polygon. Thread-safe; built once per tolerance.
    const Geometry* arcs(const Layer& layer, double tolerance) const;

private:
    struct Prepared;
    Prepared& prepared(const Layer& layer) const;
    std::map<std::string, const Layer*> layers_;
    mutable std::mutex mutex_;
    mutable std::map<const Layer*, std::unique_ptr<Prepared>> prepared_;
};

/// How finely the renderer generalises polygons, in output units: a fraction of a device pixel for
/// rasters, a fraction of a point for vector output (sized so that a 600 dpi rasterisation of the
/// PDF shows no difference). CARTELIER_GENERALISE=0 in the environment turns it off.
struct Generalisation {
    double raster_pixels = 0.25;   ///< tolerance in device pixels (PNG)
    double vector_points = 0.03;   ///< tolerance in points (PDF, SVG): a quarter of a 600 dpi pixel
    double vector_grid_points = 1.0 / 256;  ///< vector coordinates on Cairo's own fixed-point grid (repeats dropped)
    bool enabled = true;
    static Generalisation from_environment();
};

/// A point symbol as drawn (an obstacle for labels): a circle, or an icon's box.
struct DrawnSymbol {
    Point centre;       ///< the point symbolised
    double radius = 0;  ///< circles: outer radius, stroke included
    std::string feature_id;
    std::optional<Rect> box;  ///< icons: the box the icon covers (radius 0)
};

struct MapDrawResult {
    std::vector<LabelRequest> labels;    ///< from symbol layers, in style order
    std::vector<DrawnSymbol> symbols;    ///< point symbols drawn (label obstacles)
    std::size_t features_drawn = 0;
    std::vector<std::string> evaluation_errors;  ///< style evaluation problems (a few, for the report)
};

/// Draws every visible style layer into `view.frame` (clipped to it) at web zoom `zoom`. Icons come
/// from `icons` (a cache of this call alone when null); an icon that cannot be resolved or read throws
/// Error naming the feature.
MapDrawResult draw_map(cairo_t* cr, const style::Style& style, const LayerSet& layers, const View& view, double zoom,
                       IconCache* icons = nullptr);

/// The text style of a symbol layer for one feature.
TextStyle evaluate_text(const style::Layer& layer, const style::expr::EvaluationContext& ctx, double points_per_unit,
                        std::vector<std::string>* errors);

}  // namespace cartelier::render
