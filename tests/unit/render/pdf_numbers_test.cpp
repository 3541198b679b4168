// The numbers of Cairo's PDF streams written by std::to_chars (render/pdf_numbers.hpp): the same
// characters as the C library's printf, for every double and precision, and the same PDF bytes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include <cairo-pdf.h>

#include "render/cairo_handles.hpp"
#include "render/page_surface.hpp"
#include "render/pdf_numbers.hpp"

namespace cartelier::render {
namespace {

int libc_vformat(char* buffer, std::size_t size, const char* format, ...) {
    va_list ap;
    va_start(ap, format);
    const int n = std::vsnprintf(buffer, size, format, ap);
    va_end(ap);
    return n;
}

/// The C library's "%.*f" (vsnprintf, which the program does not define).
int libc_fixed(char* buffer, std::size_t size, int precision, double value) {
    return libc_vformat(buffer, size, "%.*f", precision, value);
}

void expect_same(int precision, double value) {
    char mine[512], theirs[512];
    std::memset(mine, 'x', sizeof mine);
    std::memset(theirs, 'x', sizeof theirs);
    const int a = format_fixed(mine, sizeof mine, precision, value);
    const int b = libc_fixed(theirs, sizeof theirs, precision, value);
    ASSERT_EQ(a, b) << "precision " << precision << " value " << value;
    ASSERT_STREQ(mine, theirs) << "precision " << precision;
    // Cut short: the same first characters, a terminating NUL, the same length returned.
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4}, static_cast<std::size_t>(b),
                             static_cast<std::size_t>(b) + 1}) {
        std::memset(mine, 'x', sizeof mine);
        std::memset(theirs, 'x', sizeof theirs);
        ASSERT_EQ(format_fixed(mine, size, precision, value), libc_fixed(theirs, size, precision, value));
        ASSERT_EQ(std::memcmp(mine, theirs, size + 1), 0) << "size " << size << " precision " << precision;
    }
}

TEST(PdfNumbers, FixedNumbersAreWhatPrintfWritesForEveryKindOfDouble) {
    const double special[] = {0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.0625, 0.0005, 0.00049999999999999999,
                              1e-320, -1e-320, 123456.789, -0.001, 1e22, 1e300, -1.7976931348623157e308,
                              std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::quiet_NaN()};
    for (int precision : {0, 1, 3, 6, 17, 18, 40})
        for (double v : special) expect_same(precision, v);
    // Page coordinates as Cairo writes them, and any double at all.
    std::mt19937_64 random(20261205);
    std::uniform_real_distribution<double> page(-2000, 2000);
    std::uniform_int_distribution<std::uint64_t> bits;
    for (int i = 0; i < 20000; ++i) {
        expect_same(3, page(random));
        expect_same(i % 41, page(random) / 1024);
        double any;
        const std::uint64_t b = bits(random);
        std::memcpy(&any, &b, sizeof any);
        expect_same(i % 41, any);
    }
    // Exact ties (printf rounds them to even) and the edges of the integer path (a scaled value near 2^64).
    for (int j = -2000; j <= 2000; ++j)
        for (int precision = 0; precision <= 9; ++precision) {
            expect_same(precision, j / 16.0);
            expect_same(precision, j / 1024.0 + 0.5);
            expect_same(precision, std::ldexp(j, -30));
        }
    for (double v : {9007199254740991.0, 9007199254740992.0, 18446744073709551615.0, 1844674407370955161.5,
                     1.8446744073709552e10, 1.8446744073709552e9, 4.9e-324, 2.2250738585072014e-308})
        for (int precision = 0; precision <= 9; ++precision) {
            expect_same(precision, v);
            expect_same(precision, -v);
        }
    // A precision the fast path does not take: the C library's answer all the same.
    expect_same(-1, 3.25);
    expect_same(60, 1.0 / 3);
}

cairo_status_t collect_bytes(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

/// A PDF of many paths with coordinates off the grid, finished with or without the fast numbers.
std::string paths_pdf(bool fast) {
    std::string bytes;
    SurfacePtr surface(cairo_pdf_surface_create_for_stream(&collect_bytes, &bytes, 300, 300));
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, "2020-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE, "2020-01-01T00:00:00Z");
    {
        ContextPtr cr(cairo_create(surface.get()));
        std::mt19937 random(7);
        std::uniform_real_distribution<double> at(-10, 310);
        cairo_set_line_width(cr.get(), 0.2);
        for (int line = 0; line < 100; ++line) {
            cairo_move_to(cr.get(), at(random), at(random));
            for (int i = 0; i < 50; ++i) cairo_line_to(cr.get(), at(random), at(random) / 1000);
            cairo_stroke(cr.get());
        }
    }
    std::optional<ScopedFastFixedNumbers> scope;
    if (fast) scope.emplace();
    cairo_surface_finish(surface.get());
    return bytes;
}

TEST(PdfNumbers, CairosPdfIsTheSameByteForByteAndItsNumbersComeThroughToChars) {
    const std::size_t before = fast_fixed_calls();
    const std::string plain = paths_pdf(false);
    EXPECT_EQ(fast_fixed_calls(), before);  // not asked for: every call is the C library's
    const std::string fast = paths_pdf(true);
    // Cairo's calls reach the exported function: without it this test fails (and the encode is slower).
    EXPECT_GT(fast_fixed_calls(), before + 5000);
    EXPECT_EQ(plain.size(), fast.size());
    EXPECT_TRUE(plain == fast) << "the PDFs differ";
}

TEST(PdfNumbers, TheFastNumbersBelongToTheirThreadAndToPageSurfacesEncode) {
    ScopedFastFixedNumbers scoped;
    std::size_t other = 1;
    std::thread([&] {
        (void)paths_pdf(false);
        other = fast_fixed_calls();
    }).join();
    EXPECT_EQ(other, 0u);
    // PageSurface::finish() asks for them on its thread.
    std::size_t in_page = 0;
    std::thread([&] {
        PageSurface page(OutputFormat::Pdf, PageSpec{});
        cairo_move_to(page.cr(), 10.123456, 20.5);
        for (int i = 0; i < 100; ++i) cairo_line_to(page.cr(), 10 + i * 1.37, 20 + (i % 7) * 0.311);
        cairo_stroke(page.cr());
        (void)page.finish();
        in_page = fast_fixed_calls();
    }).join();
    EXPECT_GE(in_page, 100u);  // the path's 101 vertices
}

}  // namespace
}  // namespace cartelier::render
