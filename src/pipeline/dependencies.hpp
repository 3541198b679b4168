// What a map depends on: the one list of the files behind a map. The incremental state
// (pipeline/state.hpp) hashes exactly these, and `cartelier watch` re-renders a map when one of them
// (or the project file) is saved — so the two can never disagree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pipeline/project.hpp"

namespace cartelier::pipeline {

struct MapDependencies {
    /// The layers drawn and those their checks and geocoding read, transitively; sorted, unique.
    std::vector<std::string> layers;
    std::string style;                ///< the style file
    std::string icon_dir;             ///< the style's icons folder: a new file there may change what a name draws
    std::vector<std::string> icons;   ///< the icon files that decide the names the map draws (may be absent)
    std::optional<std::string> logo;  ///< the picture on the page
    /// The printer's ICC profile of the pdfx format (`print.profile`); none without that format.
    std::optional<std::string> print_profile;
    /// Every file the layers read: each source (every file of a folder source, a shapefile's sidecars),
    /// the SOURCES.json beside it (editions in the credits; may be absent) and the join tables. Sorted, unique.
    std::vector<std::string> data;
    /// The layers among `layers` read from a database (no file: the state records the digest of their
    /// rows, pipeline/database_digests.hpp; `watch` cannot follow them). Sorted.
    std::vector<std::string> databases;
};

/// The dependencies of `map`, given the layers its style draws (`source_layers`; a style that cannot be
/// parsed: pass every project layer) and the icon files it resolved (`icons`; empty when unknown). Lists
/// directories, so a folder source is taken as the files it holds now.
MapDependencies map_dependencies(const Project& project, const MapDecl& map,
                                 const std::vector<std::string>& source_layers,
                                 const std::vector<std::string>& icons);

/// `layers` and every layer they need, transitively: the layers they are computed from or clipped by,
/// the layers their geocoding places rows with, and their checks' containers. Sorted, unique; names the
/// project does not declare are kept (the caller reports them).
std::vector<std::string> layers_needed(const Project& project, const std::vector<std::string>& layers);

/// The files one layer reads itself (not those of the layers it needs): its source (every file of a
/// folder source, a shapefile's sidecars) and the SOURCES.json beside it, its join tables, its steps'
/// tables and the SOURCES.json beside them. None for a database layer. Sorted, unique; as declared
/// (not made canonical).
std::vector<std::string> layer_own_files(const LayerDecl& decl);

}  // namespace cartelier::pipeline
