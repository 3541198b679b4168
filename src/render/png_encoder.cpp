#include "render/png_encoder.hpp"

#include <algorithm>
#include <bit>
#include <csetjmp>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <libdeflate.h>
#include <png.h>
#include <zlib.h>

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
    const std::string* idat = nullptr;  ///< the zlib stream of the rows (encode_png)
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

/// R, G, B of each of `n` pixels; returns the AND of the pixels (its alpha byte is 0xff when all are opaque).
std::uint32_t opaque_row(const std::uint32_t* px, unsigned char* o, int n) {
    std::uint32_t all = 0xffffffffu;
    for (int x = 0; x < n; ++x) {
        const std::uint32_t v = px[x];
        all &= v;
        *o++ = static_cast<unsigned char>(v >> 16);
        *o++ = static_cast<unsigned char>(v >> 8);
        *o++ = static_cast<unsigned char>(v);
    }
    return all;
}

#if defined(__x86_64__)
/// The same, four pixels at a time by a byte shuffle (SSSE3), the last ones as above.
__attribute__((target("ssse3"))) std::uint32_t opaque_row_ssse3(const std::uint32_t* px, unsigned char* o, int n) {
    const __m128i order = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    __m128i acc = _mm_set1_epi32(-1);
    int x = 0;
    for (; x + 6 <= n; x += 4, o += 12) {  // 16 bytes stored, 12 kept: the 4 after are the next pixels'
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(px + x));
        acc = _mm_and_si128(acc, v);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm_shuffle_epi8(v, order));
    }
    alignas(16) std::uint32_t lanes[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), acc);
    return lanes[0] & lanes[1] & lanes[2] & lanes[3] & opaque_row(px + x, o, n - x);
}
const bool has_ssse3 = __builtin_cpu_supports("ssse3");
#endif

/// Bytes of a pixel as written: R, G, B, and the alpha unless every pixel is opaque.
int bands(const PngJob& job) { return job.opaque ? 3 : 4; }

