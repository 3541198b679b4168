// Issue 19: `--strict` and the project key `strict: true` (nightly builds) make every warning of a map an
// error: the map fails and keeps its previous outputs; a map last built with warnings is not up to date
// in strict mode, so a nightly strict build never passes over a warning an earlier build gave.
#include <gtest/gtest.h>

#include "nightly_fixture.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;

namespace {

/// The fixture's départements credited with an edition no SOURCES.json records: a warning on every map.
std::string project_with_a_warning(const std::string& name) {
    const std::string dir = make_project(name);
    write_file(dir + "/cartelier.yaml", replace_all(read_file(dir + "/cartelier.yaml"), "attribution: \"Fixture boundaries\"",
                                                    "attribution: \"Fixture boundaries : {edition}\""));
    return dir;
}

}  // namespace

TEST(Strict, AWarningFailsTheMapAndKeepsItsOutputsAndAMapBuiltWithWarningsIsNotUpToDate) {
    const std::string dir = project_with_a_warning("strict-option");
    auto lenient = run_cartelier(dir);
    ASSERT_EQ(lenient.status, 0) << lenient.output;
    EXPECT_NE(lenient.output.find("warning: layers.departements.attribution: the edition of layer 'departements' is unknown"),
              std::string::npos) << lenient.output;
    const auto outputs = digests(dir + "/out");

    // Nothing changed, but the maps were built with a warning: strict mode rebuilds them, and they fail.
    auto strict = run_cartelier(dir, "--strict");
    EXPECT_EQ(strict.status, 1) << strict.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "failed"}, {"beta", "failed"}, {"gamma", "failed"}}));
    EXPECT_EQ(report(dir)["maps"][0]["reasons"],
              nlohmann::json::array({"its last build gave 1 warning(s), errors in strict mode"}));
    EXPECT_NE(strict.output.find("error: layers.departements.attribution: the edition of layer 'departements' is unknown"),
              std::string::npos) << strict.output;
    EXPECT_NE(strict.output.find("strict mode (--strict): the 1 warning(s) of map 'alpha' above are errors, so the map fails"),
              std::string::npos) << strict.output;
    EXPECT_EQ(strict.output.find("warning:"), std::string::npos) << strict.output;
    EXPECT_EQ(digests(dir + "/out"), outputs);

    // Without --strict the maps are up to date again (their inputs did not change).
    auto again = run_cartelier(dir);
    ASSERT_EQ(again.status, 0) << again.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "up to date"}}));

    // The edition written: no warning, strict builds pass and are then up to date.
    write_file(dir + "/cartelier.yaml", replace_all(read_file(dir + "/cartelier.yaml"), "{edition}", "IGN 2024"));
    auto fixed = run_cartelier(dir, "--strict");
    ASSERT_EQ(fixed.status, 0) << fixed.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "built"}, {"beta", "built"}, {"gamma", "built"}}));
    auto noop = run_cartelier(dir, "--strict");
    ASSERT_EQ(noop.status, 0) << noop.output;
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "up to date"}}));
}

TEST(Strict, TheProjectKeyMakesBuildAndCheckStrict) {
    const std::string dir = project_with_a_warning("strict-key");
    write_file(dir + "/cartelier.yaml", replace_all(read_file(dir + "/cartelier.yaml"), "version: 1\n", "version: 1\nstrict: true\n"));
    auto checked = test::run(fmt::format("{} check -p {}/cartelier.yaml", test::cartelier_binary(), dir));
    EXPECT_EQ(checked.status, 1) << checked.output;
    EXPECT_NE(checked.output.find("cartelier.yaml:3:9: error: strict: strict mode (strict: true): the 1 warning(s) of map 'gamma'"),
              std::string::npos) << checked.output;
    auto built = run_cartelier(dir);
    EXPECT_EQ(built.status, 1) << built.output;
    EXPECT_FALSE(fs::exists(dir + "/out/alpha.pdf"));
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "failed"}, {"beta", "failed"}, {"gamma", "failed"}}));

    // `strict: false` (the default) builds them, with the warning.
    write_file(dir + "/cartelier.yaml", replace_all(read_file(dir + "/cartelier.yaml"), "strict: true", "strict: false"));
    auto lenient = run_cartelier(dir);
    EXPECT_EQ(lenient.status, 0) << lenient.output;
    EXPECT_NE(lenient.output.find("warning: layers.departements.attribution"), std::string::npos) << lenient.output;
}
