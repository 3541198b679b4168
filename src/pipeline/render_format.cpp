#include "pipeline/render_format.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "pipeline/cancel.hpp"
#include "pipeline/georeference.hpp"
#include "pipeline/pdf_georeference.hpp"
#include "pipeline/pdfx.hpp"
#include "pipeline/timing.hpp"
#include "render/page_surface.hpp"

namespace cartelier::pipeline {

namespace {

/// The page's spec for `format`: its size, dpi (`dpi` unless nullopt), metadata.
render::PageSpec page_spec(const PreparedMap& map, std::optional<double> dpi) {
    const MapDecl& decl = *map.map;
    render::PageSpec spec;
    spec.width_pt = map.page.width_pt();
    spec.height_pt = map.page.height_pt();
    spec.dpi = dpi.value_or(decl.dpi);
    spec.title = map.page.title;
    spec.creator = fmt::format("Cartelier {}", CARTELIER_VERSION_STRING);
    spec.date = map.date;
    return spec;
}

/// Draws the whole page (frames, plan, furniture) on `surface`, with `style`.
render::PageReport draw(const PreparedMap& map, const style::Style& style, render::PageSurface& surface,
                        render::IconCache& icons, layout::TextMetricsMemo* text_metrics = nullptr) {
    const MapDecl& decl = *map.map;
    // What ["global-state", …] reads while this page is drawn (an atlas page's feature).
    const style::expr::GlobalStateScope state(&decl.global_state);
    render::MapContent content{&style, &map.layers_in(decl.crs), decl.crs, decl.extent,
                               [&](const std::string& crs) -> const render::LayerSet& { return map.layers_in(crs); },
                               &icons};
    content.white_raster_page = surface.white_raster();
    content.text_metrics = text_metrics;
    return render::compose_page(surface.cr(), map.page, content);
}

}  // namespace

RenderedFormat render_format(const PreparedMap& map, Format format, render::IconCache& icons,
                             std::optional<double> dpi, layout::TextMetricsMemo* text_metrics) {
    throw_if_interrupted();
    ScopedStage stage("render");
    const MapDecl& decl = *map.map;
    const render::PageSpec spec = page_spec(map, dpi);
    // pdfx: an RGB PDF master, opaque page elements (PDF/X-3 has no transparency), converted below.
    const bool print = format == Format::Pdfx;
    if (print && (!map.print_style || !decl.print))
        throw Error(decl.declared_at, fmt::format("internal error: map '{}' was not prepared for the pdfx format", decl.id));
    render::PageSurface surface(format, spec);
    RenderedFormat out;
    out.format = format;
    if (format == Format::Png || format == Format::Tif) out.dpi = spec.dpi;
    out.report = draw(map, print ? *map.print_style : *map.style, surface, icons, text_metrics);
    if (format == Format::Tif) {
        // The PNG's pixels, with the main frame's georeference, through the GDAL module.
        const layout::View* view = nullptr;
        if (decl.georeference) {
            if (out.report.frames.empty())
                throw Error(SourceLocation{}, fmt::format("map '{}': no main frame to georeference the GeoTIFF", decl.id));
            view = &out.report.frames.front().view;
        }
        out.bytes = page_geotiff(surface.finish_pixels(), spec.dpi, view);
    } else {
        out.bytes = surface.finish();
    }
    if (format == Format::Pdf && decl.georeference)
        out.bytes = georeference_pdf(out.bytes, pdf_viewports(out.report.frames, spec.height_pt));
    if (print)
        out.bytes = convert_to_pdfx(out.bytes, PdfxPage{spec.width_pt, spec.height_pt, spec.title, map.date}, *decl.print);
    return out;
}

RenderedBands render_png_bands(const PreparedMap& map, render::IconCache& icons, unsigned bands) {
    throw_if_interrupted();
    const render::PageSpec whole = page_spec(map, std::nullopt);
    const int width = static_cast<int>(std::lround(whole.width_pt * whole.dpi / 72.0));
    const int height = static_cast<int>(std::lround(whole.height_pt * whole.dpi / 72.0));
    // Bands of one height (the last may be shorter): a viewer can then put every band edge on a screen pixel.
    bands = std::clamp<unsigned>(bands, 1, static_cast<unsigned>(std::max(1, height)));
    const int band_height = (height + static_cast<int>(bands) - 1) / static_cast<int>(bands);
    bands = static_cast<unsigned>((height + band_height - 1) / band_height);
    RenderedBands out;
    out.dpi = whole.dpi;
    out.width = width;
    out.height = height;
    out.pngs.resize(bands);
    std::vector<render::PageReport> reports(bands);
    std::vector<std::exception_ptr> failures(bands);
    for (unsigned b = 0; b < bands; ++b) out.first_rows.push_back(static_cast<int>(b) * band_height);
    auto band = [&](unsigned b) {
        try {
            render::PageSpec spec = whole;
            spec.band_first_row = out.first_rows[b];
            spec.band_rows = (b + 1 < bands ? out.first_rows[b + 1] : height) - out.first_rows[b];
            render::PageSurface surface(Format::Png, spec);
            reports[b] = draw(map, *map.style, surface, icons);
            out.pngs[b] = surface.finish();
        } catch (...) {
            failures[b] = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    for (unsigned b = 1; b < bands; ++b) threads.emplace_back(band, b);
    band(0);
    for (auto& t : threads) t.join();
    for (const auto& f : failures)
        if (f) std::rethrow_exception(f);
    out.report = std::move(reports[0]);
    return out;
}

}  // namespace cartelier::pipeline
