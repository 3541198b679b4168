// pipeline/pdf_strokes.hpp: the stroking colours with three equal RGB components become DeviceGray,
// and nothing else changes. (Ghostscript keeping them grey, one black ink: tests/e2e/pipeline/pdfx_test.cpp.)
#include <string>

#include <cairo-pdf.h>
#include <cairo.h>
#include <gtest/gtest.h>

#include "core/diagnostic.hpp"
#include "pipeline/pdf_strokes.hpp"

using cartelier::pipeline::gray_neutral_strokes;
using cartelier::pipeline::gray_neutral_strokes_in_content;

TEST(NeutralStrokes, EqualRgbStrokesBecomeGreyAndEverythingElseStays) {
    // Black and grey strokes, as Cairo writes them, and equal components written differently.
    EXPECT_EQ(gray_neutral_strokes_in_content("0 0 0 RG\n1 w\n0 0 m 10 10 l S\n"), "0 G\n1 w\n0 0 m 10 10 l S\n");
    EXPECT_EQ(gray_neutral_strokes_in_content("0.333333 0.333333 0.333333 RG 0.5 .5 0.50 RG"), "0.333333 G 0.5 G");
    // Fills, coloured strokes, nearly-equal components and other operators are untouched.
    const std::string kept = "0 0 0 rg\n0.2 0.2 0.2 rg\n0.8 0.1 0.1 RG\n0.3 0.3 0.31 RG\n0.5 g\n0 0 0 1 K\n"
                             "/CS0 CS 0.1 0.1 0.1 SC\n";
    EXPECT_EQ(gray_neutral_strokes_in_content(kept), kept);
    // Operands that are not three numbers, strings that look like the operator, and what follows an
    // RG in the same line.
    const std::string odd = "0 0 RG\n[0 0 0] RG\n(0 0 0 RG) Tj\n/N 0 0 RG\n% 0 0 0 RG\n";
    EXPECT_EQ(gray_neutral_strokes_in_content(odd), odd);
    EXPECT_EQ(gray_neutral_strokes_in_content("q 1 1 1 RG 2 w S Q"), "q 1 G 2 w S Q");
}

TEST(NeutralStrokes, APdfThatIsNotOneIsAnError) {
    EXPECT_THROW(gray_neutral_strokes("not a PDF"), cartelier::Error);
}

namespace {

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

TEST(NeutralStrokes, ThePagesAndTheFormsCairoDrawsThroughAreRewritten) {
    // A Cairo PDF: a grey line on the page, a black line and a red fill inside a group (which Cairo
    // writes as a form XObject drawn by the page), a red line.
    std::string pdf;
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append, &pdf, 100, 100);
    cairo_t* cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_move_to(cr, 10, 10);
    cairo_line_to(cr, 90, 10);
    cairo_stroke(cr);
    cairo_push_group(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, 10, 50);
    cairo_line_to(cr, 90, 50);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
    cairo_rectangle(cr, 20, 60, 10, 10);
    cairo_fill(cr);
    cairo_pop_group_to_source(cr);
    cairo_paint_with_alpha(cr, 0.5);
    cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
    cairo_move_to(cr, 10, 90);
    cairo_line_to(cr, 90, 90);
    cairo_stroke(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_surface_destroy(surface);
    ASSERT_EQ(pdf.find(" G\n"), std::string::npos);  // Cairo's own streams are compressed

    const std::string out = gray_neutral_strokes(pdf);
    EXPECT_NE(out.find("/Subtype /Form"), std::string::npos) << "the group is no longer a form XObject";
    EXPECT_NE(out.find("0.5 G"), std::string::npos) << out;
    EXPECT_NE(out.find("0 G"), std::string::npos) << out;
    EXPECT_EQ(out.find("0.5 0.5 0.5 RG"), std::string::npos) << out;
    EXPECT_EQ(out.find("0 0 0 RG"), std::string::npos) << out;
    EXPECT_NE(out.find("0.8 0.1 0.1 RG"), std::string::npos) << out;
    EXPECT_NE(out.find("0.8 0.1 0.1 rg"), std::string::npos) << out;
}
