// A page to draw on, in points (1/72 inch), whatever the output: vector PDF, vector SVG, or a PNG
// raster at a given DPI (TIF: the same raster, its pixels handed over for the GeoTIFF encoder of the
// GDAL module, pipeline/render_format.cpp). Output bytes stay in memory until the caller writes them
// (atomically).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "render/cairo_handles.hpp"
#include "render/png_encoder.hpp"

namespace cartelier::render {

/// The most pixels a side of a raster page (Cairo's image surfaces): the project refuses a paper and dpi
/// beyond it when it is read, the page surface when it is made.
inline constexpr int kMaxRasterPixels = 32767;

/// Tif: the PNG's pixels, encoded as a GeoTIFF by the pipeline (pipeline/georeference.hpp). Pdfx: the
/// print PDF (PDF/X-3, CMYK), drawn as a PDF here and converted by pipeline/pdfx.hpp.
enum class OutputFormat { Pdf, Png, Svg, Tif, Pdfx };
/// The file name's extension: pdf, png, svg, tif, x3.pdf.
const char* extension(OutputFormat f);

struct PageSpec {
    double width_pt = 841.89;   ///< A4 landscape
    double height_pt = 595.28;
    double dpi = 300;           ///< PNG and TIF only
    std::string title;          ///< PDF metadata
    std::string creator = "Cartelier";
    std::optional<std::int64_t> date;  ///< seconds since the epoch for PDF metadata (deterministic output)
    /// PNG and TIF: only the rows [band_first_row, band_first_row + band_rows) of the page's pixels (a
    /// band of the page, drawn with the same coordinates); 0 rows: the whole page.
    int band_first_row = 0;
    int band_rows = 0;
};

class PageSurface {
public:
    PageSurface(OutputFormat format, const PageSpec& spec);
    ~PageSurface();
    PageSurface(const PageSurface&) = delete;
    PageSurface& operator=(const PageSurface&) = delete;

    /// A Cairo context whose user space is the page in points, origin top-left.
    cairo_t* cr() const { return cr_.get(); }
    OutputFormat format() const { return format_; }
    /// A raster page (PNG, GeoTIFF): an image whose every pixel the constructor painted opaque white.
    bool white_raster() const { return format_ == OutputFormat::Png || format_ == OutputFormat::Tif; }
    /// Device pixels per point (PNG: dpi/72; vector: 1).
    double device_scale() const { return device_scale_; }
    /// PNG (and TIF) size in pixels (of the band, when the spec asks for one).
    int pixel_width() const { return pixel_width_; }
    int pixel_height() const { return pixel_height_; }

    /// Ends the page and returns the file's bytes: the same bytes for the same page whatever the process
    /// drew before (SVG ids renumbered, render/svg_ids.hpp). Throws Error when Cairo reports a failure,
    /// and for a TIF page (finish_pixels()).
    std::string finish();
    /// Ends a raster page (PNG or TIF) and returns its pixels, those the PNG holds (render::png_pixels).
    /// Throws Error when Cairo reports a failure or the page is not a raster.
    RasterPixels finish_pixels();

private:
    static cairo_status_t write_chunk(void* closure, const unsigned char* data, unsigned int length);
    OutputFormat format_;
    double device_scale_ = 1;
    int pixel_width_ = 0, pixel_height_ = 0;
    std::string bytes_;
    SurfacePtr surface_;
    ContextPtr cr_;
};

}  // namespace cartelier::render
