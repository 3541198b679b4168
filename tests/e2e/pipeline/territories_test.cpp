// Issue 14, the workshops' territories of the seed project: each perimeter exported by `cartelier export`
// is exactly the union of its member communes (computed here by another route: SpatiaLite's ST_Union
// through ogr2ogr), every site lies in its territory, and the build says so when one does not.
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "nightly_fixture.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;
namespace fs = std::filesystem;

namespace {

bool have_territory_data() {
    return fs::exists(test::sourcepath("layers/cache/communes.geojson")) &&
           fs::exists(test::sourcepath("layers/cache/epci-2019.csv"));
}

/// Rows of a simple CSV (no quoted commas in the columns read here), as maps column → value.
std::vector<std::map<std::string, std::string>> territory_csv_rows(const std::string& path) {
    std::istringstream in(read_file(path));
    std::string line;
    std::getline(in, line);
    auto split = [](const std::string& s) {
        std::vector<std::string> out;
        std::string cell;
        std::istringstream cells(s);
        while (std::getline(cells, cell, ',')) out.push_back(cell);
        if (!s.empty() && s.back() == ',') out.push_back("");
        return out;
    };
    const auto header = split(line);
    std::vector<std::map<std::string, std::string>> rows;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto cells = split(line);
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
        rows.push_back(std::move(row));
    }
    return rows;
}

/// A copy of the seed project whose layers/sites.csv is `sites` (the other layers linked).
std::string seed_copy_with_sites(const std::string& name, const std::string& sites) {
    const std::string dir = test::temp_dir(name);
    fs::create_directory_symlink(test::sourcepath("styles"), dir + "/styles");
    fs::create_directory(dir + "/layers");
    for (const auto& entry : fs::directory_iterator(test::sourcepath("layers")))
        if (entry.path().filename() != "sites.csv")
            fs::create_symlink(entry.path(), dir + "/layers/" + entry.path().filename().string());
    write_file(dir + "/layers/sites.csv", sites);
    write_file(dir + "/cartelier.yaml", read_file(test::sourcepath("cartelier.yaml")));
    return dir;
}

}  // namespace

