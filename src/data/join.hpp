// The "join" stage: attributes of a table attached to a layer's features by a key.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"
#include "data/table.hpp"

namespace cartelier::data {

struct JoinSpec {
    std::string left_field;           ///< key field of the layer
    std::string right_field;          ///< key column of the table
    std::vector<std::string> fields;  ///< table columns to copy (empty: all but the key)
    bool required = true;             ///< a feature without a match is an error (else a warning)
    bool ignore_case = false;         ///< keys are compared after trimming, and lower-cased if set
    SourceLocation declared_at;       ///< where the project declares the join
};

struct JoinStats {
    std::size_t matched = 0;
    std::vector<std::string> unmatched;   ///< ids of features without a match
    std::vector<std::string> unused;      ///< table keys no feature used
};

/// Adds the table's fields to the layer. A duplicated key in the table, a missing key column, and
/// (for required joins) a feature whose key has no row are errors naming file, line and value.
JoinStats join(Layer& layer, const Table& table, const JoinSpec& spec, Diagnostics& diagnostics);

}  // namespace cartelier::data
