// Where each map frame of a PDF page sits on the ground, for GIS users: the geospatial PDF of the Adobe
// supplement to ISO 32000 (extension level 3), which GDAL (so QGIS), Acrobat and field apps read. The
// page dictionary gets a `/VP` array, one viewport per map frame (the main map first, then each inset in
// its own CRS): `/BBox` (the frame, in PDF user space: points, origin bottom-left, y up), `/Name`, and a
// `/Measure` of subtype `/GEO` giving the latitude and longitude of the frame's four corners (`/GPTS`,
// in the geographic CRS of the frame CRS's datum), the same corners in the unit square of the BBox
// (`/LPTS`) and the frame's CRS (`/GCS`: EPSG code and WKT). Where viewports overlap (an inset over
// the main map) the later one counts, as the supplement says: insets come after the main map.
//
// The main map's viewport is named "Map Layers", the neatline GDAL's PDF driver selects by default, so
// `gdalinfo out/ID.pdf` reports the main map's CRS and geotransform; an inset's is named as the inset,
// for `gdalinfo -oo NEATLINE=Guadeloupe out/ID.pdf`.
//
// The dictionaries are added to the PDF Cairo wrote by qpdf (parsed and written again, its streams
// copied as they are), with a deterministic /ID: the same page gives the same bytes.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "layout/view.hpp"
#include "render/page.hpp"

namespace cartelier::pipeline {

/// The name of the main map frame's viewport (GDAL's default neatline).
inline constexpr const char* kMainViewportName = "Map Layers";

/// One map frame's viewport, in numbers.
struct PdfViewport {
    std::string name;
    std::array<double, 4> bbox{};  ///< lower-left x, y, upper-right x, y in PDF user space (points, y up)
    /// Latitude, longitude of the frame's upper-left, lower-left, lower-right, upper-right corners.
    std::array<double, 8> gpts{};
    /// The same corners in the BBox's unit square (x right, y up): 0 1, 0 0, 1 0, 1 1.
    static constexpr std::array<int, 8> lpts{0, 1, 0, 0, 1, 0, 1, 1};
    int epsg = 0;             ///< the frame CRS's EPSG code (0: none, the WKT alone says it)
    std::string wkt;          ///< the frame CRS as WKT1 (GDAL dialect)
    bool geographic = false;  ///< `/GEOGCS` rather than `/PROJCS`
};

/// The viewport of a frame showing `view` (in `view.crs`) on a page `page_height_pt` high. Throws Error
/// when PROJ does not know the CRS or cannot take the frame's corners to latitude and longitude.
PdfViewport pdf_viewport(const std::string& name, const layout::View& view, double page_height_pt);

/// The viewports of a page's frames (`frames[0]` the main map, named kMainViewportName; each inset by
/// its name), in that order.
std::vector<PdfViewport> pdf_viewports(const std::vector<render::FrameReport>& frames, double page_height_pt);

/// The viewport dictionary as it is written in the PDF (`<< /BBox [...] /Measure << ... >> ... >>`,
/// keys in qpdf's order, numbers in fixed notation: points to 6 decimals, degrees to 10).
std::string pdf_viewport_text(const PdfViewport& viewport);

/// `pdf` (one page, as Cairo wrote it) with the viewports in its page dictionary, the catalog declaring
/// Adobe's extension level 3 (PDF 1.7), its streams unchanged, a deterministic /ID. Throws Error when
/// the bytes are not a one-page PDF qpdf reads without a warning.
std::string georeference_pdf(std::string_view pdf, const std::vector<PdfViewport>& viewports);

}  // namespace cartelier::pipeline
