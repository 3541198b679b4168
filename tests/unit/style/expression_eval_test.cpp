// Evaluation of every supported operator (values as the MapLibre reference gives them).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/document.hpp"
#include "style/expression/expression.hpp"
#include "style/expression/match.hpp"
#include "style/expression/step.hpp"

using namespace cartelier;
using namespace cartelier::style;
using namespace cartelier::style::expr;

namespace {

class TestFeature : public FeatureView {
public:
    explicit TestFeature(Object props, Value id = {}, std::string type = "Point")
        : props_(std::move(props)), id_(std::move(id)), type_(std::move(type)) {}
    std::optional<Value> property(const std::string& name) const override {
        auto it = props_.find(name);
        if (it == props_.end()) return std::nullopt;
        return it->second;
    }
    Object properties() const override { return props_; }
    Value id() const override { return id_; }
    std::string geometry_type() const override { return type_; }

private:
    Object props_;
    Value id_;
    std::string type_;
};

ExpressionPtr compile_json(const std::string& json, Diagnostics& d, std::optional<Type> expected = std::nullopt) {
    auto document = doc::load_string(json, "style.json");
    return compile(document.root, "style.json", "layers[0].paint.circle-color", std::move(expected), d);
}

Result eval(const std::string& json, const Object& props = {}, double zoom = 0, Value id = {}) {
    Diagnostics d;
    auto e = compile_json(json, d);
    if (!e) return Result::fail("COMPILE: " + d.format());
    TestFeature f(props, std::move(id));
    EvaluationContext ctx{zoom, &f};
    return e->evaluate(ctx);
}

std::string json(const std::string& expression, const Object& props = {}, double zoom = 0) {
    Result r = eval(expression, props, zoom);
    return r ? r.value->to_json() : "ERROR " + r.error;
}

const Object kProps = {{"n", 7.0},           {"s", "Alpha"},  {"b", true},
                       {"z", Value{}},       {"arr", Array{1.0, 2.0, 3.0}},
                       {"o", Object{{"k", "v"}}}, {"c", "#ff0000"}, {"ns", "12"}};

}  // namespace

TEST(ExpressionEval, LiteralsAndFeatureAccessors) {
    EXPECT_EQ(json("5"), "5");
    EXPECT_EQ(json(R"("text")"), R"("text")");
    EXPECT_EQ(json(R"(["literal", [1, "a", null]])"), R"([1,"a",null])");
    EXPECT_EQ(json(R"(["literal", {"a": 1}])"), R"({"a":1})");
    EXPECT_EQ(json(R"(["get", "n"])", kProps), "7");
    EXPECT_EQ(json(R"(["get", "missing"])", kProps), "null");
    EXPECT_EQ(json(R"(["get", "k", ["object", ["get", "o"]]])", kProps), R"("v")");
    EXPECT_EQ(json(R"(["has", "z"])", kProps), "true");
    EXPECT_EQ(json(R"(["has", "missing"])", kProps), "false");
    EXPECT_EQ(json(R"(["properties"])", {{"a", 1.0}}), R"({"a":1})");
    EXPECT_EQ(json(R"(["geometry-type"])"), R"("Point")");
    Result id = eval(R"(["id"])", {}, 0, Value("f-1"));
    ASSERT_TRUE(id);
    EXPECT_EQ(*id.value, Value("f-1"));
}

TEST(ExpressionEval, LetVar) {
    EXPECT_EQ(json(R"(["let", "a", ["get", "n"], ["*", ["var", "a"], 2]])", kProps), "14");
    EXPECT_EQ(json(R"(["let", "a", 1, ["let", "a", 5, ["var", "a"]]])"), "5");
}

