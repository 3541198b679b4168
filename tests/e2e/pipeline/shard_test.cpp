// Issue 5, --shard K/N: the shares partition the maps, are equal, and depend only on the set of ids.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "pipeline/shard.hpp"
#include "core/diagnostic.hpp"
#include "nightly_fixture.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;

TEST(Shard, SharesPartitionTheMapsEquallyWhateverTheirOrder) {
    std::vector<std::string> ids;
    for (int i = 0; i < 23; ++i) ids.push_back(fmt::format("map-{:02}", (i * 7) % 23));
    for (int n : {1, 2, 3, 5, 23, 30}) {
        std::multiset<std::string> all;
        std::size_t smallest = ids.size(), largest = 0;
        for (int k = 1; k <= n; ++k) {
            auto share = pipeline::shard_maps(ids, {k, n});
            all.insert(share.begin(), share.end());
            smallest = std::min(smallest, share.size());
            largest = std::max(largest, share.size());
            // Stable: the same share from the ids in another order.
            std::vector<std::string> reversed(ids.rbegin(), ids.rend());
            EXPECT_EQ(pipeline::shard_maps(reversed, {k, n}), share);
        }
        EXPECT_EQ(all, std::multiset<std::string>(ids.begin(), ids.end())) << "N = " << n << ": not a partition";
        EXPECT_LE(largest - smallest, 1u) << "N = " << n;
    }
}

TEST(Shard, ParsesKOverNAndRejectsTheRest) {
    EXPECT_EQ(pipeline::parse_shard("2/8").index, 2);
    EXPECT_EQ(pipeline::parse_shard("2/8").count, 8);
    for (const char* bad : {"0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3", ""}) {
        try {
            pipeline::parse_shard(bad);
            ADD_FAILURE() << bad << " accepted";
        } catch (const Error& e) {
            EXPECT_NE(e.diagnostics().format().find("expected K/N with 1 ≤ K ≤ N"), std::string::npos) << e.diagnostics().format();
        }
    }
}

TEST(Shard, TwoShardsBuildTheProjectOnceBetweenThem) {
    std::string dir = make_project("shard");
    auto one = run_cartelier(dir, "--shard 1/2");
    ASSERT_EQ(one.status, 0) << one.output;
    auto two = run_cartelier(dir, "--shard 2/2");
    ASSERT_EQ(two.status, 0) << two.output;
    auto r1 = statuses(report(dir, "build-report.shard-1-of-2.json"));
    auto r2 = statuses(report(dir, "build-report.shard-2-of-2.json"));
    // Sorted ids alpha, beta, gamma dealt round-robin: {alpha, gamma} and {beta}.
    EXPECT_EQ(r1, (std::map<std::string, std::string>{{"alpha", "built"}, {"gamma", "built"}}));
    EXPECT_EQ(r2, (std::map<std::string, std::string>{{"beta", "built"}}));
    EXPECT_EQ(digests(dir + "/out").size(), 12u);  // PDF, PNG, .pgw, .png.aux.xml for 3 maps
    // The whole project is then up to date.
    ASSERT_EQ(run_cartelier(dir).status, 0);
    EXPECT_EQ(statuses(report(dir)), (std::map<std::string, std::string>{{"alpha", "up to date"}, {"beta", "up to date"}, {"gamma", "up to date"}}));
    auto bad = run_cartelier(dir, "--shard 3/2");
    EXPECT_EQ(bad.status, 2) << bad.output;
    EXPECT_NE(bad.output.find("--shard: expected K/N"), std::string::npos) << bad.output;
}

TEST(Report, ListsStatusInputsStagesLabelsAndOutputs) {
    std::string dir = make_project("report");
    auto r = run_cartelier(dir, "-j 2", "SOURCE_DATE_EPOCH=1700000000");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("3 map(s): 3 built, 0 up to date, 0 failed in "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("report: " + dir + "/out/build-report.json"), std::string::npos) << r.output;
    auto rep = report(dir);
    EXPECT_EQ(rep["exit_status"], 0);
    EXPECT_EQ(rep["jobs"], 2);
    EXPECT_EQ(rep["source_date_epoch"], 1700000000);
    EXPECT_EQ(rep["summary"]["built"], 3);
    const auto& alpha = rep["maps"][0];
    EXPECT_EQ(alpha["id"], "alpha");
    EXPECT_EQ(alpha["status"], "built");
    EXPECT_EQ(alpha["reasons"], nlohmann::json::array({"never built"}));
    EXPECT_EQ(alpha["date"], "2023-11-14T22:13:20Z");
    std::set<std::string> kinds, names;
    for (const auto& i : alpha["inputs"]) {
        kinds.insert(i["kind"].get<std::string>());
        names.insert(i["name"].get<std::string>());
        EXPECT_FALSE(i["hash"].get<std::string>().empty());
    }
    EXPECT_EQ(kinds, (std::set<std::string>{"data", "font", "program", "project", "settings", "style"}));
    for (const std::string n : {dir + "/a.json", dir + "/sites.csv", dir + "/sessions.csv", dir + "/departements.geojson",
                                std::string("maps.alpha"), std::string("layers.sites"), std::string("layers.departements"),
                                std::string("DejaVu Sans Book")})
        EXPECT_TRUE(names.count(n)) << n;
    for (const auto& i : alpha["inputs"])
        if (i["name"] == dir + "/sites.csv")
            EXPECT_EQ(i["hash"], pipeline::content_hash(read_file(dir + "/sites.csv")));
    for (const char* stage : {"load", "join", "reproject", "check", "prepare", "render", "write"})
        EXPECT_TRUE(alpha["stages"].contains(stage)) << stage;
    EXPECT_GT(alpha["stages"]["render"].get<double>(), 0);
    EXPECT_GT(alpha["stages"]["write"].get<double>(), 0);
    // The drawn lines the two names hide (mm² of line: length × width), a measure of the placement.
    nlohmann::json labels = alpha["labels"];
    ASSERT_TRUE(labels["lines_hidden_mm2"].is_number()) << labels;
    EXPECT_GE(labels["lines_hidden_mm2"].get<double>(), 0);
    labels.erase("lines_hidden_mm2");
    EXPECT_EQ(labels, (nlohmann::json{{"placed", 2},
                                               {"displaced", 0},
                                               {"numbered", 0},
                                               {"unplaced", 0},
                                               {"leader_crossings", 0},
                                               {"symbol_overlaps", 0},
                                               {"mean_displacement_mm", 0.0},
                                               {"max_displacement_mm", 0.0},
                                               {"unplaced_labels", nlohmann::json::array()}}));
    EXPECT_EQ(rep["maps"][2]["labels"]["placed"], 0);  // gamma has no labels
    ASSERT_EQ(alpha["outputs"].size(), 4u);  // PDF, PNG, the PNG's .pgw and .png.aux.xml
    for (const auto& o : alpha["outputs"]) {
        std::string bytes = read_file(o["file"].get<std::string>());
        EXPECT_EQ(o["bytes"].get<std::size_t>(), bytes.size());
        auto sum = test::run("sha256sum " + o["file"].get<std::string>());
        EXPECT_EQ(sum.output.substr(0, 64), o["sha256"].get<std::string>());
    }
    EXPECT_TRUE(alpha["warnings"].is_array());
    EXPECT_TRUE(alpha["errors"].empty());
}
