// Derived layers (issue 14): a layer computed from another by the steps of the project file, run by
// the layer store, cached in the prepared-layer cache, and recomputed only when its input, its tables
// or its steps change.
#include <cmath>
#include <fstream>
#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/dependencies.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/project.hpp"
#include "test_paths.hpp"

using namespace cartelier;

namespace {

/// Shoelace area of a polygon geometry (exteriors counter-clockwise add, holes clockwise subtract;
/// taken in absolute value per ring by role: exterior +, hole −).
double shoelace_area(const Geometry& g) {
    double total = 0;
    for (std::size_t p = 0; p + 1 < g.parts.size(); ++p)
        for (std::uint32_t r = g.parts[p]; r < g.parts[p + 1]; ++r) {
            double a = 0;
            for (std::uint32_t i = g.rings[r]; i + 1 < g.rings[r + 1]; ++i)
                a += g.points[i].x * g.points[i + 1].y - g.points[i + 1].x * g.points[i].y;
            total += (r == g.parts[p] ? 1 : -1) * std::abs(a) / 2;
        }
    return total;
}

std::string square_ring(double x, double y, double size = 1000) {
    return fmt::format("[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]", x, y, x + size, y, x + size, y + size, x,
                       y + size, x, y);
}

/// Nine communes on a 3×3 grid of 1 km squares (c1…c9, row by row from the south-west), c5 the one in
/// the middle; and c10, two squares far to the east (a multipolygon).
void write_grid_communes(const std::string& path) {
    std::ofstream out(path);
    out << R"({"type": "FeatureCollection", "features": [)";
    const double x0 = 600000, y0 = 6500000;
    for (int i = 0; i < 9; ++i)
        out << fmt::format(R"({{"type": "Feature", "properties": {{"code": "c{}", "nom": "Commune {}", "pop": {}}},
                              "geometry": {{"type": "Polygon", "coordinates": [{}]}}}},)",
                           i + 1, i + 1, 100 * (i + 1), square_ring(x0 + 1000 * (i % 3), y0 + 1000 * (i / 3)));
    out << fmt::format(R"({{"type": "Feature", "properties": {{"code": "c10", "nom": "Commune 10", "pop": 5}},
                          "geometry": {{"type": "MultiPolygon", "coordinates": [[{}], [{}]]}}}}]}})",
                       square_ring(x0 + 10000, y0), square_ring(x0 + 12000, y0));
}

/// A project whose `zones` layer is the communes grouped by the membership table: every commune of the
/// grid but c5 in A (a ring around an enclave), c5 and c10 in B; c9 in none.
std::string derived_project(const std::string& name, const std::string& zones_extra = {}) {
    const std::string dir = test::temp_dir("derived-" + name);
    write_grid_communes(dir + "/communes.geojson");
    std::ofstream(dir + "/membres.csv") << "commune,groupe\nc1,A\nc2,A\nc3,A\nc4,A\nc5,B\nc6,A\nc7,A\nc8,A\nc9,\nc10,B\n";
    std::ofstream(dir + "/style.json")
        << R"({"version": 8, "sources": {"c": {"type": "vector"}}, "layers": [)"
        << R"({"id": "z", "type": "fill", "source": "c", "source-layer": "zones", "paint": {"fill-color": "#ccc"}}]})";
    std::ofstream(dir + "/cartelier.yaml")
        << "version: 1\nlayers:\n"
           "  communes:\n    source: communes.geojson\n    crs: EPSG:2154\n    id: code\n"
           "  zones:\n    from: communes\n    steps:\n"
           "      - join: {table: membres.csv, on: code, key: commune, fields: [groupe]}\n"
           "      - filter: [\"!=\", [\"get\", \"groupe\"], \"\"]\n"
           "      - dissolve:\n          by: groupe\n"
           "          fields: {communes: count, habitants: {sum: pop}, noms: {list: code}, premier: {first: nom}}\n"
        << zones_extra
        << "maps:\n  m:\n    style: style.json\n    crs: EPSG:2154\n    extent: [600000, 6500000, 613000, 6503000]\n";
    return dir;
}

