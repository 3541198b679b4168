// CSS colour parsing and printing, as the MapLibre style spec (parse_css_color, Color.toString).
#include <gtest/gtest.h>

#include "style/color.hpp"

using cartelier::style::Color;

namespace {
std::string css(const std::string& s) {
    auto c = Color::parse(s);
    return c ? c->to_string() : "none";
}
}  // namespace

TEST(Color, NamedColours) {
    EXPECT_EQ(css("red"), "rgba(255,0,0,1)");
    EXPECT_EQ(css("RebeccaPurple"), "rgba(102,51,153,1)");
    EXPECT_EQ(css("  lightgoldenrodyellow "), "rgba(250,250,210,1)");
    EXPECT_EQ(css("transparent"), "rgba(0,0,0,0)");
    EXPECT_EQ(css("yellowgreen"), "rgba(154,205,50,1)");
    EXPECT_EQ(css("aliceblue"), "rgba(240,248,255,1)");
    EXPECT_EQ(css("notacolour"), "none");
}

TEST(Color, Hex) {
    EXPECT_EQ(css("#f00"), "rgba(255,0,0,1)");
    EXPECT_EQ(css("#F008"), "rgba(255,0,0,0.5333333333333333)");
    EXPECT_EQ(css("#a1b2c3"), "rgba(161,178,195,1)");
    EXPECT_EQ(css("#11223380"), "rgba(17,34,51,0.5019607843137255)");
    EXPECT_EQ(css("#12345"), "none");
    EXPECT_EQ(css("#ggg"), "none");
}

TEST(Color, RgbFunctions) {
    EXPECT_EQ(css("rgb(10, 20, 30)"), "rgba(10,20,30,1)");
    EXPECT_EQ(css("rgba(10,20,30,0.25)"), "rgba(10,20,30,0.25)");
    EXPECT_EQ(css("rgb(10 20 30 / 50%)"), "rgba(10,20,30,0.5)");
    EXPECT_EQ(css("rgb(100%, 50%, 0%)"), "rgba(255,128,0,1)");
    EXPECT_EQ(css("rgb(300, -5, 20)"), "rgba(255,0,20,1)");  // clamped
    EXPECT_EQ(css("rgba(1, 2, 3, 7)"), "rgba(1,2,3,1)");
    EXPECT_EQ(css("rgb(10, 20 30)"), "none");  // commas all or none
    EXPECT_EQ(css("rgb(10%, 20, 30)"), "none");  // percentages all or none
    EXPECT_EQ(css("rgb(1,2)"), "none");
}

TEST(Color, HslFunctions) {
    EXPECT_EQ(css("hsl(120, 100%, 50%)"), "rgba(0,255,0,1)");
    EXPECT_EQ(css("hsla(240, 100%, 50%, 0.5)"), "rgba(0,0,255,0.5)");
    EXPECT_EQ(css("hsl(-120deg 100% 50%)"), "rgba(0,0,255,1)");
    EXPECT_EQ(css("hsl(0, 0%, 50%)"), "rgba(128,128,128,1)");
    EXPECT_EQ(css("hsl(0, 50, 50)"), "none");
}

TEST(Color, ParsedValuesAreStraightRgba) {
    auto c = Color::parse("rgba(51, 102, 153, 0.5)");
    ASSERT_TRUE(c);
    EXPECT_DOUBLE_EQ(c->r, 0.2);
    EXPECT_DOUBLE_EQ(c->g, 0.4);
    EXPECT_DOUBLE_EQ(c->b, 0.6);
    EXPECT_DOUBLE_EQ(c->a, 0.5);
}
