#include <fmt/format.h>
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

// A byte sequence that is not UTF-8 (though its bytes each look like UTF-8 lead or continuation bytes)
// makes the file Windows-1252, with the warning at the line and byte column of the sequence.
struct NotUtf8Case {
    const char* what;
    std::string text;
    int line;
    int column;
    std::string decoded;  ///< the cell holding the sequence, read as Windows-1252
};

class CsvReaderNotUtf8 : public testing::TestWithParam<NotUtf8Case> {};

TEST_P(CsvReaderNotUtf8, IsReadAsWindows1252WithTheWarningWhereTheSequenceIs) {
    const NotUtf8Case& c = GetParam();
    Diagnostics d;
    Table t = parse_csv(c.text, "odd.csv", d);
    ASSERT_FALSE(d.has_errors()) << d.format();
    ASSERT_EQ(d.items().size(), 1u) << d.format();
    EXPECT_EQ(d.items()[0].format(),
              fmt::format("odd.csv:{}:{}: warning: the file is not valid UTF-8; it was read as Windows-1252 "
                          "(Latin-1) (save it as UTF-8 from your spreadsheet to silence this warning)",
                          c.line, c.column));
    EXPECT_EQ(t.encoding, "Windows-1252");
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(t.rows[1].cells[1], c.decoded);
}

INSTANTIATE_TEST_SUITE_P(
    Sequences, CsvReaderNotUtf8,
    testing::Values(
        // '/' written in two bytes (overlong): C0 AF
        NotUtf8Case{"Overlong", "id,nom\n1,a\n2,x\xC0\xAF\n", 3, 4, "xÀ¯"},
        // U+D800, a UTF-16 surrogate, has no UTF-8 form: ED A0 80
        NotUtf8Case{"Surrogate", "id,nom\n1,b\n2,ab\xED\xA0\x80\n", 3, 5, "abí\u00A0€"},
        // the 5-byte form of RFC 2279, removed from UTF-8: F8 88 80 80 80
        NotUtf8Case{"FiveBytes", "id,nom\n1,a\n2,\xF8\x88\x80\x80\x80\n", 3, 3, "øˆ€€€"},
        // the file ends inside a 3-byte sequence (the first two bytes of '€': E2 82)
        NotUtf8Case{"TruncatedAtEnd", "id,nom\n1,a\n2,b\xE2\x82", 3, 4, "bâ‚"}),
    [](const testing::TestParamInfo<NotUtf8Case>& info) { return std::string(info.param.what); });

TEST(CsvReader, CountsTheColumnOfABadByteFromTheStartOfTheFileBomIncluded) {
    Diagnostics d;
    Table t = parse_csv("\xEF\xBB\xBFid,n\xC0\xAF\n1,a\n", "bom.csv", d);
    ASSERT_EQ(d.items().size(), 1u) << d.format();
    EXPECT_EQ(d.items()[0].where.line, 1);
    EXPECT_EQ(d.items()[0].where.column, 8);  // 3 bytes of BOM, then "id,n"
    EXPECT_EQ(t.columns, (std::vector<std::string>{"id", "nÀ¯"}));
}

TEST(CsvReader, AcceptsFourByteUtf8) {
    Diagnostics d;
    Table t = parse_csv("id,nom\n1,Site \xF0\x9F\x97\xBA\xEF\xB8\x8F 🏰\n", "emoji.csv", d);  // 🗺️ 🏰
    EXPECT_TRUE(d.empty()) << d.format();
    EXPECT_EQ(t.encoding, "UTF-8");
    ASSERT_EQ(t.rows.size(), 1u);
    EXPECT_EQ(t.rows[0].cells[1], "Site 🗺️ 🏰");
}

TEST(CsvReader, Windows1252UndefinedBytesBecomeReplacementCharacters) {
    EXPECT_EQ(windows1252_to_utf8("a\x81" "b\x80\xE9"), "a\uFFFDb€é");
    EXPECT_EQ(windows1252_to_utf8(std::string_view("x\0\x9D", 3)), std::string("x\0\uFFFD", 5));
}

TEST(CsvReader, FindsTheFirstByteThatIsNotUtf8) {
    EXPECT_EQ(invalid_utf8_at("plain"), std::nullopt);
    EXPECT_EQ(invalid_utf8_at(std::string_view("nul\0ok é", 9)), std::nullopt);
    EXPECT_EQ(invalid_utf8_at(std::string_view("é\0a\xC0\xAF", 6)), 4u);
    EXPECT_EQ(invalid_utf8_at("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
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
