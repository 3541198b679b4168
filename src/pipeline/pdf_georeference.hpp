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

#include <string>
#include <vector>

#include "layout/view.hpp"
#include "pipeline/pdf_viewport.hpp"  // PdfViewport, pdf_viewport_text, georeference_pdf (the qpdf side)
#include "render/page.hpp"

namespace cartelier::pipeline {

/// The name of the main map frame's viewport (GDAL's default neatline).
inline constexpr const char* kMainViewportName = "Map Layers";

/// The viewport of a frame showing `view` (in `view.crs`) on a page `page_height_pt` high. Throws Error
/// when PROJ does not know the CRS or cannot take the frame's corners to latitude and longitude.
PdfViewport pdf_viewport(const std::string& name, const layout::View& view, double page_height_pt);

/// The viewports of a page's frames (`frames[0]` the main map, named kMainViewportName; each inset by
/// its name), in that order.
std::vector<PdfViewport> pdf_viewports(const std::vector<render::FrameReport>& frames, double page_height_pt);

}  // namespace cartelier::pipeline
