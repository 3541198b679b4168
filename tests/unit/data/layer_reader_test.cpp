// Reading layers through GDAL: the speculative GeoJSON read (ReadOptions) must give exactly what the
// plain read gives, whatever the file's schema does after the features the guess was made from.
#include <filesystem>
#include <functional>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/layer_reader.hpp"
#include "layer_assertions.hpp"
#include "test_geojson.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using namespace cartelier::data;

namespace {

constexpr int feature_count = 3000;

std::string write_geojson(const std::string& name, const std::function<std::string(int)>& properties,
                          const std::function<std::string(int)>& top = {}) {
    const std::string path = test::temp_dir("layer-reader-" + name) + "/" + name + ".geojson";
    test::write_squares_geojson(path, feature_count, properties, top);
    return path;
}

/// Through GDAL (not data/geojson_reader.hpp), guessing the schema from the first 100 features of any
/// file, however small.
const ReadOptions speculative{0, 100, 4, false};
/// Through GDAL, never guessing.
const ReadOptions plain{~std::uintmax_t{0}, 100, 4, false};

LayerSpec spec_of(const std::string& path, const std::string& id_field = "code") {
    return {"squares", path, "", "", id_field, "", "", {}};
}

/// What a reading stage downstream sees: the chunks it was handed, minus those taken back.
struct Collected {
    Layer layer;  // name, CRS and schema as handed over, and every feature
    int restarts = 0;
};

Collected read_through_sink(const LayerSpec& spec, const ReadOptions& options, Diagnostics& d) {
    Collected c;
    FeatureSink sink;
    sink.take = [&](const Layer& reading, std::vector<Feature>&& chunk) {
        c.layer.name = reading.name;
        c.layer.crs = reading.crs;
        c.layer.schema = std::make_shared<Schema>(reading.schema->fields());
        for (auto& f : chunk) c.layer.features.push_back(std::move(f));
    };
    sink.restart = [&] {
        c.layer.features.clear();
        ++c.restarts;
    };
    Layer rest = read_layer(spec, d, sink, options);
    EXPECT_TRUE(rest.features.empty());
    return c;
}

/// Reads `path` the plain way, speculatively, and speculatively through a sink: all three the same;
/// the sink sees `restarts` restarts.
Layer expect_all_reads_agree(const std::string& path, int restarts, const std::string& id_field = "code") {
    Diagnostics dp, ds, dk;
    Layer reference = read_layer(spec_of(path, id_field), dp, {}, plain);
    EXPECT_FALSE(dp.has_errors()) << dp.format();
    EXPECT_EQ(reference.features.size(), static_cast<std::size_t>(feature_count));
    Layer guessed = read_layer(spec_of(path, id_field), ds, {}, speculative);
    EXPECT_EQ(ds.format(), dp.format());
    test::expect_same_layer(guessed, reference);
    Collected sunk = read_through_sink(spec_of(path, id_field), speculative, dk);
    EXPECT_EQ(dk.format(), dp.format());
    EXPECT_EQ(sunk.restarts, restarts);
    test::expect_same_layer(sunk.layer, reference);
    return reference;
}

}  // namespace

TEST(LayerReader, ASpeculativeReadGivesWhatThePlainReadGives) {
    const auto path = write_geojson("same", [](int i) { return fmt::format("\"code\":\"{:05}\",\"pop\":{}", i, i * 7); });
    Layer l = expect_all_reads_agree(path, 0);  // the guess was right: nothing to take back
    EXPECT_EQ(l.crs, "EPSG:4326");
    EXPECT_EQ(l.features[1234].id, "01234");
    EXPECT_EQ(l.get(l.features[1234], "pop"), Value(1234.0 * 7));
}

TEST(LayerReader, AFieldFirstSeenAfterTheGuessedFeaturesIsRead) {
    const auto path = write_geojson("late-field", [](int i) {
        return i == 2500 ? fmt::format("\"code\":\"{:05}\",\"note\":\"late\"", i) : fmt::format("\"code\":\"{:05}\"", i);
    });
    Layer l = expect_all_reads_agree(path, 1);
    EXPECT_EQ(l.get(l.features[2500], "note"), Value(std::string("late")));
    EXPECT_EQ(l.get(l.features[0], "note"), Value());
}

TEST(LayerReader, AFieldThatTurnsDecimalAfterTheGuessedFeaturesKeepsItsDecimals) {
    // Read with the guessed schema (an integer field), 12.5 would come out as 12.
    const auto path = write_geojson("widening", [](int i) {
        return fmt::format("\"code\":\"{:05}\",\"pop\":{}", i, i == 2500 ? std::string("12.5") : std::to_string(i));
    });
    Layer l = expect_all_reads_agree(path, 1);
    EXPECT_EQ(l.get(l.features[2500], "pop"), Value(12.5));
}

