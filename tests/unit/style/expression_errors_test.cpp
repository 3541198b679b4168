// Compile errors (MapLibre's wording, with file, line, column and JSON path), did-you-mean, the zoom
// placement rule, evaluation errors, and the list of spec operators that are not supported.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/document.hpp"
#include "style/expression/eval_tool.hpp"
#include "style/expression/expression.hpp"

using namespace cartelier;
using namespace cartelier::style::expr;

namespace {

ExpressionPtr compile_json(const std::string& json, Diagnostics& d, std::optional<Type> expected = std::nullopt) {
    auto document = doc::load_string(json, "style.json");
    return compile(document.root, "style.json", "layers[2].paint.circle-color", std::move(expected), d);
}

/// The only error message of compiling `json` ("" if it compiles).
std::string error_of(const std::string& json, std::optional<Type> expected = std::nullopt) {
    Diagnostics d;
    auto e = compile_json(json, d, std::move(expected));
    if (e) return "";
    EXPECT_FALSE(d.items().empty());
    return d.items().empty() ? "(no diagnostic)" : d.items().front().message;
}

}  // namespace

TEST(ExpressionErrors, TypeMismatchNamesPathLineAndColumn) {
    Diagnostics d;
    const std::string style = "[\"match\", [\"get\", \"kind\"],\n  \"a\", \"red\",\n  \"b\", 5,\n  \"blue\"]";
    auto e = compile_json(style, d, Type::color());
    EXPECT_EQ(e, nullptr);
    ASSERT_EQ(d.error_count(), 1u) << d.format();
    const Diagnostic& diag = d.items()[0];
    EXPECT_EQ(diag.message, "Expected color but found number instead.");
    EXPECT_EQ(diag.where.file, "style.json");
    EXPECT_EQ(diag.where.path, "layers[2].paint.circle-color[5]");
    EXPECT_EQ(diag.where.line, 3);
    EXPECT_EQ(diag.where.column, 8);
}

TEST(ExpressionErrors, CollectsEveryError) {
    Diagnostics d;
    auto e = compile_json(R"(["case", ["get", "a"], ["concatt", 1], ["get", "b"], ["+", "x", 1], ["upcase", 2]])", d);
    EXPECT_EQ(e, nullptr);
    ASSERT_EQ(d.error_count(), 3u) << d.format();
    EXPECT_EQ(d.items()[0].where.path, "layers[2].paint.circle-color[2][0]");
    EXPECT_EQ(d.items()[1].where.path, "layers[2].paint.circle-color[4][1]");
    EXPECT_EQ(d.items()[1].message, "Expected number but found string instead.");
    EXPECT_EQ(d.items()[2].where.path, "layers[2].paint.circle-color[5][1]");
}

TEST(ExpressionErrors, UnknownOperatorSuggestsTheNearestOne) {
    Diagnostics d;
    EXPECT_EQ(compile_json(R"(["concat", "a", ["concatt", "b"]])", d), nullptr);
    ASSERT_EQ(d.error_count(), 1u);
    const Diagnostic& diag = d.items()[0];
    EXPECT_EQ(diag.message, R"(Unknown expression "concatt". If you wanted a literal array, use ["literal", [...]].)");
    EXPECT_EQ(diag.hint, R"(did you mean "concat"?)");
    EXPECT_EQ(diag.where.path, "layers[2].paint.circle-color[2][0]");
    EXPECT_EQ(diag.where.column, 18);
    EXPECT_NE(diag.format().find(R"((did you mean "concat"?))"), std::string::npos);
}

