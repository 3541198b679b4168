// The prepared-layer cache: round trip, invalidation by content, corruption detected.
#include <filesystem>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <xxhash.h>

#include "pipeline/prepared_cache.hpp"
#include "test_paths.hpp"
#include "text_files.hpp"

using namespace cartelier;
using namespace cartelier::pipeline;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
    fs::path d = fs::temp_directory_path() / fmt::format("cartelier-prepared-{}-{}", name, ::getpid());
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

void write_file(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

Layer sample_layer() {
    Layer l;
    l.name = "communes";
    l.source = "/data/communes.geojson";
    l.crs = "EPSG:2154";
    l.schema->add("code");
    l.schema->add("pop");
    l.schema->add("flag");
    Feature a;
    a.id = "01001";
    a.values = {std::string("01001"), 812.0, true};
    a.geometry.type = GeometryType::Polygon;
    a.geometry.begin_part();
    a.geometry.points = {{1.5, 2.25}, {3, 2.25}, {3, 4}, {1.5, 2.25}};
    a.geometry.end_ring();
    Feature b;
    b.id = "2A004";
    b.line = 7;
    b.values = {std::string("2A004"), std::monostate{}};
    Feature c;
    c.id = "p";
    c.geometry = Geometry::point({-1e6, 7e6});
    l.features = {a, b, c};
    return l;
}

void expect_equal(const Layer& x, const Layer& y) {
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.source, y.source);
    EXPECT_EQ(x.crs, y.crs);
    EXPECT_EQ(x.schema->fields(), y.schema->fields());
    ASSERT_EQ(x.features.size(), y.features.size());
    for (std::size_t i = 0; i < x.features.size(); ++i) {
        const Feature &f = x.features[i], &g = y.features[i];
        EXPECT_EQ(f.id, g.id);
        EXPECT_EQ(f.line, g.line);
        EXPECT_EQ(f.values, g.values);
        EXPECT_EQ(f.geometry.type, g.geometry.type);
        ASSERT_EQ(f.geometry.points.size(), g.geometry.points.size());
        for (std::size_t k = 0; k < f.geometry.points.size(); ++k) {
            EXPECT_EQ(f.geometry.points[k].x, g.geometry.points[k].x);
            EXPECT_EQ(f.geometry.points[k].y, g.geometry.points[k].y);
        }
        EXPECT_EQ(f.geometry.rings, g.geometry.rings);
        EXPECT_EQ(f.geometry.parts, g.geometry.parts);
    }
}

}  // namespace

TEST(PreparedCache, RoundTrip) {
    fs::path dir = scratch("roundtrip");
    fs::path file = prepared_path(dir, "communes", "EPSG:2154");
    Layer layer = sample_layer();
    std::vector<Diagnostic> warnings{{Severity::Warning, SourceLocation{"x.geojson", 0, 0, "feature 3"}, "mixed", ""}};
    ASSERT_TRUE(write_prepared(file, 42, layer, warnings));
    auto back = read_prepared(file, 42);
    ASSERT_TRUE(back.has_value());
    expect_equal(layer, back->layer);
    ASSERT_EQ(back->warnings.size(), 1u);
    EXPECT_EQ(back->warnings[0].message, "mixed");
    EXPECT_EQ(back->warnings[0].where.path, "feature 3");
    fs::remove_all(dir);
}

TEST(PreparedCache, KeyFollowsTheSourceContent) {
    fs::path dir = scratch("key");
    fs::path source = dir / "layer.geojson";
    write_file(source, R"({"type":"FeatureCollection","features":[]})");
    data::LayerSpec spec;
    spec.name = "layer";
    spec.path = source.string();
    auto k1 = prepared_key(spec, "EPSG:2154");
    ASSERT_TRUE(k1.has_value());
    EXPECT_EQ(k1, prepared_key(spec, "EPSG:2154"));   // stable
    EXPECT_NE(k1, prepared_key(spec, "EPSG:3857"));   // per CRS
    fs::path file = prepared_path(dir, "layer", "EPSG:2154");
    ASSERT_TRUE(write_prepared(file, *k1, sample_layer(), {}));
    EXPECT_TRUE(read_prepared(file, *k1).has_value());

    write_file(source, R"({"type":"FeatureCollection","features":[ ]})");  // one byte more
    auto k2 = prepared_key(spec, "EPSG:2154");
    ASSERT_TRUE(k2.has_value());
    EXPECT_NE(k1, k2);
    EXPECT_FALSE(read_prepared(file, *k2).has_value());  // stale: rebuilt by the caller
    // A sidecar file (Shapefile .dbf, .prj) is part of the content too.
    write_file(dir / "layer.prj", "GEOGCS[]");
    EXPECT_NE(k2, prepared_key(spec, "EPSG:2154"));
    spec.path = (dir / "missing.geojson").string();
    EXPECT_FALSE(prepared_key(spec, "EPSG:2154").has_value());
    fs::remove_all(dir);
}

