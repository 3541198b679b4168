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
/// A layer whose attribution asks for its `{edition}` while no SOURCES.json beside its source records
/// one (a file of the user's, outside layers/cache) is credited with its attribution without the
/// placeholder and the separator before it ("Limites administratives : {edition}" → "Limites
/// administratives"), never with a placeholder text; and a warning at the attribution's line and column
/// in `warnings` asks for the edition. A source text that another one of the same map begins with
/// ("Limites administratives" beside "Limites administratives : IGN 2018") is not repeated.
std::string credits_text(const Project& project, const MapDecl& map, const std::vector<std::string>& source_layers,
                         std::int64_t date, Diagnostics& warnings);

/// `attribution` without its `{edition}` placeholder and the punctuation that joined it to the rest:
/// "A : {edition}" → "A", "{edition} – A" → "A", "A ({edition})" → "A", "A {edition} B" → "A B".
std::string without_edition(const std::string& attribution);

/// `text` without the sentence holding `token` (sentences end with ". "; the last one with the text):
/// "Sources : {sources}. Réalisation : {date}." → "Réalisation : {date}."; "A. Données : {sources}." → "A.".
std::string without_sentence(const std::string& text, const std::string& token);

/// "25 novembre 2026" (UTC).
std::string french_date(std::int64_t seconds_since_epoch);

/// SOURCE_DATE_EPOCH from the environment, if set to an integer.
std::optional<std::int64_t> source_date_epoch();

}  // namespace cartelier::pipeline
