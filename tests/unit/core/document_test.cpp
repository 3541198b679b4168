// doc::load_string: a document named *.json is strict JSON (RFC 8259), each construct JSON tools reject
// an error at its line and column; YAML documents keep YAML, with hints for indentation errors.
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/document.hpp"

using namespace cartelier;

namespace {

/// The one diagnostic of a document that must be rejected.
Diagnostic rejected(const std::string& text, const std::string& name = "style.json") {
    try {
        doc::load_string(text, name);
    } catch (const Error& e) {
        EXPECT_EQ(e.diagnostics().items().size(), 1u) << e.diagnostics().format();
        if (!e.diagnostics().items().empty()) return e.diagnostics().items().front();
        return {};
    }
    ADD_FAILURE() << name << " was accepted:\n" << text;
    return {};
}

std::string position(const Diagnostic& d) { return fmt::format("{}:{}:{}", d.where.file, d.where.line, d.where.column); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(StrictJson, TrailingContentAfterTheRootObject) {
    Diagnostic d = rejected("{\"version\": 8}\n{,\n");
    EXPECT_EQ(position(d), "style.json:2:1") << d.format();
    EXPECT_TRUE(contains(d.message, "expected the end of the file after the root object (closed at line 1:14)"))
        << d.format();
    EXPECT_TRUE(contains(d.message, "found '{'")) << d.format();
}

TEST(StrictJson, HashComment) {
    Diagnostic d = rejected("{\n  \"version\": 8,\n  # the layers\n  \"layers\": []\n}");
    EXPECT_EQ(position(d), "style.json:3:3") << d.format();
    EXPECT_TRUE(contains(d.message, "found a comment")) << d.format();
    EXPECT_TRUE(contains(d.hint, "JSON has no comments")) << d.format();
}

TEST(StrictJson, SlashComment) {
    Diagnostic d = rejected("{\"version\": // eight\n 8}");
    EXPECT_EQ(position(d), "style.json:1:13") << d.format();
    EXPECT_EQ(d.where.path, "version") << d.format();
    EXPECT_TRUE(contains(d.message, "found a comment")) << d.format();
}

TEST(StrictJson, CommentBeforeTheRootObject) {
    Diagnostic d = rejected("// the seed style\n{\"version\": 8}");
    EXPECT_EQ(position(d), "style.json:1:1") << d.format();
    EXPECT_TRUE(contains(d.hint, "JSON has no comments")) << d.format();
}

TEST(StrictJson, SingleQuotedString) {
    Diagnostic d = rejected("{\"version\": 8,\n \"name\": 'plan'}");
    EXPECT_EQ(position(d), "style.json:2:10") << d.format();
    EXPECT_EQ(d.where.path, "name");
    EXPECT_TRUE(contains(d.message, "expected a value")) << d.format();
    EXPECT_TRUE(contains(d.message, "found a single-quoted string")) << d.format();
    EXPECT_TRUE(contains(d.hint, "double quotes")) << d.format();
}

TEST(StrictJson, UnquotedKey) {
    Diagnostic d = rejected("{\"version\": 8, layers: []}");
    EXPECT_EQ(position(d), "style.json:1:16") << d.format();
    EXPECT_TRUE(contains(d.message, "expected a double-quoted key, found the unquoted key 'layers'")) << d.format();
    EXPECT_EQ(d.hint, "JSON keys take double quotes: \"layers\"");
}

TEST(StrictJson, TrailingCommaInAnObjectIsReportedAtTheComma) {
    Diagnostic d = rejected("{\"version\": 8,\n \"layers\": [{\"id\": \"a\", \"type\": \"fill\",\n }]}");
    EXPECT_EQ(position(d), "style.json:2:39") << d.format();
    EXPECT_EQ(d.where.path, "layers[0]");
    EXPECT_TRUE(contains(d.message, "expected a double-quoted key after ',', found '}'")) << d.format();
    EXPECT_TRUE(contains(d.hint, "remove the ',' at line 2:39")) << d.format();
}

TEST(StrictJson, TrailingCommaInAnArray) {
    Diagnostic d = rejected("{\"center\": [2.5, 46.6, ]}");
    EXPECT_EQ(position(d), "style.json:1:22") << d.format();
    EXPECT_EQ(d.where.path, "center");
    EXPECT_TRUE(contains(d.message, "expected a value after ',', found ']'")) << d.format();
}

TEST(StrictJson, TwoCommasInARow) {
    // YAML read this as a key '' (reported as "unknown root key ''").
    Diagnostic d = rejected("{\n  \"version\": 8,,\n  \"layers\": []\n}");
    EXPECT_EQ(position(d), "style.json:2:16") << d.format();
    EXPECT_TRUE(contains(d.message, "expected a double-quoted key, found a second ','")) << d.format();
}

TEST(StrictJson, DuplicateKeyWithItsPathAndTheFirstOne) {
    Diagnostic d = rejected(
        "{\"layers\": [{\"id\": \"a\"},\n"
        "  {\"id\": \"b\", \"paint\": {\"fill-color\": \"red\",\n"
        "                        \"fill-color\": \"blue\"}}]}");
    EXPECT_EQ(position(d), "style.json:3:25") << d.format();
    EXPECT_EQ(d.where.path, "layers[1].paint.fill-color");
    EXPECT_TRUE(contains(d.message, "duplicate key 'fill-color': already at line 2:25")) << d.format();
}

TEST(StrictJson, UnquotedWordValue) {
    Diagnostic d = rejected("{\"type\": fill}");
    EXPECT_EQ(position(d), "style.json:1:10") << d.format();
    EXPECT_TRUE(contains(d.message, "found the unquoted word 'fill'")) << d.format();
}

TEST(StrictJson, MissingCommaNamesWhatWasExpected) {
    Diagnostic d = rejected("{\"a\": 1\n \"b\": 2}");
    EXPECT_EQ(position(d), "style.json:2:2") << d.format();
    EXPECT_TRUE(contains(d.message, "expected ',' or '}', found a string")) << d.format();
}

TEST(StrictJson, UnclosedObject) {
    Diagnostic d = rejected("{\"a\": [1, 2]");
    EXPECT_EQ(position(d), "style.json:1:13") << d.format();
    EXPECT_TRUE(contains(d.message, "expected ',' or '}', found the end of the file")) << d.format();
}

TEST(StrictJson, ColumnsCountCharactersNotBytes) {
    Diagnostic d = rejected("{\"t\": \"Été\", \"n\": x}");
    EXPECT_EQ(position(d), "style.json:1:19") << d.format();
}

TEST(StrictJson, ControlCharacterInAString) {
    Diagnostic d = rejected("{\"a\": \"x\ty\"}");
    EXPECT_EQ(d.where.line, 1);
    EXPECT_TRUE(contains(d.message, "control character")) << d.format();
}

TEST(StrictJson, YamlInAJsonFileSaysSo) {
    Diagnostic d = rejected("version: 8\nlayers: []\n");
    EXPECT_EQ(position(d), "style.json:1:1") << d.format();
    EXPECT_TRUE(contains(d.hint, "must be named .yaml or .yml")) << d.format();
}

TEST(StrictJson, TheExtensionDecidesCaseInsensitively) {
    EXPECT_THROW(doc::load_string("{'a': 1}", "STYLE.JSON"), Error);
    EXPECT_NO_THROW(doc::load_string("{'a': 1}", "style.yaml"));
    EXPECT_NO_THROW(doc::load_string("{a: 1, # c\n}", "style.yml"));
}

TEST(StrictJson, ValidJsonKeepsPositionsAndKinds) {
    doc::Document d = doc::load_string(
        "\xEF\xBB\xBF{\"version\": 8, \"name\": \"a\\/b \\u00e9\",\n \"center\": [2.5, -46e0], \"x\": null, \"y\": true}",
        "style.json");
    EXPECT_EQ(doc::kind(d.root["version"]), doc::Kind::Number);
    EXPECT_EQ(doc::string(d.root["name"]), std::optional<std::string>("a/b é"));
    EXPECT_EQ(doc::number(d.root["center"][1]), std::optional<double>(-46.0));
    EXPECT_EQ(doc::kind(d.root["x"]), doc::Kind::Null);
    EXPECT_EQ(doc::boolean(d.root["y"]), std::optional<bool>(true));
    EXPECT_EQ(doc::location("style.json", d.root["center"]).line, 2);
}

TEST(StrictJson, AStringLeftOpenOnItsLineSaysItsClosingQuoteIsMissing) {
    Diagnostic d = rejected("{\"a\": \"x,\n \"b\": 2}");
    EXPECT_EQ(d.where.line, 1) << d.format();
    EXPECT_EQ(d.where.path, "a");
    EXPECT_TRUE(contains(d.hint, "its closing quote is missing")) << d.format();
}

TEST(StrictJson, AStringLeftOpenOnOneLineSaysWhereItRanTo) {
    // One-line files (GeoJSON as delivered): the string runs on to the next quote.
    Diagnostic d = rejected("{\"a\": \"x, \"b\": 2}");
    EXPECT_EQ(position(d), "style.json:1:12") << d.format();
    EXPECT_TRUE(contains(d.message, "found the unquoted word 'b'")) << d.format();
    EXPECT_TRUE(contains(d.hint, "a string ends at the '\"' just before 'b': a closing quote is missing earlier"))
        << d.format();
}

// A data file (GeoJSON): the first syntax error with its place and path, no hint about YAML, and a key
// twice is no error (GDAL takes the last).
TEST(JsonSyntaxError, ADataFilesFirstSyntaxErrorWithItsPathButNotAKeyTwice) {
    EXPECT_EQ(doc::json_syntax_error("{\"a\": 1, \"a\": 2}", "d.geojson"), std::nullopt);
    EXPECT_EQ(doc::json_syntax_error("{\"features\": [{\"type\": \"Feature\"}]}", "d.geojson"), std::nullopt);
    const auto cut = doc::json_syntax_error("{\"features\": [{\"type\": \"Feature\"},\n {\"properties\": {\"code\": \"01\", ",
                                            "d.geojson");
    ASSERT_TRUE(cut);
    EXPECT_EQ(position(*cut), "d.geojson:2:32") << cut->format();
    EXPECT_EQ(cut->where.path, "features[1].properties");
    EXPECT_TRUE(contains(cut->message, "found the end of the file")) << cut->format();
    const auto prose = doc::json_syntax_error("Ceci n'est pas une carte.", "d.geojson");
    ASSERT_TRUE(prose);
    EXPECT_EQ(prose->hint, "this file is not JSON");
    const auto comment = doc::json_syntax_error("{\"a\": 1 // c\n}", "d.geojson");
    ASSERT_TRUE(comment);
    EXPECT_EQ(comment->hint, "JSON has no comments: remove it");
}

TEST(YamlHints, TabInIndentation) {
    Diagnostic d = rejected("layers:\n  sites:\n\tsource: a.csv\n", "cartelier.yaml");
    EXPECT_EQ(d.where.line, 3) << d.format();
    EXPECT_EQ(d.hint, "YAML forbids tabs for indentation: replace the tab at line 3 with spaces") << d.format();
}

TEST(YamlHints, TabAtTheStartOfANestedKey) {
    Diagnostic d = rejected("maps:\n\tm: {}\n", "cartelier.yaml");
    EXPECT_TRUE(contains(d.hint, "replace the tab at line 2 with spaces")) << d.format();
}

TEST(YamlHints, KeyIndentedLessThanItsSiblings) {
    Diagnostic d = rejected("layers:\n  sites:\n    source: a.csv\n   id: code\n", "cartelier.yaml");
    EXPECT_EQ(d.where.line, 4) << d.format();
    EXPECT_TRUE(contains(d.hint, "check the indentation of line 4 against line 3 above it")) << d.format();
}

TEST(YamlHints, KeyIndentedUnderAScalar) {
    Diagnostic d = rejected("version: 1\nlayers:\n  sites: a\n    source: a.csv\n", "cartelier.yaml");
    EXPECT_TRUE(contains(d.hint, "check the indentation of line 4 against line 3 above it")) << d.format();
}

TEST(YamlHints, NoIndentationHintForAnErrorOnOneLine) {
    Diagnostic d = rejected("a: b: c\n", "cartelier.yaml");
    EXPECT_EQ(d.hint, "") << d.format();
}

}  // namespace

TEST(YamlDuplicateKeys, ASecondKeyIsAnErrorAtItsLineNamingTheFirst) {
    // YAML's parser keeps both entries and a lookup finds the first: `paper: A3` would be ignored.
    Diagnostic d = rejected("version: 1\nmaps:\n  france:\n    paper: A4\n    title: France\n    paper: A3\n",
                            "cartelier.yaml");
    EXPECT_EQ(position(d), "cartelier.yaml:6:5") << d.format();
    EXPECT_EQ(d.where.path, "maps.france.paper");
    EXPECT_TRUE(contains(d.message, "duplicate key 'paper': already at line 4:5")) << d.format();
}

TEST(YamlDuplicateKeys, InAFlowMappingInASequenceAndAtTheTopLevel) {
    Diagnostic d = rejected("layers:\n  - {id: a, type: fill, id: b}\n", "style.yaml");
    EXPECT_EQ(position(d), "style.yaml:2:25") << d.format();
    EXPECT_EQ(d.where.path, "layers[0].id");
    d = rejected("version: 1\nproducer: x\nversion: 2\n", "cartelier.yaml");
    EXPECT_EQ(position(d), "cartelier.yaml:3:1") << d.format();
}

TEST(YamlDuplicateKeys, TheSameKeyInTwoMappingsAndAnAliasUsedTwiceAreFine) {
    const doc::Document doc = doc::load_string(
        "a: {paper: A4}\nb: {paper: A3}\nbase: &base {dpi: 300, paper: A4}\nc: *base\nd: *base\n", "cartelier.yaml");
    EXPECT_EQ(doc.root["b"]["paper"].Scalar(), "A3");
    EXPECT_EQ(doc.root["d"]["dpi"].Scalar(), "300");
}
