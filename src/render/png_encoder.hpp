// PNG encoding of a rendered page, tuned for maps: flat colours compress best without row filters, and
// deflate level 2 is then both the fastest and about the smallest setting, where Cairo's own writer
// (RGBA, every filter, level 6) is both slower and larger. libpng writes the chunks; zlib deflates the
// rows and libdeflate checksums them (zlib's own Adler-32 was a tenth of the deflate's time). The figures
// are in the README ("Performance at national scale").
#pragma once

#include <string>
#include <vector>

#include <cairo.h>

namespace cartelier::render {

/// The PNG file of a Cairo ARGB32 image surface: 8-bit RGB when every pixel is opaque (a page with a
/// background), otherwise RGBA with the alpha un-premultiplied; the resolution is recorded (pHYs) so
/// that print software sizes it right. Throws Error if the surface is not an ARGB32 image or libpng fails.
std::string encode_png(cairo_surface_t* image, double dpi);

/// The pixels encode_png writes for `image`, uncompressed: `height` rows of `width` pixels, top row first,
/// no padding; 3 bytes a pixel (R, G, B) when every pixel is opaque, else 4 (R, G, B and the alpha, colours
/// un-premultiplied). What the GeoTIFF is made of, so that it holds the same pixels as the PNG.
struct RasterPixels {
    int width = 0;
    int height = 0;
    int bands = 3;
    std::vector<unsigned char> bytes;
};

/// Throws Error if the surface is not an ARGB32 image with pixels.
RasterPixels png_pixels(cairo_surface_t* image);

}  // namespace cartelier::render
