// The renderer's measurer keeps one Pango layout for all its measures: each measure must still give
// what a new TextBlock (the text as it will be drawn) gives, whatever was measured before it — a wrap
// width, letter spacing, alignment or font left over from the previous text must not leak.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "render/cairo_handles.hpp"
#include "render/text.hpp"

using namespace cartelier;

TEST(PangoTextMeasurer, EachMeasureIsTheTextBlocksWhateverCameBefore) {
    render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10)};
    render::ContextPtr cr{cairo_create(surface.get())};
    const render::PangoTextMeasurer measure(cr.get());

    layout::TextStyle plain;
    plain.size_pt = 8;
    layout::TextStyle wrapped = plain;
    wrapped.max_width_em = 5;
    layout::TextStyle spaced = plain;
    spaced.letter_spacing_em = 0.2;
    layout::TextStyle centred = wrapped;
    centred.justify = "center";
    centred.line_height_em = 1.6;
    layout::TextStyle bold = plain;
    bold.fonts = {"DejaVu Sans Bold"};
    bold.size_pt = 11;
    const std::vector<std::pair<std::string, layout::TextStyle>> texts = {
        {"Pays de Brie Champagne", wrapped}, {"Pays de Brie Champagne", plain}, {"Vitry-sur-Seine", spaced},
        {"Vitry-sur-Seine", plain},         {"Fontenay-sous-Bois", centred},    {"Fontenay-sous-Bois", bold},
        {"Fontenay-sous-Bois", plain},      {"Bobigny", wrapped},               {"Bobigny", spaced},
        {"Bobigny", plain},
    };
    int wrapped_lines = 0;
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& [text, style] : texts) {
            SCOPED_TRACE(text + " max_width_em " + std::to_string(style.max_width_em));
            const layout::TextMetrics m = measure.measure(text, style);
            const render::TextBlock block(cr.get(), text, style);
            EXPECT_EQ(m.width, block.width());
            EXPECT_EQ(m.height, block.height());
            EXPECT_EQ(m.lines, block.line_count());
            if (style.max_width_em > 0 && m.lines > 1) ++wrapped_lines;
        }
    EXPECT_GT(wrapped_lines, 0);  // the wrap widths did wrap: a state worth not leaking
    // The styles give different sizes: a measurer ignoring one would be caught above.
    EXPECT_NE(measure.measure("Vitry-sur-Seine", spaced).width, measure.measure("Vitry-sur-Seine", plain).width);
    EXPECT_NE(measure.measure("Fontenay-sous-Bois", bold).width, measure.measure("Fontenay-sous-Bois", plain).width);
}
