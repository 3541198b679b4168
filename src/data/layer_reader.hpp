// Reading a project layer: any OGR vector source through GDAL, or a CSV table of points (lon/lat
// columns) through Cartelier's own CSV reader so that every message can name the line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"
#include "data/database_source.hpp"
#include "data/table.hpp"

namespace cartelier::data {

/// Options of the "read layer" stage, as declared in the project file.
struct LayerSpec {
    std::string name;       ///< the project's name for the layer (style source-layer)
    std::string path;       ///< file to read (empty for a database layer)
    std::string ogr_layer;  ///< layer inside a multi-layer source (GeoPackage); empty: the only/first one
    std::string crs;        ///< CRS of the data when the source has none (or to override it)
    std::string id_field;   ///< field giving stable feature ids; empty: the source FID
    std::string x_field;    ///< for CSV point tables: longitude / x column
    std::string y_field;    ///< for CSV point tables: latitude / y column
    SourceLocation declared_at;  ///< where the project declares the layer, for messages
    /// CSV point tables: a row may leave both x and y empty (it is placed later, by geocoding); such a
    /// row gets no geometry instead of an error. A row with only one of them is still an error.
    bool coordinates_optional = false;
    /// CSV point tables: the declared column types (`types: {year: integer}`); other columns are
    /// inferred (data::column_types).
    std::vector<ColumnTypeDecl> types;
    /// `repaired: [ids]`: features whose invalid polygons are known (a published source that cannot be
    /// fixed here): repaired without a warning (geo::GeometryValidator::acknowledge_repairs).
    std::vector<std::string> repaired;
    SourceLocation repaired_at;
    /// A layer read from PostgreSQL/PostGIS instead of a file (`postgis:` in the project file).
    std::optional<DatabaseSource> database;
};

/// Receives the features of a layer as they are read, in order, in chunks, on the reading thread, so
/// that the next stages can work on one chunk while the reader parses the next.
struct FeatureSink {
    /// One chunk. `layer` is the layer being read: its name, source, CRS and schema are set; its
    /// features stay empty.
    std::function<void(const Layer& layer, std::vector<Feature>&& chunk)> take;
    /// The reader takes back every chunk handed over so far and starts the layer again: forget them
    /// and all that was learnt from them (a speculative read guessed the schema wrong; see ReadOptions).
    std::function<void()> restart;
    explicit operator bool() const { return static_cast<bool>(take); }
};

/// How the reader may go about it; the features read are the same whatever these say.
struct ReadOptions {
    /// GDAL reads a GeoJSON file twice: a first pass over every feature to learn the fields and their
    /// types, then the features. For a file at least this large, a second thread makes that first
    /// pass while the features are read with a schema guessed from the first `guess_features`; when
    /// the two schemas differ, the features are read again with the full one (FeatureSink::restart).
    std::uintmax_t speculative_schema_min_bytes = 1u << 20;
    int guess_features = 1000;
    /// Chunks of features that may wait between the reading thread and the thread checking them
    /// (data::ChunkQueue): a reader faster than its checker waits instead of holding the whole layer.
    std::size_t queue_chunks = 4;
    /// A GeoJSON FeatureCollection is read by data/geojson_reader.hpp when it can read it exactly as
    /// GDAL would (else through GDAL); false: always through GDAL (the tests compare the two).
    bool geojson_without_gdal = true;
};

/// Feature ids must be unique: joins, checks, labels, the report and atlas pages name features by them.
/// Takes a layer's features in file order, chunk after chunk, and at the end says each id met again when
/// the layer declares its id field (`spec.id_field`; the source's own FIDs are unique), the first few one
/// by one (in file order) and then how many more. Point tables are left out: their reader says each
/// duplicate with its line. Holds 24 bytes a feature (a 128-bit digest of its id and its rank), not the ids.
class DuplicateIds {
public:
    explicit DuplicateIds(const LayerSpec& spec);
    /// The next features of the layer.
    void take(const std::vector<Feature>& chunk);
    /// Once every feature is taken: the duplicates, their ids read from `chunks`, every feature taken in
    /// order (the chunks given to take(), since the last restart).
    void finish(const std::vector<std::vector<Feature>>& chunks, Diagnostics& diagnostics);
    /// Forgets every feature taken (the reader restarted the layer).
    void restart();

private:
    static constexpr std::size_t kSaidOneByOne = 5;
    struct Entry {
        std::uint64_t high, low;  ///< XXH3-128 of the id
        std::size_t rank;         ///< of the feature in the file, from 0
    };
    const LayerSpec* spec_;
    bool on_ = false;
    std::vector<Entry> entries_;
};

/// Reads the layer; problems are added to `diagnostics` (with file, line or feature id, field).
/// Fatal problems (file missing, no such layer, no CRS) leave the returned layer empty. With a sink,
/// every feature goes to the sink instead of the returned layer.
Layer read_layer(const LayerSpec& spec, Diagnostics& diagnostics, const FeatureSink& sink = {},
                 const ReadOptions& options = {});

/// For a database layer (spec.database): a digest of the rows it reads now — their number, their
/// columns and their content, whatever order the server returns them in — computed by the server (an
/// md5 of each row's text, aggregated in a fixed order), so that an unchanged table or query gives the
/// same digest and an insert, update or delete of a row another. read_layer sets Layer::digest to the
/// digest of the rows it read, computed in the snapshot it read them in. Throws Error naming the layer,
/// where the project declares it and the server's message (any password removed).
std::string database_digest(const LayerSpec& spec);

/// How messages name where a layer comes from: its file, or "PostgreSQL service=…, table …".
std::string source_label(const LayerSpec& spec);

/// Parses a number as people type it in spreadsheets: "48.85", "48,85" (decimal comma), " 2 ".
/// nullopt when the text is not a number.
std::optional<double> parse_decimal(std::string_view text);

}  // namespace cartelier::data
