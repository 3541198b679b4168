// The stages of a map build (pipeline/pipeline.hpp), in process: the style is read once per build and
// the state records the hash of the very bytes that were parsed; check runs build's prepare stage.
#include <filesystem>
#include <fstream>
#include <string>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "core/file_io.hpp"
#include "pipeline/hashing.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/project.hpp"
#include "pipeline/state.hpp"
#include "test_paths.hpp"

namespace cartelier {
namespace {

namespace fs = std::filesystem;

/// The mini fixture project (two départements, sites, one map) copied into a fresh folder, with a
/// second map `twin` drawn with the same style.
std::string mini_project(const std::string& name) {
    const std::string dir = test::temp_dir(name);
    fs::copy(test::datapath("fixtures/mini"), dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    std::ofstream(dir + "/cartelier.yaml", std::ios::app) << R"(  twin:
    title: Twin
    style: style.json
    crs: EPSG:2154
    extent: [600000, 6480000, 860000, 6720000]
    dpi: 30
    formats: [png, svg]
)";
    return dir + "/cartelier.yaml";
}

TEST(Stages, AStyleIsReadOncePerBuildWhateverTheNumberOfMapsAndFormatsDrawingIt) {
    const pipeline::Project project = pipeline::load_project(mini_project("stages-read-once"));
    const std::string style = project.find_map("mini")->style;
    ASSERT_EQ(project.find_map("twin")->style, style);
    pipeline::BuildOptions options;
    options.out_dir = (project.root / "out").string();
    options.date = 1700000000;
    options.jobs = 4;

    const std::size_t before = file_read_count(style);
    pipeline::BuildOutcome built = pipeline::run_build(project, options);
    ASSERT_EQ(built.exit_code(), 0) << built.maps.front().diagnostics.format();
    ASSERT_EQ(built.maps.size(), 2u);
    EXPECT_EQ(file_read_count(style) - before, 1u) << "two maps, four formats: the style file is read once";

    // The state records the hash of the bytes the build parsed.
    const std::string bytes = read_file(style);
    for (const char* id : {"mini", "twin"}) {
        auto state = pipeline::load_map_state(options.out_dir, id, project.root);
        ASSERT_TRUE(state);
        bool found = false;
        for (const auto& r : state->inputs)
            if (r.kind == "style") {
                found = true;
                EXPECT_EQ(r.hash, pipeline::content_hash(bytes));
            }
        EXPECT_TRUE(found);
    }

    // A no-op build reads no style at all; a style edit is read once more, by the build that renders it.
    const std::size_t after_first = file_read_count(style);
    EXPECT_EQ(pipeline::run_build(project, options).exit_code(), 0);
    EXPECT_EQ(file_read_count(style), after_first);
    std::string edited = bytes;
    edited.replace(edited.find("\"#d7301f\""), 9, "\"#00ff00\"");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::ofstream(style, std::ios::trunc) << edited;
    pipeline::BuildOutcome rebuilt = pipeline::run_build(project, options);
    EXPECT_EQ(rebuilt.exit_code(), 0) << rebuilt.maps[0].diagnostics.format();
    EXPECT_EQ(rebuilt.maps[0].status, pipeline::MapStatus::Built);
    EXPECT_EQ(file_read_count(style) - after_first, 1u);
}

TEST(Stages, CheckRunsThePrepareStageOfEveryMapAndWritesNothing) {
    const pipeline::Project project = pipeline::load_project(mini_project("stages-check"));
    pipeline::BuildOptions options;
    options.out_dir = (project.root / "out").string();
    const std::size_t before = file_read_count(project.find_map("mini")->style);
    pipeline::CheckOutcome checked = pipeline::run_check(project, options);
    EXPECT_TRUE(checked.ok()) << checked.all.format();
    ASSERT_EQ(checked.maps.size(), 2u);
    EXPECT_EQ(file_read_count(project.find_map("mini")->style) - before, 1u);
    EXPECT_FALSE(fs::exists(options.out_dir));
}

}  // namespace
}  // namespace cartelier
