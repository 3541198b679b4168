// Cartelier's own GeoJSON reader (data/geojson_reader.hpp) against GDAL's GeoJSON driver: every file
// it reads gives the layer GDAL gives, feature for feature and bit for bit, read whole or through a
// sink; every file it declines is read by GDAL, with GDAL's messages, as before it existed.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/geojson_reader.hpp"
#include "data/layer_reader.hpp"
#include "layer_assertions.hpp"
#include "test_geojson.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using namespace cartelier::data;

namespace {

ReadOptions through_gdal() {
    ReadOptions o;
    o.geojson_without_gdal = false;
    return o;
}

std::string write_file(const std::string& name, const std::string& text) {
    const std::string path = test::temp_dir("geojson-reader-" + name) + "/" + name + ".geojson";
    std::ofstream(path) << text;
    return path;
}

LayerSpec spec_of(const std::string& path, const std::string& id_field = "") {
    return {"layer", path, "", "", id_field, "", "", {}};
}

struct Sunk {
    Layer layer;
    int restarts = 0;
    int chunks = 0;
};

/// What a stage downstream of the reader keeps: the chunks handed over, minus those taken back.
FeatureSink collecting(Sunk& s) {
    FeatureSink sink;
    sink.take = [&s](const Layer& reading, std::vector<Feature>&& chunk) {
        s.layer.crs = reading.crs;
        ++s.chunks;
        for (auto& f : chunk) s.layer.features.push_back(std::move(f));
    };
    sink.restart = [&s] {
        s.layer.features.clear();
        ++s.restarts;
    };
    return sink;
}

/// Cartelier's reader reads `path` (whole, and through a sink) into exactly what GDAL reads.
Layer expect_read_as_gdal_reads(const std::string& path, const std::string& id_field = "") {
    Diagnostics dg;
    Layer gdal = read_layer(spec_of(path, id_field), dg, {}, through_gdal());
    EXPECT_FALSE(dg.has_errors()) << dg.format();
    EXPECT_TRUE(dg.items().empty()) << dg.format();

    Layer own;
    own.name = "layer";
    own.source = path;
    const GeojsonRead r = try_read_geojson(spec_of(path, id_field), {}, own);
    EXPECT_TRUE(r.read) << r.declined;
    test::expect_same_layer(own, gdal);
    for (std::size_t i = 0; i < own.features.size(); ++i) {
        const Geometry& a = own.features[i].geometry;
        const Geometry& b = gdal.features[i].geometry;
        EXPECT_EQ(a.type, b.type) << "feature " << i;
        EXPECT_EQ(a.rings, b.rings) << "feature " << i;
        EXPECT_EQ(a.parts, b.parts) << "feature " << i;
    }

    Sunk sunk;
    Layer rest;
    rest.name = "layer";
    rest.source = path;
    const GeojsonRead rs = try_read_geojson(spec_of(path, id_field), collecting(sunk), rest);
    EXPECT_TRUE(rs.read) << rs.declined;
    EXPECT_TRUE(rest.features.empty());
    sunk.layer.schema = rest.schema;
    test::expect_same_layer(sunk.layer, gdal);

    // From memory, cut into blocks of a few dozen bytes: every value crosses a block's end somewhere.
    if (std::filesystem::file_size(path) < (8u << 20)) {
        std::ifstream in(path, std::ios::binary);
        const std::string text{std::istreambuf_iterator<char>(in), {}};
        Layer from_text;
        const GeojsonRead rt = try_read_geojson_text(text, spec_of(path, id_field), {}, from_text);
        EXPECT_TRUE(rt.read) << rt.declined;
        test::expect_same_layer(from_text, gdal);
    }
    return own;
}

/// Cartelier's reader declines `text` (saying `why`), and a read of it gives what GDAL gives, with
/// GDAL's messages.
void expect_declined(const std::string& name, const std::string& text, const std::string& why,
                     const std::string& id_field = "") {
    SCOPED_TRACE(name);
    const std::string path = write_file(name, text);
    Layer own;
    const GeojsonRead r = try_read_geojson(spec_of(path, id_field), {}, own);
    EXPECT_FALSE(r.read);
    EXPECT_NE(r.declined.find(why), std::string::npos) << "declined: " << r.declined;
    EXPECT_TRUE(own.features.empty());
    EXPECT_EQ(own.schema->size(), 0u);
    Diagnostics dg, dd;
    Layer gdal = read_layer(spec_of(path, id_field), dg, {}, through_gdal());
    Layer by_default = read_layer(spec_of(path, id_field), dd);
    EXPECT_EQ(dd.format(), dg.format());
    test::expect_same_layer(by_default, gdal);
}

std::string collection(const std::vector<std::string>& features, const std::string& top = "") {
    std::string out = "{\"type\":\"FeatureCollection\"," + top + "\"features\":[";
    for (std::size_t i = 0; i < features.size(); ++i) out += (i ? ",\n" : "\n") + features[i];
    return out + "\n]}\n";
}

std::string feature(const std::string& properties, const std::string& geometry) {
    return fmt::format("{{\"type\":\"Feature\",\"properties\":{},\"geometry\":{}}}", properties, geometry);
}

const std::string square = R"({"type":"Polygon","coordinates":[[[2,46],[2.001,46],[2.001,46.001],[2,46.001],[2,46]]]})";

}  // namespace

