#include "render/pdf_numbers.hpp"

#include <charconv>
#include <clocale>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace {

/// Whether this thread's "%.*f" calls are written by std::to_chars (ScopedFastFixedNumbers).
thread_local bool fast_fixed = false;
thread_local std::size_t fast_fixed_count = 0;

constexpr int kMaxPrecision = 40;

/// The C library's answer, through vsnprintf: never through snprintf, which a build with
/// _FORTIFY_SOURCE would turn into the __snprintf_chk defined below, and so back here.
int libc_format(char* buffer, std::size_t size, const char* format, ...) {
    va_list ap;
    va_start(ap, format);
    const int n = std::vsnprintf(buffer, size, format, ap);
    va_end(ap);
    return n;
}

}  // namespace

namespace cartelier::render {

ScopedFastFixedNumbers::ScopedFastFixedNumbers() : previous_(fast_fixed) { fast_fixed = true; }

ScopedFastFixedNumbers::~ScopedFastFixedNumbers() { fast_fixed = previous_; }

std::size_t fast_fixed_calls() { return fast_fixed_count; }

int format_fixed(char* buffer, std::size_t size, int precision, double value) {
    const char* point = std::localeconv()->decimal_point;
    if (precision < 0 || precision > kMaxPrecision || point[0] != '.' || point[1] != '\0')
        return libc_format(buffer, size, "%.*f", precision, value);
    // The largest double has 309 digits before the point.
    char text[309 + 2 + kMaxPrecision + 8];
    const std::to_chars_result r = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, precision);
    if (r.ec != std::errc{}) return libc_format(buffer, size, "%.*f", precision, value);
    ++fast_fixed_count;
    const std::size_t length = static_cast<std::size_t>(r.ptr - text);
    if (size > 0) {
        const std::size_t copied = length < size - 1 ? length : size - 1;
        std::memcpy(buffer, text, copied);
        buffer[copied] = '\0';
    }
    return static_cast<int>(length);
}

}  // namespace cartelier::render

// Declared by glibc's <stdio.h> only when _FORTIFY_SOURCE is on.
extern "C" int __vsnprintf_chk(char* buffer, std::size_t size, int flag, std::size_t buffer_size, const char* format,
                               va_list ap) noexcept;

// glibc's fortified snprintf, which Cairo (built with _FORTIFY_SOURCE, as Debian builds it) calls, for
// the whole process (see render/pdf_numbers.hpp): only "%.*f" on a thread that asked for it is formatted
// here; every other call is glibc's own, checks included.
extern "C" __attribute__((visibility("default"))) int __snprintf_chk(char* buffer, std::size_t size, int flag,
                                                                     std::size_t buffer_size, const char* format,
                                                                     ...) noexcept {
    va_list ap;
    va_start(ap, format);
    int n;
    if (fast_fixed && size <= buffer_size && std::strcmp(format, "%.*f") == 0) {
        const int precision = va_arg(ap, int);
        const double value = va_arg(ap, double);
        n = cartelier::render::format_fixed(buffer, size, precision, value);
    } else {
        n = __vsnprintf_chk(buffer, size, flag, buffer_size, format, ap);
    }
    va_end(ap);
    return n;
}
