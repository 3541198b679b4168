// The "validate geometries" stage: nothing wrong reaches a map silently. Runs on every layer as it is
// loaded, in the layer's own CRS, before joins' results are drawn or the layer is reprojected.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"

namespace cartelier::geo {

struct ValidationStats {
    std::size_t checked = 0;     ///< features with a geometry
    std::size_t empty = 0;       ///< features without geometry (null or empty): not drawn
    std::size_t rejected = 0;    ///< geometries dropped: NaN/infinite or out-of-range coordinates, degenerate rings
    std::size_t repaired = 0;    ///< invalid polygons repaired with GEOS MakeValid
    std::size_t acknowledged = 0;  ///< among them, those the project lists (not reported)
};

/// True for the CRSs whose coordinates are longitude/latitude degrees.
bool is_geographic(const std::string& crs);

/// Checks every feature of `layer`, each problem reported with the file and the feature id (or CSV line):
///  - a NaN or infinite coordinate, or (for longitude/latitude CRSs) one outside [-180, 180] × [-90, 90]:
///    error, and the geometry is dropped;
///  - a polygon ring of fewer than 4 points or a line of one point: error;
///  - an invalid polygon (self-intersection, bow-tie…): repaired with GEOS MakeValid, with a warning
///    naming GEOS's reason and where;
///  - a feature without geometry (null or empty) in a vector source: warning (it will not be drawn).
/// Per kind, the first `max_messages` are reported one by one, the rest in one summary line.
ValidationStats validate_geometries(Layer& layer, Diagnostics& diagnostics, std::size_t max_messages = 20);

/// The same checks, feature by feature, for a layer whose features arrive in chunks while it is being
/// read (the build validates on one thread while GDAL reads on another). `layer` gives the file, name
/// and CRS; features are checked in the order given, with the same reports as validate_geometries.
class GeometryValidator {
public:
    GeometryValidator(const Layer& layer, Diagnostics& diagnostics, std::size_t max_messages = 20);
    ~GeometryValidator();
    GeometryValidator(const GeometryValidator&) = delete;
    GeometryValidator& operator=(const GeometryValidator&) = delete;

    /// Features whose invalid polygons the project knows of (`repaired: [ids]`, a defect of a
    /// published source that cannot be fixed there): they are repaired the same way, counted, and not
    /// reported. finish() warns, at `declared_at`, about a listed id whose geometry was valid or that
    /// the layer lacks (the list went stale: the source was fixed or changed).
    void acknowledge_repairs(std::vector<std::string> ids, SourceLocation declared_at);

    void check(Feature& feature);
    /// Adds the summary lines (the messages beyond max_messages) and returns the counts.
    ValidationStats finish();

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace cartelier::geo
