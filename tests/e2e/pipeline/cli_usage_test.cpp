// The command line itself: a mistyped command is named, with the nearest command, and exits with the
// status of an unusable invocation (2), like every other usage error.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_paths.hpp"

using namespace cartelier;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(CliUsage, AMistypedCommandSuggestsTheNearestOne) {
    auto r = test::run(fmt::format("{} biuld --project nowhere.yaml", test::cartelier_binary()));
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "error: unknown command 'biuld' (did you mean 'build'?)")) << r.output;
    EXPECT_FALSE(contains(r.output, "A subcommand is required")) << r.output;
}

TEST(CliUsage, AMistypedStyleToolSuggestsTheNearestOne) {
    auto r = test::run(fmt::format("{} style evl '1'", test::cartelier_binary()));
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "error: unknown command 'evl' (did you mean 'eval'?)")) << r.output;
}

TEST(CliUsage, AnUnknownCommandFarFromEveryCommandListsThem) {
    auto r = test::run(fmt::format("{} frobnicate", test::cartelier_binary()));
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "unknown command 'frobnicate' (expected one of: build, check, list, watch, serve, export, style)"))
        << r.output;
}

TEST(CliUsage, NoCommandAtAllStillSaysOneIsRequired) {
    auto r = test::run(test::cartelier_binary());
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "A subcommand is required")) << r.output;
}

}  // namespace
