// Joining the 35,357 communes of the 2018 boundaries to a commune attribute table of a later vintage
// (code, nom, population from the npm package @etalab/decoupage-administratif, extracted by
// tests/data-etalab/extract.mjs): well under a second, and the stats list every code that changed.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/join.hpp"
#include "data/layer_reader.hpp"
#include "data/table.hpp"
#include "test_budget.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using namespace cartelier::data;
namespace fs = std::filesystem;

namespace {

struct Inputs {
    Layer communes;
    Table table;
};

/// Reads both sides once for all tests of this file.
const Inputs& inputs() {
    static Inputs in = [] {
        Inputs i;
        Diagnostics d;
        i.communes = read_layer({"communes", test::sourcepath("layers/cache/communes.geojson"), "", "", "code", "", "", {}}, d);
        EXPECT_FALSE(d.has_errors()) << d.format();
        std::string csv = test::temp_dir("etalab") + "/communes-etalab.csv";
        auto r = test::run(fmt::format("node {} {}", test::sourcepath("tests/data-etalab/extract.mjs"), csv));
        EXPECT_EQ(r.status, 0) << r.output << "\n(install the package: npm ci --prefix tests/data-etalab)";
        i.table = read_csv(csv, d);
        EXPECT_FALSE(d.has_errors()) << d.format();
        return i;
    }();
    return in;
}

/// CPU seconds of this process: the machine running the tests may be shared (CI, a loaded workstation),
/// so the time limit is on the work the join does, not on how long the scheduler let it wait.
double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

bool have_communes() { return fs::exists(test::sourcepath("layers/cache/communes.geojson")); }

}  // namespace

TEST(JoinScale, JoinsTheCommunesToTheEtalabTableInWellUnderASecondAndListsTheChangedCodes) {
    if (!have_communes()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    const Inputs& in = inputs();
    ASSERT_EQ(in.communes.features.size(), 35357u);
    ASSERT_GT(in.table.rows.size(), 34000u);

    Layer layer = in.communes;  // the join adds fields: work on a copy
    Diagnostics d;
    JoinSpec spec{"code", "code", {"population"}, false, false, {}};
    const double cpu_started = cpu_seconds();
    JoinStats stats = join(layer, in.table, spec, d);
    const double cpu = cpu_seconds() - cpu_started;
    RecordProperty("join_cpu_seconds", fmt::format("{:.3f}", cpu));
    std::cout << fmt::format("[ join    ] {} communes × {} rows: {:.3f} s CPU ({:.3f} s wall); {} matched, {} unmatched, "
                             "{} unused\n",
                             layer.features.size(), in.table.rows.size(), cpu, stats.seconds, stats.matched,
                             stats.unmatched.size(), stats.unused.size());
    EXPECT_LT(cpu, test::cpu_budget(0.25)) << "joining 35,357 communes must take well under a second";

    // The stats agree with an independent set comparison of both sides' codes.
    std::set<std::string> left, right;
    for (const auto& f : in.communes.features) left.insert(std::get<std::string>(in.communes.get(f, "code")));
    for (const auto& row : in.table.rows) right.insert(row.cells[0]);
    std::set<std::string> gone, added;
    for (const auto& c : left)
        if (!right.count(c)) gone.insert(c);
    for (const auto& c : right)
        if (!left.count(c)) added.insert(c);
    EXPECT_EQ(stats.left_rows, 35357u);
    EXPECT_EQ(stats.matched, left.size() - gone.size());
    EXPECT_EQ(std::set<std::string>(stats.unmatched_keys.begin(), stats.unmatched_keys.end()), gone);
    EXPECT_EQ(std::set<std::string>(stats.unused.begin(), stats.unused.end()), added);
    // Codes of a later vintage do change: communes merged since 2018 and new codes both exist.
    EXPECT_GT(gone.size(), 100u);
    EXPECT_GT(added.size(), 10u);
    EXPECT_TRUE(gone.count("01039")) << "Arbignieu merged into Arboys en Bugey (01015) in 2019";
    // An optional join warns: a bounded number of lines, not one per commune.
    EXPECT_FALSE(d.has_errors()) << d.format();
    EXPECT_LE(d.items().size(), spec.max_messages + 1);
    EXPECT_NE(d.format().find("the build report lists every unmatched key"), std::string::npos);

    // Joined values arrive: Corsican codes keep their letters and every commune keeps its leading zero.
    auto population = layer.schema->index("population");
    ASSERT_TRUE(population);
    std::size_t corsica = 0;
    for (const auto& f : layer.features) {
        const std::string& code = std::get<std::string>(layer.get(f, "code"));
        if (code.starts_with("2A") && !is_null(f.value(*population))) ++corsica;
    }
    EXPECT_GT(corsica, 100u);
}

TEST(JoinScale, ATableWhoseCodesLostTheirLeadingZeroIsRecognisedAndNormalisedOnRequest) {
    if (!have_communes()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    const Inputs& in = inputs();
    Table stripped = in.table;  // what a spreadsheet does to a code column: 07341 → 7341
    std::size_t changed = 0;
    for (auto& row : stripped.rows)
        if (row.cells[0].size() == 5 && row.cells[0][0] == '0') {
            row.cells[0].erase(0, 1);
            ++changed;
        }
    ASSERT_GT(changed, 3000u);

    Layer strict = in.communes;
    Diagnostics d;
    JoinStats s1 = join(strict, stripped, {"code", "code", {"population"}, false, false, {}}, d);
    EXPECT_GE(s1.unmatched.size(), changed);
    EXPECT_NE(d.format().find("lost their leading zero; add 'normalise: insee'"), std::string::npos) << d.format();

    Layer normalised = in.communes;
    Diagnostics d2;
    JoinSpec spec{"code", "code", {"population"}, false, false, {}};
    spec.normalise = KeyNormalisation::Insee;
    const double cpu_started = cpu_seconds();
    JoinStats s2 = join(normalised, stripped, spec, d2);
    EXPECT_LT(cpu_seconds() - cpu_started, test::cpu_budget(0.25));
    // Every code is found again: exactly the codes that also fail with the intact table stay unmatched.
    Layer baseline = in.communes;
    Diagnostics d3;
    JoinStats s3 = join(baseline, in.table, {"code", "code", {"population"}, false, false, {}}, d3);
    EXPECT_EQ(s2.unmatched_keys, s3.unmatched_keys);
    EXPECT_EQ(s2.matched, s3.matched);
    EXPECT_GT(s2.normalised, 3000u);
    EXPECT_LE(s2.normalised, changed);
}
