// The level of Cairo's PDF streams: chosen per thread by render::ScopedDeflateLevel, applied by
// PageSurface. Each zlib stream records its level class in its header (FLEVEL, RFC 1950): 0 for
// level 1, 1 for levels 2-5, 2 for the default 6, 3 for 7-9. The tests read it back from the PDF.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>

#include <cairo-pdf.h>

#include "render/cairo_handles.hpp"
#include "render/page_surface.hpp"
#include "render/pdf_deflate.hpp"

namespace cartelier::render {
namespace {

/// Map-like content: many thin polylines.
void draw(cairo_t* cr) {
    cairo_set_line_width(cr, 0.1);
    unsigned seed = 12345;
    for (int line = 0; line < 200; ++line) {
        cairo_move_to(cr, 20, 20 + line);
        for (int i = 0; i < 100; ++i) {
            seed = seed * 1103515245u + 12345u;
            cairo_line_to(cr, 20 + 8 * i, 20 + line + (seed >> 16) % 1000 / 400.0);
        }
        cairo_stroke(cr);
    }
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

/// A PDF written by Cairo directly, with no level chosen by PageSurface.
std::string cairo_pdf() {
    std::string bytes;
    SurfacePtr surface(cairo_pdf_surface_create_for_stream(&append, &bytes, 300, 300));
    {
        ContextPtr cr(cairo_create(surface.get()));
        draw(cr.get());
    }
    cairo_surface_finish(surface.get());
    return bytes;
}

/// The FLEVEL of every zlib stream in a PDF.
std::set<int> stream_levels(const std::string& pdf) {
    std::set<int> levels;
    for (std::size_t at = pdf.find("stream\n"); at != std::string::npos; at = pdf.find("stream\n", at + 1)) {
        if (at >= 3 && pdf.compare(at - 3, 3, "end") == 0) continue;
        const std::size_t body = at + 7;
        if (body + 2 > pdf.size() || static_cast<unsigned char>(pdf[body]) != 0x78) continue;
        levels.insert(static_cast<unsigned char>(pdf[body + 1]) >> 6);
    }
    return levels;
}

int flevel(int level) { return level == 1 ? 0 : level < 6 ? 1 : level == 6 ? 2 : 3; }

TEST(PdfDeflate, CairosStreamsAreAtTheDefaultLevelWhenNoneIsChosen) {
    EXPECT_EQ(stream_levels(cairo_pdf()), std::set<int>{flevel(6)});
}

TEST(PdfDeflate, TheChosenLevelReachesCairosStreams) {
    for (int level : {1, 4, 9}) {
        ScopedDeflateLevel scoped(level);
        EXPECT_EQ(stream_levels(cairo_pdf()), std::set<int>{flevel(level)}) << "level " << level;
    }
}

TEST(PdfDeflate, TheLevelIsRestoredAtTheEndOfTheScope) {
    {
        ScopedDeflateLevel outer(1);
        {
            ScopedDeflateLevel inner(9);
            EXPECT_EQ(stream_levels(cairo_pdf()), std::set<int>{flevel(9)});
        }
        EXPECT_EQ(stream_levels(cairo_pdf()), std::set<int>{flevel(1)});
    }
    EXPECT_EQ(stream_levels(cairo_pdf()), std::set<int>{flevel(6)});
}

TEST(PdfDeflate, TheLevelBelongsToItsThread) {
    ScopedDeflateLevel scoped(1);
    std::set<int> other;
    std::thread([&] { other = stream_levels(cairo_pdf()); }).join();
    EXPECT_EQ(other, std::set<int>{flevel(6)});
    EXPECT_EQ(stream_levels(cairo_pdf()), std::set<int>{flevel(1)});
}

TEST(PdfDeflate, PagesAreWrittenAtTheProgramsLevel) {
    PageSurface page(OutputFormat::Pdf, PageSpec{});
    draw(page.cr());
    const std::string pdf = page.finish();
    EXPECT_EQ(stream_levels(pdf), std::set<int>{flevel(pdf_deflate_level)});
    // And the thread is back to the default afterwards.
    EXPECT_EQ(stream_levels(cairo_pdf()), std::set<int>{flevel(6)});
}

}  // namespace
}  // namespace cartelier::render