TEST(Territories, EachExportedPerimeterIsTheUnionOfItsMemberCommunes) {
    if (!have_territory_data()) GTEST_SKIP() << "run scripts/fetch-layers.sh (with npm) first";
    const std::string dir = test::temp_dir("territories-export");
    auto exported = test::run(fmt::format("cd {} && {} export territoires -o {}/t.gpkg --crs EPSG:2154",
                                          test::sourcepath(""), test::cartelier_binary(), dir));
    ASSERT_EQ(exported.status, 0) << exported.output;
    EXPECT_NE(exported.output.find("exported territoires (11 feature(s)"), std::string::npos) << exported.output;

    // The member communes of each site, from the two tables, independently of the derived layer.
    std::map<std::string, std::string> epci_of;
    for (auto& row : territory_csv_rows(test::sourcepath("layers/cache/epci-2019.csv"))) epci_of[row["commune"]] = row["epci"];
    std::map<std::string, std::string> site_of_code;
    for (auto& row : territory_csv_rows(test::sourcepath("layers/territoires.csv"))) site_of_code[row["code"]] = row["site"];
    std::ostringstream members;
    members << "code,site\n";
    std::set<std::string> sites;
    for (const auto& [commune, epci] : epci_of) {
        std::string site;
        if (auto it = site_of_code.find(epci); !epci.empty() && it != site_of_code.end()) site = it->second;
        if (auto it = site_of_code.find(commune); it != site_of_code.end()) site = it->second;
        if (site.empty()) continue;
        members << commune << ',' << site << '\n';
        sites.insert(site);
    }
    EXPECT_EQ(sites.size(), 11u);
    write_file(dir + "/members.csv", members.str());

    // The reference: SpatiaLite's union of the same communes, in Lambert-93, beside the export.
    auto reference = test::run(fmt::format(
        "ogr2ogr -f GPKG {0}/t.gpkg {1} -update -nln reference -lco GEOMETRY_NAME=geom -t_srs EPSG:2154 "
        "-dialect SQLite -sql "
        "\"SELECT m.site AS site, ST_Union(c.geometry) AS geometry FROM communes c JOIN "
        "'{0}/members.csv'.members m ON c.code = m.code GROUP BY m.site\" 2>&1",
        dir, test::sourcepath("layers/cache/communes.geojson")));
    ASSERT_EQ(reference.status, 0) << reference.output;
    auto compare = test::run(fmt::format(
        "ogrinfo -q -ro {}/t.gpkg -dialect SQLite -sql \"SELECT t.id AS id, ST_Area(t.geom) AS a, ST_Area(r.geom) AS b, "
        "COALESCE(ST_Area(ST_SymDifference(t.geom, r.geom)), 0.0) AS d, ST_Area(ST_Intersection(t.geom, r.geom)) AS i "
        "FROM territoires t JOIN reference r ON r.site = t.id\" 2>&1",
        dir));
    ASSERT_EQ(compare.status, 0) << compare.output;
    // One block per territory: id, the two areas, the area of their symmetric difference (SpatiaLite gives
    // null for an empty one) and of their intersection (the whole of both when they are the same).
    std::istringstream lines(compare.output);
    std::string line, id;
    std::map<std::string, std::array<double, 4>> figures;
    while (std::getline(lines, line)) {
        auto eq = line.find(" = ");
        if (eq == std::string::npos) continue;
        const std::string value = line.substr(eq + 3);
        if (line.find("  id (") == 0) id = value;
        else if (line.find("  a (") == 0) figures[id][0] = std::stod(value);
        else if (line.find("  b (") == 0) figures[id][1] = std::stod(value);
        else if (line.find("  d (") == 0) figures[id][2] = std::stod(value);
        else if (line.find("  i (") == 0) figures[id][3] = std::stod(value);
    }
    ASSERT_EQ(figures.size(), 11u) << compare.output;
    for (const auto& [site, f] : figures) {
        EXPECT_GT(f[1], 1e6) << site << ": a territory of at least a km²";
        EXPECT_NEAR(f[0], f[1], 1e-9 * f[1]) << site;
        EXPECT_LT(f[2], 1e-9 * f[1]) << site << ": the perimeters differ by " << f[2] << " m²";
        EXPECT_NEAR(f[3], f[1], 1e-9 * f[1]) << site << ": their intersection is the whole of each";
    }
}

TEST(Territories, ASiteOutsideItsTerritoryOrWithACodeThatLostItsZeroIsAnError) {
    if (!have_territory_data()) GTEST_SKIP() << "run scripts/fetch-layers.sh (with npm) first";
    const std::string sites = read_file(test::sourcepath("layers/sites.csv"));
    // The row as it was before issue 14: the CC of the Porte des Vosges Méridionales placed at Bruyères,
    // which belongs to another CC.
    const auto at = sites.find("flash-portes-des-vosges-meridionales,");
    ASSERT_NE(at, std::string::npos);
    const auto end = sites.find('\n', at);
    const std::string bruyeres =
        "flash-portes-des-vosges-meridionales,CC Portes des Vosges Méridionales,Portes des Vosges Méridionales,"
        "esquisse du projet de territoire avec analyses des centralités,Bruyères,88078,88,6.70868,48.21522,flash-2019";
    const std::string dir = seed_copy_with_sites("territories-outside", sites.substr(0, at) + bruyeres + sites.substr(end));
    auto r = test::run(fmt::format("{} check -p {}/cartelier.yaml", test::cartelier_binary(), dir));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("feature 'flash-portes-des-vosges-meridionales' at"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("territoires"), std::string::npos) << r.output;

    // 07341 written 7341 (a spreadsheet dropped the zero): the commune check names it, with the hint.
    const std::string lost = replace_all(sites, ",07341,07,", ",7341,07,");
    ASSERT_NE(lost, sites);
    const std::string dir2 = seed_copy_with_sites("territories-insee", lost);
    auto r2 = test::run(fmt::format("{} check -p {}/cartelier.yaml", test::cartelier_binary(), dir2));
    EXPECT_EQ(r2.status, 1) << r2.output;
    EXPECT_NE(r2.output.find("did you mean 07341?"), std::string::npos) << r2.output;
}

