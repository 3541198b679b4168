// Writing a layer as a vector file (data/layer_writer.hpp, through the GDAL module's ogr_writer): the
// format from the extension, each column's type chosen from its values, the feature id kept, Multi*
// geometries when any feature has several parts, and a file replaced only by a complete one.
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/layer_reader.hpp"
#include "data/layer_writer.hpp"
#include "test_layers.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using namespace cartelier::data;
namespace fs = std::filesystem;

namespace {

const char* const kWgs84 =
    R"(GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]])";

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

/// Three polygons (the second of two parts) with a column of each kind: booleans, small integers,
/// an integer beyond 32 bits, reals, texts, numbers mixed with texts, and a column with no value.
Layer typed_layer() {
    Layer l = test::square_layer("zones", "memory", "EPSG:4326", "code", 1,
                                 {{"a", {0, 0}}, {"b", {2, 0}}, {"c", {4, 0}}});
    for (const char* f : {"flag", "count", "big", "ratio", "label", "mixed", "empty"}) l.schema->add(f);
    const double big = 5000000000.0;
    l.features[0].values = {std::string("a"), true, 3.0, big, 0.5, std::string("un"), 1.0, Value{}};
    l.features[1].values = {std::string("b"), false, -7.0, -big, 2.0, std::string("deux"), std::string("x"), Value{}};
    l.features[2].values = {std::string("c"), Value{}, Value{}, 1.0, Value{}, Value{}, 2.5};  // shorter: nulls
    l.features[0].id = "zone-a";
    l.features[1].id = "zone-b";
    l.features[2].id = "zone-c";
    // A second part for b: the layer becomes a MultiPolygon one.
    Geometry& g = l.features[1].geometry;
    g.begin_part();
    for (Point p : {Point{2, 5}, Point{3, 5}, Point{3, 6}, Point{2, 5}}) g.points.push_back(p);
    g.end_ring();
    return l;
}

Layer read_back(const fs::path& path, const std::string& crs = {}) {
    Diagnostics d;
    LayerSpec spec{"zones", path.string(), "", crs, "id", "", "", {}};
    Layer l = read_layer(spec, d);
    EXPECT_FALSE(d.has_errors()) << d.format();
    return l;
}

}  // namespace

TEST(LayerWriter, TheExtensionChoosesTheFormatAndAnUnknownOneListsTheSupported) {
    EXPECT_EQ(vector_format_for("a/b.GeoJSON").driver, "GeoJSON");
    EXPECT_EQ(vector_format_for("b.gpkg").driver, "GPKG");
    EXPECT_EQ(vector_format_for("b.SHP").driver, "ESRI Shapefile");
    EXPECT_EQ(vector_format_for("b.csv").driver, "CSV");
    try {
        vector_format_for("out/b.kml");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.diagnostics().items().at(0).message,
                  "unknown extension '.kml': expected one of .geojson, .gpkg, .shp, .csv");
        EXPECT_EQ(e.diagnostics().items().at(0).where.file, "out/b.kml");
    }
}

TEST(LayerWriter, GeoJsonKeepsEachColumnsTypeTheIdsAndTheMultiPolygons) {
    const fs::path file = fs::path(test::temp_dir("layer-writer-geojson")) / "zones.geojson";
    Diagnostics warnings;
    const auto files = write_layer_file(typed_layer(), file, kWgs84, warnings);
    EXPECT_TRUE(warnings.empty()) << warnings.format();
    ASSERT_EQ(files, std::vector<fs::path>{file});
    const nlohmann::json j = nlohmann::json::parse(slurp(file));
    ASSERT_EQ(j["features"].size(), 3u);
    const auto& a = j["features"][0];
    EXPECT_EQ(a["geometry"]["type"], "MultiPolygon");  // promoted, as b has two parts
    EXPECT_EQ(j["features"][1]["geometry"]["coordinates"].size(), 2u);
    const auto& p = a["properties"];
    EXPECT_EQ(p["id"], "zone-a");
    EXPECT_EQ(p["code"], "a");
    EXPECT_EQ(p["flag"], true);
    EXPECT_TRUE(p["count"].is_number_integer()) << p.dump();
    EXPECT_EQ(p["count"], 3);
    EXPECT_EQ(p["big"].get<std::int64_t>(), 5000000000);
    EXPECT_TRUE(p["ratio"].is_number_float());
    EXPECT_EQ(p["ratio"], 0.5);
    EXPECT_EQ(p["label"], "un");
    EXPECT_EQ(p["mixed"], "1");  // numbers and texts: texts, the number as its shortest decimal
    EXPECT_EQ(j["features"][1]["properties"]["mixed"], "x");
    EXPECT_EQ(j["features"][2]["properties"]["mixed"], "2.5");
    EXPECT_TRUE(p["empty"].is_null());
    EXPECT_TRUE(j["features"][2]["properties"]["flag"].is_null());

    // And GDAL reads it back as written.
    const Layer back = read_back(file);
    ASSERT_EQ(back.features.size(), 3u);
    EXPECT_EQ(back.crs, "EPSG:4326");
    EXPECT_EQ(back.features[1].id, "zone-b");
    EXPECT_EQ(back.features[1].geometry.part_count(), 2u);
    EXPECT_EQ(back.get(back.features[1], "count"), Value(-7.0));
    EXPECT_EQ(back.get(back.features[1], "big"), Value(-5000000000.0));
}

