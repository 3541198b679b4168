// The state's paths (pipeline/state.hpp, through core/paths.hpp): a state saved in one folder reads back
// with the paths of another.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "core/file_io.hpp"
#include "pipeline/state.hpp"
#include "test_paths.hpp"

namespace cartelier {
namespace {

namespace fs = std::filesystem;
TEST(StatePaths, AStateSavedInOneFolderReadsBackInAnother) {
    const fs::path out = test::temp_dir("state-paths");
    pipeline::MapState s;
    s.map = "m";
    s.icons = {"/old/p/icons/a.svg", "/elsewhere/icons/b.svg"};
    s.inputs.push_back({"data", "/old/p/layers/x.gpkg", "h1", 5, "/old/p/layers/x.gpkg", pipeline::FileStamp{1, 2, 3}});
    s.inputs.push_back({"data", "/shared/y.csv", "h2", 6, "/shared/y.csv", std::nullopt});
    s.inputs.push_back({"project", "layers.x", "h3", 7, "", std::nullopt});
    s.inputs.push_back({"font", "DejaVu Sans", "h4", 0, "/usr/share/fonts/d.ttf", std::nullopt});
    pipeline::save_map_state(out.string(), s, "/old/p");

    const std::string text = read_file((out / ".cartelier" / "m.json").string());
    EXPECT_EQ(text.find("/old/p"), std::string::npos) << text;

    std::string problem;
    auto back = pipeline::load_map_state(out.string(), "m", "/new/q", &problem);
    ASSERT_TRUE(back) << problem;
    EXPECT_EQ(back->icons, (std::vector<std::string>{"/new/q/icons/a.svg", "/elsewhere/icons/b.svg"}));
    ASSERT_EQ(back->inputs.size(), 4u);
    EXPECT_EQ(back->inputs[0].name, "/new/q/layers/x.gpkg");
    EXPECT_EQ(back->inputs[0].file, "/new/q/layers/x.gpkg");
    EXPECT_EQ(back->inputs[1].name, "/shared/y.csv");
    EXPECT_EQ(back->inputs[2].name, "layers.x");
    EXPECT_EQ(back->inputs[3].name, "DejaVu Sans");
    EXPECT_EQ(back->inputs[3].file, "/usr/share/fonts/d.ttf");
}

}  // namespace
}  // namespace cartelier
