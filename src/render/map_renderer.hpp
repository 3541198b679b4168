// The "render map" stage: a style's layers drawn over the project's (projected) layers into one map
// frame of the page. Labels are not drawn here: they are returned as requests for the placement engine.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "layout/labels.hpp"
#include "layout/land.hpp"
#include "render/icons.hpp"
#include "render/text.hpp"
#include "render/view.hpp"
#include "style/style.hpp"

namespace cartelier::geo {
class Coverage;
struct LineChains;
}

namespace cartelier::render {

template <typename T>
struct Lazy;

/// The project layers a map may draw, by name, already in the map's CRS. It also keeps what the
/// renderer prepares from them once per map (PDF and PNG alike): each feature's bounds, and the
/// polygons generalised to each output's resolution with shared borders kept shared.
class GeometryCache;

class LayerSet {
public:
    /// `cache`: where the prepared geometry is kept; LayerSets given the same cache share it (the
    /// formats of a map, its insets, successive builds of `cartelier watch`). Null: a cache of its own.
    /// `own_views`: what is prepared per view extent (arcs, generalised geometry) is kept in a cache of
    /// this LayerSet's own, released with it, while the features' bounds stay in `cache` — for a view
    /// no other map shows (an atlas page), so that a series of pages does not pile up their views.
    explicit LayerSet(std::shared_ptr<GeometryCache> cache = nullptr, bool own_views = false);
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

    // What follows is prepared once per layer, view extent (map units) and set of drawn features, from
    // the features whose bounds reach into the extent and that `drawn` flags (one flag per feature of
    // the layer; empty: all of them) — what no style layer draws is neither joined into arcs nor
    // simplified (an atlas page's neighbouring communes). The others are left out (empty). `drawn` is
    // heeded by a LayerSet with views of its own only: shared views (plain maps, kept between the
    // builds of `cartelier watch`) are prepared once per view from all their features, so that style
    // edits changing what a filter keeps do not pile up preparations. Thread-safe: the first caller
    // computes, the others wait.

    /// The arcs of the polygons (geo::Coverage); nullptr when no polygon reaches the extent.
    const geo::Coverage* coverage(const Layer& layer, const Box& view, std::span<const std::uint8_t> drawn = {}) const;
    /// The geometries generalised to `tolerance` (map units): each shared border simplified once, so
    /// neighbours never crack apart. Same order as the features. nullptr when coverage() is.
    const std::vector<Geometry>* generalised(const Layer& layer, const Box& view, double tolerance,
                                             std::span<const std::uint8_t> drawn = {}) const;
    /// Every border once (shared ones too), simplified to `tolerance`, one line per arc, and the
    /// order that chains them end to end (geo::chain_order).
    struct ChainedArcs {
        const Geometry* lines = nullptr;
        const geo::LineChains* chains = nullptr;
        explicit operator bool() const { return lines != nullptr; }
    };
    /// Empty unless every feature in the extent is a polygon.
    ChainedArcs arcs(const Layer& layer, const Box& view, double tolerance, std::span<const std::uint8_t> drawn = {}) const;
    /// The union of the polygons that `member` selects (one flag per feature), its borders simplified
    /// like arcs(): one path to fill with the nonzero rule instead of one per feature
    /// (geo::Coverage::dissolve). Empty when coverage() is null.
    Geometry dissolved(const Layer& layer, const Box& view, double tolerance, std::span<const std::uint8_t> member,
                       std::span<const std::uint8_t> drawn = {}) const;