TEST(LayerWriter, CsvWritesTheGeometryAsWktAndTheTypesBesideIt) {
    const fs::path file = fs::path(test::temp_dir("layer-writer-csv")) / "zones.csv";
    Diagnostics warnings;
    const auto files = write_layer_file(typed_layer(), file, kWgs84, warnings);
    ASSERT_FALSE(files.empty());
    EXPECT_EQ(files.front(), file);
    EXPECT_EQ(slurp(file.parent_path() / "zones.csvt"),
              "WKT,String,String,Integer(Boolean),Integer,Integer64,Real,String,String,String\n");
    const std::string text = slurp(file);
    EXPECT_EQ(text.substr(0, text.find('\n')), "WKT,id,code,flag,count,big,ratio,label,mixed,empty");
    // GDAL quotes what a spreadsheet would take for another type (a text "1", the integers it writes).
    EXPECT_NE(text.find("\n\"MULTIPOLYGON (((0 0,1 0,1 1,0 1,0 0)))\",zone-a,a,\"1\",\"3\",\"5000000000\",0.5,un,\"1\",\n"),
              std::string::npos)
        << text;
    const Layer back = read_back(file, "EPSG:4326");
    ASSERT_EQ(back.features.size(), 3u);
    EXPECT_EQ(back.features[2].id, "zone-c");
    EXPECT_EQ(back.get(back.features[0], "big"), Value(5000000000.0));
    EXPECT_EQ(back.get(back.features[2], "mixed"), Value(std::string("2.5")));
    EXPECT_EQ(back.features[1].geometry.part_count(), 2u);
}

TEST(LayerWriter, ShapefileShortensLongNamesWithAWarningAndKeepsUtf8) {
    Layer l = test::square_layer("zones", "memory", "EPSG:4326", "departements", 1, {{"Saint-Étienne", {0, 0}}});
    const fs::path file = fs::path(test::temp_dir("layer-writer-shp")) / "zones.shp";
    Diagnostics warnings;
    const auto files = write_layer_file(l, file, kWgs84, warnings);
    ASSERT_EQ(warnings.items().size(), 1u) << warnings.format();
    EXPECT_EQ(warnings.items()[0].message,
              "field 'departements' is written as 'departemen' (ESRI Shapefile renames it)");
    EXPECT_EQ(warnings.items()[0].where.file, file.string());
    for (const char* ext : {".shx", ".dbf", ".prj", ".cpg"}) {
        fs::path sidecar = file;
        sidecar.replace_extension(ext);
        EXPECT_NE(std::find(files.begin(), files.end(), sidecar), files.end()) << ext;
    }
    const Layer back = read_back(file);
    ASSERT_EQ(back.features.size(), 1u);
    EXPECT_EQ(back.get(back.features[0], "departemen"), Value(std::string("Saint-Étienne")));
    EXPECT_EQ(back.features[0].id, "Saint-Étienne");
}

