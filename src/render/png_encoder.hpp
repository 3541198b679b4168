// PNG encoding of a rendered page with libpng, tuned for maps: flat colours compress best without row
// filters, and deflate level 2 is then both the fastest and about the smallest setting, where Cairo's
// own writer (RGBA, every filter, level 6) is both slower and larger. The figures are in the README
// ("Performance at national scale").
#pragma once

#include <string>

#include <cairo.h>

namespace cartelier::render {

/// The PNG file of a Cairo ARGB32 image surface: 8-bit RGB when every pixel is opaque (a page with a
/// background), otherwise RGBA with the alpha un-premultiplied; the resolution is recorded (pHYs) so
/// that print software sizes it right. Throws Error if the surface is not an ARGB32 image or libpng fails.
std::string encode_png(cairo_surface_t* image, double dpi);

}  // namespace cartelier::render
