// Issue 19, case 6: a project copied or moved with its out/ folder (cp -a, a CI cache restored elsewhere)
// is up to date when its files are unchanged — the state records paths relative to the project folder —
// and a real change (an output edited, a data file changed) is still seen.
#include <gtest/gtest.h>

#include "nightly_fixture.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;

namespace {

const std::map<std::string, std::string> kAllUpToDate{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "up to date"}};

/// Moves `from` to a new folder `to` the way a copy does (new inodes, same mtimes), then removes `from`.
void move_project(const std::string& from, const std::string& to) {
    fs::remove_all(to);
    auto cp = test::run(fmt::format("cp -a {} {} && rm -rf {}", from, to, from));
    ASSERT_EQ(cp.status, 0) << cp.output;
}

}  // namespace

TEST(Relocate, AMovedProjectWithItsOutputsIsUpToDateAndRealChangesAreStillSeen) {
    const std::string first = make_project("reloc-first");
    auto built = run_cartelier(first);
    ASSERT_EQ(built.status, 0) << built.output;
    const auto digests_before = digests(first + "/out");

    const std::string dir = first + "-moved";
    move_project(first, dir);
    const auto times = output_times(dir);

    // The state names no folder: the paths inside the project are relative to it.
    for (const auto& [id, style] : std::map<std::string, std::string>{{"alpha", "a.json"}, {"beta", "a.json"}, {"gamma", "b.json"}}) {
        const std::string state = read_file(fmt::format("{}/out/.cartelier/{}.json", dir, id));
        EXPECT_EQ(state.find(first), std::string::npos) << state;
        EXPECT_NE(state.find(fmt::format("\"name\": \"{}\"", style)), std::string::npos) << state;
    }

    auto second = run_cartelier(dir);
    ASSERT_EQ(second.status, 0) << second.output;
    EXPECT_EQ(statuses(report(dir)), kAllUpToDate) << second.output;
    EXPECT_EQ(second.output.find("modified"), std::string::npos) << second.output;
    EXPECT_EQ(second.output.find("built "), std::string::npos) << second.output;
    EXPECT_EQ(output_times(dir), times);
    EXPECT_EQ(digests(dir + "/out"), digests_before);
    // Nothing was loaded, rendered or written.
    const auto second_report = report(dir);  // a named value: ranging over a temporary's member dangles
    for (const auto& m : second_report["maps"])
        for (const auto& [stage, seconds] : m["stages"].items()) EXPECT_EQ(seconds.get<double>(), 0.0) << stage;

    // And again (the state now has the copy's stat() stamps).
    auto third = run_cartelier(dir);
    ASSERT_EQ(third.status, 0) << third.output;
    EXPECT_EQ(statuses(report(dir)), kAllUpToDate) << third.output;

    // The prepared layers moved too: a forced rebuild reads no layer through GDAL, and gives the same bytes.
    auto forced = run_cartelier(dir, "--force", "CARTELIER_GDAL_MODULE=/nonexistent/cartelier-gdal.so");
    ASSERT_EQ(forced.status, 0) << forced.output;
    EXPECT_EQ(digests(dir + "/out"), digests_before);

    // An output changed in place, same size: seen by its content.
    std::string png = read_file(dir + "/out/beta.png");
    ASSERT_GT(png.size(), 200u);
    png[png.size() / 2] = static_cast<char>(png[png.size() / 2] ^ 0x5a);
    write_file(dir + "/out/beta.png", png);
    // A data file changed in the moved project: alpha and beta draw the sites.
    write_file(dir + "/sessions.csv", read_file(dir + "/sessions.csv") + "s-extra,flash,2021\n");
    auto changed = run_cartelier(dir);
    ASSERT_EQ(changed.status, 0) << changed.output;
    EXPECT_EQ(statuses(report(dir)),
              (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "up to date"}}));
    EXPECT_NE(changed.output.find("output beta.png was modified since the last build"), std::string::npos)
        << changed.output;
    EXPECT_NE(changed.output.find(fmt::format("data {}/sessions.csv changed", dir)), std::string::npos) << changed.output;
}

TEST(Relocate, AStateOfTheOldFormatIsACleanRebuildWithItsReason) {
    const std::string dir = make_project("reloc-old-state");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    const std::string file = dir + "/out/.cartelier/gamma.json";
    const std::string state = read_file(file);
    ASSERT_NE(state.find("\"state_version\": 2"), std::string::npos) << state;
    write_file(file, replace_all(state, "\"state_version\": 2", "\"state_version\": 1"));

    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(statuses(report(dir)),
              (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "built"}}));
    EXPECT_NE(r.output.find("its recorded state has format 1, this Cartelier reads format 2"), std::string::npos)
        << r.output;
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_EQ(statuses(report(dir)), kAllUpToDate);
}