const Feature* feature_by_id(const Layer& layer, const std::string& id) {
    for (const auto& f : layer.features)
        if (f.id == id) return &f;
    return nullptr;
}

}  // namespace

TEST(DerivedLayers, JoinFilterAndDissolveMakeOnePerimeterPerGroupWithItsAggregates) {
    const std::string dir = derived_project("dissolve");
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    pipeline::LayerStore store(project);
    const Layer& zones = store.source("zones");
    ASSERT_EQ(zones.features.size(), 2u) << store.warnings().format();
    EXPECT_EQ(zones.name, "zones");
    EXPECT_EQ(zones.crs, "EPSG:2154");
    const Feature* a = feature_by_id(zones, "A");
    const Feature* b = feature_by_id(zones, "B");
    ASSERT_TRUE(a && b);
    // A: the 3×3 km square less c5 (a hole) and c9 (in no group): 7 km².
    EXPECT_NEAR(shoelace_area(a->geometry), 7e6, 1e-3);
    EXPECT_EQ(a->geometry.part_count(), 1u);
    EXPECT_EQ(a->geometry.ring_count(), 2u) << "the enclave c5 is A's only hole";
    // B: c5 and the two squares of c10, three parts.
    EXPECT_NEAR(shoelace_area(b->geometry), 3e6, 1e-3);
    EXPECT_EQ(b->geometry.part_count(), 3u);
    EXPECT_EQ(zones.get(*a, "groupe"), Value(std::string("A")));
    EXPECT_EQ(zones.get(*a, "communes"), Value(7.0));
    EXPECT_EQ(zones.get(*a, "habitants"), Value(100.0 + 200 + 300 + 400 + 600 + 700 + 800));
    EXPECT_EQ(zones.get(*b, "noms"), Value(std::string("c5, c10")));
    EXPECT_EQ(zones.get(*b, "premier"), Value(std::string("Commune 5")));
    const auto stats = store.join_stats();
    ASSERT_EQ(stats.count("zones"), 1u);
    EXPECT_EQ(stats.at("zones").front().matched, 10u);
}

TEST(DerivedLayers, AreCachedAndRecomputedOnlyWhenTheirTableOrStepsChange) {
    const std::string dir = derived_project("cache");
    const std::string cache = dir + "/cache";
    std::set<std::string> read;
    auto load = [&](const pipeline::Project& project) {
        read.clear();
        pipeline::LayerStore store(project, cache);
        store.on_read([&](const std::string& name) { read.insert(name); });
        Layer copy = store.source("zones");
        return copy;
    };
    const Layer first = load(pipeline::load_project(dir + "/cartelier.yaml"));
    EXPECT_EQ(read, (std::set<std::string>{"communes"}));
    ASSERT_EQ(first.features.size(), 2u);

    // Nothing changed: the perimeters come from the cache, the communes are not read.
    const Layer again = load(pipeline::load_project(dir + "/cartelier.yaml"));
    EXPECT_TRUE(read.empty());
    ASSERT_EQ(again.features.size(), 2u);
    EXPECT_EQ(again.features[0].geometry.points.size(), first.features[0].geometry.points.size());
    EXPECT_EQ(again.get(again.features[1], "noms"), first.get(first.features[1], "noms"));

    // The membership table changes (c9 joins B): recomputed, from the communes as read (themselves cached).
    std::ofstream(dir + "/membres.csv", std::ios::app) << "";
    {
        std::string text = "commune,groupe\nc1,A\nc2,A\nc3,A\nc4,A\nc5,B\nc6,A\nc7,A\nc8,A\nc9,B\nc10,B\n";
        std::ofstream(dir + "/membres.csv") << text;
    }
    const Layer changed = load(pipeline::load_project(dir + "/cartelier.yaml"));
    ASSERT_EQ(changed.features.size(), 2u);
    EXPECT_EQ(changed.get(*feature_by_id(changed, "B"), "communes"), Value(3.0));

    // A step changes (another aggregate): recomputed too.
    std::string yaml;
    {
        std::ifstream in(dir + "/cartelier.yaml");
        yaml.assign(std::istreambuf_iterator<char>(in), {});
    }
    const auto at = yaml.find("communes: count");
    ASSERT_NE(at, std::string::npos);
    yaml.replace(at, 15, "membres: count");
    std::ofstream(dir + "/cartelier.yaml") << yaml;
    const Layer renamed = load(pipeline::load_project(dir + "/cartelier.yaml"));
    EXPECT_EQ(renamed.get(*feature_by_id(renamed, "B"), "membres"), Value(3.0));
    EXPECT_TRUE(is_null(renamed.get(*feature_by_id(renamed, "B"), "communes")));
}

