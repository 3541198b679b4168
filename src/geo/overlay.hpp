// The per-feature geometry operations of derived layers: a point for each polygon, a clip to a mask,
// a buffer. Each takes a layer and gives a new one (fields and ids kept, order kept), GEOS doing the
// geometry; coordinates stay in the layer's CRS.
#pragma once

#include <optional>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"

namespace cartelier::geo {

enum class PointKind {
    OnSurface,  ///< a point guaranteed inside the geometry (GEOS PointOnSurface): for symbols and labels
    Centroid,   ///< the centre of mass (GEOS Centroid): may fall outside a concave or multi-part shape
};

/// Each feature's geometry replaced by one point. A feature without geometry (empty, or a point
/// GEOS cannot place) is left out with a warning naming its id and `where`.
Layer to_points(const Layer& in, PointKind kind, const SourceLocation& where, Diagnostics& diagnostics);

/// The union of every polygon of `layer` (a mask for clip()): geo::coverage_union when the polygons
/// form a clean coverage (its result checked valid), else geo::union_polygons (GEOS's CoverageUnion,
/// else its general union). Empty when the layer has no polygon. Throws Error naming the layer when
/// GEOS cannot compute it.
Geometry union_of(const Layer& layer);

/// Each feature cut to `mask` (a polygon geometry, e.g. union_of(another layer), or a box's rectangle):
/// a feature wholly inside is kept as it is (bit for bit), one wholly outside is left out, the others
/// are replaced by their intersection with the mask (of the feature's own dimension: a polygon cut
/// along the mask's edge stays a polygon, a line a line; lower-dimension slivers of the intersection are
/// dropped). Features whose intersection is empty are left out.
Layer clip(const Layer& in, const Geometry& mask, Diagnostics& diagnostics);

/// The rectangle of `box` as a polygon geometry (for clip() to an extent).
Geometry box_polygon(const Box& box);

/// Each feature's geometry buffered by `distance` (in the layer's CRS units; the caller checks that
/// they are metres), with `quadrant_segments` segments per quarter circle. A negative distance shrinks
/// polygons; a feature that vanishes is left out with a warning naming its id and `where`.
Layer buffer(const Layer& in, double distance, int quadrant_segments, const SourceLocation& where,
             Diagnostics& diagnostics);

}  // namespace cartelier::geo
