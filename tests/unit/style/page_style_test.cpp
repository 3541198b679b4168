// The page elements' look from the style's root metadata "cartelier:page": defaults (the values the
// layout always drew with), overrides in the style's unit, and errors with file, line, column and path.
#include <gtest/gtest.h>

#include "style/style.hpp"
#include "test_paths.hpp"

namespace cartelier::style {
namespace {

Style with_metadata(const std::string& metadata) {
    return parse_style(doc::load_string(
        "{\"version\": 8, \"metadata\": " + metadata +
            ",\n\"sources\": {\"p\": {\"type\": \"vector\", \"url\": \"cartelier://project\"}}, \"layers\": []}",
        "page.json"));
}

Diagnostics errors_of(const std::string& metadata) {
    try {
        with_metadata(metadata);
    } catch (const Error& e) {
        return e.diagnostics();
    }
    ADD_FAILURE() << "accepted: " << metadata;
    return {};
}

Color grey(double v) { return Color{v, v, v, 1}; }

TEST(PageStyle, DefaultsAreTheLayoutsFormerConstants) {
    Style s = with_metadata("{}");
    const PageStyle& p = s.page;
    EXPECT_TRUE(p.title.text_font.empty());
    EXPECT_EQ(p.title.weight, "Bold");
    EXPECT_EQ(p.title.text_size_pt, 17);
    EXPECT_EQ(p.title.text_color, grey(0.1));
    EXPECT_EQ(p.subtitle.weight, "Book");
    EXPECT_EQ(p.subtitle.text_size_pt, 10);
    EXPECT_EQ(p.subtitle.text_color, grey(0.3));
    EXPECT_EQ(p.credits.text_size_pt, 6.5);
    EXPECT_EQ(p.credits.text_color, grey(0.35));
    EXPECT_EQ(p.legend.background_opacity, 0.92);
    EXPECT_EQ(p.legend.line_color, grey(0.55));
    EXPECT_EQ(p.legend.line_width_pt, 0.4);
    EXPECT_EQ(p.legend_title.text_size_pt, 9);
    EXPECT_EQ(p.legend_heading.weight, "Bold");
    EXPECT_EQ(p.legend_label.text_color, grey(0.13));
    EXPECT_EQ(p.legend_swatch.line_color, grey(0.6));
    EXPECT_EQ(p.scale_bar.text_size_pt, 6.5);
    EXPECT_EQ(p.inset_scale_bar.text_size_pt, 5.5);
    EXPECT_EQ(p.scale_bar.background_opacity, 0.85);
    EXPECT_EQ(p.north_arrow.weight, "Bold");
    EXPECT_EQ(p.north_arrow.line_width_pt, 0.5);
    EXPECT_EQ(p.frame.line_color, grey(0.25));
    EXPECT_EQ(p.frame.line_width_pt, 0.6);
    EXPECT_EQ(p.inset_frame.line_width_pt, 0.5);
    EXPECT_EQ(p.inset_name.background_opacity, 0.9);
    EXPECT_EQ(p.zoom_box.line_width_pt, 0.5);
    // The documented spelling of the greys is exact.
    EXPECT_EQ(Color::parse("rgb(10%, 10%, 10%)"), grey(0.1));
    EXPECT_EQ(Color::parse("rgb(13%, 13%, 13%)"), grey(0.13));
}

TEST(PageStyle, OverridesInTheStylesUnit) {
    Style s = with_metadata(R"json({"cartelier:units": "px", "cartelier:page": {
        "title": {"text-color": "#c0392b", "text-size": 24, "text-font": ["DejaVu Serif Bold", "DejaVu Sans Bold"]},
        "credits": {"text-font": "DejaVu Sans Oblique"},
        "legend": {"background-color": "navy", "background-opacity": 0.5, "line-width": 2},
        "frame": {"line-color": "rgba(0, 0, 0, 0.5)"}}})json");
    EXPECT_EQ(s.page.title.text_color, *Color::parse("#c0392b"));
    EXPECT_DOUBLE_EQ(s.page.title.text_size_pt, 18);  // 24 px = 18 pt
    EXPECT_EQ(s.page.title.text_font, (std::vector<std::string>{"DejaVu Serif Bold", "DejaVu Sans Bold"}));
    EXPECT_EQ(s.page.credits.text_font, std::vector<std::string>{"DejaVu Sans Oblique"});
    EXPECT_EQ(s.page.legend.background_color, *Color::parse("navy"));
    EXPECT_EQ(s.page.legend.background_opacity, 0.5);
    EXPECT_DOUBLE_EQ(s.page.legend.line_width_pt, 1.5);
    EXPECT_EQ(s.page.frame.line_color.a, 0.5);
    EXPECT_EQ(s.page.subtitle.text_color, grey(0.3)) << "untouched elements keep their defaults";
}