TEST(GeojsonReader, EveryGeometryTypeIsReadAsGdalReadsIt) {
    const std::string path = write_file(
        "geometries",
        collection(
            {feature(R"({"k":"point"})", R"({"type":"Point","coordinates":[2.35,48.85]})"),
             feature(R"({"k":"point 3d"})", R"({"type":"Point","coordinates":[2.35,48.85,35.5]})"),
             feature(R"({"k":"multipoint"})", R"({"type":"MultiPoint","coordinates":[[1,2],[3,4.5],[-5e-3,6E2]]})"),
             feature(R"({"k":"line"})", R"({"type":"LineString","coordinates":[[0,0],[1,1],[2,0.5]]})"),
             feature(R"({"k":"one-point line"})", R"({"type":"LineString","coordinates":[[7,7]]})"),
             feature(R"({"k":"multiline"})",
                     R"({"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3],[4,2]]]})"),
             feature(R"({"k":"polygon with a hole"})",
                     R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,3],[3,3],[2,2]]]})"),
             feature(R"({"k":"unclosed ring"})", R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]})"),
             feature(R"({"k":"multipolygon"})",
                     R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]],[[5.2,5.1],[5.3,5.1],[5.3,5.2],[5.2,5.1]]]]})"),
             feature(R"({"k":"coordinates before type"})",
                     R"({"bbox":[0,0,1,1],"coordinates":[[[0.1,0.2],[0.3,0.2],[0.3,0.4],[0.1,0.2]]],"type":"Polygon"})"),
             feature(R"({"k":"null geometry"})", "null"),
             R"({"type":"Feature","properties":{"k":"no geometry member"}})",
             R"({"geometry":{"type":"Point","coordinates":[1,1]},"properties":{"k":"members in another order"},"bbox":[1,1,1,1],"type":"Feature"})",
             feature(R"({"k":"digits"})",
                     R"({"type":"LineString","coordinates":[[0.1,0.2],[1.7976931348623157e308,-2.2250738585072014e-308],[4.9e-324,-0.0],[123456789.123456789,1e-7],[0.30000000000000004,9007199254740993]]})")},
            R"("name":"geometries","bbox":[0,0,10,10],)"));
    expect_read_as_gdal_reads(path);
}