TEST(PreparedCache, CorruptionIsDetectedAndRewritten) {
    fs::path dir = scratch("corrupt");
    fs::path file = prepared_path(dir, "communes", "EPSG:2154");
    Layer layer = sample_layer();
    ASSERT_TRUE(write_prepared(file, 7, layer, {}));
    const auto size = fs::file_size(file);
    {   // flip one byte of the payload
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(size - 20));
        f.put('\x5a');
    }
    EXPECT_FALSE(read_prepared(file, 7).has_value());
    fs::resize_file(file, size / 2);  // truncated
    EXPECT_FALSE(read_prepared(file, 7).has_value());
    write_file(file, "not a cache file at all");
    EXPECT_FALSE(read_prepared(file, 7).has_value());
    EXPECT_FALSE(read_prepared(dir / "none.prepared", 7).has_value());
    // Rewritten, it reads again.
    ASSERT_TRUE(write_prepared(file, 7, layer, {}));
    auto back = read_prepared(file, 7);
    ASSERT_TRUE(back.has_value());
    expect_equal(layer, back->layer);
    fs::remove_all(dir);
}

TEST(PreparedCache, ALayerLargerThanTheWriteBufferRoundTrips) {
    // The payload is streamed to the file through a 1 MB buffer, arrays over it written directly:
    // many features (buffer flushes) and one of 200 000 vertices (3.2 MB, straight to the file).
    fs::path dir = scratch("large");
    fs::path file = prepared_path(dir, "big", "EPSG:2154");
    Layer layer = sample_layer();
    for (int i = 0; i < 20000; ++i) {
        Feature f;
        f.id = fmt::format("f{}", i);
        f.values = {std::string(i % 50, 'x'), 1.0 * i, i % 2 == 0};
        f.geometry = Geometry::point({1.0 * i, -2.0 * i});
        layer.features.push_back(std::move(f));
    }
    Feature big;
    big.id = "big";
    big.geometry.type = GeometryType::LineString;
    big.geometry.begin_part();
    for (int i = 0; i < 200000; ++i) big.geometry.points.push_back({i * 0.5, i * 0.25});
    big.geometry.end_ring();
    layer.features.insert(layer.features.begin() + 100, std::move(big));
    ASSERT_TRUE(write_prepared(file, 7, layer, {}));
    EXPECT_GT(fs::file_size(file), 3'000'000u);
    auto back = read_prepared(file, 7);
    ASSERT_TRUE(back.has_value());
    expect_equal(layer, back->layer);
    EXPECT_FALSE(read_prepared(file, 8).has_value());  // another key
    fs::remove_all(dir);
}

