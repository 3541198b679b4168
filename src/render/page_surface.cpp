#include "render/page_surface.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "render/pdf_deflate.hpp"
#include "render/pdf_numbers.hpp"
#include "render/profiling.hpp"
#include "render/png_encoder.hpp"
#include "render/svg_ids.hpp"

namespace cartelier::render {

const char* extension(OutputFormat f) {
    switch (f) {
        case OutputFormat::Pdf: return "pdf";
        case OutputFormat::Png: return "png";
        case OutputFormat::Svg: return "svg";
        case OutputFormat::Tif: return "tif";
        case OutputFormat::Pdfx: return "x3.pdf";
    }
    return "";
}

namespace {

/// An ARGB32 image surface of `width` × `height` pixels whose pixels are not cleared (Cairo's own image
/// surfaces are: a page's worth of zeros written for nothing when the page is painted over at once).
/// Cairo frees the pixels with the surface.
SurfacePtr uncleared_image(int width, int height) {
    const int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, width);
    if (stride <= 0 || width > kMaxRasterPixels || height <= 0 || height > kMaxRasterPixels)
        throw Error(SourceLocation{}, fmt::format("cannot create a page of {} × {} pixels: the largest is {} × {}",
                                                  width, height, kMaxRasterPixels, kMaxRasterPixels));
    auto* pixels = static_cast<unsigned char*>(std::malloc(static_cast<std::size_t>(stride) * static_cast<std::size_t>(height)));
    if (!pixels) throw Error(SourceLocation{}, fmt::format("cannot create a page of {} × {} pixels: out of memory", width, height));
    SurfacePtr surface(cairo_image_surface_create_for_data(pixels, CAIRO_FORMAT_ARGB32, width, height, stride));
    static cairo_user_data_key_t pixels_key;
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_set_user_data(surface.get(), &pixels_key, pixels, std::free) != CAIRO_STATUS_SUCCESS) {
        const std::string why = cairo_status_to_string(cairo_surface_status(surface.get()));
        surface.reset();
        std::free(pixels);
        throw Error(SourceLocation{}, fmt::format("cannot create a page of {} × {} pixels: {}", width, height, why));
    }
    return surface;
}

}  // namespace

cairo_status_t PageSurface::write_chunk(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

PageSurface::PageSurface(OutputFormat format, const PageSpec& spec) : format_(format) {
    switch (format) {
        case OutputFormat::Pdf:
        case OutputFormat::Pdfx: {
            surface_.reset(cairo_pdf_surface_create_for_stream(&PageSurface::write_chunk, &bytes_, spec.width_pt,
                                                               spec.height_pt));
            auto* s = surface_.get();
            cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
            if (!spec.title.empty()) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, spec.title.c_str());
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, spec.creator.c_str());
            if (spec.date) {
                std::time_t t = static_cast<std::time_t>(*spec.date);
                std::tm tm{};
                gmtime_r(&t, &tm);
                char buffer[32];
                std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
                cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, buffer);
                cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, buffer);
            }
            break;
        }
        case OutputFormat::Svg:
            surface_.reset(cairo_svg_surface_create_for_stream(&PageSurface::write_chunk, &bytes_, spec.width_pt,
                                                               spec.height_pt));
            cairo_svg_surface_set_document_unit(surface_.get(), CAIRO_SVG_UNIT_PT);
            break;
        case OutputFormat::Png:
        case OutputFormat::Tif:
            device_scale_ = spec.dpi / 72.0;
            pixel_width_ = static_cast<int>(std::lround(spec.width_pt * device_scale_));
            pixel_height_ = static_cast<int>(std::lround(spec.height_pt * device_scale_));
            if (spec.band_rows > 0) {
                if (spec.band_first_row < 0 || spec.band_first_row + spec.band_rows > pixel_height_)
                    throw Error(SourceLocation{}, fmt::format("internal error: rows {} to {} are not on a page of {} rows",
                                                              spec.band_first_row, spec.band_first_row + spec.band_rows,
                                                              pixel_height_));
                pixel_height_ = spec.band_rows;
            }
            surface_ = uncleared_image(pixel_width_, pixel_height_);  // every pixel painted white below
            break;
    }
    if (cairo_surface_status(surface_.get()) != CAIRO_STATUS_SUCCESS)
        throw Error(SourceLocation{}, fmt::format("cannot create the {} page: {}", extension(format),
                                                  cairo_status_to_string(cairo_surface_status(surface_.get()))));
    cr_.reset(cairo_create(surface_.get()));
    if (format == OutputFormat::Png || format == OutputFormat::Tif) {
        // A band: the page moved up so that its first row is the surface's (whole device pixels: the
        // band's pixels are those of the whole page).
        if (spec.band_rows > 0) cairo_translate(cr_.get(), 0, -spec.band_first_row);
        cairo_scale(cr_.get(), device_scale_, device_scale_);
        // An opaque white page: PNG viewers show transparency as a checkerboard or black. Every pixel is
        // written (the operator SOURCE reads none of the surface's uncleared pixels).
        cairo_set_source_rgb(cr_.get(), 1, 1, 1);
        cairo_set_operator(cr_.get(), CAIRO_OPERATOR_SOURCE);
        cairo_paint(cr_.get());
        cairo_set_operator(cr_.get(), CAIRO_OPERATOR_OVER);
    }
}

PageSurface::~PageSurface() = default;

std::string PageSurface::finish() {
    const auto start = std::chrono::steady_clock::now();
    struct Report {
        std::chrono::steady_clock::time_point start;
        OutputFormat format;
        ~Report() {
            if (profiling()) fmt::print(stderr, "stage encode {} {:.3f} s\n", extension(format), since(start));
        }
    } report{start, format_};
    if (format_ == OutputFormat::Tif)
        throw Error(SourceLocation{}, "a tif page ends with its pixels (finish_pixels), encoded by the GDAL module");
    cairo_status_t status = cairo_status(cr_.get());
    if (status != CAIRO_STATUS_SUCCESS)
        throw Error(SourceLocation{}, fmt::format("drawing the {} page failed: {}", extension(format_),
                                                  cairo_status_to_string(status)));
    cr_.reset();
    if (format_ == OutputFormat::Png) {
        bytes_ = encode_png(surface_.get(), device_scale_ * 72);
    } else {
        // PDF and SVG: Cairo writes (and compresses) the streams now.
        ScopedDeflateLevel level(pdf_deflate_level);
        ScopedFastFixedNumbers numbers;
        cairo_surface_finish(surface_.get());
        status = cairo_surface_status(surface_.get());
    }
    surface_.reset();
    if (status != CAIRO_STATUS_SUCCESS)
        throw Error(SourceLocation{}, fmt::format("writing the {} page failed: {}", extension(format_),
                                                  cairo_status_to_string(status)));
    if (format_ == OutputFormat::Svg) return canonical_svg_ids(bytes_);
    return std::move(bytes_);
}

RasterPixels PageSurface::finish_pixels() {
    if (format_ != OutputFormat::Png && format_ != OutputFormat::Tif)
        throw Error(SourceLocation{}, fmt::format("a {} page has no pixels", extension(format_)));
    const cairo_status_t status = cairo_status(cr_.get());
    if (status != CAIRO_STATUS_SUCCESS)
        throw Error(SourceLocation{}, fmt::format("drawing the {} page failed: {}", extension(format_),
                                                  cairo_status_to_string(status)));
    cr_.reset();
    RasterPixels pixels = png_pixels(surface_.get());
    surface_.reset();
    return pixels;
}

}  // namespace cartelier::render
