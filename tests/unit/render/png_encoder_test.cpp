// The PNG encoder: RGB for opaque pages, RGBA un-premultiplied otherwise, resolution recorded.
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <cairo.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "core/diagnostic.hpp"
#include "render/cairo_handles.hpp"
#include "render/png_encoder.hpp"

using namespace cartelier;
using namespace cartelier::render;

namespace {

struct Reader {
    const std::string* bytes;
    std::size_t at = 0;
};

cairo_status_t read_chunk(void* closure, unsigned char* data, unsigned int length) {
    auto* r = static_cast<Reader*>(closure);
    if (r->at + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, r->bytes->data() + r->at, length);
    r->at += length;
    return CAIRO_STATUS_SUCCESS;
}

SurfacePtr decode(const std::string& png) {
    Reader r{&png};
    return SurfacePtr(cairo_image_surface_create_from_png_stream(read_chunk, &r));
}

std::uint32_t pixel(cairo_surface_t* s, int x, int y) {
    cairo_surface_flush(s);
    const unsigned char* row = cairo_image_surface_get_data(s) + y * cairo_image_surface_get_stride(s);
    return reinterpret_cast<const std::uint32_t*>(row)[x];
}

/// The byte of the IHDR colour type: 2 RGB, 6 RGBA.
int colour_type(const std::string& png) { return static_cast<unsigned char>(png.at(25)); }

}  // namespace

TEST(PngEncoder, OpaquePageIsRgbWithItsResolutionAndExactPixels) {
    SurfacePtr image(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 40, 30));
    ContextPtr cr(cairo_create(image.get()));
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    cairo_set_source_rgb(cr.get(), 0.8, 0.1, 0.2);
    cairo_arc(cr.get(), 20, 15, 9, 0, 6.3);
    cairo_fill(cr.get());
    const std::string png = encode_png(image.get(), 300);
    ASSERT_GT(png.size(), 33u);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    EXPECT_EQ(colour_type(png), 2);
    // pHYs: 300 dpi = 11811 pixels per metre, unit metre.
    const auto at = png.find("pHYs");
    ASSERT_NE(at, std::string::npos);
    const auto* p = reinterpret_cast<const unsigned char*>(png.data() + at + 4);
    EXPECT_EQ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3], 11811);
    EXPECT_EQ(p[8], 1);
    SurfacePtr back = decode(png);
    ASSERT_EQ(cairo_surface_status(back.get()), CAIRO_STATUS_SUCCESS);
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 40; ++x) ASSERT_EQ(pixel(back.get(), x, y), pixel(image.get(), x, y)) << x << "," << y;
}

TEST(PngEncoder, TransparencyIsKeptAsStraightAlpha) {
    SurfacePtr image(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8));  // transparent
    ContextPtr cr(cairo_create(image.get()));
    cairo_set_source_rgba(cr.get(), 0, 0, 1, 0.5);
    cairo_rectangle(cr.get(), 0, 0, 4, 8);
    cairo_fill(cr.get());
    const std::string png = encode_png(image.get(), 96);
    EXPECT_EQ(colour_type(png), 6);
    SurfacePtr back = decode(png);
    const std::uint32_t half_blue = pixel(back.get(), 1, 1), clear = pixel(back.get(), 6, 6);
    EXPECT_NEAR(static_cast<int>(half_blue >> 24), 128, 1);
    EXPECT_NEAR(static_cast<int>(half_blue & 0xff), 128, 1);  // premultiplied again by Cairo
    EXPECT_EQ(clear, 0u);
}

TEST(PngEncoder, RejectsWhatIsNotAnArgbImage) {
    SurfacePtr a8(cairo_image_surface_create(CAIRO_FORMAT_A8, 4, 4));
    EXPECT_THROW(encode_png(a8.get(), 72), Error);
}