TEST(PreparedCache, ChunksWhoseSizesLieAreRefusedEvenUnderAValidChecksum) {
    // The features are read in chunks of 4096 on several threads, each chunk from the size written
    // before them. Sizes that add up but cut a feature in two, with the checksum made again to match
    // (a checksum collision, or a bug in the writer), are a file to rebuild, not a crash.
    fs::path dir = scratch("chunks");
    fs::path file = prepared_path(dir, "points", "EPSG:2154");
    Layer layer;
    layer.name = "points";
    layer.crs = "EPSG:2154";
    for (int i = 0; i < 10000; ++i) {
        Feature f;
        f.id = fmt::format("p{}", i);
        f.geometry = Geometry::point({1.0 * i, 2.0 * i});
        layer.features.push_back(std::move(f));
    }
    ASSERT_TRUE(write_prepared(file, 9, layer, {}));
    auto whole = read_prepared(file, 9);
    ASSERT_TRUE(whole.has_value());
    expect_equal(layer, whole->layer);

    std::string bytes;
    {
        std::ifstream in(file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    const std::size_t header = 40, hash_at = 32;
    // The count (10 000, little-endian u64), then the three chunks' sizes.
    const std::uint64_t count = 10000;
    const std::size_t at = bytes.find(std::string(reinterpret_cast<const char*>(&count), sizeof count), header);
    ASSERT_NE(at, std::string::npos);
    std::uint64_t sizes[3];
    std::memcpy(sizes, bytes.data() + at + 8, sizeof sizes);
    // After the features: 1 byte "no subset", 8 the count of source digests (none).
    EXPECT_EQ(sizes[0] + sizes[1] + sizes[2], bytes.size() - at - 8 - sizeof sizes - 1 - 8)
        << "the sizes cover the features exactly";
    sizes[0] += 3;
    sizes[1] -= 3;
    std::memcpy(bytes.data() + at + 8, sizes, sizeof sizes);
    const std::uint64_t hash = XXH3_64bits(bytes.data() + header, bytes.size() - header);
    std::memcpy(bytes.data() + hash_at, &hash, sizeof hash);
    write_file(file, bytes);
    EXPECT_FALSE(read_prepared(file, 9).has_value());
    fs::remove_all(dir);
}

TEST(PreparedCache, AMovedProjectKeepsItsKeysAndItsPaths) {
    // The same project in two folders: same keys; the paths stored come back under the new folder.
    const fs::path a = scratch("moved-a"), b = scratch("moved-b");
    for (const fs::path& root : {a, b}) {
        fs::create_directories(root / "layers");
        write_file(root / "layers" / "x.geojson", R"({"type":"FeatureCollection","features":[]})");
    }
    data::LayerSpec in_a, in_b;
    in_a.name = in_b.name = "x";
    in_a.path = (a / "layers" / "x.geojson").string();
    in_b.path = (b / "layers" / "x.geojson").string();
    ASSERT_TRUE(prepared_key(in_a, "EPSG:2154", a).has_value());
    EXPECT_EQ(prepared_key(in_a, "EPSG:2154", a), prepared_key(in_b, "EPSG:2154", b));
    EXPECT_NE(prepared_key(in_a, "EPSG:2154"), prepared_key(in_b, "EPSG:2154"));  // absolute paths differ

    Layer layer = sample_layer();
    layer.source = in_a.path;
    std::vector<Diagnostic> warnings{
        {Severity::Warning, SourceLocation{in_a.path, 3, 0, "feature 3"}, "repaired", ""},
        {Severity::Warning, SourceLocation{"relative/as-given.yaml", 4, 5, ""}, "as given", ""},
        {Severity::Warning, SourceLocation{"/elsewhere/y.csv", 0, 0, ""}, "outside", ""}};
    const fs::path file = prepared_path(a / "cache", "x", "EPSG:2154");
    const std::uint64_t key = *prepared_key(in_a, "EPSG:2154", a);
    ASSERT_TRUE(write_prepared(file, key, layer, warnings, a));
    auto back = read_prepared(file, key, b);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->layer.source, in_b.path);
    ASSERT_EQ(back->warnings.size(), 3u);
    EXPECT_EQ(back->warnings[0].where.file, in_b.path);
    EXPECT_EQ(back->warnings[0].where.line, 3);
    EXPECT_EQ(back->warnings[1].where.file, "relative/as-given.yaml");
    EXPECT_EQ(back->warnings[2].where.file, "/elsewhere/y.csv");
    fs::remove_all(a);
    fs::remove_all(b);
}

// The memo of valid polygons (geo::ValidPolygons) beside the prepared copies: read back as written; a
// damaged file, or one from another format or GEOS, is none at all (every polygon checked again).
TEST(PreparedCache, TheValidPolygonsOfALayerRoundTripAndADamagedMemoIsNone) {
    const std::filesystem::path dir = cartelier::test::temp_dir("valid-polygons");
    using Digest = cartelier::geo::ValidPolygons::Digest;
    const std::vector<Digest> digests{{1, 2}, {3, 4}, {0xffffffffffffffffull, 5}};
    EXPECT_TRUE(cartelier::pipeline::read_valid_polygons(dir, "communes").empty()) << "none yet";
    ASSERT_TRUE(cartelier::pipeline::write_valid_polygons(dir, "communes", digests));
    EXPECT_EQ(cartelier::pipeline::read_valid_polygons(dir, "communes"), digests);
    EXPECT_TRUE(cartelier::pipeline::read_valid_polygons(dir, "departements").empty()) << "another layer's";
    const std::filesystem::path file = cartelier::pipeline::prepared_path(dir, "communes", "valid-polygons");
    std::string bytes = cartelier::test::read_text(file.string());
    {
        std::string damaged = bytes;
        damaged[damaged.size() - 12] ^= 1;  // a bit of the last digest
        cartelier::test::save_text(file.string(), damaged);
        EXPECT_TRUE(cartelier::pipeline::read_valid_polygons(dir, "communes").empty());
    }
    {
        std::string other = bytes;
        const auto at = other.find("geos ");
        ASSERT_NE(at, std::string::npos);
        other[at + 5] = other[at + 5] == '9' ? '8' : '9';  // another GEOS (the checksum made again)
        other.resize(other.size() - 8);
        const std::uint64_t check = XXH3_64bits(other.data(), other.size());
        other.append(reinterpret_cast<const char*>(&check), sizeof check);
        cartelier::test::save_text(file.string(), other);
        EXPECT_TRUE(cartelier::pipeline::read_valid_polygons(dir, "communes").empty());
    }
    cartelier::test::save_text(file.string(), bytes.substr(0, bytes.size() - 3));  // truncated
    EXPECT_TRUE(cartelier::pipeline::read_valid_polygons(dir, "communes").empty());
}