TEST(GeojsonReader, PropertiesOfEveryKindAreReadAsGdalReadsThem) {
    std::vector<std::string> features;
    // Text GDAL does not take for dates, escapes and non-ASCII text, integers and decimals, booleans
    // (GDAL: an integer field, 1 and 0), nulls and missing properties, a field first seen late.
    const std::vector<std::string> texts = {
        R"("2A004")", R"("01001")", R"("Saint-Denis")", R"("12 rue des Lilas")", R"("1.5")", R"("T12")",
        R"("Z")",     R"("   ")",   R"("")",            R"("2020")",             R"("20200101")", R"("true")",
        R"("null")",  R"("NaN")",   R"("12h30")",       R"("2020.01.02")",       R"("Ch\u00e2teau \"fort\"\\\n\t")",
        R"("Île-de-France")", R"("\ud83d\uddfa")"};
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const std::string ints[] = {"0", "-0", "7", "-12", "9007199254740992", "-9007199254740992"};
        const std::string reals[] = {"0.5", "-0.0", "1e5", "1E-3", "2.50", "1.0", "3", "-7"};
        std::string props = fmt::format(R"({{"code":"{:03}","text":{},"count":{},"ratio":{},"flag":{},"maybe":{})",
                                        i, texts[i], ints[i % 6], reals[i % 8], i % 2 ? "true" : "false",
                                        i % 3 ? "null" : "\"x\"");
        if (i % 4 == 0 || i == texts.size() - 1) props += R"(,"sometimes":1.25)";
        if (i == texts.size() - 1) props += R"(,"late":"last")";
        features.push_back(feature(props + "}", square));
    }
    features.push_back(feature("null", square));
    features.push_back(feature("{}", square));
    const std::string path = write_file("properties", collection(features));
    Layer l = expect_read_as_gdal_reads(path);
    expect_read_as_gdal_reads(path, "code");
    EXPECT_EQ(l.schema->fields(), (std::vector<std::string>{"code", "text", "count", "ratio", "flag", "maybe",
                                                             "sometimes", "late"}));
    EXPECT_EQ(l.get(l.features[1], "flag"), Value(1.0));
    EXPECT_EQ(l.get(l.features[16], "text"), Value(std::string("Ch\u00e2teau \"fort\"\\\n\t")));
}

TEST(GeojsonReader, IdsComeFromAnIntegerFieldAsGdalWritesThem) {
    std::vector<std::string> features;
    for (int i = 0; i < 40; ++i) features.push_back(feature(fmt::format(R"({{"Num":{},"nom":"n{}"}})", i * 1000 - 7, i), square));
    const std::string path = write_file("integer-ids", collection(features));
    Layer l = expect_read_as_gdal_reads(path, "num");  // GDAL finds fields by name regardless of case
    EXPECT_EQ(l.features[0].id, "-7");
    EXPECT_EQ(l.features[39].id, "38993");
}

TEST(GeojsonReader, AFieldFirstSeenAfterAChunkWasHandedOverReadsTheFileAgain) {
    // 3000 features, a field first seen in the 2500th: the first chunks were handed over without it.
    const std::string path = test::temp_dir("geojson-reader-late") + "/late.geojson";
    test::write_squares_geojson(path, 3000, [](int i) {
        return i == 2500 ? fmt::format("\"code\":\"{:05}\",\"note\":\"late\"", i) : fmt::format("\"code\":\"{:05}\"", i);
    });
    Sunk sunk;
    Layer rest;
    const GeojsonRead r = try_read_geojson(spec_of(path, "code"), collecting(sunk), rest);
    ASSERT_TRUE(r.read) << r.declined;
    EXPECT_EQ(sunk.restarts, 1);
    EXPECT_EQ(sunk.chunks, 2 + 3);  // two chunks before the restart, three after
    for (const auto& f : sunk.layer.features) ASSERT_EQ(f.values.size(), 2u) << f.id;
    expect_read_as_gdal_reads(path, "code");
}

TEST(GeojsonReader, ADeclineAfterChunksWereHandedOverTakesThemBackAndGdalReadsTheFile) {
    const std::string path = test::temp_dir("geojson-reader-late-date") + "/late-date.geojson";
    test::write_squares_geojson(path, 3000, [](int i) {
        return fmt::format("\"code\":\"{:05}\",\"since\":{}", i, i < 2500 ? "null" : "\"2019-01-01\"");
    });
    Sunk own;
    Layer rest;
    const GeojsonRead r = try_read_geojson(spec_of(path, "code"), collecting(own), rest);
    EXPECT_FALSE(r.read);
    EXPECT_NE(r.declined.find("feature 2500"), std::string::npos) << r.declined;
    EXPECT_EQ(own.restarts, 1);
    EXPECT_TRUE(own.layer.features.empty());

    Sunk by_default;
    Diagnostics d, dg;
    Layer left = read_layer(spec_of(path, "code"), d, collecting(by_default));
    EXPECT_TRUE(left.features.empty());
    by_default.layer.schema = left.schema;
    Layer gdal = read_layer(spec_of(path, "code"), dg, {}, through_gdal());
    EXPECT_EQ(d.format(), dg.format());
    test::expect_same_layer(by_default.layer, gdal);
    // GDAL typed the field as a date: the reason for the decline.
    EXPECT_EQ(gdal.get(gdal.features[2500], "since"), Value(std::string("2019/01/01")));
}

