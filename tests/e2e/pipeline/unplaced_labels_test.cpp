// Labels that find no room (pipeline/pipeline.cpp, record_page_report): the build report lists each one
// (labels.unplaced_labels); the build's warnings name each of a style layer's first few and sum up the
// rest in one line — an atlas page of a crowded département leaves hundreds, which used to be as many
// lines of warnings on every build.
#include <string>

#include <gtest/gtest.h>

#include "nightly_fixture.hpp"
#include "text_files.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;

namespace {

/// The mini fixture with `n` sites piled on one spot of département 01, their labels 30 pt high.
std::string crowded(const std::string& name, int n) {
    std::string dir = copy_mini(name);
    std::string csv = "id;nom_court;departements;lon;lat;session\n";
    for (int i = 0; i < n; ++i)
        csv += fmt::format("site-{:02};Commune numéro {};01;2.5;{:.3f};s-flash\n", i, i, 46.5 + 0.001 * i);
    write_file(dir + "/sites.csv", csv);
    write_file(dir + "/style.json", replace_all(read_file(dir + "/style.json"), R"("text-size": 8)", R"("text-size": 30)"));
    return dir;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST(UnplacedLabels, ManyAreSummedUpInOneWarningAndEachIsInTheReport) {
    const std::string dir = crowded("unplaced-many", 30);
    const auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    const auto labels = report(dir)["maps"][0]["labels"];
    const std::size_t unplaced = labels["unplaced"].get<std::size_t>();
    ASSERT_GT(unplaced, 4u) << r.output;
    // The report: each one, with its layer, feature and text.
    ASSERT_EQ(labels["unplaced_labels"].size(), unplaced);
    for (const auto& u : labels["unplaced_labels"]) {
        EXPECT_EQ(u["layer"], "labels");
        EXPECT_EQ(u["text"].get<std::string>(), "Commune numéro " + std::to_string(std::stoi(u["feature"].get<std::string>().substr(5))));
    }
    // The warnings: one line for the layer, naming three and counting the rest.
    EXPECT_EQ(count(r.output, "could not be placed"), 1u) << r.output;
    EXPECT_NE(r.output.find(fmt::format("warning: labels: {} labels could not be placed: 'Commune numéro ", unplaced)),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find(fmt::format(" and {} more (the build report lists each", unplaced - 3)), std::string::npos)
        << r.output;
}

TEST(UnplacedLabels, AFewAreNamedOneByOne) {
    // Five labels 30 pt high on one spot: the page has room for two of them.
    const std::string dir = crowded("unplaced-few", 5);
    const auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    const auto labels = report(dir)["maps"][0]["labels"];
    const std::size_t unplaced = labels["unplaced"].get<std::size_t>();
    ASSERT_GE(unplaced, 1u);
    ASSERT_LE(unplaced, 4u);
    EXPECT_EQ(labels["unplaced_labels"].size(), unplaced);
    EXPECT_EQ(count(r.output, "could not be placed"), unplaced) << r.output;
    EXPECT_EQ(r.output.find("labels could not be placed"), std::string::npos) << r.output;
}
