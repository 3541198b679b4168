// The one wording of "did you mean" hints (core/diagnostic.hpp).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/diagnostic.hpp"

using namespace cartelier;

namespace {

const std::vector<std::string> kLayers = {"communes", "departements", "sites"};

TEST(SuggestName, NamesTheNearestCandidate) {
    EXPECT_EQ(suggest_name("commune", kLayers), "did you mean 'communes'?");
    EXPECT_EQ(suggest_name("departments", kLayers, {"declared layers: "}), "did you mean 'departements'?");
    EXPECT_EQ(suggest_name("concta", {"concat", "case"}, {}, Quote::Double), "did you mean \"concat\"?");
}

TEST(SuggestName, WithNothingNearListsTheCandidatesOrSaysNothing) {
    EXPECT_EQ(suggest_name("rivers", kLayers), "");
    EXPECT_EQ(suggest_name("rivers", kLayers, {"declared layers: "}),
              "declared layers: communes, departements, sites");
    EXPECT_EQ(suggest_name("mercator", {"a4", "a3"}, {"expected one of: ", ", or an object {name, crs, extent}"}),
              "expected one of: a4, a3, or an object {name, crs, extent}");
}

TEST(SuggestName, DidYouMeanQuotesTheNameOrSaysNothing) {
    EXPECT_EQ(did_you_mean("latitude"), "did you mean 'latitude'?");
    EXPECT_EQ(did_you_mean("pin", Quote::Double), "did you mean \"pin\"?");
    EXPECT_EQ(did_you_mean(""), "");
}

}  // namespace
