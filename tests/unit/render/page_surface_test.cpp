// The raster page: its pixels are not cleared by Cairo (the page is painted over at once), so a new
// page must start opaque white whatever the memory it is given held before.
#include <gtest/gtest.h>

#include <algorithm>

#include "render/page_surface.hpp"

namespace cartelier::render {
namespace {

PageSpec small_page(int band_rows = 0) {
    PageSpec spec;
    spec.width_pt = 211;  // 211 × 149 px at 72 dpi: a stride with padding
    spec.height_pt = 149;
    spec.dpi = 72;
    if (band_rows > 0) {
        spec.band_first_row = 40;
        spec.band_rows = band_rows;
    }
    return spec;
}

}  // namespace

TEST(PageSurface, ANewRasterPageIsOpaqueWhiteWhateverItsMemoryHeldBefore) {
    for (const int band_rows : {0, 61}) {
        for (int round = 0; round < 4; ++round) {
            {
                // Pages of the same size painted translucent magenta and dropped: their memory is what
                // the allocator is likeliest to give the next page.
                PageSurface used(OutputFormat::Png, small_page(band_rows));
                cairo_set_operator(used.cr(), CAIRO_OPERATOR_SOURCE);
                cairo_set_source_rgba(used.cr(), 0.8, 0.1, 0.7, 0.3);
                cairo_paint(used.cr());
                (void)used.finish_pixels();
            }
            PageSurface page(OutputFormat::Png, small_page(band_rows));
            EXPECT_EQ(page.pixel_width(), 211);
            EXPECT_EQ(page.pixel_height(), band_rows > 0 ? band_rows : 149);
            const RasterPixels pixels = page.finish_pixels();
            EXPECT_EQ(pixels.bands, 3) << "a pixel of a new page is not opaque (band " << band_rows << ")";
            EXPECT_TRUE(std::all_of(pixels.bytes.begin(), pixels.bytes.end(), [](unsigned char b) { return b == 255; }))
                << "a pixel of a new page is not white (band " << band_rows << ")";
        }
    }
}

TEST(PageSurface, APageTooLargeForCairoIsAClearError) {
    PageSpec spec;
    spec.width_pt = 5000;  // 5000 pt at 600 dpi: 41 667 px wide, over Cairo's 32 767
    spec.height_pt = 100;
    spec.dpi = 600;
    try {
        PageSurface page(OutputFormat::Png, spec);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("41667"), std::string::npos) << e.what();
    }
}

}  // namespace cartelier::render
