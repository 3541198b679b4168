// The level of Cairo's PDF streams: chosen per thread by render::ScopedDeflateLevel, applied by
// PageSurface. Each zlib stream records its level class in its header (FLEVEL, RFC 1950): 0 for
// level 1, 1 for levels 2-5, 2 for the default 6, 3 for 7-9. The tests read it back from the PDF.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include <cairo-pdf.h>
#include <libdeflate.h>
#include <zlib.h>

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


/// Every zlib stream of a PDF, inflated, in file order.
std::vector<std::string> inflated_streams(const std::string& pdf) {
    std::vector<std::string> out;
    for (std::size_t at = pdf.find("stream\n"); at != std::string::npos; at = pdf.find("stream\n", at + 1)) {
        if (at >= 3 && pdf.compare(at - 3, 3, "end") == 0) continue;
        const std::size_t body = at + 7, end = pdf.find("endstream", body);
        if (end == std::string::npos || static_cast<unsigned char>(pdf[body]) != 0x78) continue;
        std::string plain(1 << 22, '\0');
        uLongf size = plain.size();
        const int status = uncompress(reinterpret_cast<Bytef*>(plain.data()), &size,
                                      reinterpret_cast<const Bytef*>(pdf.data() + body), end - body);
        EXPECT_EQ(status, Z_OK) << "stream at byte " << at;
        plain.resize(size);
        out.push_back(std::move(plain));
    }
    return out;
}

/// Map-like bytes: numbers and operators, as in a content stream.
std::string content(std::size_t bytes) {
    std::string s;
    unsigned seed = 7;
    while (s.size() < bytes) {
        seed = seed * 1103515245u + 12345u;
        s += std::to_string(seed % 100000 / 100.0) + " " + std::to_string(seed % 7919) + (seed % 3 ? " l\n" : " m\n");
    }
    s.resize(bytes);
    return s;
}

/// Compresses `input` through zlib's stream interface as Cairo does (16 KiB in at a time, no flush,
/// then Z_FINISH), with `out_piece` bytes of output room per call; the codes deflate returned are
/// added to `codes`.
std::string deflate_as_cairo(const std::string& input, int level, std::size_t out_piece, std::vector<int>& codes) {
    z_stream z{};
    EXPECT_EQ(deflateInit(&z, level), Z_OK);
    std::string out, buffer(out_piece, '\0');
    std::size_t at = 0;
    auto run = [&](int flush) {
        int code;
        do {
            z.next_out = reinterpret_cast<Bytef*>(buffer.data());
            z.avail_out = static_cast<uInt>(buffer.size());
            code = deflate(&z, flush);
            codes.push_back(code);
            out.append(buffer.data(), buffer.size() - z.avail_out);
        } while (flush == Z_FINISH ? code == Z_OK : z.avail_in > 0);
    };
    while (at < input.size()) {
        const std::size_t n = std::min<std::size_t>(16384, input.size() - at);
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data() + at));
        z.avail_in = static_cast<uInt>(n);
        run(Z_NO_FLUSH);
        at += n;
    }
    run(Z_FINISH);
    EXPECT_EQ(z.total_in, input.size());
    EXPECT_EQ(z.total_out, out.size());
    EXPECT_EQ(deflateEnd(&z), Z_OK);
    return out;
}

std::string inflate_all(const std::string& compressed, std::size_t size) {
    std::string plain(size + 1, '\0');
    uLongf n = plain.size();
    EXPECT_EQ(uncompress(reinterpret_cast<Bytef*>(plain.data()), &n, reinterpret_cast<const Bytef*>(compressed.data()),
                         compressed.size()),
              Z_OK);
    plain.resize(n);
    return plain;
}

TEST(PdfDeflate, ThePagesStreamsHoldWhatCairoWroteWhateverTheirCompression) {
    const std::vector<std::string> plain = inflated_streams(cairo_pdf());
    ScopedDeflateLevel scoped(pdf_deflate_level);
    const std::vector<std::string> chosen = inflated_streams(cairo_pdf());
    ASSERT_FALSE(plain.empty());
    EXPECT_EQ(chosen, plain);
}

// In the scope, a stream at the default level is libdeflate's zlib stream of the whole input, byte for
// byte, handed out piece by piece whatever room the caller gives (Z_OK until the last piece, then
// Z_STREAM_END); at an explicit level, or out of the scope, it is zlib's own.
TEST(PdfDeflate, AStreamOfTheScopeIsLibdeflatesWholeStreamHandedOutPieceByPiece) {
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{70000}, std::size_t{1} << 20}) {
        SCOPED_TRACE(size);
        const std::string input = content(size);
        libdeflate_compressor* c = libdeflate_alloc_compressor(3);
        std::string expected(libdeflate_zlib_compress_bound(c, input.size()), '\0');
        expected.resize(libdeflate_zlib_compress(c, input.data(), input.size(), expected.data(), expected.size()));
        libdeflate_free_compressor(c);
        ASSERT_FALSE(expected.empty());
        for (std::size_t piece : {std::size_t{1000}, std::size_t{1} << 21}) {
            std::vector<int> codes;
            std::string out;
            {
                ScopedDeflateLevel scoped(3);
                out = deflate_as_cairo(input, Z_DEFAULT_COMPRESSION, piece, codes);
            }
            EXPECT_TRUE(out == expected) << "room " << piece;
            EXPECT_EQ(inflate_all(out, input.size()), input);
            ASSERT_FALSE(codes.empty());
            EXPECT_EQ(codes.back(), Z_STREAM_END);
            for (std::size_t i = 0; i + 1 < codes.size(); ++i) EXPECT_EQ(codes[i], Z_OK) << i;
        }
        // An explicit level in the scope, and the default out of it: zlib's bytes.
        for (int level : {9, Z_DEFAULT_COMPRESSION}) {
            std::string zlib_bytes(compressBound(input.size()), '\0');
            uLongf n = zlib_bytes.size();
            ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(zlib_bytes.data()), &n,
                                reinterpret_cast<const Bytef*>(input.data()), input.size(), level),
                      Z_OK);
            zlib_bytes.resize(n);
            std::vector<int> codes;
            std::string out;
            if (level == 9) {
                ScopedDeflateLevel scoped(3);
                out = deflate_as_cairo(input, 9, 1 << 21, codes);
            } else {
                out = deflate_as_cairo(input, level, 1 << 21, codes);
            }
            EXPECT_TRUE(out == zlib_bytes) << "level " << level;
        }
    }
}

}  // namespace
}  // namespace cartelier::render
