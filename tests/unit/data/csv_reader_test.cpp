#include <gtest/gtest.h>

#include "data/table.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using namespace cartelier::data;

TEST(CsvReader, ReadsQuotedFieldsWithDelimitersQuotesAndNewlines) {
    Diagnostics d;
    Table t = parse_csv("id,name,note\n1,\"Fumel, Vallée du Lot\",\"dit \"\"le\"\" site\"\n2,\"two\nlines\",x\n3,plain,y\n",
                        "t.csv", d);
    ASSERT_FALSE(d.has_errors()) << d.format();
    ASSERT_EQ(t.rows.size(), 3u);
    EXPECT_EQ(t.rows[0].cells[1], "Fumel, Vallée du Lot");
    EXPECT_EQ(t.rows[0].cells[2], "dit \"le\" site");
    EXPECT_EQ(t.rows[1].cells[1], "two\nlines");
    // Line numbers follow the file, quoted newlines included.
    EXPECT_EQ(t.rows[0].line, 2u);
    EXPECT_EQ(t.rows[1].line, 3u);
    EXPECT_EQ(t.rows[2].line, 5u);
}

TEST(CsvReader, SniffsSemicolonAndKeepsUtf8Accents) {
    Diagnostics d;
    Table t = parse_csv("code;nom\n07341;Villeneuve-de-Berg\n2A004;Ajaccio\n01;Saint-Étienne-l’Été\n", "t.csv", d);
    ASSERT_FALSE(d.has_errors()) << d.format();
    EXPECT_EQ(t.delimiter, ';');
    ASSERT_EQ(t.columns, (std::vector<std::string>{"code", "nom"}));
    EXPECT_EQ(t.rows[0].cells[0], "07341");  // codes stay text: leading zero kept
    EXPECT_EQ(t.rows[1].cells[0], "2A004");
    EXPECT_EQ(t.rows[2].cells[1], "Saint-Étienne-l’Été");
}

TEST(CsvReader, StripsBomAndCrLfAndSkipsBlankLines) {
    Diagnostics d;
    Table t = parse_csv("\xEF\xBB\xBFid,x\r\n\r\n1,a\r\n\r\n2,b\r\n", "t.csv", d);
    ASSERT_FALSE(d.has_errors()) << d.format();
    EXPECT_EQ(t.columns.front(), "id");
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(t.rows[1].cells[1], "b");
    EXPECT_EQ(t.rows[1].line, 5u);
}

TEST(CsvReader, ConvertsWindows1252WithAWarning) {
    Diagnostics d;
    Table t = parse_csv("nom\nS\xE9zanne\n\x92t\xE9\n", "latin.csv", d);  // "Sézanne", "’té" in Windows-1252
    ASSERT_FALSE(d.has_errors());
    ASSERT_EQ(d.items().size(), 1u);
    EXPECT_NE(d.items()[0].message.find("Windows-1252"), std::string::npos);
    EXPECT_EQ(t.rows[0].cells[0], "Sézanne");
    EXPECT_EQ(t.rows[1].cells[0], "’té");
    EXPECT_EQ(t.encoding, "Windows-1252");
}

TEST(CsvReader, ReportsEveryRowWithTheWrongNumberOfFields) {
    Diagnostics d;
    parse_csv("a,b,c\n1,2,3\n1,2\n1,2,3,4\n", "bad.csv", d);
    ASSERT_EQ(d.error_count(), 2u) << d.format();
    EXPECT_EQ(d.items()[0].format(),
              "bad.csv:3: error: expected 3 fields separated by ',' (as in the header), found 2 "
              "(is a field missing, or a quote not closed?)");
    EXPECT_EQ(d.items()[1].where.line, 4);
}

TEST(CsvReader, ReportsEmptyFilesUnterminatedQuotesAndDuplicateColumns) {
    {
        Diagnostics d;
        parse_csv("", "empty.csv", d);
        ASSERT_TRUE(d.has_errors());
        EXPECT_NE(d.format().find("empty.csv:1: error: the file is empty"), std::string::npos);
    }
    {
        Diagnostics d;
        parse_csv("a,b\n1,\"open\n", "quote.csv", d);
        EXPECT_NE(d.format().find("quote.csv:2: error: unterminated quoted field"), std::string::npos) << d.format();
    }
    {
        Diagnostics d;
        parse_csv("id,id\n1,2\n", "dup.csv", d);
        EXPECT_NE(d.format().find("column 'id' appears twice"), std::string::npos) << d.format();
    }
}

TEST(CsvReader, ReadsTheProjectSitesFile) {
    Diagnostics d;
    Table t = read_csv(test::sourcepath("layers/sites.csv"), d);
    ASSERT_FALSE(d.has_errors()) << d.format();
    EXPECT_EQ(t.rows.size(), 11u);
    auto insee = t.column("insee");
    ASSERT_TRUE(insee);
    bool found_leading_zero = false;
    for (const auto& r : t.rows) found_leading_zero |= r.cells[*insee] == "07341";
    EXPECT_TRUE(found_leading_zero);
}

TEST(CsvReader, MissingFileIsAnErrorNamingIt) {
    Diagnostics d;
    read_csv("/nonexistent/sites.csv", d);
    EXPECT_EQ(d.format(), "/nonexistent/sites.csv: error: cannot open file: it does not exist or is not readable\n");
}