TEST(ExpressionEval, Comparisons) {
    EXPECT_EQ(json(R"(["==", ["get", "s"], "Alpha"])", kProps), "true");
    EXPECT_EQ(json(R"(["!=", ["get", "n"], 7])", kProps), "false");
    EXPECT_EQ(json(R"(["<", ["get", "n"], 10])", kProps), "true");
    EXPECT_EQ(json(R"([">=", ["get", "s"], "Beta"])", kProps), "false");
    EXPECT_EQ(json(R"(["==", ["get", "z"], null])", kProps), "true");
    // Untyped on both sides: checked at run time.
    EXPECT_EQ(json(R"(["<", ["get", "n"], ["get", "s"]])", kProps),
              R"(ERROR Expected arguments for "<" to be (string, string) or (number, number), but found (number, string) instead.)");
    // One side typed: the other is asserted.
    EXPECT_EQ(json(R"(["<", ["get", "s"], 3])", kProps),
              "ERROR Expected value to be of type number, but found string instead.");
}

TEST(ExpressionEval, Logic) {
    EXPECT_EQ(json(R"(["all", ["get", "b"], ["has", "n"]])", kProps), "true");
    EXPECT_EQ(json(R"(["any", ["has", "missing"], false])", kProps), "false");
    EXPECT_EQ(json(R"(["all"])"), "true");
    EXPECT_EQ(json(R"(["any"])"), "false");
    EXPECT_EQ(json(R"(["!", ["get", "b"]])", kProps), "false");
    // Short-circuit: the failing assertion is never evaluated.
    EXPECT_EQ(json(R"(["any", true, ["boolean", ["get", "s"]]])", kProps), "true");
}

TEST(ExpressionEval, CaseMatchCoalesce) {
    EXPECT_EQ(json(R"(["case", ["has", "missing"], "a", ["has", "n"], "b", "c"])", kProps), R"("b")");
    EXPECT_EQ(json(R"(["match", ["get", "s"], "Alpha", 1, ["Beta", "Gamma"], 2, 0])", kProps), "1");
    EXPECT_EQ(json(R"(["match", ["get", "n"], [1, 7], "hit", "miss"])", kProps), R"("hit")");
    // A string "7" does not match the number label 7.
    EXPECT_EQ(json(R"(["match", ["get", "x"], 7, "hit", "miss"])", {{"x", "7"}}), R"("miss")");
    EXPECT_EQ(json(R"(["coalesce", ["get", "missing"], ["get", "z"], ["get", "s"]])", kProps), R"("Alpha")");
    EXPECT_EQ(json(R"(["coalesce", ["get", "missing"]])", kProps), "null");
}

TEST(ExpressionEval, StepAndInterpolate) {
    const char* step = R"(["step", ["get", "n"], "a", 0, "b", 10, "c"])";
    EXPECT_EQ(json(step, {{"n", -1.0}}), R"("a")");
    EXPECT_EQ(json(step, {{"n", 0.0}}), R"("b")");
    EXPECT_EQ(json(step, {{"n", 9.9}}), R"("b")");
    EXPECT_EQ(json(step, {{"n", 10.0}}), R"("c")");
    EXPECT_EQ(json(R"(["interpolate", ["linear"], ["zoom"], 0, 0, 10, 100])", {}, 2.5), "25");
    EXPECT_EQ(json(R"(["interpolate", ["linear"], ["zoom"], 0, 0, 10, 100])", {}, 20), "100");
    EXPECT_EQ(json(R"(["interpolate", ["exponential", 2], ["zoom"], 0, 0, 2, 30])", {}, 1), "10");
    EXPECT_EQ(json(R"(["interpolate", ["linear"], ["zoom"], 0, ["to-color", "black"], 10, ["to-color", "white"]])", {}, 5),
              "\"rgba(128,128,128,1)\"");
    EXPECT_EQ(json(R"(["interpolate", ["linear"], ["zoom"], 0, ["literal", [0, 10]], 10, ["literal", [10, 0]]])", {}, 5),
              "[5,5]");
    Result bezier = eval(R"(["interpolate", ["cubic-bezier", 0.42, 0, 0.58, 1], ["zoom"], 0, 0, 10, 100])", {}, 5);
    ASSERT_TRUE(bezier);
    EXPECT_NEAR(*bezier.value->as_number(), 50, 1e-6);
}

