#include "render/png_encoder.hpp"

#include <bit>
#include <csetjmp>
#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

#include <fmt/format.h>
#include <png.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "core/diagnostic.hpp"

namespace cartelier::render {

namespace {

/// Everything the libpng calls need, plain data only: libpng reports errors by longjmp, which must
/// not cross a C++ object with a destructor.
struct PngJob {
    const unsigned char* pixels = nullptr;
    int width = 0, height = 0, stride = 0;
    bool opaque = true;
    png_uint_32 pixels_per_metre = 0;
    unsigned char* row = nullptr;  ///< width * 4 bytes
    std::string* out = nullptr;
    char error[200] = {};
};

void on_error(png_structp png, png_const_charp message) {
    auto* job = static_cast<PngJob*>(png_get_error_ptr(png));
    std::snprintf(job->error, sizeof job->error, "%s", message ? message : "unknown error");
    png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

void on_write(png_structp png, png_bytep data, png_size_t length) {
    auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
    try {
        job->out->append(reinterpret_cast<const char*>(data), length);
    } catch (const std::bad_alloc&) {
        png_error(png, "out of memory");
    }
}

void on_flush(png_structp) {}

/// Cairo stores native-endian 32-bit premultiplied ARGB.
static_assert(std::endian::native == std::endian::little, "the pixel conversions read little-endian words");

/// R, G, B of each of `n` opaque pixels.
void opaque_row(const std::uint32_t* px, unsigned char* o, int n) {
    for (int x = 0; x < n; ++x) {
        const std::uint32_t v = px[x];
        *o++ = static_cast<unsigned char>(v >> 16);
        *o++ = static_cast<unsigned char>(v >> 8);
        *o++ = static_cast<unsigned char>(v);
    }
}

#if defined(__x86_64__)
/// The same, four pixels at a time by a byte shuffle (SSSE3), the last ones as above.
__attribute__((target("ssse3"))) void opaque_row_ssse3(const std::uint32_t* px, unsigned char* o, int n) {
    const __m128i order = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    int x = 0;
    for (; x + 6 <= n; x += 4, o += 12)  // 16 bytes stored, 12 kept: the 4 after are the next pixels'
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o),
                         _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(px + x)), order));
    opaque_row(px + x, o, n - x);
}
const bool has_ssse3 = __builtin_cpu_supports("ssse3");
#endif

void convert_row(const PngJob& job, int y) {
    const auto* px = reinterpret_cast<const std::uint32_t*>(job.pixels + static_cast<std::ptrdiff_t>(y) * job.stride);
    unsigned char* o = job.row;
    if (job.opaque) {
#if defined(__x86_64__)
        if (has_ssse3) return opaque_row_ssse3(px, o, job.width);
#endif
        return opaque_row(px, o, job.width);
    }
    for (int x = 0; x < job.width; ++x) {
        const std::uint32_t v = px[x];
        const unsigned a = v >> 24, r = (v >> 16) & 0xff, g = (v >> 8) & 0xff, b = v & 0xff;
        auto un = [a](unsigned c) { return static_cast<unsigned char>(a ? (c * 255 + a / 2) / a : 0); };
        *o++ = un(r);
        *o++ = un(g);
        *o++ = un(b);
        *o++ = static_cast<unsigned char>(a);
    }
}

/// Whether every one of `n` pixels is opaque: the AND of them keeps the alpha byte whole.
bool opaque(const std::uint32_t* px, int n) {
    std::uint32_t all = 0xffffffffu;
    int x = 0;
#if defined(__x86_64__)
    __m128i acc = _mm_set1_epi32(-1);  // SSE2: every x86-64
    for (; x + 4 <= n; x += 4) acc = _mm_and_si128(acc, _mm_loadu_si128(reinterpret_cast<const __m128i*>(px + x)));
    alignas(16) std::uint32_t lanes[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), acc);
    all = lanes[0] & lanes[1] & lanes[2] & lanes[3];
#endif
    for (; x < n; ++x) all &= px[x];
    return (all >> 24) == 0xffu;
}

bool write_png(PngJob& job) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &job, on_error, on_warning);
    if (!png) return false;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_set_write_fn(png, &job, on_write, on_flush);
    png_set_IHDR(png, info, static_cast<png_uint_32>(job.width), static_cast<png_uint_32>(job.height), 8,
                 job.opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (job.pixels_per_metre > 0)
        png_set_pHYs(png, info, job.pixels_per_metre, job.pixels_per_metre, PNG_RESOLUTION_METER);
    png_set_compression_level(png, 2);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_write_info(png, info);
    for (int y = 0; y < job.height; ++y) {
        convert_row(job, y);
        png_write_row(png, job.row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
}

/// The job for `image` (pixels, size, opacity), its output left unset. Throws Error when `image` has none.
PngJob job_for(cairo_surface_t* image, const char* who) {
    if (cairo_surface_get_type(image) != CAIRO_SURFACE_TYPE_IMAGE ||
        cairo_image_surface_get_format(image) != CAIRO_FORMAT_ARGB32)
        throw Error(SourceLocation{}, fmt::format("{}: expected an ARGB32 image surface", who));
    cairo_surface_flush(image);
    PngJob job;
    job.pixels = cairo_image_surface_get_data(image);
    job.width = cairo_image_surface_get_width(image);
    job.height = cairo_image_surface_get_height(image);
    job.stride = cairo_image_surface_get_stride(image);
    if (!job.pixels || job.width <= 0 || job.height <= 0)
        throw Error(SourceLocation{}, fmt::format("{}: the image has no pixels", who));
    for (int y = 0; y < job.height && job.opaque; ++y)
        job.opaque = opaque(reinterpret_cast<const std::uint32_t*>(job.pixels + static_cast<std::ptrdiff_t>(y) * job.stride),
                            job.width);
    return job;
}

}  // namespace

std::string encode_png(cairo_surface_t* image, double dpi) {
    PngJob job = job_for(image, "encode_png");
    if (dpi > 0) job.pixels_per_metre = static_cast<png_uint_32>(dpi / 0.0254 + 0.5);
    std::vector<unsigned char> row(static_cast<std::size_t>(job.width) * 4);
    std::string out;
    out.reserve(static_cast<std::size_t>(job.width) * static_cast<std::size_t>(job.height) / 4);
    job.row = row.data();
    job.out = &out;
    if (!write_png(job)) throw Error(SourceLocation{}, fmt::format("writing the PNG failed: {}", job.error));
    out.shrink_to_fit();
    return out;
}

RasterPixels png_pixels(cairo_surface_t* image) {
    PngJob job = job_for(image, "png_pixels");
    RasterPixels out;
    out.width = job.width;
    out.height = job.height;
    out.bands = job.opaque ? 3 : 4;
    const std::size_t row_bytes = static_cast<std::size_t>(job.width) * static_cast<std::size_t>(out.bands);
    out.bytes.resize(row_bytes * static_cast<std::size_t>(job.height));
    for (int y = 0; y < job.height; ++y) {
        job.row = out.bytes.data() + row_bytes * static_cast<std::size_t>(y);
        convert_row(job, y);
    }
    return out;
}

}  // namespace cartelier::render