TEST(GeojsonReader, WhatItCannotReadAsGdalDoesIsLeftToGdal) {
    const std::string p = R"({"code":"a"})";
    expect_declined("crs",
                    collection({feature(p, square)},
                               R"("crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},)"),
                    "\"crs\"");
    expect_declined("feature-id", collection({R"({"type":"Feature","id":12,"properties":{},"geometry":null})"}),
                    "\"id\" member");
    expect_declined("object-property", collection({feature(R"({"o":{"a":1}})", square)}), "object or an array");
    expect_declined("array-property", collection({feature(R"({"a":[1,2]})", square)}), "object or an array");
    expect_declined("date", collection({feature(R"({"d":"2020-01-02"})", square)}), "date");
    expect_declined("time", collection({feature(R"({"t":"12:30:00"})", square)}), "date");
    expect_declined("text-and-number",
                    collection({feature(R"({"v":"a"})", square), feature(R"({"v":2})", square)}), "text and numbers");
    expect_declined("case", collection({feature(R"({"Nom":"a"})", square), feature(R"({"nom":"b"})", square)}),
                    "differing only in case");
    expect_declined("collection",
                    collection({feature(p, R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]})")}),
                    "geometry member \"geometries\"");
    expect_declined("empty-polygon", collection({feature(p, R"({"type":"Polygon","coordinates":[]})")}), "empty polygon");
    expect_declined("empty-ring", collection({feature(p, R"({"type":"Polygon","coordinates":[[]]})")}), "empty line");
    expect_declined("short-position", collection({feature(p, R"({"type":"Point","coordinates":[1]})")}), "position of 1");
    expect_declined("decimal-id", collection({feature(R"({"n":1.5})", square)}), "id field", "n");
    expect_declined("missing-id-field", collection({feature(p, square)}), "no field 'nope'", "nope");
    expect_declined("big-integer", collection({feature(R"({"n":9007199254740993})", square)}), "2^53");
    expect_declined("no-features", collection({}), "no feature");
    expect_declined("not-a-collection", R"({"type":"Feature","properties":{},"geometry":null})", "FeatureCollection");
    expect_declined("truncated", collection({feature(p, square)}).substr(0, 60), "ends");
    expect_declined("trailing", collection({feature(p, square)}) + "x", "after the root object");
    expect_declined("order-left-open",
                    collection({feature(R"({"a":1,"b":2})", square), feature(R"({"a":1,"c":3})", square)}),
                    "GDAL would choose their order");
    expect_declined("another-order",
                    collection({feature(R"({"a":1,"b":2})", square), feature(R"({"b":1,"a":3})", square)}),
                    "another order");
    expect_declined("nan", collection({feature(p, R"({"type":"Point","coordinates":[NaN,1]})")}), "feature 0");
}

TEST(GeojsonReader, TheIgnLayersAreReadAsGdalReadsThem) {
    // The layers the maps and the benchmark atlas are drawn from, when scripts/fetch-layers.sh fetched
    // the IGN ones (its offline fallback has no communes).
    const std::string cache = test::sourcepath("layers/cache");
    if (!std::filesystem::exists(cache + "/communes.geojson") || !std::filesystem::exists(cache + "/departements.geojson"))
        GTEST_SKIP() << "layers/cache holds no IGN communes (scripts/fetch-layers.sh)";
    expect_read_as_gdal_reads(cache + "/departements.geojson", "code");
    expect_read_as_gdal_reads(cache + "/communes.geojson", "code");
    expect_read_as_gdal_reads(cache + "/regions.geojson");
}
