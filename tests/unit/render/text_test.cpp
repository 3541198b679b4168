// French text through Pango: accents, typographic apostrophes, non-breaking spaces, and long names
// wrapped on spaces or hyphens by text-max-width.
#include <gtest/gtest.h>

#include "render/cairo_handles.hpp"
#include "render/text.hpp"

using namespace cartelier;

namespace {

struct Page {
    render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 200)};
    render::ContextPtr cr{cairo_create(surface.get())};
};

render::TextStyle label(double max_width_em) {
    render::TextStyle t;
    t.size_pt = 7.5;
    t.max_width_em = max_width_em;
    return t;
}

/// Glyphs the font could not draw (shown as boxes).
int unknown_glyphs(cairo_t* cr, const std::string& text) {
    render::LayoutPtr layout(pango_cairo_create_layout(cr));
    auto desc = render::font_description({"DejaVu Sans Book"}, 7.5);
    pango_layout_set_font_description(layout.get(), desc.get());
    pango_layout_set_text(layout.get(), text.c_str(), -1);
    return pango_layout_get_unknown_glyphs_count(layout.get());
}

}  // namespace

TEST(Text, FrenchCharactersHaveGlyphs) {
    Page p;
    for (const char* s : {"Pointe-à-Pitre", "L’Haÿ-les-Roses", "Salins-Fontaine — Île-de-France", "Œuvre, ça, où, Ç, É",
                          "1\u202F500\u00A0000", "Communauté d’Agglomération"})
        EXPECT_EQ(unknown_glyphs(p.cr.get(), s), 0) << s;
    // Sanity: the check can fail (a private-use code point has no glyph in DejaVu Sans).
    EXPECT_GT(unknown_glyphs(p.cr.get(), "\uE000"), 0);
}

TEST(Text, LongNamesWrapOnSpacesAndHyphens) {
    Page p;
    render::TextBlock spaces(p.cr.get(), "Parc national des Forêts", label(8));
    EXPECT_GE(spaces.line_count(), 2);
    render::TextBlock hyphens(p.cr.get(), "Saint-Rémy-lès-Chevreuse", label(7));
    ASSERT_GE(hyphens.line_count(), 2);
    // Broken after a hyphen, never inside a word part.
    for (const auto& line : hyphens.lines()) {
        const std::string trimmed = line.substr(0, line.find_last_not_of(' ') + 1);
        EXPECT_TRUE(trimmed.back() == '-' || hyphens.lines().back() == line) << "line '" << line << "'";
    }
    render::TextBlock unwrapped(p.cr.get(), "Saint-Rémy-lès-Chevreuse", label(0));
    EXPECT_EQ(unwrapped.line_count(), 1);
    EXPECT_GT(unwrapped.width(), hyphens.width());
}

TEST(Text, NoBreakSpaceKeepsWordsTogether) {
    Page p;
    render::TextBlock plain(p.cr.get(), "Cayenne (973)", label(4));
    EXPECT_EQ(plain.line_count(), 2);  // a narrow width breaks at the space…
    render::TextBlock nbsp(p.cr.get(), "Cayenne\u00A0(973)", label(4));
    EXPECT_EQ(nbsp.line_count(), 1);  // …but not at a no-break space
}
