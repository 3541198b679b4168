// `cartelier export LAYER -o FILE [--crs CRS]` (issue 14): the seed project's layers written through GDAL
// in each format and read back (GDAL's reader, ogrinfo for the field types): the same features, ids,
// values, types and coordinates; reprojected as PROJ says; areas kept; and never a half file.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/layer_reader.hpp"
#include "geo/projection.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/project.hpp"
#include "test_paths.hpp"

using namespace cartelier;
namespace fs = std::filesystem;

namespace {

bool seed_layers_missing() { return !fs::exists(test::sourcepath("layers/cache/departements.geojson")); }

test::CommandResult run_export(const std::string& args, const std::string& project, const std::string& as = "") {
    return test::run(fmt::format("{}{} export {} --project '{}'", as, test::cartelier_binary(), args, project));
}

Layer read_back(const fs::path& file, const std::string& name) {
    Diagnostics d;
    data::LayerSpec spec{name, file.string(), "", "", "id", "", "", {}};
    Layer l = data::read_layer(spec, d);
    EXPECT_FALSE(d.has_errors()) << d.format();
    return l;
}

/// Field name → OGR type name, as `ogrinfo -so -al FILE` prints them ("year: Integer (4.0)").
std::map<std::string, std::string> field_types(const fs::path& file) {
    auto r = test::run(fmt::format("ogrinfo -so -al '{}'", file.string()));
    EXPECT_EQ(r.status, 0) << r.output;
    std::map<std::string, std::string> out;
    std::istringstream lines(r.output);
    const std::regex field(R"(^(\w+): (\w+) \()");
    std::smatch m;
    for (std::string line; std::getline(lines, line);)
        if (std::regex_search(line, m, field)) out[m[1]] = m[2];
    return out;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::map<std::string, std::string> folder_contents(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        out[e.path().filename().string()] = e.is_directory() ? "(folder)" : slurp(e.path());
    return out;
}

/// The area of a polygon geometry: each part's exterior minus its holes.
double area(const Geometry& g) {
    double total = 0;
    for (std::size_t p = 0; p < g.part_count(); ++p)
        for (std::uint32_t r = g.parts[p]; r < g.parts[p + 1]; ++r) {
            double twice = 0;
            for (std::uint32_t i = g.rings[r]; i + 1 < g.rings[r + 1]; ++i)
                twice += g.points[i].x * g.points[i + 1].y - g.points[i + 1].x * g.points[i].y;
            total += (r == g.parts[p] ? 1 : -1) * std::abs(twice) / 2;
        }
    return total;
}

/// A small project in a temporary folder: the bad-inputs corpus's départements and sites, and a layer
/// `mixed` whose features are a point and a polygon.
std::string small_project(const std::string& name) {
    const std::string dir = test::temp_dir(name);
    std::ofstream(dir + "/mixed.geojson") << R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"code": "p"}, "geometry": {"type": "Point", "coordinates": [2.5, 46.5]}},
 {"type": "Feature", "properties": {"code": "q"}, "geometry": {"type": "Polygon",
  "coordinates": [[[2, 46], [3, 46], [3, 47], [2, 46]]]}}]})";
    std::ofstream(dir + "/broken.geojson") << R"({"type": "FeatureCollection", "features": [ {"type": )";
    std::ofstream(dir + "/cartelier.yaml") << fmt::format(R"(version: 1
layers:
  departements:
    source: {0}/departements.geojson
    id: code
  sites:
    source: {0}/sites.csv
    crs: EPSG:4326
    x: lon
    y: lat
    id: id
  mixed:
    source: mixed.geojson
    crs: EPSG:4326
  broken:
    source: broken.geojson
    crs: EPSG:4326
maps: {{}}
)",
                                                          test::datapath("bad-inputs/_common"));
    return dir;
}

}  // namespace