TEST(PngEncoder, EveryOpaquePixelIsWrittenExactlyWhateverTheWidth) {
    // Random opaque colours, widths 1 to 9 and an odd 37: each byte of each pixel, the last of a row too.
    std::uint32_t seed = 12345;
    auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
    for (int width : {1, 2, 3, 4, 5, 6, 7, 8, 9, 37}) {
        SurfacePtr image(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, 3));
        unsigned char* data = cairo_image_surface_get_data(image.get());
        const int stride = cairo_image_surface_get_stride(image.get());
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < width; ++x)
                reinterpret_cast<std::uint32_t*>(data + y * stride)[x] = 0xff000000u | (next() >> 8);
        cairo_surface_mark_dirty(image.get());
        const std::string png = encode_png(image.get(), 72);
        EXPECT_EQ(colour_type(png), 2) << width;
        SurfacePtr back = decode(png);
        ASSERT_EQ(cairo_surface_status(back.get()), CAIRO_STATUS_SUCCESS);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < width; ++x)
                ASSERT_EQ(pixel(back.get(), x, y), pixel(image.get(), x, y)) << width << ": " << x << "," << y;
        // The GeoTIFF's pixels: 3 bytes a pixel, rows without padding, in a buffer of exactly that size
        // (a conversion writing past a row's end shows here under AddressSanitizer).
        const RasterPixels raster = png_pixels(image.get());
        ASSERT_EQ(raster.bands, 3);
        ASSERT_EQ(raster.bytes.size(), static_cast<std::size_t>(width) * 3 * 3);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < width; ++x) {
                const std::uint32_t v = pixel(image.get(), x, y);
                const unsigned char* p = raster.bytes.data() + (static_cast<std::size_t>(y) * width + x) * 3;
                ASSERT_EQ(p[0], (v >> 16) & 0xff) << width << ": " << x << "," << y;
                ASSERT_EQ(p[1], (v >> 8) & 0xff);
                ASSERT_EQ(p[2], v & 0xff);
            }
    }
}

TEST(PngEncoder, OneTranslucentPixelAnywhereMakesTheFileRgba) {
    for (const auto& [x, y] : {std::pair{0, 0}, std::pair{36, 0}, std::pair{17, 4}, std::pair{36, 4}}) {
        SurfacePtr image(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 37, 5));
        ContextPtr cr(cairo_create(image.get()));
        cairo_set_source_rgb(cr.get(), 0.2, 0.4, 0.6);
        cairo_paint(cr.get());
        cairo_surface_flush(image.get());
        unsigned char* data = cairo_image_surface_get_data(image.get());
        reinterpret_cast<std::uint32_t*>(data + y * cairo_image_surface_get_stride(image.get()))[x] = 0xfe000000u;
        cairo_surface_mark_dirty(image.get());
        EXPECT_EQ(colour_type(encode_png(image.get(), 72)), 6) << x << "," << y;
        EXPECT_EQ(png_pixels(image.get()).bands, 4) << x << "," << y;
    }
}

namespace {

struct Chunk {
    std::string name;
    std::size_t length;
    bool crc_ok;
    std::string data;
};

/// The chunks of a PNG file after its signature, each with whether its CRC matches (zlib's crc32).
std::vector<Chunk> chunks(const std::string& png) {
    std::vector<Chunk> out;
    auto u32 = [&png](std::size_t at) {
        const auto* p = reinterpret_cast<const unsigned char*>(png.data() + at);
        return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
    };
    for (std::size_t at = 8; at + 12 <= png.size();) {
        const std::size_t length = u32(at);
        if (at + 12 + length > png.size()) break;
        const auto* typed = reinterpret_cast<const Bytef*>(png.data() + at + 4);
        const bool ok = crc32(0, typed, static_cast<uInt>(4 + length)) == u32(at + 8 + length);
        out.push_back({png.substr(at + 4, 4), length, ok, png.substr(at + 8, length)});
        at += 12 + length;
    }
    return out;
}

}  // namespace