TEST(PageStyle, ErrorsNameTheValue) {
    Diagnostics d = errors_of(R"({"cartelier:page": {
  "titel": {"text-color": "red"},
  "title": {"text-colour": "red", "text-size": -1, "text-font": [3]},
  "legend": {"text-color": "red", "background-color": "redish", "background-opacity": 2},
  "frame": "grey"}})");
    const std::string all = d.format();
    EXPECT_EQ(d.error_count(), 8u) << all;
    EXPECT_NE(all.find("page.json:2:3: error: metadata.cartelier:page.titel: unknown page element 'titel'"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("(did you mean 'title'?)"), std::string::npos) << all;
    EXPECT_NE(all.find("page.json:3:13: error: metadata.cartelier:page.title.text-colour: unknown property "
                       "'text-colour' of the page element 'title' (it accepts text-font, text-size and text-color) "
                       "(did you mean 'text-color'?)"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("metadata.cartelier:page.title.text-size: expected a positive number (in the style's unit, "
                       "\"cartelier:units\"), found number -1"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("metadata.cartelier:page.title.text-font: expected a font stack"), std::string::npos) << all;
    EXPECT_NE(all.find("metadata.cartelier:page.legend.text-color: unknown property 'text-color' of the page element "
                       "'legend'"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("metadata.cartelier:page.legend.background-color: expected a CSS colour"), std::string::npos)
        << all;
    EXPECT_NE(all.find("found string \"redish\""), std::string::npos) << all;
    EXPECT_NE(all.find("metadata.cartelier:page.legend.background-opacity: expected a number between 0 and 1, found "
                       "number 2"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("metadata.cartelier:page.frame: expected an object of properties"), std::string::npos) << all;
}

TEST(PageStyle, AMisspeltCartelierKeyIsAWarning) {
    Diagnostics warnings;
    parse_style(doc::load_string(R"({"version": 8, "metadata": {"cartelier:pgae": {}, "maputnik:renderer": "mlgljs"},
"sources": {}, "layers": []})",
                                 "w.json"),
                &warnings);
    ASSERT_EQ(warnings.items().size(), 1u) << warnings.format();
    EXPECT_NE(warnings.items()[0].format().find("metadata.cartelier:pgae: unknown Cartelier metadata key "
                                                "'cartelier:pgae'"),
              std::string::npos)
        << warnings.format();
    EXPECT_NE(warnings.items()[0].format().find("did you mean 'cartelier:page'?"), std::string::npos);
}

}  // namespace

// Issue 18: label placement settings, "cartelier:labels".
TEST(LabelSettings, DefaultsAndValues) {
    const Style plain = with_metadata("{}");
    EXPECT_EQ(plain.labels.max_displacement_mm, 10);
    EXPECT_FALSE(plain.labels.number_overflow);
    const Style s = with_metadata(R"({"cartelier:units": "px", "cartelier:labels": {"max-displacement-mm": 6.5, "overflow": "number"}})");
    EXPECT_EQ(s.labels.max_displacement_mm, 6.5);  // in mm whatever the style's unit
    EXPECT_TRUE(s.labels.number_overflow);
    EXPECT_FALSE(with_metadata(R"({"cartelier:labels": {"overflow": "unplaced"}})").labels.number_overflow);
}

TEST(LabelSettings, ErrorsNameTheValue) {
    const std::string all =
        errors_of(R"({"cartelier:labels": {"overflow": "numbers", "max-displacement-mm": -2, "max-displacment-mm": 3}})")
            .format();
    EXPECT_NE(all.find("metadata.cartelier:labels.overflow: expected what becomes of a label with no room"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("(did you mean 'number'?)"), std::string::npos) << all;
    EXPECT_NE(all.find("metadata.cartelier:labels.max-displacement-mm: expected the furthest a displaced label may be "
                       "from its point, in mm (a number above 0, at most 100), found number -2"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("unknown label setting 'max-displacment-mm'"), std::string::npos) << all;
    EXPECT_NE(errors_of(R"({"cartelier:labels": "number"})").format().find("expected an object of label settings"),
              std::string::npos);
}

}  // namespace cartelier::style