TEST(ExpressionErrors, MapLibreMessages) {
    EXPECT_EQ(error_of(R"("nonsense")", Type::color()), "Could not parse color from value 'nonsense'");
    // Only untyped values are coerced to strings; a number literal is a type error (as MapLibre).
    EXPECT_EQ(error_of(R"(5)", Type::string()), "Expected string but found number instead.");
    EXPECT_EQ(error_of(R"(["get", "x"])", Type::string()), "");
    EXPECT_EQ(error_of(R"(5)", Type::boolean()), "Expected boolean but found number instead.");
    EXPECT_EQ(error_of(R"([])"),
              R"(Expected an array with at least one element. If you wanted a literal array, use ["literal", []].)");
    EXPECT_EQ(error_of(R"([1, 2])"),
              R"(Expression name must be a string, but found number instead. If you wanted a literal array, use ["literal", [...]].)");
    EXPECT_EQ(error_of(R"({"a": 1})"), R"(Bare objects invalid. Use ["literal", {...}] instead.)");
    EXPECT_EQ(error_of(R"(["get"])"), "Expected arguments of type (string) | (string, object), but found () instead.");
    EXPECT_EQ(error_of(R"(["-", 1, 2, 3])"),
              "Expected arguments of type (number, number) | (number), but found (number, number, number) instead.");
    EXPECT_EQ(error_of(R"(["/", 1])"), "Expected arguments of type (number, number), but found (number) instead.");
    EXPECT_EQ(error_of(R"(["upcase", 1])"), "Expected string but found number instead.");
    EXPECT_EQ(error_of(R"(["==", 1, "a"])"), "Cannot compare types 'number' and 'string'.");
    EXPECT_EQ(error_of(R"(["<", true, 1])"), R"("<" comparisons are not supported for type 'boolean'.)");
    EXPECT_EQ(error_of(R"(["match", ["get", "x"], 1, "a", "b", "c", "d"])"), "Expected number but found string instead.");
    EXPECT_EQ(error_of(R"(["match", ["get", "x"], 1.5, "a", "b"])"), "Numeric branch labels must be integer values.");
    EXPECT_EQ(error_of(R"(["match", ["get", "x"], "a", 1, "a", 2, 3])"), "Branch labels must be unique.");
    EXPECT_EQ(error_of(R"(["step", ["get", "x"], 0, 5, 1, 3, 2])"),
              R"(Input/output pairs for "step" expressions must be arranged with input values in strictly ascending order.)");
    EXPECT_EQ(error_of(R"(["interpolate", ["linear"], ["get", "x"], 0, "a", 10, "b"])"),
              "Type string is not interpolatable.");
    EXPECT_EQ(error_of(R"(["interpolate", ["cubic"], ["get", "x"], 0, 0, 10, 1])"), "Unknown interpolation type cubic");
    EXPECT_EQ(error_of(R"(["var", "x"])"),
              R"(Unknown variable "x". Make sure "x" has been bound in an enclosing "let" expression before using it.)");
    EXPECT_EQ(error_of(R"(["literal", 1, 2])"), "'literal' expression requires exactly one argument, but found 2 instead.");
    EXPECT_EQ(error_of(R"(["array", "color", ["get", "x"]])"),
              R"(The item type argument of "array" must be one of string, number, boolean)");
    EXPECT_EQ(error_of(R"(["number-format", 1, "x"])"), "NumberFormat options argument must be an object.");
    // Constant subexpressions are evaluated at compile time: their evaluation errors are compile errors.
    EXPECT_EQ(error_of(R"(["number", "abc"])"), "Expected value to be of type number, but found string instead.");
    EXPECT_EQ(error_of(R"(["rgb", 300, 0, 0])"),
              "Invalid rgba value [300, 0, 0, 1]: 'r', 'g', and 'b' must be between 0 and 255.");
}

TEST(ExpressionErrors, ZoomOnlyAsInputOfTopLevelCurve) {
    const std::string placement =
        R"("zoom" expression may only be used as input to a top-level "step" or "interpolate" expression.)";
    EXPECT_EQ(error_of(R"(["+", ["zoom"], 1])"), placement);
    EXPECT_EQ(error_of(R"(["concat", ["to-string", ["step", ["zoom"], 1, 5, 2]]])"), placement);
    EXPECT_EQ(error_of(R"(["interpolate", ["linear"], ["zoom"], 0, ["step", ["zoom"], 1, 5, 2], 10, 20])"),
              R"(Only one zoom-based "step" or "interpolate" subexpression may be used in an expression.)");
    EXPECT_EQ(error_of(R"(["interpolate", ["linear"], ["get", "n"], 0, ["step", ["zoom"], 1, 5, 2], 10, 20])"),
              placement);
    EXPECT_EQ(error_of(R"(["case", ["has", "n"], ["step", ["zoom"], 1, 5, 2], ["step", ["zoom"], 3, 8, 4]])"),
              R"(Only one zoom-based "step" or "interpolate" subexpression may be used in an expression.)");
    EXPECT_EQ(error_of(R"(["interpolate", ["linear"], ["zoom"], 0, ["get", "a"], 10, 20])", Type::number()), "");
    EXPECT_EQ(error_of(R"(["coalesce", ["step", ["zoom"], 1, 5, 2], 3])"), "");
    EXPECT_EQ(error_of(R"(["let", "w", 2, ["interpolate", ["linear"], ["zoom"], 0, ["var", "w"], 10, 20]])"), "");
}

TEST(ExpressionErrors, EvaluationNeverThrows) {
    Diagnostics d;
    auto e = compile_json(R"(["at", ["get", "i"], ["array", ["get", "a"]]])", d);
    ASSERT_TRUE(e) << d.format();
    struct F : FeatureView {
        Object p;
        std::optional<Value> property(const std::string& n) const override {
            auto it = p.find(n);
            return it == p.end() ? std::nullopt : std::optional<Value>(it->second);
        }
        Object properties() const override { return p; }
        Value id() const override { return {}; }
        std::string geometry_type() const override { return "Point"; }
    } f;
    f.p = {{"i", 1.5}, {"a", Array{1.0, 2.0, 3.0}}};
    Result r = e->evaluate({0, &f});
    EXPECT_FALSE(r);
    EXPECT_EQ(r.error, "Array index must be an integer, but found 1.5 instead.");
    f.p = {{"i", 0.0}, {"a", "text"}};
    r = e->evaluate({0, &f});
    EXPECT_EQ(r.error, "Expected value to be of type array, but found string instead.");
    // No feature at all: get gives null.
    r = e->evaluate({});
    EXPECT_EQ(r.error, "Expected value to be of type number, but found null instead.");
}

