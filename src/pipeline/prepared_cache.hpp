// The prepared-layer cache: a layer as the build draws it (read by GDAL, reprojected into the map's
// CRS) stored in one compact binary file, keyed by a hash of the source's bytes, the layer's
// declaration and the CRS, so that a build whose data did not change skips GDAL and PROJ altogether.
// A file that is stale (other key), truncated or corrupt (checksum) is ignored and rewritten.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"
#include "data/layer_reader.hpp"
#include "geo/projection.hpp"
#include "geo/validation.hpp"

namespace cartelier::pipeline {

/// A layer read back from the cache, with the warnings its first reading gave.
struct PreparedLayer {
    Layer layer;
    std::vector<Diagnostic> warnings;
    /// A projected copy's: per feature, the digest of its geometry before it was projected
    /// (geo::source_digests); empty when the copy was stored without them.
    std::vector<geo::SourceDigest> source_digests;
};

/// Content key: XXH3 of the source file's bytes (and of its sidecar files for multi-file formats),
/// the reading options, the source's path (relative to `project_root` when inside it, so that a copied
/// or moved project keeps its cache) and the target CRS. nullopt when the source cannot be read. For a
/// database layer, the digest of its rows (`database_digest`, data::database_digest) stands for the
/// file's bytes: nullopt when it is empty (rows whose digest is unknown are never taken from the cache).
std::optional<std::uint64_t> prepared_key(const data::LayerSpec& spec, const std::string& crs,
                                          const std::filesystem::path& project_root = {},
                                          const std::string& database_digest = {});

/// Content key of a layer computed from others (a derived layer): XXH3 of `recipe` (its declaration and
/// its inputs' keys, as text) and of the bytes of `files` (the tables its steps read). nullopt when a
/// file cannot be read.
std::optional<std::uint64_t> recipe_key(const std::string& recipe, const std::vector<std::string>& files);
/// Folder of the cache: $CARTELIER_CACHE_DIR, else `<output folder>/.cache/prepared`.
std::filesystem::path prepared_dir(const std::filesystem::path& out_dir);

/// The cache file of a layer in a CRS (the name only says which; the key inside says which data).
std::filesystem::path prepared_path(const std::filesystem::path& dir, const std::string& layer,
                                    const std::string& crs);

/// Writes the layer (atomically: a temporary file renamed into place). Returns false on I/O failure
/// (the cache is an optimisation: the build goes on). The layer's source and the warnings' files are
/// stored relative to `project_root` when inside it (empty: as they are).
/// `source_digests`: a projected copy's, one per feature (else none is stored).
bool write_prepared(const std::filesystem::path& path, std::uint64_t key, const Layer& layer,
                    const std::vector<Diagnostic>& warnings, const std::filesystem::path& project_root = {},
                    const std::vector<geo::SourceDigest>& source_digests = {});

/// Whether the file at `path` holds a layer stored with `key` (its header and its size only: a file
/// whose checksum fails is found out by read_prepared). For choosing what to read, never for correctness.
bool has_prepared(const std::filesystem::path& path, std::uint64_t key);

/// Reads a layer back in one pass; nullopt when the file is missing, has another key, or is
/// truncated or corrupt (bad magic, version, size or checksum). Relative paths stored are made
/// absolute against `project_root` (the project's folder now).
std::optional<PreparedLayer> read_prepared(const std::filesystem::path& path, std::uint64_t key,
                                           const std::filesystem::path& project_root = {});

/// read_prepared() of the file whatever its key: the copy an earlier build kept, stale or not (the
/// features of a projected copy whose source did not change can be taken from it).
std::optional<PreparedLayer> read_any_prepared(const std::filesystem::path& path,
                                               const std::filesystem::path& project_root = {});

/// The polygons GEOS found valid in the last read of layer `layer` (geo::ValidPolygons), kept in `dir`
/// beside its prepared copies (`LAYER.valid-polygons.prepared`); none when the file is missing, damaged
/// (its checksum), or written with another GEOS version, whose validity check may differ.
std::vector<geo::ValidPolygons::Digest> read_valid_polygons(const std::filesystem::path& dir, const std::string& layer);

/// Writes them (atomically). Returns false on I/O failure: the memo is an optimisation, the next read
/// then checks every polygon.
bool write_valid_polygons(const std::filesystem::path& dir, const std::string& layer,
                          const std::vector<geo::ValidPolygons::Digest>& digests);

}  // namespace cartelier::pipeline