/// Row `y` of the image as written, into `o` (width × bands bytes). Returns false when the job is opaque
/// (RGB) and a pixel of the row is not.
bool convert_row(const PngJob& job, int y, unsigned char* o) {
    const auto* px = reinterpret_cast<const std::uint32_t*>(job.pixels + static_cast<std::ptrdiff_t>(y) * job.stride);
    if (job.opaque) {
#if defined(__x86_64__)
        if (has_ssse3) return (opaque_row_ssse3(px, o, job.width) >> 24) == 0xffu;
#endif
        return (opaque_row(px, o, job.width) >> 24) == 0xffu;
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
    return true;
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

/// The image data of the PNG (what its IDAT chunks hold): each row after its filter byte (0: none), as
/// one zlib stream at level 2, window 32 KiB, memory level 7. zlib deflates the rows as a raw stream and
/// libdeflate computes their Adler-32 (with SIMD, where zlib's own checksum took a tenth of the time of a
/// page's deflate); the header and the checksum around it are written here. These are the bytes zlib
/// writes when it wraps the stream itself with the same settings. None when the job is opaque (RGB) and a
/// pixel is not: the caller then writes RGBA.
std::optional<std::string> deflate_rows(const PngJob& job) {
    const std::size_t row_bytes = 1 + static_cast<std::size_t>(job.width) * static_cast<std::size_t>(bands(job));
    const int rows_per_batch = static_cast<int>(std::max<std::size_t>(1, (std::size_t{64} << 10) / row_bytes));
    std::vector<unsigned char> batch(row_bytes * static_cast<std::size_t>(rows_per_batch));
    z_stream z{};
    // Level 2 without row filters: on maps' flat colours both about the fastest and the smallest setting.
    // Memory level 7 (zlib's default is 8): a hash table half as large, which stays in the core's cache;
    // files within 0.1 %. Level 6 is no faster and 5 is slower, with larger files.
    if (deflateInit2(&z, 2, Z_DEFLATED, -15, 7, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error(SourceLocation{}, fmt::format("writing the PNG failed: zlib: {}", z.msg ? z.msg : "deflateInit2 failed"));
    struct End {
        z_stream* z;
        ~End() { deflateEnd(z); }
    } end{&z};
    // The zlib header: deflate, 32 KiB window (0x78); "fast" compression level, check bits (0x5e).
    std::string out("\x78\x5e", 2);
    out.reserve(static_cast<std::size_t>(job.width) * static_cast<std::size_t>(job.height) / 8);
    std::uint32_t adler = 1;
    unsigned char buffer[std::size_t{64} << 10];
    auto pump = [&](int flush) {
        do {
            z.next_out = buffer;
            z.avail_out = sizeof buffer;
            const int status = deflate(&z, flush);
            if (status == Z_STREAM_ERROR)
                throw Error(SourceLocation{}, fmt::format("writing the PNG failed: zlib: {}", z.msg ? z.msg : "deflate failed"));
            out.append(reinterpret_cast<const char*>(buffer), sizeof buffer - z.avail_out);
            if (status == Z_STREAM_END) return;
        } while (z.avail_in > 0 || z.avail_out == 0 || flush == Z_FINISH);
    };
    for (int y = 0; y < job.height;) {
        const int n = std::min(rows_per_batch, job.height - y);
        for (int i = 0; i < n; ++i) {
            unsigned char* row = batch.data() + row_bytes * static_cast<std::size_t>(i);
            row[0] = 0;
            if (!convert_row(job, y + i, row + 1)) return std::nullopt;
        }
        y += n;
        const std::size_t size = row_bytes * static_cast<std::size_t>(n);
        adler = libdeflate_adler32(adler, batch.data(), size);
        z.next_in = batch.data();
        z.avail_in = static_cast<uInt>(size);
        pump(Z_NO_FLUSH);
    }
    pump(Z_FINISH);
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((adler >> shift) & 0xffu));
    return out;
}

/// The PNG file: libpng writes the signature and the header chunks, then the image data as IDAT chunks
/// of 8 KiB (libpng's own size), then IEND; libpng adds each chunk's length and CRC.
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
    png_write_info(png, info);
    static const png_byte idat_name[5] = {'I', 'D', 'A', 'T', '\0'}, iend_name[5] = {'I', 'E', 'N', 'D', '\0'};
    constexpr std::size_t chunk_max = std::size_t{8} << 10;
    const auto* data = reinterpret_cast<png_const_bytep>(job.idat->data());
    for (std::size_t at = 0; at < job.idat->size(); at += chunk_max)
        png_write_chunk(png, idat_name, data + at, std::min(chunk_max, job.idat->size() - at));
    png_write_chunk(png, iend_name, nullptr, 0);
    png_destroy_write_struct(&png, &info);
    return true;
}

/// The job for `image` (pixels, size, and with `scan` its opacity: otherwise taken as opaque), its output
/// left unset. Throws Error when `image` has none.
PngJob job_for(cairo_surface_t* image, const char* who, bool scan) {
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
    for (int y = 0; scan && y < job.height && job.opaque; ++y)
        job.opaque = opaque(reinterpret_cast<const std::uint32_t*>(job.pixels + static_cast<std::ptrdiff_t>(y) * job.stride),
                            job.width);
    return job;
}

}  // namespace

std::string encode_png(cairo_surface_t* image, double dpi) {
    // Taken as opaque (RGB), as a page with a background is; a pixel that is not makes the file RGBA.
    PngJob job = job_for(image, "encode_png", false);
    if (dpi > 0) job.pixels_per_metre = static_cast<png_uint_32>(dpi / 0.0254 + 0.5);
    std::optional<std::string> rows = deflate_rows(job);
    if (!rows) {
        job.opaque = false;
        rows = deflate_rows(job);
    }
    const std::string idat = std::move(*rows);
    std::string out;
    out.reserve(idat.size() + idat.size() / 512 + 256);  // the chunks' lengths, names and CRCs around it
    job.idat = &idat;
    job.out = &out;
    if (!write_png(job)) throw Error(SourceLocation{}, fmt::format("writing the PNG failed: {}", job.error));
    return out;
}

RasterPixels png_pixels(cairo_surface_t* image) {
    PngJob job = job_for(image, "png_pixels", true);
    RasterPixels out;
    out.width = job.width;
    out.height = job.height;
    out.bands = bands(job);
    const std::size_t row_bytes = static_cast<std::size_t>(job.width) * static_cast<std::size_t>(out.bands);
    out.bytes.resize(row_bytes * static_cast<std::size_t>(job.height));
    for (int y = 0; y < job.height; ++y) convert_row(job, y, out.bytes.data() + row_bytes * static_cast<std::size_t>(y));
    return out;
}

}  // namespace cartelier::render
