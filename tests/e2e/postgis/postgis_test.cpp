// Layers from PostgreSQL/PostGIS against a real server: this binary runs under `pg_virtualenv` (ctest
// entry e2e.postgis, tests/CMakeLists.txt), which creates a throwaway PostgreSQL cluster, sets PGHOST,
// PGPORT, PGUSER, PGPASSWORD and PGVERSION, and drops the cluster when the tests end. Each test makes its
// own database, loads it with scripts/load-postgis.sh and reaches it through a libpq service file, as a
// user would. No mock anywhere: the `cartelier` program, GDAL's PostgreSQL driver and the server.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "test_paths.hpp"

namespace fs = std::filesystem;
using cartelier::test::run;
using cartelier::test::sourcepath;
using cartelier::test::temp_dir;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// The line (1-based) of the first line of `text` containing `needle`.
int line_of(const std::string& text, const std::string& needle) {
    std::istringstream in(text);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (line.find(needle) != std::string::npos) return n;
    return 0;
}

/// A database of the throwaway server, reached as the libpq service "cartelier" of a service file.
class Database {
public:
    explicit Database(const std::string& name) : name_(name), dir_(temp_dir("postgis-" + name)) {
        service_file_ = (fs::path(dir_) / "pg_service.conf").string();
        write(service_file_, fmt::format("[cartelier]\nhost={}\nport={}\ndbname={}\nuser={}\n", env("PGHOST"),
                                         env("PGPORT"), name, env("PGUSER")));
        psql("postgres", fmt::format("DROP DATABASE IF EXISTS {}", name));
        psql("postgres", fmt::format("CREATE DATABASE {}", name));
    }
    const std::string& dir() const { return dir_; }
    /// The environment prefix of a command reaching this database as service=cartelier.
    std::string env_prefix() const { return fmt::format("PGSERVICEFILE={} SOURCE_DATE_EPOCH=1600000000 ", quote(service_file_)); }
    void psql(const std::string& db, const std::string& sql) const {
        auto r = run(fmt::format("psql -X -v ON_ERROR_STOP=1 -qAt -d {} -c {} 2>&1", db, quote(sql)));
        ASSERT_EQ(r.status, 0) << sql << "\n" << r.output;
    }
    void sql(const std::string& statement) const { psql(name_, statement); }
    void load() const {
        auto r = run(env_prefix() + sourcepath("scripts/load-postgis.sh") + " service=cartelier 2>&1");
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_NE(r.output.find("sites ← layers/sites.csv (11 rows)"), std::string::npos) << r.output;
    }
    cartelier::test::CommandResult cartelier(const std::string& args) const {
        return run(env_prefix() + quote(cartelier::test::cartelier_binary()) + " " + args + " 2>&1");
    }

private:
    std::string name_;
    std::string dir_;
    std::string service_file_;
};

class PostGIS : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_FALSE(env("PGPORT").empty())
            << "these tests need a PostgreSQL server: run them through ctest (e2e.postgis runs them under "
               "pg_virtualenv), or as `pg_virtualenv build/tests/test_e2e_postgis`";
    }
};

/// A project of two maps: `sites` draws the database layer over the départements, `base` the
/// départements only. The sites layer has no join, so its prepared layer is cached.
std::string two_map_project(const std::string& dir, const std::string& postgis_block) {
    const std::string style_sites = R"({"version": 8, "sources": {"d": {"type": "vector"}}, "layers": [
  {"id": "land", "type": "fill", "source": "d", "source-layer": "departements", "paint": {"fill-color": "#eeeeee", "fill-outline-color": "#999999"}},
  {"id": "sites", "type": "circle", "source": "d", "source-layer": "sites", "paint": {"circle-radius": 6, "circle-color": "#c0392b"}}]})";
    const std::string style_base = R"({"version": 8, "sources": {"d": {"type": "vector"}}, "layers": [
  {"id": "land", "type": "fill", "source": "d", "source-layer": "departements", "paint": {"fill-color": "#eeeeee", "fill-outline-color": "#999999"}}]})";
    write(fs::path(dir) / "sites.json", style_sites);
    write(fs::path(dir) / "base.json", style_base);
    const std::string project = fmt::format(R"(version: 1
layers:
  departements:
    source: {}
    id: code
  sites:
{}    id: id
defaults:
  extent: [-121000, 6018500, 1463000, 7138500]
  formats: [png]
  dpi: 40
  insets: none
maps:
  sites:
    style: sites.json
  base:
    style: base.json
)",
                                            sourcepath("layers/cache/departements.geojson"), postgis_block);
    write(fs::path(dir) / "cartelier.yaml", project);
    return project;
}

const std::string kSitesTable = "    postgis:\n      connection: service=cartelier\n      table: public.sites\n";

}  // namespace