TEST(LayerWriter, AFailedWriteChangesNothingAtTheTargetAndLeavesNoTemporaryFolder) {
    const fs::path dir = test::temp_dir("layer-writer-failed");
    const fs::path file = dir / "zones.shp";
    Diagnostics warnings;
    write_layer_file(typed_layer(), file, kWgs84, warnings);
    std::map<std::string, std::string> before;
    for (const auto& e : fs::directory_iterator(dir)) before[e.path().filename().string()] = slurp(e.path());
    // A layer mixing points and polygons, which a shapefile cannot hold: the write fails.
    Layer mixed = typed_layer();
    mixed.features[2].geometry = Geometry::point({9, 9});
    try {
        write_layer_file(mixed, file, kWgs84, warnings);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.diagnostics().items().at(0).where.file, file.string());
        EXPECT_NE(e.diagnostics().format().find("layer 'zones': writing failed: its features mix points, lines and polygons"), std::string::npos)
            << e.diagnostics().format();
    }
    std::map<std::string, std::string> after;
    for (const auto& e : fs::directory_iterator(dir)) after[e.path().filename().string()] = slurp(e.path());
    EXPECT_EQ(after, before);  // the same files, the same bytes, no temporary folder
}

TEST(LayerWriter, ReplacingAShapefileRemovesTheSidecarsItMadeStale) {
    const fs::path dir = test::temp_dir("layer-writer-replace");
    const fs::path file = dir / "zones.shp";
    Diagnostics warnings;
    write_layer_file(typed_layer(), file, kWgs84, warnings);
    std::ofstream(dir / "zones.qix") << "an old spatial index";
    std::ofstream(dir / "zones.qmd") << "QGIS metadata, the user's";
    Layer one = typed_layer();
    one.features.resize(1);
    write_layer_file(one, file, kWgs84, warnings);
    EXPECT_FALSE(fs::exists(dir / "zones.qix"));
    EXPECT_TRUE(fs::exists(dir / "zones.qmd"));
    EXPECT_EQ(read_back(file).features.size(), 1u);
}

TEST(LayerWriter, NoFolderIsAnErrorNamingIt) {
    const fs::path file = fs::path(test::temp_dir("layer-writer-nofolder")) / "missing" / "zones.gpkg";
    Diagnostics warnings;
    try {
        write_layer_file(typed_layer(), file, kWgs84, warnings);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.diagnostics().items().at(0).message,
                  fmt::format("expected an existing folder for the file, found no folder '{}'",
                              file.parent_path().string()));
    }
    EXPECT_FALSE(fs::exists(file.parent_path()));
}

TEST(LayerWriter, ALayerWithoutGeometriesGoesToGeoJsonButNotToAShapefile) {
    Layer l = typed_layer();
    for (Feature& f : l.features) f.geometry = Geometry{};
    const fs::path dir = test::temp_dir("layer-writer-no-geometry");
    Diagnostics warnings;
    write_layer_file(l, dir / "zones.geojson", kWgs84, warnings);
    const nlohmann::json j = nlohmann::json::parse(slurp(dir / "zones.geojson"));
    ASSERT_EQ(j["features"].size(), 3u);
    EXPECT_TRUE(j["features"][0]["geometry"].is_null());
    try {
        write_layer_file(l, dir / "zones.shp", kWgs84, warnings);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.diagnostics().items().at(0).message,
                  "layer 'zones': writing failed: no feature has a geometry, and a shapefile needs a geometry type: "
                  "export it to .gpkg, .geojson or .csv");
    }
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);  // zones.geojson only
}

TEST(LayerWriter, AShapefileCutsTextsBeyond254BytesWithAWarning) {
    Layer l = test::square_layer("zones", "memory", "EPSG:4326", "note", 1, {{"a", {0, 0}}});
    l.features[0].values = {std::string(300, 'x')};
    const fs::path file = fs::path(test::temp_dir("layer-writer-long-text")) / "zones.shp";
    Diagnostics warnings;
    write_layer_file(l, file, kWgs84, warnings);
    ASSERT_EQ(warnings.items().size(), 1u) << warnings.format();
    EXPECT_EQ(warnings.items()[0].message,
              "field 'note' has values of up to 300 bytes; a shapefile keeps 254: the longer ones are cut");
    const Layer back = read_back(file);
    EXPECT_EQ(back.get(back.features.at(0), "note"), Value(std::string(254, 'x')));
}
