// Runs the cross-check against the reference JavaScript implementation (tests/reference/crosscheck.mjs).
// Needs node and `npm ci --prefix tests/reference`; skipped only when tests/reference/node_modules is absent.
#include <filesystem>
#include <regex>

#include <gtest/gtest.h>

#include "test_paths.hpp"

using namespace cartelier::test;

TEST(ExpressionCrosscheck, AgreesWithMapLibreStyleSpec) {
    if (!std::filesystem::exists(sourcepath("tests/reference/node_modules/@maplibre/maplibre-gl-style-spec")))
        GTEST_SKIP() << "tests/reference/node_modules is absent: run npm ci --prefix tests/reference";
    auto result = run("node " + sourcepath("tests/reference/crosscheck.mjs") + " " + cartelier_binary() + " 2>&1");
    EXPECT_EQ(result.status, 0) << result.output;
    std::smatch m;
    static const std::regex summary(R"(compared (\d+) cases)");
    ASSERT_TRUE(std::regex_search(result.output, m, summary)) << result.output;
    EXPECT_GE(std::stoi(m[1]), 300) << result.output;
}
