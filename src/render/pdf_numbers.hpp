// How the numbers of the PDF (and SVG) streams Cairo writes are formatted.
//
// Cairo writes each coordinate of a path with snprintf(buffer, size, "%.*f", 3, value), then trims the
// zeros (its _cairo_dtostr; built with _FORTIFY_SOURCE, the call is glibc's __snprintf_chk). glibc
// formats a double through multi-precision arithmetic: on an atlas page of tens of thousands of
// vertices, that printf is about a tenth of the page's whole time. While a
// ScopedFastFixedNumbers lives on a thread, each such call of that thread whose format is exactly
// "%.*f" is written by std::to_chars instead, which the C++ standard defines as printf's "%.*f" in the
// "C" locale: the same characters, several times faster. Nothing else changes. Every other format, a
// precision outside 0…40, a locale whose decimal point is not ".", and every call on another thread,
// are glibc's as before.
//
// How: the program defines __snprintf_chk (exported from the executable, see src/CMakeLists.txt), which
// comes before libc's in the lookup order of libcairo's calls, as render/pdf_deflate.hpp does for zlib;
// it hands every other call to glibc's __vsnprintf_chk, checks included.
#pragma once

#include <cstddef>

namespace cartelier::render {

class ScopedFastFixedNumbers {
public:
    ScopedFastFixedNumbers();
    ~ScopedFastFixedNumbers();
    ScopedFastFixedNumbers(const ScopedFastFixedNumbers&) = delete;
    ScopedFastFixedNumbers& operator=(const ScopedFastFixedNumbers&) = delete;

private:
    bool previous_;
};

/// How many "%.*f" calls of this thread std::to_chars has written so far (for tests: that Cairo's calls
/// do reach the exported function).
std::size_t fast_fixed_calls();

/// What snprintf(buffer, size, "%.*f", precision, value) writes and returns, by std::to_chars when it
/// can (see above), else by vsnprintf: what the exported __snprintf_chk calls on such a thread.
int format_fixed(char* buffer, std::size_t size, int precision, double value);

}  // namespace cartelier::render
