// ["format", …] (style/expression/format.cpp): a text in sections. As a whole it evaluates to the plain
// text of its sections; format_sections() gives each section's text and the options it sets, for the
// renderer; unsupported options and images are errors at their path; a constant format is not folded
// into its plain text.
#include <gtest/gtest.h>

#include "core/document.hpp"
#include "style/expression/expression.hpp"
#include "style/style.hpp"
#include "test_layers.hpp"

using namespace cartelier;
using namespace cartelier::style;
using namespace cartelier::style::expr;

namespace {

ExpressionPtr compile_format(const std::string& json, Diagnostics& d) {
    auto document = doc::load_string(json, "style.json");
    return compile(document.root, "style.json", "layers[0].layout.text-field", Type::string(), d);
}

}  // namespace

TEST(Format, SectionsWithTheirOptionsAndThePlainTextJoined) {
    Diagnostics d;
    const auto e = compile_format(R"(["format", ["get", "nom"], {"font-scale": 1.2, "text-font": ["literal", ["DejaVu Sans Bold"]]},
                                      "\n", {}, ["get", "pop"], {"text-color": "#cc0000"}])",
                                  d);
    ASSERT_TRUE(e) << d.format();
    const test::MapFeature brest({{"nom", expr::Value("Brest")}, {"pop", expr::Value(139926.0)}});
    const EvaluationContext ctx{6, &brest};
    const Result joined = e->evaluate(ctx);
    ASSERT_TRUE(joined) << joined.error;
    EXPECT_EQ(*joined.value->as_string(), "Brest\n139926");
    const auto sections = format_sections(*e, ctx);
    ASSERT_TRUE(sections.has_value());
    ASSERT_EQ(sections->size(), 3u);
    EXPECT_EQ((*sections)[0].text, "Brest");
    EXPECT_EQ((*sections)[0].font_scale, 1.2);
    EXPECT_EQ((*sections)[0].text_font, (std::vector<std::string>{"DejaVu Sans Bold"}));
    EXPECT_FALSE((*sections)[0].text_color.has_value());
    EXPECT_EQ((*sections)[1].text, "\n");
    EXPECT_FALSE((*sections)[1].font_scale.has_value());
    EXPECT_EQ((*sections)[2].text, "139926");  // a number, as text
    ASSERT_TRUE((*sections)[2].text_color.has_value());
    EXPECT_NEAR((*sections)[2].text_color->r, 0.8, 1e-9);
    // Not a format: no sections.
    const auto plain = compile_format(R"(["get", "nom"])", d);
    EXPECT_FALSE(format_sections(*plain, ctx).has_value());
}

TEST(Format, AConstantFormatKeepsItsSections) {
    Diagnostics d;
    const auto e = compile_format(R"(["format", "Grand", {"font-scale": 2}, " petit"])", d);
    ASSERT_TRUE(e) << d.format();
    const auto sections = format_sections(*e, EvaluationContext{});
    ASSERT_TRUE(sections.has_value());  // not folded into the literal "Grand petit"
    ASSERT_EQ(sections->size(), 2u);
    EXPECT_EQ((*sections)[0].font_scale, 2.0);
    EXPECT_EQ(*e->evaluate(EvaluationContext{}).value->as_string(), "Grand petit");
}

TEST(Format, UnsupportedOptionsAndMissingTextsAreErrorsAtTheirPath) {
    Diagnostics d;
    EXPECT_FALSE(compile_format(R"(["format", "A", {"vertical-align": "top"}])", d));
    EXPECT_NE(d.format().find("style.json:1:17: error: layers[0].layout.text-field[2]: format option \"vertical-align\" "
                              "is not supported by Cartelier"),
              std::string::npos)
        << d.format();
    Diagnostics e;
    EXPECT_FALSE(compile_format(R"(["format"])", e));
    EXPECT_NE(e.format().find("Expected at least one argument."), std::string::npos) << e.format();
    Diagnostics f;
    EXPECT_FALSE(compile_format(R"(["format", "A", {"font-scale": "big"}])", f));
    EXPECT_NE(f.format().find("layers[0].layout.text-field[2].font-scale"), std::string::npos) << f.format();
}

TEST(Format, AStyleLabelsWithIt) {
    const Style s = parse_style(doc::load_string(
        R"({"version": 8, "sources": {"p": {"type": "vector", "url": "cartelier://project"}},
            "layers": [{"id": "l", "type": "symbol", "source": "p", "source-layer": "x",
                        "layout": {"text-field": ["format", ["get", "nom"], {"font-scale": 1.5}]}}]})",
        "style.json"));
    const test::MapFeature f({{"nom", expr::Value("Quimper")}});
    EXPECT_EQ(s.layers[0].string(Prop::TextField, EvaluationContext{6, &f}), "Quimper");
    ASSERT_TRUE(format_sections(*s.layers[0].expression(Prop::TextField), EvaluationContext{6, &f}).has_value());
}
