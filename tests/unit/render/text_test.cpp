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

namespace {

/// The pixels of `surface`, as bytes.
std::string pixels(cairo_surface_t* surface) {
    cairo_surface_flush(surface);
    return {reinterpret_cast<const char*>(cairo_image_surface_get_data(surface)),
            static_cast<std::size_t>(cairo_image_surface_get_stride(surface)) *
                static_cast<std::size_t>(cairo_image_surface_get_height(surface))};
}

/// A page at 200 dpi (a scaled transformation, as the PNG pages have).
struct ScaledPage {
    render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 600, 300)};
    render::ContextPtr cr{cairo_create(surface.get())};
    ScaledPage() { cairo_scale(cr.get(), 200.0 / 72, 200.0 / 72); }
};

}  // namespace

TEST(TextLayouts, KeptLayoutsAreLaidOutOnceAndNotAgainWhileTheContextStaysAsItWas) {
    ScaledPage p;
    render::TextLayouts texts(p.cr.get(), true);
    render::TextStyle a = label(0), b = label(0);
    b.size_pt = 9;
    PangoLayout* first = texts.layout("Béthune", a);
    EXPECT_EQ(texts.layout("Béthune", a), first);
    EXPECT_NE(texts.layout("Béthune", b), first);  // another size: another layout
    EXPECT_NE(texts.layout("Annezin", a), first);
    render::TextStyle colour = a;  // the colour and halo do not lay out: the same layout
    colour.color = {1, 0, 0, 1};
    colour.halo_width_pt = 1;
    EXPECT_EQ(texts.layout("Béthune", colour), first);
    EXPECT_EQ(texts.kept(), 3u);

    // Pango marks a context changed at each update, even to the same matrix; the layouts follow the
    // Cairo context only when it changed, so that a kept layout is not shaped again.
    PangoContext* context = pango_layout_get_context(first);
    const guint serial = pango_context_get_serial(context);
    texts.layout("Béthune", a);
    texts.follow(first);
    EXPECT_EQ(pango_context_get_serial(context), serial);
    cairo_save(p.cr.get());
    cairo_scale(p.cr.get(), 2, 2);
    texts.follow(first);
    EXPECT_NE(pango_context_get_serial(context), serial);
    cairo_restore(p.cr.get());
    const guint back = pango_context_get_serial(context);
    texts.follow(first);
    EXPECT_NE(pango_context_get_serial(context), back);  // back to the page's matrix: followed again
}

TEST(TextLayouts, ATextDrawnFromAKeptLayoutHasThePixelsOfOneLaidOutAfresh) {
    render::TextStyle style = label(6);
    style.halo_width_pt = 1;
    style.halo_color = {1, 1, 1, 1};
    const std::vector<std::string> names = {"Vendin-lès-Béthune", "Arleux-en-Gohelle", "L’Haÿ-les-Roses"};
    ScaledPage fresh, kept;
    for (std::size_t i = 0; i < names.size(); ++i) render::TextBlock(fresh.cr.get(), names[i], style).draw(fresh.cr.get(), 5, 5 + 30.0 * i);
    render::TextLayouts texts(kept.cr.get(), true);
    for (const std::string& n : names) texts.layout(n, style);  // measured first, as the plan does
    for (std::size_t i = 0; i < names.size(); ++i) render::TextBlock(texts, names[i], style).draw(kept.cr.get(), 5, 5 + 30.0 * i);
    EXPECT_EQ(texts.kept(), names.size());
    EXPECT_TRUE(pixels(fresh.surface.get()) == pixels(kept.surface.get()));
    // Sanity: the comparison sees a text drawn elsewhere.
    render::TextBlock(texts, names[0], style).draw(kept.cr.get(), 6, 5);
    EXPECT_FALSE(pixels(fresh.surface.get()) == pixels(kept.surface.get()));
}

