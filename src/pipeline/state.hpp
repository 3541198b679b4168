// Incremental builds: what a map was built from, and whether that changed.
//
// Each map's inputs are recorded after it is built, in out/.cartelier/<map id>.json (one small file per
// map, so that shards of one atlas writing to a shared folder never write the same file):
//   program  — the version and a hash of the executable itself;
//   project  — the canonical JSON text of the project-file nodes the map uses: `version`, `producer`,
//              `defaults`, `maps.<id>` and `layers.<name>` of each layer it draws (and the layers their
//              checks name);
//   style    — the style file's content hash;
//   data     — every file those layers read: the source (with a shapefile's sidecars), join tables,
//              and SOURCES.json beside each source (its editions go into the credits; "absent" counts)
//              — the list of pipeline/dependencies.hpp, which `watch` follows too;
//   asset    — the logo file drawn on the page;
//   profile  — the printer's ICC profile of the print PDF (`formats: [pdfx]`, pipeline/pdfx.hpp);
//   icon     — for each icon name the map draws (icon-image), the files that decide it: NAME.svg and
//              NAME.png of the style's icons folder ("absent" counts: a new NAME.svg replaces NAME.png);
//   font     — each font the map names (page font, literal text-font stacks), as the font file
//              fontconfig resolves it to and that file's content hash;
//   database — for each layer read from PostgreSQL/PostGIS, the digest of its rows
//              (pipeline/database_digests.hpp), dated when first seen;
//   settings — the date rule (SOURCE_DATE_EPOCH's value, or "newest input").
// Beside the inputs: the outputs written (name, size, SHA-256, stat() stamp) and how many warnings the
// build gave (a map built with warnings is not up to date for a strict build).
// Data and style files are compared by content hash (XXH3-128); a stat() pre-check on
// (size, mtime, inode) skips re-reading a file that has not been touched. An output whose stat() changed
// is compared by content (SHA-256) before it is called modified: a copy has other inodes. The PNG's CRS
// file that GDAL extended with statistics (`gdalinfo -stats`), its CRS unchanged, is not modified.
//
// Relocatable: the state file records every path inside the project folder relative to it ("layers/x.gpkg",
// "style.json"), and a path outside it (a shared data folder, a system font, the program) as it is,
// absolute. So a project copied or moved with its out/ folder (`cp -a`, a CI cache restored elsewhere, a
// moved checkout) is up to date when its files are unchanged; a source outside the project named by a
// relative `../` path is seen as a new input once after a move. In memory (MapState, InputRecord) every
// path is absolute; the translation happens when the file is written and read. A state of another format
// (format 1 recorded absolute paths) is not used: its map is rebuilt, the reason saying so.
//
// The date printed in the credits and the PDF metadata is SOURCE_DATE_EPOCH when set, else the newest
// "content time" of the map's project, style, data, asset and icon inputs, where an input's content time is the
// mtime it had when its current content was first seen (a `touch` or a fresh checkout of unchanged
// content keeps the recorded time). So unchanged inputs give byte-identical outputs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "pipeline/database_digests.hpp"
#include "pipeline/dependencies.hpp"
#include "pipeline/hashing.hpp"
#include "pipeline/project.hpp"
#include "style/style.hpp"

