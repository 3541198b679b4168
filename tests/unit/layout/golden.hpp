// Golden images: a rendering compared with a reviewed PNG under tests/golden/, with a tolerance that
// survives anti-aliasing noise (both images blurred over 3×3 pixels, then a per-channel threshold) but
// catches a moved label or a missing inset (a small maximum share of differing pixels). See tests/README.md for how to review and update the goldens.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <cairo.h>
#include <fmt/format.h>

namespace cartelier::test {

struct Image {
    int width = 0, height = 0;
    std::vector<std::uint32_t> pixels;  ///< ARGB32, premultiplied (Cairo's layout)
    bool empty() const { return pixels.empty(); }
    std::uint32_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

namespace detail {
struct Reader {
    const std::string* bytes;
    std::size_t offset = 0;
};
inline cairo_status_t read_bytes(void* closure, unsigned char* data, unsigned int length) {
    auto* r = static_cast<Reader*>(closure);
    if (r->offset + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
    std::copy_n(r->bytes->data() + r->offset, length, data);
    r->offset += length;
    return CAIRO_STATUS_SUCCESS;
}
inline Image from_surface(cairo_surface_t* s) {
    Image img;
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return img;
    }
    cairo_surface_t* argb = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, cairo_image_surface_get_width(s),
                                                       cairo_image_surface_get_height(s));
    cairo_t* cr = cairo_create(argb);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_flush(argb);
    img.width = cairo_image_surface_get_width(argb);
    img.height = cairo_image_surface_get_height(argb);
    const int stride = cairo_image_surface_get_stride(argb);
    const unsigned char* data = cairo_image_surface_get_data(argb);
    img.pixels.resize(static_cast<std::size_t>(img.width) * img.height);
    for (int y = 0; y < img.height; ++y)
        std::copy_n(reinterpret_cast<const std::uint32_t*>(data + y * stride), img.width,
                    img.pixels.begin() + static_cast<std::ptrdiff_t>(y) * img.width);
    cairo_surface_destroy(argb);
    cairo_surface_destroy(s);
    return img;
}
}  // namespace detail

inline Image decode_png(const std::string& bytes) {
    detail::Reader r{&bytes};
    return detail::from_surface(cairo_image_surface_create_from_png_stream(detail::read_bytes, &r));
}
inline Image read_png(const std::string& path) {
    return detail::from_surface(cairo_image_surface_create_from_png(path.c_str()));
}

/// A Cairo image surface holding a copy of `img` (caller destroys).
inline cairo_surface_t* to_surface(const Image& img) {
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, img.width, img.height);
    cairo_surface_flush(s);
    unsigned char* data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < img.height; ++y)
        std::copy_n(img.pixels.begin() + static_cast<std::ptrdiff_t>(y) * img.width, img.width,
                    reinterpret_cast<std::uint32_t*>(data + y * stride));
    cairo_surface_mark_dirty(s);
    return s;
}

inline void write_png(const Image& img, const std::string& path) {
    cairo_surface_t* s = to_surface(img);
    cairo_surface_write_to_png(s, path.c_str());
    cairo_surface_destroy(s);
}

struct Tolerance {
    int blur = 1;                ///< both images box-blurred over (2·blur+1)² pixels: anti-aliasing noise averages out
    int channel = 40;            ///< then a channel may differ by this much (of 255) without counting
    double max_fraction = 1e-4;  ///< share of differing pixels allowed
};

struct Comparison {
    bool same_size = false;
    std::size_t differing = 0;
    double fraction = 1;
    Image diff;  ///< the golden faded, differing pixels in red
    bool passes(const Tolerance& t) const { return same_size && fraction <= t.max_fraction; }
};

inline int channel_delta(std::uint32_t a, std::uint32_t b) {
    int d = 0;
    for (int shift : {0, 8, 16, 24})
        d = std::max(d, std::abs(static_cast<int>((a >> shift) & 0xff) - static_cast<int>((b >> shift) & 0xff)));
    return d;
}

/// Box blur of every channel (edges clamped).
inline Image blurred(const Image& img, int radius) {
    if (radius <= 0) return img;
    Image out = img;
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
            int sum[4] = {0, 0, 0, 0}, n = 0;
            for (int dy = -radius; dy <= radius; ++dy)
                for (int dx = -radius; dx <= radius; ++dx) {
                    const int qx = std::clamp(x + dx, 0, img.width - 1), qy = std::clamp(y + dy, 0, img.height - 1);
                    const std::uint32_t p = img.at(qx, qy);
                    for (int c = 0; c < 4; ++c) sum[c] += static_cast<int>((p >> (8 * c)) & 0xff);
                    ++n;
                }
            std::uint32_t v = 0;
            for (int c = 0; c < 4; ++c) v |= static_cast<std::uint32_t>((sum[c] + n / 2) / n) << (8 * c);
            out.pixels[static_cast<std::size_t>(y) * img.width + x] = v;
        }
    return out;
}

inline Comparison compare_images(const Image& actual, const Image& golden, const Tolerance& t) {
    Comparison c;
    c.same_size = actual.width == golden.width && actual.height == golden.height && !actual.empty();
    if (!c.same_size) return c;
    const Image a = blurred(actual, t.blur), g = blurred(golden, t.blur);
    c.diff = golden;
    for (int y = 0; y < golden.height; ++y)
        for (int x = 0; x < golden.width; ++x) {
            std::uint32_t& d = c.diff.pixels[static_cast<std::size_t>(y) * golden.width + x];
            if (channel_delta(a.at(x, y), g.at(x, y)) > t.channel) {
                ++c.differing;
                d = 0xffff0000u;
            } else {
                // Faded grey of the golden, so the red stands out.
                const std::uint32_t p = golden.at(x, y);
                const int grey = (((p >> 16) & 0xff) + ((p >> 8) & 0xff) + (p & 0xff)) / 3;
                const auto v = static_cast<std::uint32_t>(192 + grey / 4);
                d = 0xff000000u | (v << 16) | (v << 8) | v;
            }
        }
    c.fraction = static_cast<double>(c.differing) / static_cast<double>(golden.pixels.size());
    return c;
}

inline bool update_goldens() {
    const char* v = std::getenv("CARTELIER_UPDATE_GOLDENS");
    return v && std::string(v) == "1";
}

}  // namespace cartelier::test