TEST(DerivedLayers, PointsClipAndBufferChainAfterADissolve) {
    const std::string dir = derived_project(
        "chain",
        "  points:\n    from: zones\n    steps: [point_on_surface]\n"
        "  centres:\n    from: zones\n    steps: [centroid]\n"
        "  west:\n    from: zones\n    steps:\n      - clip: {extent: [600000, 6500000, 601500, 6503000]}\n"
        "  halos:\n    from: points\n    steps:\n      - buffer: {distance_m: 100, segments: 16}\n");
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    pipeline::LayerStore store(project);
    const Layer& points = store.source("points");
    ASSERT_EQ(points.features.size(), 2u);
    for (const auto& f : points.features) EXPECT_EQ(f.geometry.type, GeometryType::Point);
    // A's point on surface lies in A: in the grid, not in the hole c5.
    const Point pa = feature_by_id(points, "A")->geometry.points.front();
    EXPECT_TRUE(pa.x > 600000 && pa.x < 603000 && pa.y > 6500000 && pa.y < 6503000);
    EXPECT_FALSE(pa.x > 601000 && pa.x < 602000 && pa.y > 6501000 && pa.y < 6502000);
    // A's centroid is the hole's centre (the ring is symmetric but for c9): outside A.
    const Point ca = feature_by_id(store.source("centres"), "A")->geometry.points.front();
    EXPECT_GT(ca.x, 601000);
    EXPECT_LT(ca.x, 602000);
    // Clipped to the west 1.5 km: A keeps 1.5×3 less nothing of c5 (c5 starts at 601000: 0.5 km of it
    // is cut out of A's hole), B keeps half of c5.
    const Layer& west = store.source("west");
    EXPECT_NEAR(shoelace_area(feature_by_id(west, "A")->geometry), 1.5e6 * 3 - 0.5e6, 1e-3);
    EXPECT_NEAR(shoelace_area(feature_by_id(west, "B")->geometry), 0.5e6, 1e-3);
    // Buffered points: discs of 100 m.
    const Layer& halos = store.source("halos");
    ASSERT_EQ(halos.features.size(), 2u);
    EXPECT_NEAR(shoelace_area(halos.features[0].geometry), M_PI * 100 * 100, 0.01 * M_PI * 100 * 100);
}

TEST(DerivedLayers, AStepsProblemNamesTheStepAndTheFieldsThatExist) {
    const std::string dir = derived_project("bad-field");
    std::string yaml;
    {
        std::ifstream in(dir + "/cartelier.yaml");
        yaml.assign(std::istreambuf_iterator<char>(in), {});
    }
    yaml.replace(yaml.find("by: groupe"), 10, "by: groupes");
    std::ofstream(dir + "/cartelier.yaml") << yaml;
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    pipeline::LayerStore store(project);
    try {
        store.source("zones");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        const std::string text = e.diagnostics().format();
        EXPECT_NE(text.find("layers.zones.steps[2].dissolve.by"), std::string::npos) << text;
        EXPECT_NE(text.find("groupes"), std::string::npos) << text;
        EXPECT_NE(text.find("did you mean 'groupe'"), std::string::npos) << text;
    }
}

