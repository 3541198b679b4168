// The "join" stage: attributes of a table attached to a layer's features by a key.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"
#include "data/table.hpp"

namespace cartelier::data {

/// How keys are normalised before they are compared (always after trimming spaces).
enum class KeyNormalisation {
    None,   ///< compared as text (after trim, and lower-casing when `ignore_case`)
    Insee,  ///< INSEE commune/département codes: a code of 4 digits (a spreadsheet dropped its leading
            ///< zero: 7341) is read as 07341, a code of 1 digit as 0N; 2a/2b are upper-cased (2A001).
};

struct JoinSpec {
    std::string left_field;           ///< key field of the layer
    std::string right_field;          ///< key column of the table
    std::vector<std::string> fields;  ///< table columns to copy (empty: all but the key)
    bool required = true;             ///< a feature without a match is an error (else a warning)
    bool ignore_case = false;         ///< keys are compared after trimming, and lower-cased if set
    SourceLocation declared_at;       ///< where the project declares the join
    KeyNormalisation normalise = KeyNormalisation::None;  ///< declared `normalise: insee`
    std::vector<ColumnTypeDecl> types;  ///< declared types of the table's columns; the others are inferred
    std::size_t max_messages = 20;    ///< unmatched rows reported one by one; the rest in one summary line
    /// false (`unmatched: ignore`): a feature without a match is neither an error nor a warning (a join
    /// that selects, as a derived layer's step); the stats still count and list it.
    bool report_unmatched = true;
};

/// What a join did, for the build report: every count and every key, not only the first ones.
struct JoinStats {
    std::string layer;                    ///< left layer (project name)
    std::string table;                    ///< right table file
    std::string left_field;               ///< key field of the layer
    std::string right_field;              ///< key column of the table
    std::size_t left_rows = 0;            ///< features of the layer
    std::size_t right_rows = 0;           ///< rows of the table
    std::size_t matched = 0;              ///< features that found their row
    std::vector<std::string> unmatched;   ///< ids of features without a match
    std::vector<std::string> unmatched_keys;  ///< their key values (same order as `unmatched`)
    std::vector<std::string> unused;      ///< table keys no feature used (as written in the table)
    std::size_t normalised = 0;           ///< matches that needed the declared normalisation (7341 → 07341)
    double seconds = 0;                   ///< time the join took
};

/// The key as compared: trimmed, then lower-cased (`ignore_case`) or INSEE-normalised.
std::string normalise_key(const std::string& key, bool ignore_case, KeyNormalisation normalisation);

/// Adds the table's fields to the layer, typed (data::column_types; keys are matched by their text). A duplicated key in the table, a missing key column, and
/// (for required joins) a feature whose key has no row are errors naming file, line and value; a key
/// that matches only once its lost leading zero is restored gets the hint "did you mean 07341?".
JoinStats join(Layer& layer, const Table& table, const JoinSpec& spec, Diagnostics& diagnostics);

}  // namespace cartelier::data