namespace cartelier::pipeline {

struct InputRecord {
    std::string kind;   ///< program, settings, project, style, data, database, asset, profile, icon, font
    std::string name;   ///< file path, project-file node path, font name…
    std::string hash;   ///< content hash; "absent" for a missing optional file
    std::int64_t content_time = 0;  ///< seconds since the epoch (see above); 0 when not a dated input
    std::string file;               ///< the file hashed (fonts: the resolved font file); empty for nodes
    std::optional<FileStamp> stamp; ///< what stat() said about `file` when it was hashed
};

struct OutputRecord {
    std::string file;     ///< file name inside the output folder
    std::uintmax_t bytes = 0;
    std::string sha256;
    FileStamp stamp;
};

struct MapState {
    std::string map;
    std::vector<InputRecord> inputs;          ///< sorted by (kind, name)
    std::vector<std::string> source_layers;   ///< project layers the style draws (to list data inputs next time)
    std::vector<std::string> fonts;           ///< font names the map uses
    std::vector<std::string> icons;           ///< icon files that decide the icon names it uses
    std::int64_t date = 0;                    ///< the date the outputs carry
    std::vector<OutputRecord> outputs;
    std::size_t warnings = 0;                 ///< warnings its build gave (strict mode rebuilds a map that had some)
};

/// out/.cartelier
std::string state_dir(const std::string& out_dir);
/// The recorded state of a map; nullopt when there is none or it cannot be read (then `problem` says why).
/// Recorded relative paths are made absolute against `project_root` (the project file's folder).
std::optional<MapState> load_map_state(const std::string& out_dir, const std::string& map_id,
                                       const std::filesystem::path& project_root, std::string* problem = nullptr);
/// Writes it atomically, paths inside `project_root` recorded relative to it.
void save_map_state(const std::string& out_dir, const MapState& state, const std::filesystem::path& project_root);

/// `previous` with the stat() stamps of `current` (same kinds, names and hashes) and of its outputs as
/// they are now, when any of them moved while the content stayed the same (a touch, a copied project):
/// saving it lets the next build trust stat() again instead of re-reading every file. nullopt when nothing
/// moved. Call only for a map that staleness() found up to date.
std::optional<MapState> restamped(const MapState& previous, const std::vector<InputRecord>& current,
                                  const std::string& out_dir);

/// Resolves font names to files with fontconfig (as `fc-match` would), once per name per process. Thread-safe.
class FontResolver {
public:
    /// What fontconfig gives for a font name ("DejaVu Sans Bold"): its file, and whether that file is of
    /// the family asked for or a stand-in (fontconfig always answers with some font).
    struct Match {
        std::string file;                   ///< "" when fontconfig gives none
        std::string family;                 ///< the family asked for ("DejaVu Sans")
        std::vector<std::string> families;  ///< the file's families, as fontconfig names them
        /// The file is of the family asked for (its name, whatever the case), or the family is one of
        /// fontconfig's generic names (sans-serif, serif, monospace…), which any font answers.
        bool installed() const;
    };
    /// The font file, or "" when fontconfig gives none.
    std::string resolve(const std::string& name) { return match(name).file; }
    Match match(const std::string& name);

private:
    std::mutex mutex_;
    std::map<std::string, Match> cache_;
};

/// A style file as one build read it: the bytes the prepare stage parses are the bytes whose hash the
/// state records (a style saved during a build is seen by the next build, never half by this one).
struct StyleFile {
    std::string path;
    std::string bytes;
    std::string hash;                ///< content_hash(bytes)
    std::optional<FileStamp> stamp;  ///< stat() taken before reading: a later save changes it
};

/// What a build needs to compute inputs: the project file's parsed document, a hasher seeded from the
/// previous states, fonts, the program's identity and the date rule.
class InputContext {
public:
    InputContext(const Project& project, std::optional<std::int64_t> source_date_epoch);
    const Project& project() const { return *project_; }
    FileHasher& hasher() { return hasher_; }
    /// Seeds the hasher's stat cache with a previous state's file records.
    void remember(const MapState& previous);

    /// The style file at `path`, read once per build (the first call reads it, later calls share it).
    /// Throws Error naming the file when it cannot be read.
    std::shared_ptr<const StyleFile> style_file(const std::string& path);
    /// Resolves the fonts the maps name (shared by the build).
    FontResolver& fonts() { return fonts_; }
    /// The digests of the database layers, each asked of the server once per build (shared with the
    /// build's layer store: LayerStore::use_digests).
    DatabaseDigests& digests() { return digests_; }

    /// Every input of `map`, given the layers, fonts and icon files its style uses (the files are those
    /// of pipeline/dependencies.hpp). The style is hashed from style_file() when this build read it, else
    /// from the stat cache, else read through style_file(). Content times are carried over from
    /// `previous` for inputs whose hash did not change.
    std::vector<InputRecord> collect(const MapDecl& map, const std::vector<std::string>& source_layers,
                                     const std::vector<std::string>& fonts, const std::vector<std::string>& icons,
                                     const MapState* previous);
    /// SOURCE_DATE_EPOCH, else the newest content time of the project, style, data, asset and icon inputs
    /// (the project file's mtime when there are none).
    std::int64_t date_of(const std::vector<InputRecord>& inputs) const;

private:
    InputRecord file_input(const std::string& kind, const std::string& path, bool optional);
    InputRecord style_input(const std::string& path);
    std::mutex style_mutex_;     ///< guards styles_ (not held while collect() holds mutex_ and reads)
    std::map<std::string, std::shared_ptr<const StyleFile>> styles_;
    std::mutex mutex_;           ///< collect() may run on several threads
    const Project* project_;
    std::optional<std::int64_t> source_date_epoch_;
    YAML::Node root_;            ///< the project file as parsed (for canonical node text)
    std::map<std::string, std::string> node_hashes_;  ///< its nodes' hashes by path ("absent": none), guarded by mutex_
    std::int64_t project_mtime_ = 0;
    FileHasher hasher_;
    FontResolver fonts_;
    DatabaseDigests digests_;
    std::string program_hash_;
};

/// Fonts a map names: its page font (Bold and Book), the `text-font` of each page element of the style
/// (metadata "cartelier:page") and every literal `text-font` of the style's symbol layers (Style::fonts, as
/// parsed), then the renderer's default font when a symbol layer leaves `text-font` unset.
std::vector<std::string> fonts_of(const MapDecl& map, const style::Style& style);

/// Whether `out_dir/o.file` is still the output the record describes: the same stat() stamp, or the same
/// content (SHA-256); for a PNG's CRS file (`ID.png.aux.xml`), also the file as GDAL rewrites it when it
/// keeps statistics there (`gdalinfo -stats`) with the CRS unchanged (pipeline/georeference.hpp,
/// pam_keeps_crs). False when it is missing.
bool output_unchanged(const std::string& out_dir, const OutputRecord& o);

/// Why a map must be rebuilt, comparing its previous state with its current inputs and outputs;
/// empty when it is up to date.
std::vector<std::string> staleness(const MapState* previous, const std::vector<InputRecord>& current,
                                   const MapDecl& map, const std::string& out_dir);

}  // namespace cartelier::pipeline