TEST(Export, TheSeedSitesInEachFormatReadBackWithTheirIdsValuesTypesAndCoordinates) {
    if (seed_layers_missing()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    const std::string project_file = test::sourcepath("cartelier.yaml");
    pipeline::Project project = pipeline::load_project(project_file);
    pipeline::LayerStore store(project);
    const Layer& sites = store.source("sites");
    ASSERT_GT(sites.features.size(), 5u);
    const fs::path dir = test::temp_dir("export-sites");
    for (const std::string ext : {"geojson", "gpkg", "shp", "csv"}) {
        SCOPED_TRACE(ext);
        const fs::path file = dir / ("sites." + ext);
        auto r = run_export(fmt::format("sites -o '{}'", file.string()), project_file);
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_NE(r.output.find(fmt::format("exported sites ({} feature(s), EPSG:4326) → {}", sites.features.size(),
                                            file.string())),
                  std::string::npos)
            << r.output;
        const Layer back = read_back(file, "sites");
        EXPECT_EQ(back.crs, "EPSG:4326");
        ASSERT_EQ(back.features.size(), sites.features.size());
        // A shapefile keeps 10 characters of a field's name (and says so).
        auto written_as = [&](const std::string& field) { return ext == "shp" ? field.substr(0, 10) : field; };
        if (ext == "shp") EXPECT_NE(r.output.find("field 'departements' is written as 'departemen'"), std::string::npos);
        const auto types = field_types(file);
        EXPECT_EQ(types.at(written_as("year")), "Integer");
        EXPECT_EQ(types.at("lon"), "Real");
        EXPECT_EQ(types.at("insee"), "String");  // a code, its leading zeros kept
        EXPECT_EQ(types.at("id"), "String");
        for (std::size_t i = 0; i < sites.features.size(); ++i) {
            const Feature &want = sites.features[i], &got = back.features[i];
            EXPECT_EQ(got.id, want.id);
            for (const std::string& field : sites.schema->fields()) {
                Value expected = sites.get(want, field);
                // A dBase file cannot tell an empty text from no value: GDAL reads both as null.
                if (ext == "shp" && expected == Value(std::string())) expected = Value{};
                EXPECT_EQ(back.get(got, written_as(field)), expected) << want.id << " " << field;
            }
            ASSERT_EQ(got.geometry.points.size(), 1u);
            EXPECT_EQ(got.geometry.type, GeometryType::Point);
            // Exact in binary formats and GeoJSON's 17 digits; the CSV's WKT has 15.
            const double tolerance = ext == "csv" ? 1e-12 : 0;
            EXPECT_NEAR(got.geometry.points[0].x, want.geometry.points[0].x, tolerance) << want.id;
            EXPECT_NEAR(got.geometry.points[0].y, want.geometry.points[0].y, tolerance) << want.id;
        }
    }
}

TEST(Export, ReprojectedWithCrsTheSitesLieWherePROJPutsThem) {
    if (seed_layers_missing()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    const std::string project_file = test::sourcepath("cartelier.yaml");
    pipeline::Project project = pipeline::load_project(project_file);
    pipeline::LayerStore store(project);
    const Layer& sites = store.source("sites");
    geo::Transformation to_lambert("EPSG:4326", "EPSG:2154");
    const fs::path dir = test::temp_dir("export-sites-2154");
    for (const std::string ext : {"gpkg", "geojson", "shp"}) {
        SCOPED_TRACE(ext);
        const fs::path file = dir / ("sites." + ext);
        auto r = run_export(fmt::format("sites -o '{}' --crs EPSG:2154", file.string()), project_file);
        ASSERT_EQ(r.status, 0) << r.output;
        const Layer back = read_back(file, "sites");
        EXPECT_EQ(back.crs, "EPSG:2154");
        ASSERT_EQ(back.features.size(), sites.features.size());
        for (std::size_t i = 0; i < sites.features.size(); ++i) {
            const Point want = to_lambert.transform(sites.features[i].geometry.points.at(0));
            EXPECT_EQ(back.features[i].id, sites.features[i].id);
            EXPECT_NEAR(back.features[i].geometry.points.at(0).x, want.x, 1e-6) << sites.features[i].id;
            EXPECT_NEAR(back.features[i].geometry.points.at(0).y, want.y, 1e-6) << sites.features[i].id;
        }
    }
}

TEST(Export, TheDepartementsInAGeoPackageKeepTheirAreasAsMultiPolygons) {
    if (seed_layers_missing()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    const std::string project_file = test::sourcepath("cartelier.yaml");
    pipeline::Project project = pipeline::load_project(project_file);
    pipeline::LayerStore store(project);
    const Layer& departements = store.projected("departements", "EPSG:2154");
    const fs::path file = fs::path(test::temp_dir("export-departements")) / "departements.gpkg";
    auto r = run_export(fmt::format("departements -o '{}' --crs EPSG:2154", file.string()), project_file);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(test::run(fmt::format("ogrinfo -so -al '{}'", file.string())).output.find("Geometry: Multi Polygon"),
              std::string::npos);
    const Layer back = read_back(file, "departements");
    ASSERT_EQ(back.features.size(), departements.features.size());
    double total = 0;
    for (std::size_t i = 0; i < back.features.size(); ++i) {
        const Feature &want = departements.features[i], &got = back.features[i];
        EXPECT_EQ(got.id, want.id);
        EXPECT_EQ(back.get(got, "nom"), departements.get(want, "nom"));
        const double a = area(want.geometry);
        EXPECT_GT(a, 0) << want.id;
        EXPECT_NEAR(area(got.geometry), a, a * 1e-12) << want.id;
        total += a;
    }
    EXPECT_GT(total, 5.4e11);  // metropolitan France alone is about 543 940 km²
}

TEST(Export, AFailedExportLeavesThePreviousFileAsItWasAndNoTemporaryFile) {
    const std::string dir = small_project("export-no-half-file");
    const std::string project_file = dir + "/cartelier.yaml";
    const fs::path out = fs::path(dir) / "out";
    fs::create_directories(out);
    ASSERT_EQ(run_export(fmt::format("sites -o '{}/sites.gpkg'", out.string()), project_file).status, 0);
    ASSERT_EQ(run_export(fmt::format("departements -o '{}/d.shp'", out.string()), project_file).status, 0);
    const auto before = folder_contents(out);
    ASSERT_EQ(before.size(), 6u);  // sites.gpkg; d.shp, .shx, .dbf, .prj, .cpg

    // An unknown CRS: refused before anything is loaded.
    auto crs = run_export(fmt::format("sites -o '{}/sites.gpkg' --crs EPSG:99999", out.string()), project_file);
    EXPECT_EQ(crs.status, 2) << crs.output;
    EXPECT_NE(crs.output.find("error: --crs: expected a CRS that PROJ knows, found 'EPSG:99999'"), std::string::npos)
        << crs.output;
    // A layer the format cannot hold: the write fails.
    auto mixed = run_export(fmt::format("mixed -o '{}/d.shp'", out.string()), project_file);
    EXPECT_EQ(mixed.status, 1) << mixed.output;
    EXPECT_NE(mixed.output.find("d.shp: error: layer 'mixed': writing failed: its features mix points, lines and polygons, and a "
                                 "shapefile holds one kind of geometry: export it to .gpkg or .geojson"),
              std::string::npos)
        << mixed.output;
    EXPECT_NE(mixed.output.find(fmt::format("cartelier: layer 'mixed' was not exported; {}/d.shp is unchanged",
                                            out.string())),
              std::string::npos)
        << mixed.output;
    // A layer that cannot be read: its diagnostics.
    auto broken = run_export(fmt::format("broken -o '{}/sites.gpkg'", out.string()), project_file);
    EXPECT_EQ(broken.status, 1) << broken.output;
    EXPECT_NE(broken.output.find("broken.geojson"), std::string::npos) << broken.output;
    EXPECT_EQ(folder_contents(out), before);

    // The same layer in GeoPackage or GeoJSON is fine, each kind as it is.
    auto gpkg = run_export(fmt::format("mixed -o '{}/mixed.gpkg'", out.string()), project_file);
    EXPECT_EQ(gpkg.status, 0) << gpkg.output;
    EXPECT_EQ(read_back(out / "mixed.gpkg", "mixed").features.size(), 2u);
}

TEST(Export, AReadOnlyFolderIsAnErrorAndItsFileStaysAsItWas) {
    // Root writes into a read-only folder: the export then runs as nobody.
    const bool root = ::geteuid() == 0;
    if (root && test::run("command -v setpriv").status != 0) GTEST_SKIP() << "running as root, without setpriv";
    const std::string as = root ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
    const std::string dir = small_project("export-read-only");
    const std::string project_file = dir + "/cartelier.yaml";
    const fs::path out = fs::path(dir) / "out";
    fs::create_directories(out);
    ASSERT_EQ(run_export(fmt::format("sites -o '{}/sites.geojson'", out.string()), project_file).status, 0);
    const auto before = folder_contents(out);
    fs::permissions(out, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                             fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    auto r = run_export(fmt::format("departements -o '{}/sites.geojson'", out.string()), project_file, as);
    fs::permissions(out, fs::perms::owner_all);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find(fmt::format("cannot write into the folder '{}'", out.string())), std::string::npos)
        << r.output;
    EXPECT_EQ(folder_contents(out), before);
}