TEST_F(PostGIS, TheSeedMapsBuiltFromTheDatabaseArePixelIdenticalToTheCsvOnesAndANoOpStaysANoOp) {
    Database db("seed");
    db.load();
    const std::string out_db = db.dir() + "/db", out_csv = db.dir() + "/csv";
    auto from_db = db.cartelier(fmt::format("build -p {} -o {}", quote(sourcepath("layers/postgis/cartelier.yaml")),
                                            quote(out_db)));
    ASSERT_EQ(from_db.status, 0) << from_db.output;
    EXPECT_NE(from_db.output.find("3 built"), std::string::npos) << from_db.output;
    auto from_csv = db.cartelier(fmt::format("build -p {} -o {}", quote(sourcepath("cartelier.yaml")), quote(out_csv)));
    ASSERT_EQ(from_csv.status, 0) << from_csv.output;
    for (const char* map : {"flash", "local", "sessions"}) {
        const std::string png_db = read_bytes(fs::path(out_db) / fmt::format("{}.png", map));
        ASSERT_GT(png_db.size(), 10000u) << map;
        EXPECT_TRUE(png_db == read_bytes(fs::path(out_csv) / fmt::format("{}.png", map)))
            << map << ".png differs between the database and the CSV builds";
    }
    auto again = db.cartelier(fmt::format("build -p {} -o {}", quote(sourcepath("layers/postgis/cartelier.yaml")),
                                          quote(out_db)));
    ASSERT_EQ(again.status, 0) << again.output;
    EXPECT_NE(again.output.find("0 built, 3 up to date"), std::string::npos) << again.output;
    // The state records the digest of the rows, not a file.
    const std::string state = read_bytes(fs::path(out_db) / ".cartelier" / "flash.json");
    EXPECT_NE(state.find("\"database\""), std::string::npos) << state;
}

TEST_F(PostGIS, AnUpdateAnInsertOrADeleteRebuildsExactlyTheMapsReadingTheLayer) {
    Database db("edits");
    db.load();
    two_map_project(db.dir(), kSitesTable);
    const std::string build = fmt::format("build -p {}/cartelier.yaml -o {}/out", quote(db.dir()), quote(db.dir()));
    auto first = db.cartelier(build);
    ASSERT_EQ(first.status, 0) << first.output;
    EXPECT_NE(first.output.find("2 built"), std::string::npos) << first.output;
    EXPECT_TRUE(fs::exists(fs::path(db.dir()) / "out/.cache/prepared/sites.EPSG_2154.prepared"));

    auto noop = db.cartelier(build);
    EXPECT_NE(noop.output.find("0 built, 2 up to date"), std::string::npos) << noop.output;

    const std::string reason = "because: the rows of database layer 'sites' changed";
    std::string before = read_bytes(fs::path(db.dir()) / "out/sites.png");
    const char* edits[] = {
        "UPDATE sites SET geom = ST_SetSRID(ST_MakePoint(2.35, 48.85), 4326) WHERE id = 'flash-deux-morins'",
        "INSERT INTO sites (id, nom_court, session, geom) VALUES ('new-site', 'Nouveau', 'local-2019', "
        "ST_SetSRID(ST_MakePoint(-1.55, 47.22), 4326))",
        "DELETE FROM sites WHERE id = 'flash-fumel-vallee-du-lot'",
    };
    for (const char* edit : edits) {
        db.sql(edit);
        auto r = db.cartelier(build);
        ASSERT_EQ(r.status, 0) << edit << "\n" << r.output;
        EXPECT_NE(r.output.find("1 built, 1 up to date"), std::string::npos) << edit << "\n" << r.output;
        EXPECT_NE(r.output.find("built sites"), std::string::npos) << edit << "\n" << r.output;
        EXPECT_NE(r.output.find(reason), std::string::npos) << edit << "\n" << r.output;
        const std::string after = read_bytes(fs::path(db.dir()) / "out/sites.png");
        EXPECT_NE(after, before) << edit << ": the map did not change";
        before = after;
        auto again = db.cartelier(build);
        EXPECT_NE(again.output.find("0 built, 2 up to date"), std::string::npos) << edit << "\n" << again.output;
    }
}

