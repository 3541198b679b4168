#include <fmt/format.h>
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

TEST(Join, AnInseeCodeThatLostItsLeadingZeroGetsADidYouMeanHint) {
    Diagnostics d;
    Table t = parse_csv("code,nom\n07341,Saint-Sernin\n2A004,Ajaccio\n", "communes.csv", d);
    Layer l;
    l.name = "sites";
    l.source = "sites.csv";
    l.schema->add("insee");
    Feature f;
    f.id = "a";
    f.line = 2;
    f.values = {Value(std::string("7341"))};
    l.features.push_back(f);
    JoinStats stats = join(l, t, {"insee", "code", {"nom"}, true, false, {}}, d);
    ASSERT_EQ(d.error_count(), 1u) << d.format();
    EXPECT_EQ(d.items()[0].where.line, 2);
    EXPECT_NE(d.items()[0].hint.find("did you mean 07341?"), std::string::npos) << d.items()[0].hint;
    EXPECT_EQ(stats.unmatched_keys, std::vector<std::string>{"7341"});

    // Declared normalisation: 7341 is read as 07341, 2a004 as 2A004.
    Feature g = f;
    g.id = "b";
    g.line = 3;
    g.values = {Value(std::string("2a004"))};
    l.features.push_back(g);
    Diagnostics d2;
    JoinSpec spec{"insee", "code", {"nom"}, true, false, {}};
    spec.normalise = KeyNormalisation::Insee;
    Layer l2 = l;
    JoinStats s2 = join(l2, t, spec, d2);
    EXPECT_FALSE(d2.has_errors()) << d2.format();
    EXPECT_EQ(s2.matched, 2u);
    EXPECT_EQ(s2.normalised, 2u);
    EXPECT_EQ(std::get<std::string>(l2.get(l2.features[0], "nom")), "Saint-Sernin");
    EXPECT_EQ(std::get<std::string>(l2.get(l2.features[1], "nom")), "Ajaccio");
}

TEST(Join, InseeNormalisationKeepsCodesThatAreAlreadyRight) {
    EXPECT_EQ(normalise_key(" 07341 ", false, KeyNormalisation::Insee), "07341");
    EXPECT_EQ(normalise_key("7341", false, KeyNormalisation::Insee), "07341");
    EXPECT_EQ(normalise_key("7341.0", false, KeyNormalisation::Insee), "07341");
    EXPECT_EQ(normalise_key("2b033", false, KeyNormalisation::Insee), "2B033");
    EXPECT_EQ(normalise_key("75056", false, KeyNormalisation::Insee), "75056");
    EXPECT_EQ(normalise_key("7", false, KeyNormalisation::Insee), "07");  // a département
    EXPECT_EQ(normalise_key("7341", false, KeyNormalisation::None), "7341");
}

TEST(Join, StatsCountEveryRowAndManyMissesAreSummarisedInOneLine) {
    Diagnostics d;
    std::string csv = "key,v\n";
    for (int i = 0; i < 10; ++i) csv += fmt::format("k{},{}\n", i, i);
    Table t = parse_csv(csv, "t.csv", d);
    Layer l;
    l.name = "many";
    l.source = "many.geojson";
    l.schema->add("key");
    for (int i = 0; i < 100; ++i) {
        Feature f;
        f.id = fmt::format("{}", i);
        f.values = {Value(fmt::format("k{}", i))};
        l.features.push_back(f);
    }
    JoinSpec spec{"key", "key", {}, true, false, {}};
    spec.max_messages = 5;
    JoinStats stats = join(l, t, spec, d);
    EXPECT_EQ(stats.left_rows, 100u);
    EXPECT_EQ(stats.right_rows, 10u);
    EXPECT_EQ(stats.matched, 10u);
    EXPECT_EQ(stats.unmatched.size(), 90u);
    EXPECT_TRUE(stats.unused.empty());
    EXPECT_EQ(d.error_count(), 6u) << d.format();  // 5 one by one, then one summary
    EXPECT_NE(d.items().back().message.find("85 more features of layer 'many' have no row in t.csv"), std::string::npos)
        << d.format();
}
