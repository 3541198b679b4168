// Stage 3 of a map build, RENDER: one output format of a prepared map, drawn into memory. Reads the
// prepared map only (the formats of a map render on several threads at once); writes nothing. See
// pipeline/pipeline.hpp for the stage order.
#pragma once

#include <optional>
#include <string>

#include "render/page.hpp"
#include "pipeline/prepare.hpp"
#include "pipeline/project.hpp"
#include "render/icons.hpp"

namespace cartelier::pipeline {

struct RenderedFormat {
    Format format = Format::Pdf;
    std::string bytes;           ///< the whole file
    double dpi = 0;              ///< PNG, TIF: the pixels per inch it was drawn at (0 for the vector formats)
    render::PageReport report;   ///< labels, evaluation errors, scale, frames
};

/// Draws `map` as `format` (PDF, PNG, SVG or TIF), the same bytes for the same prepared map; a PDF carries
/// the georeference of its frames unless the map says `georeference: false` (pipeline/pdf_georeference.hpp).
/// PNG and TIF (the PNG's pixels as a GeoTIFF: pipeline/georeference.hpp) at the map's dpi, unless `dpi`
/// is given (previews, tests). `text_metrics`: kept between builds (render::MapContent). Throws Error when drawing fails, Interrupted on a
/// signal.
RenderedFormat render_format(const PreparedMap& map, Format format, render::IconCache& icons,
                             std::optional<double> dpi = std::nullopt, layout::TextMetricsMemo* text_metrics = nullptr);

/// The map's PNG (at the map's dpi) as `bands` horizontal bands (at most: as many as bands of one height,
/// ceil(height / bands) rows, the last shorter, make), each drawn on a thread of its own and encoded as a
/// PNG file of its own: the pixels of render_format's PNG, rows first_rows[i] onward in band i. The live preview's rendering (serve/preview.hpp): on several cores, sooner than one PNG, and a
/// browser decodes the bands in parallel. Every band plans the whole page (the same plan: it is
/// deterministic); `report` is the first band's. Throws Error when drawing fails, Interrupted on a signal.
struct RenderedBands {
    std::vector<std::string> pngs;
    std::vector<int> first_rows;
    int width = 0, height = 0;  ///< the whole page, pixels
    double dpi = 0;
    render::PageReport report;
};
RenderedBands render_png_bands(const PreparedMap& map, render::IconCache& icons, unsigned bands);

}  // namespace cartelier::pipeline
