#include "render/pdf_numbers.hpp"

#include <charconv>
#include <clocale>
#include <cstdarg>
#include <cstdio>
#include <cstdint>
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

__extension__ typedef unsigned __int128 u128;  // GCC's and Clang's 128-bit integers

/// "%.*f" of `value` for a precision up to 9, as printf writes it — the double's exact value rounded to
/// nearest, ties to even — by integer arithmetic: value = m × 2^e, so value × 10^p = m × 10^p × 2^e, an
/// integer shifted. Writes into `out` (at least 32 bytes) and returns the length; 0 (nothing written)
/// for NaN, infinities and values whose scaled magnitude reaches 2^64, left to std::to_chars.
std::size_t small_fixed(char* out, int precision, double value) {
    static constexpr std::uint64_t powers[] = {1,         10,         100,         1000,         10000,
                                               100000,    1000000,    10000000,    100000000,    1000000000};
    if (precision < 0 || precision > 9) return 0;
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    const bool negative = (bits >> 63) != 0;
    const int biased = static_cast<int>((bits >> 52) & 0x7ff);
    std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
    if (biased == 0x7ff) return 0;  // NaN, infinities
    int exponent = -1074;           // subnormals
    if (biased != 0) {
        mantissa |= std::uint64_t{1} << 52;
        exponent = biased - 1075;
    }
    const u128 scaled = static_cast<u128>(mantissa) * powers[precision];  // < 2^83
    u128 q;
    if (exponent >= 0) {
        if (exponent > 40) return 0;
        q = scaled << exponent;
    } else if (-exponent > 100) {
        q = 0;  // below half a unit of the last digit (scaled < 2^83): rounds to 0
    } else {
        const int shift = -exponent;
        q = scaled >> shift;
        const u128 rest = scaled & ((u128{1} << shift) - 1);
        const u128 half = u128{1} << (shift - 1);
        if (rest > half || (rest == half && (q & 1))) ++q;
    }
    if (q >> 64) return 0;
    const std::uint64_t n = static_cast<std::uint64_t>(q);
    char digits[24];
    char* end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    std::size_t count = static_cast<std::size_t>(end - digits);
    std::size_t at = 0;
    if (negative) out[at++] = '-';  // printf keeps the sign of -0.0 and of what rounds to zero
    const std::size_t p = static_cast<std::size_t>(precision);
    if (count <= p) {  // 0.00ddd
        out[at++] = '0';
        if (p > 0) {
            out[at++] = '.';
            for (std::size_t i = count; i < p; ++i) out[at++] = '0';
            std::memcpy(out + at, digits, count);
            at += count;
        }
        return at;
    }
    std::memcpy(out + at, digits, count - p);
    at += count - p;
    if (p > 0) {
        out[at++] = '.';
        std::memcpy(out + at, digits + count - p, p);
        at += p;
    }
    return at;
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
    std::size_t length = small_fixed(text, precision, value);
    if (length == 0) {
        const std::to_chars_result r = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, precision);
        if (r.ec != std::errc{}) return libc_format(buffer, size, "%.*f", precision, value);
        length = static_cast<std::size_t>(r.ptr - text);
    }
    ++fast_fixed_count;
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
