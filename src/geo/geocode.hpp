// The "geocode" stage: rows of a point table that give a commune code but no coordinates are placed at
// the point on the surface (GEOS PointOnSurface) of that commune; rows that give both are checked to
// lie in their commune, and a row that does not is an error saying how far off it is and why it may be
// (longitude/latitude swapped, degrees in radians, a lost decimal point).
#pragma once

#include <string>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"

namespace cartelier::geo {

struct GeocodeSpec {
    std::string area_layer;    ///< project name of the polygon layer (for messages)
    std::string code_field;    ///< field of the points giving the area code (`insee`)
    std::string match_field;   ///< field of the areas holding the code (`code`)
    double tolerance_m = 0;    ///< a given point may lie this far outside its area
    bool insee = false;        ///< `normalise: insee`: 7341 is read as 07341, 2a as 2A
    SourceLocation declared_at;
};

struct GeocodeStats {
    std::size_t placed = 0;    ///< rows without coordinates placed at their area's point on surface
    std::size_t checked = 0;   ///< rows with coordinates checked against their area
    std::size_t failed = 0;    ///< rows reported as errors
};

/// `points` and `areas` may be in different CRSs (points are transformed for the test). Placed points
/// get a Point geometry in the points' CRS. Distances are reported in metres (geodesic for degrees).
GeocodeStats geocode(Layer& points, const Layer& areas, const GeocodeSpec& spec, Diagnostics& diagnostics);

/// Great-circle distance in metres between two longitude/latitude points (spherical Earth, R = 6,371 km).
double haversine_m(Point a, Point b);

}  // namespace cartelier::geo