TEST(ExpressionEval, Math) {
    EXPECT_EQ(json(R"(["+", 1, 2, 3])"), "6");
    EXPECT_EQ(json(R"(["-", 5])"), "-5");
    EXPECT_EQ(json(R"(["-", 5, 7])"), "-2");
    EXPECT_EQ(json(R"(["*", ["get", "n"], 2])", kProps), "14");
    EXPECT_EQ(json(R"(["/", 1, 4])"), "0.25");
    EXPECT_EQ(json(R"(["%", 7, 3])"), "1");
    EXPECT_EQ(json(R"(["^", 2, 10])"), "1024");
    EXPECT_EQ(json(R"(["abs", -3])"), "3");
    EXPECT_EQ(json(R"(["round", 2.5])"), "3");
    EXPECT_EQ(json(R"(["round", -2.5])"), "-3");
    EXPECT_EQ(json(R"(["floor", -1.5])"), "-2");
    EXPECT_EQ(json(R"(["ceil", 1.2])"), "2");
    EXPECT_EQ(json(R"(["min", 3, 1, 2])"), "1");
    EXPECT_EQ(json(R"(["max", 3, 1, 2])"), "3");
    EXPECT_EQ(json(R"(["sqrt", 16])"), "4");
    EXPECT_EQ(json(R"(["ln", ["e"]])"), "1");
    EXPECT_EQ(json(R"(["log10", 1000])"), "2.9999999999999996");  // Math.log(x) / Math.LN10, as the reference
    EXPECT_EQ(json(R"(["pi"])"), "3.141592653589793");
    EXPECT_EQ(json(R"(["ln2"])"), "0.6931471805599453");
    EXPECT_EQ(json(R"(["/", 1, 0])"), "null");  // Infinity prints as null in JSON
}

TEST(ExpressionEval, StringsAndArrays) {
    EXPECT_EQ(json(R"(["length", ["get", "s"]])", kProps), "5");
    EXPECT_EQ(json(R"(["length", ["get", "arr"]])", kProps), "3");
    EXPECT_EQ(json(R"(["length", "Ünï"])"), "3");
    EXPECT_EQ(json(R"(["at", 1, ["get", "arr"]])", kProps), "2");
    EXPECT_EQ(json(R"(["at", 3, ["get", "arr"]])", kProps), "ERROR Array index out of bounds: 3 > 2.");
    EXPECT_EQ(json(R"(["in", "lph", ["get", "s"]])", kProps), "true");
    EXPECT_EQ(json(R"(["in", 2, ["get", "arr"]])", kProps), "true");
    EXPECT_EQ(json(R"(["index-of", "p", ["get", "s"]])", kProps), "2");
    EXPECT_EQ(json(R"(["index-of", 3, ["get", "arr"]])", kProps), "2");
    EXPECT_EQ(json(R"(["index-of", "ö", "Ünïcödé"])"), "4");
    EXPECT_EQ(json(R"(["slice", ["get", "s"], 1, 3])", kProps), R"("lp")");
    EXPECT_EQ(json(R"(["slice", ["get", "arr"], -2])", kProps), "[2,3]");
    EXPECT_EQ(json(R"(["concat", ["get", "s"], "-", ["get", "n"], ["get", "z"], ["get", "b"]])", kProps),
              R"("Alpha-7true")");
    EXPECT_EQ(json(R"(["upcase", ["get", "s"]])", kProps), R"("ALPHA")");
    EXPECT_EQ(json(R"(["downcase", ["get", "s"]])", kProps), R"("alpha")");
}

