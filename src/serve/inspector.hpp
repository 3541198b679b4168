// The inspector of `cartelier serve`: what a point of the rendered page shows, and why it looks so.
// For a point in page points it finds the frame drawn there (the topmost: an inset over the main map),
// the features of each drawn style layer under the point (polygons containing it, lines and points within
// a few points of it), and for each feature its attributes (after joins and derived steps: the layer as
// the renderer drew it) and every style layer that drew it, each property evaluated for that feature at
// the frame's zoom and the place in the style file it is written. A grid of the features' bounds per frame
// and layer, built at the first click on a rendering (not while the page waits for it), answers a click
// without scanning the layers.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/geometry.hpp"
#include "pipeline/prepare.hpp"
#include "render/page.hpp"

namespace cartelier::serve {

struct InspectedProperty {
    std::string name;        ///< "fill-color"
    std::string value_json;  ///< its value for the feature, as JSON (colours "rgba(r, g, b, a)")
    bool is_default = true;  ///< the style leaves it unset: the spec's default
    std::string error;       ///< why the style's expression fell back to the default, if it did
    SourceLocation where;    ///< where the style writes it (empty for a default)
};

struct InspectedStyleLayer {
    std::string id;
    std::string type;        ///< "fill", "line", "circle", "symbol"
    SourceLocation where;    ///< where the layer is defined
    std::vector<InspectedProperty> properties;
};

struct InspectedFeature {
    std::string layer;  ///< the project layer (the style's source-layer)
    std::string id;
    std::string geometry_type;
    std::vector<std::pair<std::string, std::string>> attributes;  ///< field name, value as JSON
    std::vector<InspectedStyleLayer> styles;  ///< top to bottom: the style layer drawn last first
};

struct Inspection {
    bool in_frame = false;  ///< false: the point is on the page's margins or furniture
    std::string frame;      ///< "" for the main map, else the inset's name
    std::string crs;
    Point map_point;        ///< the point in the frame's CRS
    double zoom = 0;
    std::vector<InspectedFeature> features;  ///< topmost first
    double seconds = 0;     ///< time taken to answer
};

class Inspector {
public:
    /// `map`: the prepared map that was rendered (its layers must stay loaded while the inspector lives);
    /// `frames`: the rendering's frames (render::PageReport::frames).
    Inspector(std::shared_ptr<const pipeline::PreparedMap> map, std::vector<render::FrameReport> frames);
    ~Inspector();
    Inspector(const Inspector&) = delete;
    Inspector& operator=(const Inspector&) = delete;

    /// What is under `page_point` (page points, origin top-left); `tolerance_pt`: how near a line or a
    /// point must be. At most `limit` features. Thread-safe.
    Inspection inspect(Point page_point, double tolerance_pt = 4, std::size_t limit = 20) const;

private:
    struct Index;
    void build() const;
    std::shared_ptr<const pipeline::PreparedMap> map_;
    std::vector<render::FrameReport> frames_;
    mutable std::once_flag built_;
    mutable std::vector<std::unique_ptr<Index>> indexes_;  ///< per frame and drawn project layer (build())
};

/// The inspection as the JSON the preview page reads; `version`: the rendering inspected.
std::string inspection_json(const Inspection& inspection, std::uint64_t version);

}  // namespace cartelier::serve