    struct Prepared;

private:
    struct Extent;
    Prepared& prepared(const Layer& layer) const;
    Extent& extent(const Layer& layer, const Box& view, std::span<const std::uint8_t> drawn) const;
    /// The coverage's arcs simplified to `tolerance`, one line per arc (built once).
    const Geometry& simplified_arcs(Extent& e, double tolerance) const;
    template <typename T, typename Make>
    const T& once(std::map<double, Lazy<T>>& slots, double tolerance, Make make) const;
    std::map<std::string, const Layer*> layers_;
    std::shared_ptr<GeometryCache> cache_;
    std::shared_ptr<GeometryCache> views_;  ///< where the per-view preparations are (cache_ unless own_views)
};

/// What LayerSets prepare from layers (bounds, arcs, generalised geometry, per view extent and
/// tolerance), keyed by the layer's address: it must not outlive the layers it was used with.
class GeometryCache {
public:
    GeometryCache();
    ~GeometryCache();
    GeometryCache(const GeometryCache&) = delete;
    GeometryCache& operator=(const GeometryCache&) = delete;
    /// Moves what `from` prepared from each of `layers` into this cache (the layers stay at their
    /// addresses: a store taking them from another, pipeline/layer_store.hpp). No LayerSet may be using
    /// either cache meanwhile.
    void take(GeometryCache& from, const std::vector<const Layer*>& layers);

private:
    friend class LayerSet;
    std::mutex mutex;
    std::map<const Layer*, std::unique_ptr<LayerSet::Prepared>> prepared;
};

/// How finely the renderer generalises polygons, in output units: a fraction of a device pixel for
/// rasters, a fraction of a point for vector output (sized so that a 600 dpi rasterisation of the
/// PDF shows no difference). CARTELIER_GENERALISE=0 in the environment turns it off.
struct Generalisation {
    double raster_pixels = 0.25;   ///< tolerance in device pixels (PNG)
    /// Tolerance in points for vector output (PDF, SVG): 0.05 pt = 0.018 mm, under half a 600 dpi pixel.
    double vector_points = 0.05;
    /// Vector coordinates on a 1/32 pt grid (0.011 mm, a multiple of Cairo's 1/256 fixed point; repeats
    /// dropped): fewer distinct numbers in the file, which deflate then packs tighter.
    double vector_grid_points = 1.0 / 32;
    bool enabled = true;
    static Generalisation from_environment();
    /// The tolerance in points for an output: vector_points for vector output; for a raster of
    /// `device_scale` pixels per point, raster_pixels rounded down to the ladder vector_points × √2^k
    /// (PNG at 300 dpi: 0.25 px = 0.06 pt → 0.05 pt, the PDF's), so that outputs of close
    /// resolutions share one simplification of the borders (the arcs are kept per tolerance).
    double tolerance_points(bool raster, double device_scale) const;
};

using layout::DrawnSymbol;
using layout::LabelRequest;

struct MapDrawResult {
    std::vector<LabelRequest> labels;    ///< from symbol layers, in style order
    std::vector<DrawnSymbol> symbols;    ///< point symbols drawn (label obstacles)
    layout::LandCover land;              ///< every polygon filled (visibly), on the page: the frame's land
    /// Every line stroked and every edge of a visible fill, on the page (what labels should not hide);
    /// null when no symbol layer of the style has text to place.
    std::shared_ptr<layout::DrawnLines> lines;
    std::size_t features_drawn = 0;
    std::vector<std::string> evaluation_errors;  ///< style evaluation problems (a few, for the report)
};

/// Draws every visible style layer into `view.frame` (clipped to it) at web zoom `zoom`. Icons come
/// from `icons` (a cache of this call alone when null); an icon that cannot be resolved or read throws
/// Error naming the feature.
///
/// `on_white_raster`: the caller promises that `cr` is an image surface and that every pixel of the
/// frame is opaque white. A background layer that comes before every other layer drawn and paints
/// opaque white is then not painted: the pixels would be the same (white over white is white at every
/// coverage of the frame's edge), and a page's worth of memory is not written again.
MapDrawResult draw_map(cairo_t* cr, const style::Style& style, const LayerSet& layers, const View& view, double zoom,
                       IconCache* icons = nullptr, bool on_white_raster = false);

/// The text style of a symbol layer for one feature.
TextStyle evaluate_text(const style::Layer& layer, const style::expr::EvaluationContext& ctx, double points_per_unit,
                        std::vector<std::string>* errors);

}  // namespace cartelier::render