// "slice" and "length" count code points (JavaScript's [...s]); ASCII text takes a shortcut (one byte per
// code point), which must give what the code points give: the same text with one letter made non-ASCII
// gives, letter for letter, the same slices.
TEST(ExpressionEval, SlicesOfAsciiTextAreThoseOfItsCodePoints) {
    const std::string ascii = "2A004", accented = "2Ä004";  // the same with a two-byte second letter
    for (int begin = -7; begin <= 7; ++begin)
        for (int end = -7; end <= 8; ++end) {
            const std::string a = json(fmt::format(R"(["slice", "{}", {}, {}])", ascii, begin, end));
            std::string b = json(fmt::format(R"(["slice", "{}", {}, {}])", accented, begin, end));
            const std::size_t at = b.find("Ä");
            if (at != std::string::npos) b.replace(at, std::string("Ä").size(), "A");
            EXPECT_EQ(a, b) << begin << " " << end;
        }
    EXPECT_EQ(json(R"(["slice", "97411", 0, 3])"), R"("974")");
    EXPECT_EQ(json(R"(["slice", "97411", -2])"), R"("11")");
    EXPECT_EQ(json(R"(["slice", "abc", 2, 1])"), R"("")");
    EXPECT_EQ(json(R"(["length", "2A004"])"), "5");
    EXPECT_EQ(json(R"(["length", "2Ä004"])"), "5");
}

TEST(ExpressionEval, TypesAndConversions) {
    EXPECT_EQ(json(R"(["to-string", ["get", "n"]])", kProps), R"("7")");
    EXPECT_EQ(json(R"(["to-string", 1e21])"), R"("1e+21")");
    EXPECT_EQ(json(R"(["to-string", 0.1])"), R"("0.1")");
    EXPECT_EQ(json(R"(["to-string", ["get", "arr"]])", kProps), R"("[1,2,3]")");
    EXPECT_EQ(json(R"(["to-string", ["to-color", "red"]])"), "\"rgba(255,0,0,1)\"");
    EXPECT_EQ(json(R"(["to-number", ["get", "ns"]])", kProps), "12");
    EXPECT_EQ(json(R"(["to-number", "0x1f"])"), "31");
    EXPECT_EQ(json(R"(["to-number", ["get", "z"]])", kProps), "0");
    EXPECT_EQ(json(R"(["to-number", ["get", "s"], -1])", kProps), "-1");
    EXPECT_EQ(json(R"(["to-number", ["get", "s"]])", kProps), R"(ERROR Could not convert "Alpha" to number.)");
    EXPECT_EQ(json(R"(["to-boolean", ["get", "s"]])", kProps), "true");
    EXPECT_EQ(json(R"(["to-boolean", ""])"), "false");
    EXPECT_EQ(json(R"(["to-color", ["get", "c"]])", kProps), "\"rgba(255,0,0,1)\"");
    EXPECT_EQ(json(R"(["to-color", ["get", "s"]])", kProps), "ERROR Could not parse color from value 'Alpha'");
    EXPECT_EQ(json(R"~(["to-rgba", ["to-color", "rgba(10, 20, 30, 0.5)"]])~"), "[10,20,30,0.5]");
    EXPECT_EQ(json(R"(["rgb", 0, 128, 255])"), "\"rgba(0,128,255,1)\"");
    EXPECT_EQ(json(R"(["rgba", 0, 0, 0, ["/", ["get", "n"], 10]])", kProps), "\"rgba(0,0,0,0.7)\"");
    EXPECT_EQ(json(R"(["typeof", ["get", "arr"]])", kProps), R"("array<number, 3>")");
    EXPECT_EQ(json(R"(["typeof", ["get", "o"]])", kProps), R"("object")");
    EXPECT_EQ(json(R"(["string", ["get", "n"], ["get", "s"]])", kProps), R"("Alpha")");
    EXPECT_EQ(json(R"(["number", ["get", "s"]])", kProps),
              "ERROR Expected value to be of type number, but found string instead.");
    EXPECT_EQ(json(R"(["array", "number", 3, ["get", "arr"]])", kProps), "[1,2,3]");
    EXPECT_EQ(json(R"(["array", "string", ["get", "arr"]])", kProps),
              "ERROR Expected value to be of type array<string>, but found array<number, 3> instead.");
    // A length beyond any array (found by fuzz_expression: a float-to-size_t overflow) parses, matches nothing.
    EXPECT_EQ(json(R"(["array", "number", 7.77778e+30, ["get", "arr"]])", kProps).rfind("ERROR Expected value", 0), 0u);
    EXPECT_EQ(json(R"(["array", "number", 1e300, ["get", "arr"]])", kProps).rfind("ERROR", 0), 0u);
}