TEST(TextLayouts, BeyondItsLimitATextSharesTheOneLayoutAndIsStillDrawnAsLaidOutAfresh) {
    render::TextStyle style = label(6);
    const std::vector<std::string> names = {"Béthune", "Annezin", "Vendin-lès-Béthune", "Hinges"};
    ScaledPage fresh, kept;
    for (std::size_t i = 0; i < names.size(); ++i) render::TextBlock(fresh.cr.get(), names[i], style).draw(fresh.cr.get(), 5, 5 + 20.0 * i);
    render::TextLayouts texts(kept.cr.get(), true, 2);
    PangoLayout* first = texts.layout(names[0], style);
    texts.layout(names[1], style);
    PangoLayout* third = texts.layout(names[2], style);
    PangoLayout* fourth = texts.layout(names[3], style);
    EXPECT_EQ(texts.kept(), 2u);
    EXPECT_EQ(third, fourth);  // the one shared layout, set up for each text in turn
    EXPECT_NE(third, first);
    EXPECT_EQ(texts.layout(names[0], style), first);  // the kept ones are still found
    for (std::size_t i = 0; i < names.size(); ++i) render::TextBlock(texts, names[i], style).draw(kept.cr.get(), 5, 5 + 20.0 * i);
    EXPECT_TRUE(pixels(fresh.surface.get()) == pixels(kept.surface.get()));
}

// A ["format", …] label (render::format_markup): each section in its size, font and colour; the texts
// escaped (a name with "<" or "&" is drawn as written, not read as markup).
TEST(FormattedText, SectionsInTheirSizeAndColourAndTextsEscaped) {
    Page page;
    render::TextStyle plain = label(0);
    plain.size_pt = 10;
    render::TextStyle marked = plain;
    marked.markup = true;
    using style::expr::FormattedSection;
    const render::PangoTextMeasurer measure(page.cr.get());
    // font-scale 2: twice as wide and about twice as high as the same text plain.
    FormattedSection big{"Brest", 2.0, {}, std::nullopt};
    const auto scaled = measure.measure(render::format_markup({big}, plain, 1), marked);
    const auto normal = measure.measure("Brest", plain);
    EXPECT_NEAR(scaled.width / normal.width, 2.0, 0.05);
    EXPECT_NEAR(scaled.height / normal.height, 2.0, 0.15);
    // Sections without options: the plain text's metrics, whatever it holds.
    FormattedSection odd{"<b>A & B</b>", std::nullopt, {}, std::nullopt};
    EXPECT_EQ(render::format_markup({odd}, plain, 1), "&lt;b&gt;A &amp; B&lt;/b&gt;");
    const auto escaped = measure.measure(render::format_markup({odd}, plain, 1), marked);
    EXPECT_DOUBLE_EQ(escaped.width, measure.measure("<b>A & B</b>", plain).width);
    // text-color: the section is drawn in it, the rest in the label's colour (black).
    FormattedSection red{"RRRR", std::nullopt, {}, style::Color{1, 0, 0, 1}};
    FormattedSection black{" NNNN", std::nullopt, {}, std::nullopt};
    cairo_set_source_rgb(page.cr.get(), 1, 1, 1);
    cairo_paint(page.cr.get());
    render::TextBlock(page.cr.get(), render::format_markup({red, black}, plain, 1), marked).draw(page.cr.get(), 10, 10);
    cairo_surface_flush(page.surface.get());
    int reds = 0, blacks = 0;
    const auto* data = cairo_image_surface_get_data(page.surface.get());
    const int stride = cairo_image_surface_get_stride(page.surface.get());
    for (int y = 0; y < 60; ++y)
        for (int x = 0; x < 200; ++x) {
            const std::uint32_t v = *reinterpret_cast<const std::uint32_t*>(data + y * stride + x * 4) & 0xffffff;
            const int r = static_cast<int>(v >> 16), g = static_cast<int>((v >> 8) & 0xff), b = static_cast<int>(v & 0xff);
            reds += r > 180 && g < 120 && b < 120;    // red, antialiased over white
            blacks += r < 110 && g < 110 && b < 110;  // dark grey to black
        }
    EXPECT_GT(reds, 20);
    EXPECT_GT(blacks, 20);
}