TEST(ExpressionErrors, EvalToolReportsPerLine) {
    std::istringstream in("{\"properties\": {\"n\": 2}}\nnot json {\n\n{\"properties\": {\"n\": \"x\"}}\n[1]\n");
    std::ostringstream out, err;
    EXPECT_EQ(run_style_eval(R"(["*", ["get", "n"], 2])", in, out, err), 0);
    EXPECT_EQ(out.str(),
              "4\n"
              "{\"error\":\"line 2: expected a JSON object, found string \\\"not json {\\\"\"}\n"
              "{\"error\":\"Expected value to be of type number, but found string instead.\"}\n"
              "{\"error\":\"line 5: expected a JSON object, found array of 1\"}\n");
    std::istringstream none;
    std::ostringstream out2, err2;
    EXPECT_EQ(run_style_eval(R"(["concatt", 1])", none, out2, err2), 1);
    EXPECT_NE(err2.str().find("Unknown expression \"concatt\""), std::string::npos);
    EXPECT_NE(err2.str().find(":1:2:"), std::string::npos);
}

TEST(ExpressionErrors, EvalToolCasesAnswerALinePerCaseInOrder) {
    std::istringstream in(
        R"({"expression": ["*", ["get", "n"], 2], "inputs": [{"properties": {"n": 2}}, {"properties": {"n": "x"}}, 3]})"
        "\n\n"
        R"({"expression": ["concatt", 1], "inputs": [{}]})"
        "\n"
        R"({"inputs": []})"
        "\n"
        R"({"expression": ["step", ["zoom"], 0, 3, 1], "inputs": [{"zoom": 4}, {"zoom": "high"}]})"
        "\n"
        R"({"expression": ["+", 1, 2]})"
        "\n");
    std::ostringstream out;
    EXPECT_EQ(run_style_eval_cases(in, out), 0);
    std::istringstream lines(out.str());
    std::vector<std::string> answers;
    for (std::string line; std::getline(lines, line);) answers.push_back(line);
    ASSERT_EQ(answers.size(), 5u) << out.str();
    EXPECT_EQ(answers[0],
              "{\"results\":[4,"
              "{\"error\":\"Expected value to be of type number, but found string instead.\"},"
              "{\"error\":\"line 1: expected a JSON object, found number 3\"}]}");
    // The compile error names the case's line and the column in it.
    EXPECT_NE(answers[1].find("compile_error"), std::string::npos) << answers[1];
    EXPECT_NE(answers[1].find("line 3:1:17:"), std::string::npos) << answers[1];
    EXPECT_NE(answers[1].find("Unknown expression \\\"concatt\\\""), std::string::npos) << answers[1];
    EXPECT_NE(answers[2].find("{\"error\":\"line 4: expected {\\\"expression\\\""), std::string::npos) << answers[2];
    EXPECT_EQ(answers[3],
              "{\"results\":[1,{\"error\":\"line 5: \\\"zoom\\\" must be a number, found string \\\"high\\\"\"}]}");
    EXPECT_EQ(answers[4], "{\"results\":[]}");
}

// Spec operators Cartelier does not implement. If one of them becomes supported, this test fails so that
// the list (and the documentation) is updated.
TEST(ExpressionErrors, UnsupportedOperatorsAreListed) {
    const std::vector<std::string> unsupported = {
        "collator", "resolved-locale", "image", "interpolate-hcl", "interpolate-lab", "within",
        "distance", "feature-state", "heatmap-density", "line-progress", "accumulated", "elevation",
        "is-supported-script", "error", "semiliteral"};
    const auto& supported = supported_operators();
    for (const auto& op : unsupported) {
        EXPECT_EQ(std::count(supported.begin(), supported.end(), op), 0) << op << " is now supported: update the list";
        EXPECT_EQ(error_of("[\"" + op + "\", 1]").rfind("Unknown expression", 0), 0u) << op;
    }
    for (const char* op : {"literal", "get", "has", "properties", "id", "geometry-type", "zoom", "let", "var", "==",
                           "!=", "<", "<=", ">", ">=", "all", "any", "!", "case", "match", "coalesce", "step",
                           "interpolate", "+", "-", "*", "/", "%", "^", "abs", "round", "floor", "ceil", "min", "max",
                           "sqrt", "ln", "log10", "length", "at", "in", "index-of", "slice", "concat", "upcase",
                           "downcase", "to-string", "to-number", "to-boolean", "to-color", "string", "number",
                           "boolean", "typeof", "rgb", "rgba", "number-format", "format", "e", "pi", "ln2", "array", "object",
                           "to-rgba", "global-state"})
        EXPECT_EQ(std::count(supported.begin(), supported.end(), op), 1) << op;
}