TEST(Territories, WithoutTheEpciTableTheMapsBuildWithPointsAndSayWhy) {
    if (!have_territory_data()) GTEST_SKIP() << "run scripts/fetch-layers.sh (with npm) first";
    const std::string dir = seed_copy_with_sites("territories-offline", read_file(test::sourcepath("layers/sites.csv")));
    // layers/cache without epci-2019.csv (what fetch-layers.sh leaves without npm, or offline).
    fs::remove(dir + "/layers/cache");
    fs::create_directory(dir + "/layers/cache");
    for (const auto& entry : fs::directory_iterator(test::sourcepath("layers/cache")))
        if (entry.path().filename() != "epci-2019.csv")
            fs::create_symlink(entry.path(), dir + "/layers/cache/" + entry.path().filename().string());
    auto r = test::run(fmt::format("{} build -p {}/cartelier.yaml -o {}/out --map sessions", test::cartelier_binary(),
                                   dir, dir));
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("layer 'territoires' is empty: layers/cache/epci-2019.csv is missing"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("layer 'territoires' is empty: the features of layer 'sites' are not checked against it"),
              std::string::npos)
        << r.output;
    EXPECT_TRUE(fs::exists(dir + "/out/sessions.pdf"));
}

TEST(Territories, EditingTheMembershipTableOrAStepRebuildsOnlyTheMapsDrawingTheDerivedLayer) {
    // The fixture's alpha and beta draw a derived layer `zones` (the départements grouped by a table);
    // gamma draws the départements only.
    const std::string dir = make_project("derived-incremental");
    write_file(dir + "/membres.csv", "code,zone\n01,Z1\n02,Z1\n");
    std::string yaml = read_file(dir + "/cartelier.yaml");
    const std::string zones =
        "  zones:\n    from: departements\n    steps:\n"
        "      - join: {table: membres.csv, on: code, key: code, fields: [zone]}\n"
        "      - dissolve: {by: zone, fields: {n: count}}\n";
    yaml = replace_all(yaml, "maps:\n", zones + "maps:\n");
    write_file(dir + "/cartelier.yaml", yaml);
    nlohmann::json a = nlohmann::json::parse(read_file(dir + "/a.json"));
    a["layers"].push_back({{"id", "zones"}, {"type", "line"}, {"source", a["layers"][1]["source"]},
                           {"source-layer", "zones"}, {"paint", {{"line-color", "#7a0177"}, {"line-width", 2}}}});
    write_file(dir + "/a.json", a.dump(2));
    auto first = run_cartelier(dir);
    ASSERT_EQ(first.status, 0) << first.output;
    EXPECT_EQ(statuses(report(dir)),
              (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "built"}}));

    // The table changes: the maps drawing the zones only.
    write_file(dir + "/membres.csv", "code,zone\n01,Z1\n02,Z2\n");
    auto second = run_cartelier(dir);
    ASSERT_EQ(second.status, 0) << second.output;
    EXPECT_EQ(statuses(report(dir)),
              (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "up to date"}}));
    EXPECT_NE(second.output.find("membres.csv changed"), std::string::npos) << second.output;

    // A step changes: the same two maps.
    write_file(dir + "/cartelier.yaml", replace_all(read_file(dir + "/cartelier.yaml"), "{n: count}", "{membres: count}"));
    auto third = run_cartelier(dir);
    ASSERT_EQ(third.status, 0) << third.output;
    EXPECT_EQ(statuses(report(dir)),
              (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "up to date"}}));
    EXPECT_NE(third.output.find("layers.zones"), std::string::npos) << third.output;

    // Nothing changed: nothing rebuilt.
    auto fourth = run_cartelier(dir);
    ASSERT_EQ(fourth.status, 0) << fourth.output;
    EXPECT_NE(fourth.output.find("3 map(s): 0 built, 3 up to date"), std::string::npos) << fourth.output;
}
