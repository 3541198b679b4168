// The "every site lies in the area its row names" check (e.g. a site in the départements it lists).
#pragma once

#include <string>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"

namespace cartelier::geo {

struct WithinSpec {
    std::string codes_field;  ///< field of `points` listing container ids
    std::string match_field;  ///< field of `containers` holding the id
    std::string separator = ";";
    double tolerance = 0;     ///< allowed distance outside, in container CRS units
    /// A listed code that no container has: an error (false), or a warning saying the feature is not
    /// checked (true: containers that may not all exist, such as territories whose members could not be
    /// sourced). An empty container layer then gives one warning instead of one per feature.
    bool missing_is_warning = false;
    SourceLocation declared_at;
};

/// Both layers must be in the same CRS. Each point must be covered by at least one container whose
/// id it lists; otherwise an error names the file/line (or feature id), the point, the listed ids,
/// the distance to the nearest listed one and the container it actually falls in, or that it falls in
/// none ("lies in no departements (nearest: 22, 51.5 km away)"). A listed code that no container has but
/// would with its leading zero back (7 for 07) gets the hint "did you mean 07?".
/// Returns the number of points checked.
std::size_t check_within(const Layer& points, const Layer& containers, const WithinSpec& spec,
                         Diagnostics& diagnostics);

}  // namespace cartelier::geo