TEST(PngEncoder, ALargeImageOfNoisyPixelsIsWrittenInSeveralSoundIdatChunksAndReadBackExactly) {
    // Random colours do not compress: 1.3 MB of image data, in many IDAT chunks. Opaque (RGB) and then with
    // one translucent pixel (RGBA).
    for (const bool translucent : {false, true}) {
        const int width = 701, height = 613;
        SurfacePtr image(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
        unsigned char* data = cairo_image_surface_get_data(image.get());
        const int stride = cairo_image_surface_get_stride(image.get());
        std::uint32_t seed = 777;
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                seed = seed * 1664525u + 1013904223u;
                reinterpret_cast<std::uint32_t*>(data + y * stride)[x] = 0xff000000u | (seed >> 8);
            }
        if (translucent) reinterpret_cast<std::uint32_t*>(data + 300 * stride)[400] = 0x80402010u;
        cairo_surface_mark_dirty(image.get());
        const std::string png = encode_png(image.get(), 150);
        EXPECT_EQ(colour_type(png), translucent ? 6 : 2);
        const std::vector<Chunk> found = chunks(png);
        ASSERT_GE(found.size(), 5u);
        EXPECT_EQ(found.front().name, "IHDR");
        EXPECT_EQ(found[1].name, "pHYs");
        EXPECT_EQ(found.back().name, "IEND");
        EXPECT_EQ(found.back().length, 0u);
        std::size_t idat = 0, at_end = 0;
        for (std::size_t i = 2; i + 1 < found.size(); ++i) {
            EXPECT_EQ(found[i].name, "IDAT") << i;
            idat += found[i].name == "IDAT";
        }
        EXPECT_GE(idat, 2u);
        for (const Chunk& c : found) {
            EXPECT_TRUE(c.crc_ok) << c.name;
            at_end += 12 + c.length;
        }
        EXPECT_EQ(8 + at_end, png.size()) << "bytes after IEND";
        SurfacePtr back = decode(png);
        ASSERT_EQ(cairo_surface_status(back.get()), CAIRO_STATUS_SUCCESS);
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                if (translucent && y == 300 && x == 400) continue;  // un-premultiplied and premultiplied again
                ASSERT_EQ(pixel(back.get(), x, y), pixel(image.get(), x, y)) << x << "," << y;
            }
        if (translucent) EXPECT_EQ(pixel(back.get(), 400, 300) >> 24, 0x80u);
    }
}

TEST(PngEncoder, TheImageDataIsTheStreamZlibWritesWhenItWrapsItselfAtLevel2) {
    // The encoder deflates a raw stream and writes the zlib header and the Adler-32 (libdeflate's) itself:
    // its bytes must be those of zlib wrapping the same rows (filter byte 0 each) at level 2, window 32 KiB,
    // memory level 7.
    // A page-like image: flat colours, a disc, and a band of noise (several deflate blocks).
    for (const bool translucent : {false, true}) {
        const int width = 613, height = 419;
        SurfacePtr image(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
        ContextPtr cr(cairo_create(image.get()));
        cairo_set_source_rgba(cr.get(), 0.95, 0.94, 0.9, translucent ? 0.7 : 1.0);
        cairo_paint(cr.get());
        cairo_set_source_rgb(cr.get(), 0.3, 0.5, 0.2);
        cairo_arc(cr.get(), 300, 200, 150, 0, 6.3);
        cairo_fill(cr.get());
        cairo_surface_flush(image.get());
        unsigned char* data = cairo_image_surface_get_data(image.get());
        const int stride = cairo_image_surface_get_stride(image.get());
        std::uint32_t seed = 99;
        for (int y = 100; y < 140; ++y)
            for (int x = 0; x < width; ++x) {
                seed = seed * 1664525u + 1013904223u;
                reinterpret_cast<std::uint32_t*>(data + y * stride)[x] = 0xff000000u | (seed >> 8);
            }
        cairo_surface_mark_dirty(image.get());
        const std::string png = encode_png(image.get(), 200);
        std::string idat;
        for (const Chunk& c : chunks(png))
            if (c.name == "IDAT") idat += c.data;

        const RasterPixels pixels = png_pixels(image.get());
        ASSERT_EQ(pixels.bands, translucent ? 4 : 3);
        const std::size_t row = static_cast<std::size_t>(width) * static_cast<std::size_t>(pixels.bands);
        std::string rows;
        for (int y = 0; y < height; ++y) {
            rows.push_back('\0');
            rows.append(reinterpret_cast<const char*>(pixels.bytes.data()) + row * static_cast<std::size_t>(y), row);
        }
        z_stream z{};
        ASSERT_EQ(deflateInit2(&z, 2, Z_DEFLATED, 15, 7, Z_DEFAULT_STRATEGY), Z_OK);
        std::string expected(deflateBound(&z, static_cast<uLong>(rows.size())), '\0');
        z.next_in = reinterpret_cast<Bytef*>(rows.data());
        z.avail_in = static_cast<uInt>(rows.size());
        z.next_out = reinterpret_cast<Bytef*>(expected.data());
        z.avail_out = static_cast<uInt>(expected.size());
        ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
        expected.resize(z.total_out);
        deflateEnd(&z);
        EXPECT_GT(expected.size(), 6u);
        EXPECT_EQ(idat.size(), expected.size()) << translucent;
        EXPECT_TRUE(idat == expected) << "the image data differs from zlib's own stream" << (translucent ? " (RGBA)" : " (RGB)");
    }
}