TEST(LayerReader, ALayerIdentifiedByFidsIsNeverGuessed) {
    // GDAL's first pass makes a feature-level integer "id" the FID when it sees one, a choice the
    // schema does not show: here the first ids appear after the guessed features.
    const auto path = write_geojson(
        "late-id", [](int i) { return fmt::format("\"code\":\"{:05}\"", i); },
        [](int i) { return i >= 2000 ? fmt::format("\"id\":{}", 100000 + i) : std::string(); });
    Layer l = expect_all_reads_agree(path, 0, "");
    EXPECT_EQ(l.features[2500].id, "102500");
}

TEST(LayerReader, ATruncatedFileFailsAsThePlainReadFails) {
    // GDAL's first pass rejects the file; the guessed read, having seen 100 good features, had started
    // handing features over: they are taken back and the error is the plain read's.
    const auto path = write_geojson("truncated", [](int i) { return fmt::format("\"code\":\"{:05}\"", i); });
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    Diagnostics dp, ds, dk;
    Layer reference = read_layer(spec_of(path), dp, {}, plain);
    ASSERT_TRUE(dp.has_errors());
    // Where the file breaks off, not GDAL's "Failed to read GeoJSON data".
    EXPECT_NE(dp.format().find("the file is not JSON: syntax error:"), std::string::npos) << dp.format();
    EXPECT_NE(dp.format().find("it was cut short"), std::string::npos) << dp.format();
    EXPECT_EQ(dp.items().size(), 1u) << dp.format();
    EXPECT_GT(dp.items().front().where.line, 0) << dp.format();
    EXPECT_TRUE(reference.features.empty());
    Layer guessed = read_layer(spec_of(path), ds, {}, speculative);
    EXPECT_EQ(ds.format(), dp.format());
    EXPECT_TRUE(guessed.features.empty());
    Collected sunk = read_through_sink(spec_of(path), speculative, dk);
    EXPECT_EQ(dk.format(), dp.format());
    EXPECT_EQ(sunk.restarts, 1);
    EXPECT_TRUE(sunk.layer.features.empty());
}

namespace {

std::vector<Feature> features_with_ids(std::initializer_list<const char*> ids) {
    std::vector<Feature> out;
    for (const char* id : ids) {
        Feature f;
        f.id = id;
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace

// Feature ids are unique in a layer that declares its id field: each id met again is an error naming
// both features' ranks, across chunks, in file order; a restart of the read forgets the features taken.
TEST(DuplicateIds, EachIdMetAgainIsAnErrorNamingBothFeaturesAcrossChunks) {
    LayerSpec spec = spec_of("/data/departements.geojson");
    DuplicateIds ids(spec);
    std::vector<std::vector<Feature>> chunks{features_with_ids({"01", "02", "03"}), features_with_ids({"04", "02", "01"})};
    for (const auto& c : chunks) ids.take(c);
    Diagnostics d;
    ids.finish(chunks, d);
    ASSERT_EQ(d.items().size(), 2u) << d.format();
    const Diagnostic& e = d.items().front();
    EXPECT_EQ(e.where.file, "/data/departements.geojson");
    EXPECT_EQ(e.where.path, "feature 02");
    EXPECT_NE(e.message.find("duplicate id '02' (field 'code'): features 1 and 4 of the source"), std::string::npos)
        << e.message;
    EXPECT_NE(d.items().back().message.find("duplicate id '01' (field 'code'): features 0 and 5"), std::string::npos)
        << d.format();

    // The reader started the layer again: what was taken is forgotten.
    ids.take(chunks.front());
    ids.restart();
    const std::vector<std::vector<Feature>> again_chunks{features_with_ids({"01", "02", "03", "04"})};
    ids.take(again_chunks.front());
    Diagnostics again;
    ids.finish(again_chunks, again);
    EXPECT_TRUE(again.empty()) << again.format();
}

TEST(DuplicateIds, ManyAreSaidFiveByNameThenCounted) {
    LayerSpec spec = spec_of("/data/communes.geojson", "insee");
    DuplicateIds ids(spec);
    const std::vector<std::vector<Feature>> chunks{features_with_ids({"", "", "", "", "", "", "", "", "", ""})};
    ids.take(chunks.front());  // a field empty everywhere
    Diagnostics d;
    ids.finish(chunks, d);
    ASSERT_EQ(d.items().size(), 6u) << d.format();
    EXPECT_NE(d.items().front().message.find("features 0 and 1 "), std::string::npos) << d.format();
    EXPECT_NE(d.items().back().message.find("4 more features have an id (field 'insee') an earlier feature has"),
              std::string::npos)
        << d.format();
}

TEST(DuplicateIds, NotLookedForWithoutAnIdFieldNorInAPointTable) {
    Diagnostics d;
    const std::vector<std::vector<Feature>> chunks{features_with_ids({"1", "1"})};
    DuplicateIds fids(spec_of("/data/a.geojson", ""));  // the source's FIDs
    fids.take(chunks.front());
    LayerSpec table = spec_of("/data/sites.csv", "id");
    table.x_field = "lon";
    table.y_field = "lat";
    DuplicateIds rows(table);  // the CSV reader says each with its line
    rows.take(chunks.front());
    fids.finish(chunks, d);
    rows.finish(chunks, d);
    EXPECT_TRUE(d.empty()) << d.format();
}