TEST(ExpressionEval, NumberFormat) {
    EXPECT_EQ(json(R"(["number-format", 1234.5678, {}])"), R"("1,234.568")");
    EXPECT_EQ(json(R"(["number-format", 1234.5678, {"max-fraction-digits": 1}])"), R"("1,234.6")");
    EXPECT_EQ(json(R"(["number-format", 3, {"min-fraction-digits": 2}])"), R"("3.00")");
    EXPECT_EQ(json(R"(["number-format", 1.005, {"max-fraction-digits": 2}])"), R"("1.01")");
    EXPECT_EQ(json(R"(["number-format", 1234.5, {"locale": "de-DE"}])"), R"("1.234,5")");
    EXPECT_EQ(json(R"(["number-format", 1234.5, {"currency": "USD"}])"), R"("$1,234.50")");
    EXPECT_EQ(json(R"(["number-format", ["get", "n"], {"max-fraction-digits": 0}])", kProps), R"("7")");
}

TEST(ExpressionEval, ZoomInput) {
    EXPECT_EQ(json(R"(["step", ["zoom"], "small", 5, "medium", 12, "large"])", {}, 4.9), R"("small")");
    EXPECT_EQ(json(R"(["step", ["zoom"], "small", 5, "medium", 12, "large"])", {}, 12), R"("large")");
}

TEST(ExpressionEval, ConstantFoldingAndConstancy) {
    Diagnostics d;
    auto folded = compile_json(R"(["+", 1, ["*", 2, 3]])", d);
    ASSERT_TRUE(folded);
    EXPECT_EQ(folded->op(), "literal");
    auto data = compile_json(R"(["+", 1, ["get", "n"]])", d);
    ASSERT_TRUE(data);
    EXPECT_FALSE(data->is_feature_constant());
    EXPECT_TRUE(data->is_zoom_constant());
    auto zoom = compile_json(R"(["interpolate", ["linear"], ["zoom"], 0, 1, 10, 2])", d);
    ASSERT_TRUE(zoom);
    EXPECT_TRUE(zoom->is_feature_constant());
    EXPECT_FALSE(zoom->is_zoom_constant());
    EXPECT_FALSE(d.has_errors());
}

TEST(ExpressionEval, MatchAndStepViews) {
    Diagnostics d;
    auto m = compile_json(R"(["match", ["get", "kind"], ["a", "b"], "red", "c", "blue", "gray"])", d,
                          Type::color());
    ASSERT_TRUE(m) << d.format();
    auto view = dynamic_cast<const MatchView*>(m.get());
    ASSERT_NE(view, nullptr);
    auto branches = view->branches();
    ASSERT_EQ(branches.size(), 2u);
    EXPECT_EQ(branches[0].first, (std::vector<Value>{"a", "b"}));
    EXPECT_EQ(branches[1].first, (std::vector<Value>{"c"}));
    EXPECT_EQ(branches[0].second->type(), Type::color());
    EXPECT_EQ(view->input().op(), "get");
    Result other = view->otherwise().evaluate({});
    ASSERT_TRUE(other);
    EXPECT_EQ(other.value->to_json(), "\"rgba(128,128,128,1)\"");

    auto s = compile_json(R"(["step", ["get", "pop"], 2, 1000, 4, 100000, 8])", d, Type::number());
    ASSERT_TRUE(s) << d.format();
    auto steps = dynamic_cast<const StepView*>(s.get());
    ASSERT_NE(steps, nullptr);
    auto stops = steps->stops();
    ASSERT_EQ(stops.size(), 3u);
    EXPECT_TRUE(std::isinf(stops[0].first) && stops[0].first < 0);
    EXPECT_EQ(stops[1].first, 1000);
    EXPECT_EQ(stops[2].first, 100000);
}

