#include "pipeline/render_format.hpp"

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "pipeline/cancel.hpp"
#include "pipeline/georeference.hpp"
#include "pipeline/pdf_georeference.hpp"
#include "pipeline/pdfx.hpp"
#include "pipeline/timing.hpp"
#include "render/page_surface.hpp"

namespace cartelier::pipeline {

RenderedFormat render_format(const PreparedMap& map, Format format, render::IconCache& icons,
                             std::optional<double> dpi) {
    throw_if_interrupted();
    ScopedStage stage("render");
    const MapDecl& decl = *map.map;
    // What ["global-state", …] reads while this page is drawn (an atlas page's feature).
    const style::expr::GlobalStateScope state(&decl.global_state);
    render::PageSpec spec;
    spec.width_pt = map.page.width_pt();
    spec.height_pt = map.page.height_pt();
    spec.dpi = dpi.value_or(decl.dpi);
    spec.title = map.page.title;
    spec.creator = fmt::format("Cartelier {}", CARTELIER_VERSION_STRING);
    spec.date = map.date;
    // pdfx: an RGB PDF master, opaque page elements (PDF/X-3 has no transparency), converted below.
    const bool print = format == Format::Pdfx;
    if (print && (!map.print_style || !decl.print))
        throw Error(decl.declared_at, fmt::format("internal error: map '{}' was not prepared for the pdfx format", decl.id));
    render::PageSurface surface(format, spec);
    render::MapContent content{print ? map.print_style.get() : map.style.get(), &map.layers_in(decl.crs), decl.crs, decl.extent,
                               [&](const std::string& crs) -> const render::LayerSet& { return map.layers_in(crs); },
                               &icons};
    RenderedFormat out;
    out.format = format;
    if (format == Format::Png || format == Format::Tif) out.dpi = spec.dpi;
    out.report = render::compose_page(surface.cr(), map.page, content);
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

}  // namespace cartelier::pipeline
