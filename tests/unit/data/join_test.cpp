#include <gtest/gtest.h>

#include "data/join.hpp"

using namespace cartelier;
using namespace cartelier::data;

namespace {

Layer sites() {
    Layer l;
    l.name = "sites";
    l.source = "sites.csv";
    l.schema->add("id");
    l.schema->add("session");
    auto add = [&](std::string id, std::string session, std::uint32_t line) {
        Feature f;
        f.id = id;
        f.line = line;
        f.values = {Value(id), Value(session)};
        l.features.push_back(std::move(f));
    };
    add("a", "flash-2019", 2);
    add("b", " local-2019 ", 3);
    return l;
}

Table sessions(const std::string& text, Diagnostics& d) { return parse_csv(text, "sessions.csv", d); }

}  // namespace

TEST(Join, CopiesTheDeclaredFieldsByKey) {
    Diagnostics d;
    Table t = sessions("key,dispositif,year\nflash-2019,flash,2019\nlocal-2019,local,2019\nnationale-2020,nationale,2020\n", d);
    Layer l = sites();
    JoinStats stats = join(l, t, {"session", "key", {"dispositif"}, true, false, {}}, d);
    ASSERT_FALSE(d.has_errors()) << d.format();
    EXPECT_EQ(stats.matched, 2u);
    EXPECT_EQ(std::get<std::string>(l.get(l.features[0], "dispositif")), "flash");
    EXPECT_EQ(std::get<std::string>(l.get(l.features[1], "dispositif")), "local");  // keys are trimmed
    EXPECT_TRUE(is_null(l.get(l.features[0], "year")));  // not asked for
    EXPECT_EQ(stats.unused, std::vector<std::string>{"nationale-2020"});
}

TEST(Join, AMissingKeyIsAnErrorNamingFileLineAndValue) {
    Diagnostics d;
    Table t = sessions("key,dispositif\nflash-2019,flash\n", d);
    Layer l = sites();
    JoinStats stats = join(l, t, {"session", "key", {}, true, false, {}}, d);
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].format(),
              "sites.csv:3: error: column 'session': 'session' = ' local-2019 ' has no row in sessions.csv "
              "(column 'key') (known keys: flash-2019)");
    EXPECT_EQ(stats.unmatched, std::vector<std::string>{"b"});
}

TEST(Join, AMissingKeyIsOnlyAWarningForOptionalJoins) {
    Diagnostics d;
    Table t = sessions("key,dispositif\nflash-2019,flash\n", d);
    Layer l = sites();
    join(l, t, {"session", "key", {}, false, false, {}}, d);
    EXPECT_FALSE(d.has_errors());
    EXPECT_EQ(d.items().size(), 1u);
}

TEST(Join, ADuplicatedKeyIsAnErrorNamingBothLines) {
    Diagnostics d;
    Table t = sessions("key,dispositif\nflash-2019,flash\nlocal-2019,local\nflash-2019,nationale\n", d);
    Layer l = sites();
    join(l, t, {"session", "key", {}, true, false, {}}, d);
    ASSERT_EQ(d.error_count(), 1u) << d.format();
    EXPECT_EQ(d.items()[0].format(),
              "sessions.csv:4: error: column 'key': duplicate key 'flash-2019': already on line 2; a join key must be "
              "unique");
}

TEST(Join, AnUnknownKeyColumnSuggestsTheNearestName) {
    Diagnostics d;
    Table t = sessions("kee,dispositif\nflash-2019,flash\n", d);
    Layer l = sites();
    join(l, t, {"session", "key", {}, true, false, {}}, d);
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].hint, "did you mean 'kee'?");
}
