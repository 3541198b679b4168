// The "validate geometries" stage: nothing wrong reaches a map silently. Runs on every layer as it is
// loaded, in the layer's own CRS, before joins' results are drawn or the layer is reprojected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
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

/// The polygons GEOS found valid, by a digest of their every vertex and ring (XXH3-128): what the read
/// before of a layer learnt, so that an edited file is not checked whole again (GEOS's validity check is
/// most of the time of reading a layer of polygons). A polygon is taken as valid without GEOS only when
/// its coordinates, rings and parts are bit for bit those of a polygon GEOS found valid.
class ValidPolygons {
public:
    using Digest = std::pair<std::uint64_t, std::uint64_t>;

    ValidPolygons() = default;
    /// The digests a read before learnt (any order).
    explicit ValidPolygons(std::vector<Digest> known);

    static Digest digest(const Geometry& polygon);
    bool known(const Digest& d) const;
    /// A polygon of this read found valid (by GEOS or known).
    void learn(const Digest& d) { learned_.push_back(d); }
    /// The valid polygons of this read, sorted, without repeats: what the next read may take as known.
    std::vector<Digest> learned() const;
    /// How many polygons of this read were known (not checked by GEOS again).
    std::size_t hits() const { return hits_; }

private:
    std::vector<Digest> known_;  ///< sorted
    std::vector<Digest> learned_;
    mutable std::size_t hits_ = 0;
};

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

    /// Polygons `memo` knows are taken as valid without GEOS; every valid polygon is learnt into it. The
    /// memo must outlive the checks.
    void remember(ValidPolygons& memo);

    void check(Feature& feature);
    /// Adds the summary lines (the messages beyond max_messages) and returns the counts.
    ValidationStats finish();

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace cartelier::geo
