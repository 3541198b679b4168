// The credits line of a map and the dates it prints: which editions of which layers it was drawn
// from, who made it, and when (the date rule of pipeline/state.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/project.hpp"

namespace cartelier::pipeline {

/// Credits text of a map: its template with {sources} (editions of the layers it draws, from
/// SOURCES.json beside each file or the layer's 'attribution'), {producer} and {date}.
std::string credits_text(const Project& project, const MapDecl& map, const std::vector<std::string>& source_layers,
                         std::int64_t date);

/// "25 novembre 2026" (UTC).
std::string french_date(std::int64_t seconds_since_epoch);

/// SOURCE_DATE_EPOCH from the environment, if set to an integer.
std::optional<std::int64_t> source_date_epoch();

}  // namespace cartelier::pipeline