TEST(ExpressionEval, ExpectedTypesInsertAnnotations) {
    Diagnostics d;
    // A string literal where a colour is expected becomes a colour at compile time.
    auto c = compile_json(R"("#00ff00")", d, Type::color());
    ASSERT_TRUE(c);
    EXPECT_EQ(c->type(), Type::color());
    EXPECT_EQ(c->op(), "literal");
    // ["get"] where a number is expected is asserted.
    auto n = compile_json(R"(["get", "x"])", d, Type::number());
    ASSERT_TRUE(n);
    EXPECT_EQ(n->op(), "number");
    TestFeature f(Object{{"x", "text"}});
    Result r = n->evaluate({0, &f});
    EXPECT_FALSE(r);
    EXPECT_EQ(r.error, "Expected value to be of type number, but found string instead.");
    // String properties coerce (to-string) as MapLibre does.
    auto s = compile_json(R"(["get", "x"])", d, Type::string());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->op(), "to-string");
    TestFeature g(Object{{"x", 5.0}});
    EXPECT_EQ(s->evaluate({0, &g}).value->to_json(), R"("5")");
    EXPECT_FALSE(d.has_errors());
}

// ["global-state", name]: the page's state (an atlas page's current feature), set per thread by a scope;
// null outside any scope or for a name it does not hold; never folded into a constant at parse time.
TEST(ExpressionEval, GlobalStateIsThePagesAndNeverFolded) {
    const std::string current = R"(["case", ["==", ["get", "code"], ["global-state", "atlas_id"]], "#c00000", "#cccccc"])";
    EXPECT_EQ(json(current, {{"code", "34"}}), "\"#cccccc\"");  // no page: null, so not the current one
    const Object page{{"atlas_id", "34"}, {"atlas_nom", "Hérault"}};
    {
        GlobalStateScope scope(&page);
        EXPECT_EQ(json(current, {{"code", "34"}}), "\"#c00000\"");
        EXPECT_EQ(json(current, {{"code", "30"}}), "\"#cccccc\"");
        EXPECT_EQ(json(R"(["global-state", "atlas_nom"])"), "\"Hérault\"");
        EXPECT_EQ(json(R"(["global-state", "absent"])"), "null");
        const Object other{{"atlas_id", "30"}};
        {
            GlobalStateScope inner(&other);  // scopes nest
            EXPECT_EQ(json(current, {{"code", "30"}}), "\"#c00000\"");
        }
        EXPECT_EQ(json(current, {{"code", "34"}}), "\"#c00000\"");
    }
    EXPECT_EQ(GlobalStateScope::current(), nullptr);
    // A feature-constant expression of global-state alone, compiled outside any scope, still reads the
    // page's state when evaluated (it was not folded to null when compiled).
    Diagnostics d;
    auto e = compile_json(R"(["concat", "Département ", ["global-state", "atlas_id"]])", d);
    ASSERT_TRUE(e) << d.format();
    EXPECT_TRUE(e->is_feature_constant());
    const Object p34{{"atlas_id", "34"}};
    GlobalStateScope scope(&p34);
    EXPECT_EQ(e->evaluate(EvaluationContext{0, nullptr}).value->to_json(), "\"Département 34\"");
}