TEST(DerivedLayers, AMissingTableOfAnOptionalLayerLeavesItEmptyWithAWarning) {
    const std::string dir = derived_project("optional");
    std::string yaml;
    {
        std::ifstream in(dir + "/cartelier.yaml");
        yaml.assign(std::istreambuf_iterator<char>(in), {});
    }
    yaml.replace(yaml.find("    from: communes"), 18, "    from: communes\n    optional: true");
    std::ofstream(dir + "/cartelier.yaml") << yaml;
    std::filesystem::remove(dir + "/membres.csv");
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    pipeline::LayerStore store(project);
    EXPECT_TRUE(store.source("zones").features.empty());
    const std::string warnings = store.warnings().format();
    EXPECT_NE(warnings.find("layer 'zones' is empty: membres.csv is missing"), std::string::npos) << warnings;
    EXPECT_EQ(warnings.find("has no feature"), std::string::npos) << "said once: " << warnings;
    // Without `optional`, the missing table is an error of the project file.
    std::filesystem::remove(dir + "/cartelier.yaml");
    const std::string strict = derived_project("optional-strict");
    std::filesystem::remove(strict + "/membres.csv");
    try {
        pipeline::load_project(strict + "/cartelier.yaml");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(e.diagnostics().format().find("file not found: membres.csv"), std::string::npos)
            << e.diagnostics().format();
    }
}

TEST(DerivedLayers, AMapDependsOnTheInputLayersAndTablesOfTheDerivedLayersItDraws) {
    const std::string dir = derived_project("deps");
    const pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    const auto deps = pipeline::map_dependencies(project, project.maps.front(), {"zones"}, {});
    EXPECT_EQ(deps.layers, (std::vector<std::string>{"communes", "zones"}));
    auto has = [&](const std::string& file) {
        return std::find(deps.data.begin(), deps.data.end(), file) != deps.data.end();
    };
    EXPECT_TRUE(has(dir + "/membres.csv"));
    EXPECT_TRUE(has(dir + "/communes.geojson"));
}

TEST(DerivedLayers, TheProjectFileIsCheckedBeforeAnyData) {
    auto problems = [](const std::string& layers) {
        const std::string dir = test::temp_dir("derived-invalid");
        std::ofstream(dir + "/c.geojson") << R"({"type": "FeatureCollection", "features": []})";
        std::ofstream(dir + "/s.json") << R"({"version": 8, "sources": {}, "layers": []})";
        std::ofstream(dir + "/cartelier.yaml")
            << "version: 1\nlayers:\n  communes:\n    source: c.geojson\n" << layers
            << "maps:\n  m:\n    style: s.json\n    extent: [0, 0, 1, 1]\n";
        try {
            pipeline::load_project(dir + "/cartelier.yaml");
        } catch (const Error& e) {
            return e.diagnostics().format();
        }
        return std::string("no error");
    };
    EXPECT_NE(problems("  z:\n    from: communes\n    steps: [{disolve: {by: code}}]\n")
                  .find("layers.z.steps[0].disolve: unknown step 'disolve' (did you mean 'dissolve'?"),
              std::string::npos)
        << problems("  z:\n    from: communes\n    steps: [{disolve: {by: code}}]\n");
    EXPECT_NE(problems("  z:\n    from: y\n    steps: [centroid]\n  y:\n    from: z\n    steps: [centroid]\n")
                  .find("is computed from itself: "),
              std::string::npos);
    EXPECT_NE(problems("  z:\n    from: comunes\n    steps: [centroid]\n").find("computed from an unknown layer 'comunes'"),
              std::string::npos);
    EXPECT_NE(problems("  z:\n    from: communes\n    crs: EPSG:4326\n    steps: [{buffer: {distance_m: 5}}]\n")
                  .find("a buffer distance is in metres, but the layer's steps run in the geographic CRS EPSG:4326"),
              std::string::npos);
    EXPECT_NE(problems("  z:\n    from: communes\n    steps: [{dissolve: {by: code, fields: {n: cont}}}]\n")
                  .find("expected an aggregation (first, sum, count or list), found 'cont'"),
              std::string::npos);
    EXPECT_NE(problems("  z:\n    from: communes\n    steps: [{filter: [\"==\", [\"get\", \"code\"]]}]\n").find("layers.z.steps[0].filter"),
              std::string::npos);
    EXPECT_NE(problems("  z:\n    from: communes\n    source: c.geojson\n    steps: [centroid]\n")
                  .find("'source' is for a layer read from a file or a database"),
              std::string::npos);
    EXPECT_EQ(problems("  z:\n    from: communes\n    steps: [centroid, {clip: {extent: [0, 0, 1, 1]}}]\n"), "no error");
}