TEST_F(PostGIS, FaultsNameTheLayerTheLineAndTheServerMessageKeepTheOutputsAndLetTheOtherMapsBuild) {
    Database db("faults");
    db.load();
    db.sql("CREATE ROLE reader LOGIN PASSWORD 'right-one'");
    const std::string project = two_map_project(db.dir(), kSitesTable);
    const std::string build =
        fmt::format("build --force -p {}/cartelier.yaml -o {}/out", quote(db.dir()), quote(db.dir()));
    auto ok = db.cartelier(build);
    ASSERT_EQ(ok.status, 0) << ok.output;
    const std::string good_png = read_bytes(fs::path(db.dir()) / "out/sites.png");
    const int line = line_of(project, "connection:");  // the postgis block (its first key)

    struct Fault {
        const char* what;
        std::string block;
        std::string expected;
    };
    const Fault faults[] = {
        {"a missing table", "    postgis:\n      connection: service=cartelier\n      table: public.sitez\n",
         "no table or view 'public.sitez' in the database (did you mean 'public.sites'?)"},
        {"a query error (a missing column)",
         "    postgis:\n      connection: service=cartelier\n      sql: SELECT id, geom FROM sites WHERE nope > 1 ORDER BY id\n",
         "the query failed: ERROR: column \"nope\" does not exist"},
        {"a statement timeout",
         "    postgis:\n      connection: service=cartelier\n      sql: SELECT *, pg_sleep(0.5) FROM sites ORDER BY ogc_fid\n"
         "      statement_timeout_s: 1\n",
         "canceling statement due to statement timeout"},
        {"wrong credentials (the password written in the project)",
         "    postgis:\n      connection: service=cartelier user=reader password=wrong-one\n      table: public.sites\n",
         "password authentication failed for user \"reader\""},
        {"a connection timeout",
         "    postgis:\n      connection: host=10.255.255.1 dbname=x connect_timeout=1\n      table: public.sites\n"
         "      connect_timeout_s: 1\n",
         "cannot connect to the database"},
    };
    for (const Fault& f : faults) {
        two_map_project(db.dir(), f.block);
        const auto start = std::chrono::steady_clock::now();
        auto r = db.cartelier(build);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        EXPECT_EQ(r.status, 1) << f.what << "\n" << r.output;
        EXPECT_NE(r.output.find(fmt::format("cartelier.yaml:{}:", line)), std::string::npos) << f.what << "\n" << r.output;
        EXPECT_NE(r.output.find("layer 'sites'"), std::string::npos) << f.what << "\n" << r.output;
        EXPECT_NE(r.output.find(f.expected), std::string::npos) << f.what << "\n" << r.output;
        EXPECT_NE(r.output.find("FAILED sites"), std::string::npos) << f.what << "\n" << r.output;
        EXPECT_NE(r.output.find("built base"), std::string::npos) << f.what << ": the other map was not built\n" << r.output;
        EXPECT_EQ(r.output.find("wrong-one"), std::string::npos) << f.what << ": a password was printed\n" << r.output;
        EXPECT_TRUE(read_bytes(fs::path(db.dir()) / "out/sites.png") == good_png) << f.what << ": the previous map was not kept";
        EXPECT_LT(seconds, 30) << f.what;
    }
    // The password in the project file is worth a warning.
    two_map_project(db.dir(), faults[3].block);
    EXPECT_NE(db.cartelier(build).output.find("the project file holds the database password"), std::string::npos);

    // An invalid geometry in the database: a site far out of longitude range.
    two_map_project(db.dir(), kSitesTable);
    db.sql("UPDATE sites SET geom = ST_SetSRID(ST_MakePoint(500, 45), 4326) WHERE id = 'flash-bar-le-duc'");
    auto invalid = db.cartelier(build);
    EXPECT_EQ(invalid.status, 1) << invalid.output;
    EXPECT_NE(invalid.output.find("feature flash-bar-le-duc: vertex 1 at (500, 45) is out of range for EPSG:4326"),
              std::string::npos)
        << invalid.output;
    EXPECT_NE(invalid.output.find("built base"), std::string::npos) << invalid.output;
    EXPECT_TRUE(read_bytes(fs::path(db.dir()) / "out/sites.png") == good_png);
    db.sql("UPDATE sites SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326) WHERE id = 'flash-bar-le-duc'");
    auto repaired = db.cartelier(build);
    ASSERT_EQ(repaired.status, 0) << repaired.output;
    EXPECT_TRUE(read_bytes(fs::path(db.dir()) / "out/sites.png") == good_png) << "the same rows, another map";

    // The server down: the prepared cache of the layer is there, but its rows' digest cannot be computed,
    // so it is not used.
    ASSERT_TRUE(fs::exists(fs::path(db.dir()) / "out/.cache/prepared/sites.EPSG_2154.prepared"));
    const std::string cluster = fmt::format("pg_ctlcluster {} regress", env("PGVERSION"));
    ASSERT_EQ(run(cluster + " stop 2>&1").status, 0);
    auto down = db.cartelier(build);
    const auto restarted = run(cluster + " start 2>&1");
    EXPECT_EQ(down.status, 1) << down.output;
    EXPECT_NE(down.output.find("layer 'sites'"), std::string::npos) << down.output;
    EXPECT_NE(down.output.find("cannot connect to the database"), std::string::npos) << down.output;
    EXPECT_NE(down.output.find("built base"), std::string::npos) << down.output;
    EXPECT_TRUE(read_bytes(fs::path(db.dir()) / "out/sites.png") == good_png);
    ASSERT_EQ(restarted.status, 0) << restarted.output;
    // A plain build once the server is back: the rows are those the kept map was drawn from, so both maps
    // are up to date.
    auto back = db.cartelier(fmt::format("build -p {}/cartelier.yaml -o {}/out", quote(db.dir()), quote(db.dir())));
    EXPECT_EQ(back.status, 0) << back.output;
    EXPECT_NE(back.output.find("0 built, 2 up to date"), std::string::npos) << back.output;
}
