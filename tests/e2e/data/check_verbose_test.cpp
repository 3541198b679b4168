// `cartelier check --verbose`: the type of every column of the project's CSV tables, declared or inferred.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_paths.hpp"

using namespace cartelier;

TEST(CheckVerbose, PrintsTheTypeOfEveryCsvColumnDeclaredOrInferred) {
    auto r = test::run(fmt::format("{} check --verbose --project {}", test::cartelier_binary(),
                                   test::datapath("bad-inputs/types-declared-string/cartelier.yaml")));
    ASSERT_EQ(r.status, 0) << r.output;
    // insee (01053, 02691) and departements (01, 02) are declared; lon, lat are inferred real; the
    // join table's year is declared string, where it would be inferred integer.
    EXPECT_NE(r.output.find("layer sites (../_common/sites.csv): id string, nom_court string, insee string (declared), "
                            "departements string (declared), lon real, lat real (declared), session string\n"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("  join ../_common/sessions.csv: key string, dispositif string, year string (declared)\n"),
              std::string::npos)
        << r.output;
}

TEST(CheckVerbose, WithoutTheFlagTheTypesAreNotPrinted) {
    auto r = test::run(fmt::format("{} check --project {}", test::cartelier_binary(),
                                   test::datapath("bad-inputs/types-declared-string/cartelier.yaml")));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.find("layer sites ("), std::string::npos) << r.output;
}

TEST(CheckVerbose, ASeedLikeYearColumnIsInferredInteger) {
    auto r = test::run(fmt::format("{} check -v --project {}", test::cartelier_binary(),
                                   test::datapath("bad-inputs/build-ok/cartelier.yaml")));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("  join ../_common/sessions.csv: key string, dispositif string, year integer\n"),
              std::string::npos)
        << r.output;
}
