// Paths as Cartelier records and shows them (core/paths.hpp), and how a diagnostic is shown.
#include <filesystem>

#include <gtest/gtest.h>

#include "core/diagnostic.hpp"
#include "core/paths.hpp"

namespace cartelier {
namespace {

namespace fs = std::filesystem;

TEST(Paths, InsideTheRootRelativeOutsideAsTheyAre) {
    const fs::path root = "/home/u/atlas";
    EXPECT_EQ(path_inside(root, "/home/u/atlas/layers/cache/x.gpkg"), "layers/cache/x.gpkg");
    EXPECT_EQ(path_inside("/home/u/atlas/", "/home/u/atlas/style.json"), "style.json");
    EXPECT_EQ(path_inside("/home/u/atlas/.", "/home/u/atlas/./a/../style.json"), "style.json");
    // Outside: a sibling folder, a folder whose name only starts like the project's, the system.
    EXPECT_EQ(path_inside(root, "/home/u/shared/x.gpkg"), "/home/u/shared/x.gpkg");
    EXPECT_EQ(path_inside(root, "/home/u/atlas2/x.gpkg"), "/home/u/atlas2/x.gpkg");
    EXPECT_EQ(path_inside(root, "/usr/share/fonts/a.ttf"), "/usr/share/fonts/a.ttf");
    EXPECT_EQ(path_inside(root, "/home/u/atlas"), "/home/u/atlas");
    EXPECT_EQ(path_inside(root, ""), "");

    EXPECT_EQ(path_against("/srv/ci/atlas", "layers/cache/x.gpkg"), "/srv/ci/atlas/layers/cache/x.gpkg");
    EXPECT_EQ(path_against("/srv/ci/atlas", "/usr/share/fonts/a.ttf"), "/usr/share/fonts/a.ttf");
    EXPECT_EQ(path_against("/srv/ci/atlas", ""), "");
}

TEST(DisplayPath, AbsolutePathInsideTheCurrentDirectoryIsShownRelative) {
    EXPECT_EQ(display_path("/home/ana/atlas/layers/sites.csv", "/home/ana/atlas"), "layers/sites.csv");
    EXPECT_EQ(display_path("/home/ana/atlas/layers/sites.csv", "/home/ana/atlas/"), "layers/sites.csv");
    EXPECT_EQ(display_path("/home/ana/atlas/./layers/../sites.csv", "/home/ana/atlas"), "sites.csv");
}

TEST(DisplayPath, OtherPathsAreShownAsTheyAre) {
    EXPECT_EQ(display_path("/srv/data/sites.csv", "/home/ana/atlas"), "/srv/data/sites.csv");
    EXPECT_EQ(display_path("/home/ana/atlas-old/sites.csv", "/home/ana/atlas"), "/home/ana/atlas-old/sites.csv");
    EXPECT_EQ(display_path("layers/sites.csv", "/home/ana/atlas"), "layers/sites.csv");
    EXPECT_EQ(display_path("/home/ana/atlas", "/home/ana/atlas"), "/home/ana/atlas");
    EXPECT_EQ(display_path("/home/ana/atlas/sites.csv", ""), "/home/ana/atlas/sites.csv");
}

TEST(Diagnostic, FormatsLikeACompiler) {
    Diagnostic d{Severity::Error, SourceLocation{"/nowhere/style.json", 12, 7, "layers[3].paint"}, "expected a colour",
                 "did you mean 'red'?"};
    EXPECT_EQ(d.format(), "/nowhere/style.json:12:7: error: layers[3].paint: expected a colour (did you mean 'red'?)");
}

}  // namespace
}  // namespace cartelier
