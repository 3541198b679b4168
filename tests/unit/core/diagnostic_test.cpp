// Diagnostics: how a location is shown.
#include <gtest/gtest.h>

#include "core/diagnostic.hpp"

namespace cartelier {
namespace {

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
