// Well-known text (OGC WKT) to and from Cartelier's geometry model, through GEOS: what the geometry
// operations' tests are written in, and a readable form of a geometry in messages.
#pragma once

#include <string>
#include <string_view>

#include "core/geometry.hpp"
#include "geo/geos.hpp"

namespace cartelier::geo {

/// The geometry `wkt` describes ("POLYGON ((0 0, 1 0, 1 1, 0 0))", "MULTILINESTRING (…)"; Z and M
/// ordinates are dropped). A GEOMETRYCOLLECTION keeps the parts of its first kind only (as from_geos).
/// An empty geometry ("POLYGON EMPTY") gives an empty Geometry. Throws cartelier::Error quoting the text
/// (shortened when long) and GEOS's reason when it is not WKT.
Geometry from_wkt(const GeosContext& ctx, std::string_view wkt);

/// The same, as a GEOS geometry (for tests comparing with GEOS predicates).
GeosGeometry geos_from_wkt(const GeosContext& ctx, std::string_view wkt);

/// `g` as WKT, 2D, at full precision with trailing zeros trimmed ("POINT (1.5 2)"); a multi-part
/// geometry is written MULTI…; an empty one "GEOMETRYCOLLECTION EMPTY".
std::string to_wkt(const GeosContext& ctx, const Geometry& g);
/// A GEOS geometry as WKT, written the same way.
std::string to_wkt(const GeosContext& ctx, const GEOSGeometry* g);

}  // namespace cartelier::geo
