// StatePrefetch (pipeline/plan.hpp): the states of an atlas's pages read ahead are what load_map_state
// reads of them, each given once; a page it did not read ahead (another atlas, beyond its bound) is
// left to the plan.
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/plan.hpp"
#include "pipeline/state.hpp"
#include "test_paths.hpp"

namespace cartelier {
namespace {

namespace fs = std::filesystem;

pipeline::MapState page_state(const std::string& id) {
    pipeline::MapState s;
    s.map = id;
    s.date = 1700000000;
    s.inputs.push_back({"data", "/old/p/layers/x.geojson", "h-" + id, 5, "/old/p/layers/x.geojson", pipeline::FileStamp{1, 2, 3}});
    s.inputs.push_back({"feature", "x:" + id, "f-" + id, 6, "", std::nullopt});
    return s;
}

TEST(StatePrefetch, GivesEachPageTheStateLoadMapStateReadsOnceAndLeavesTheRestToThePlan) {
    const fs::path out = test::temp_dir("state-prefetch");
    for (const char* id : {"atlas/01", "atlas/02", "other/01", "m"}) pipeline::save_map_state(out.string(), page_state(id), "/old/p");
    // A state of an older format: the same reason for none as load_map_state's.
    {
        std::ofstream(out / ".cartelier" / "atlas" / "03.json") << R"({"state_version": 1, "map": "atlas/03"})";
    }
    std::string expected_problem;
    ASSERT_FALSE(pipeline::load_map_state(out.string(), "atlas/03", "/new/q", &expected_problem));
    ASSERT_FALSE(expected_problem.empty());

    pipeline::StatePrefetch prefetch(out.string(), "/new/q", {"atlas", "no-such-atlas"});
    auto first = prefetch.take("atlas/01");
    ASSERT_TRUE(first);
    ASSERT_TRUE(first->first);
    std::string problem;
    const auto direct = pipeline::load_map_state(out.string(), "atlas/01", "/new/q", &problem);
    ASSERT_TRUE(direct);
    EXPECT_EQ(first->first->map, "atlas/01");
    EXPECT_EQ(first->first->date, direct->date);
    ASSERT_EQ(first->first->inputs.size(), direct->inputs.size());
    for (std::size_t i = 0; i < direct->inputs.size(); ++i) {
        EXPECT_EQ(first->first->inputs[i].name, direct->inputs[i].name);
        EXPECT_EQ(first->first->inputs[i].hash, direct->inputs[i].hash);
        EXPECT_EQ(first->first->inputs[i].file, direct->inputs[i].file);
    }
    EXPECT_EQ(first->first->inputs[0].file, "/new/q/layers/x.geojson");  // against the root given
    EXPECT_FALSE(prefetch.take("atlas/01")) << "given twice";
    EXPECT_TRUE(prefetch.take("atlas/02"));

    auto old = prefetch.take("atlas/03");
    ASSERT_TRUE(old);
    EXPECT_FALSE(old->first);
    EXPECT_EQ(old->second, expected_problem);

    EXPECT_FALSE(prefetch.take("atlas/04")) << "no state: the plan says why";
    EXPECT_FALSE(prefetch.take("other/01")) << "an atlas not asked for";
    EXPECT_FALSE(prefetch.take("m")) << "not a page";
}

TEST(StatePrefetch, ReadsAtMostItsBoundOfPagesPerAtlasTheFirstByFileName) {
    const fs::path out = test::temp_dir("state-prefetch-bound");
    pipeline::save_map_state(out.string(), page_state("big/00000"), "/p");
    const fs::path folder = out / ".cartelier" / "big";
    const std::size_t pages = pipeline::StatePrefetch::kMostPerAtlas + 2;
    for (std::size_t i = 1; i < pages; ++i) fs::copy_file(folder / "00000.json", folder / fmt::format("{:05}.json", i));
    pipeline::StatePrefetch prefetch(out.string(), "/p", {"big"});
    for (std::size_t i = 0; i < pages; ++i)
        EXPECT_EQ(prefetch.take(fmt::format("big/{:05}", i)).has_value(), i < pipeline::StatePrefetch::kMostPerAtlas) << i;
}

}  // namespace
}  // namespace cartelier
