// Where a PNG page sits on the ground, for GIS users: beside `ID.png`, an ESRI world file `ID.pgw` and
// the CRS in GDAL's auxiliary file `ID.png.aux.xml` (PAM), the two files GDAL (so QGIS) reads for a PNG.
// Both describe the MAIN map frame: the page's pixel grid extends the frame's affine transform (page
// points → map units, layout::View) over the whole page, so a pixel outside the frame has map
// coordinates too. `gdalinfo out/ID.png` reports the CRS and the geotransform. The GeoTIFF (`tif`)
// carries the same grid inside the file (page_geotransform): one computation for both.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "layout/view.hpp"
#include "render/png_encoder.hpp"

namespace cartelier::pipeline {

/// The pixel grid of a page rendered at `dpi` whose main frame shows `view`, as GDAL's geotransform: x of
/// the upper-left CORNER of the upper-left pixel, pixel width in map units, 0, y of that corner, 0, minus
/// the pixel height. Exactly the six doubles GDAL derives from world_file_text() of the same view and dpi
/// (it shifts the world file's pixel centre by half a pixel), so a GeoTIFF and a PNG with its world file
/// put each pixel at the same place, to the bit.
std::array<double, 6> page_geotransform(const layout::View& view, double dpi);

/// The six lines of the world file of a page rendered at `dpi` whose main frame shows `view`: pixel
/// width in map units, two zero rotations, minus the pixel height, then the map x and y of the CENTRE
/// of the upper-left pixel (the ESRI convention, which GDAL shifts by half a pixel to its corner).
/// Numbers in the shortest form that reads back to the same double: the same text for the same view.
std::string world_file_text(const layout::View& view, double dpi);

/// The GDAL PAM file giving a raster's CRS: `<PAMDataset><SRS dataAxisToSRSAxisMapping="1,2">WKT</SRS>
/// </PAMDataset>` (x = easting or longitude first, as every coordinate of the program), WKT escaped for XML.
std::string pam_crs_xml(const std::string& wkt);

/// Whether `bytes`, the PAM file now beside a PNG, is the one pam_crs_xml() wrote (its SHA-256 is
/// `sha256`) as GDAL rewrites it when it keeps something of its own there: `gdalinfo -stats` adds band
/// statistics and metadata and writes the SRS back unescaped. True when the file is a PAMDataset whose one
/// SRS element, unescaped, gives back exactly the recorded file, and which holds no georeference of its own
/// (no GeoTransform, no GCPList, no second SRS: those would move the PNG). False for anything else,
/// including a CRS changed by hand.
bool pam_keeps_crs(const std::string& bytes, const std::string& sha256);

/// One file written beside a map's output.
struct Sidecar {
    std::string file;   ///< name in the output folder
    std::string bytes;  ///< its content
};

/// The names of the georeference files of the PNG of map `id` (`ID.pgw`, `ID.png.aux.xml`), in the
/// order the build writes them.
std::vector<std::string> png_georeference_files(const std::string& id);

/// The georeference files of the PNG of map `id`, rendered at `dpi`, whose main frame shows `view` (in
/// `view.crs`). Throws Error when PROJ does not know the CRS.
std::vector<Sidecar> png_georeference(const std::string& id, const layout::View& view, double dpi);

/// The GeoTIFF (`ID.tif`) of a page whose pixels are `pixels` (those of its PNG), rendered at `dpi`, its
/// main frame showing `view`: page_geotransform() and the CRS `view->crs` inside the file, written by the
/// GDAL module (data/gdal/geotiff_writer.hpp); a plain TIFF when `view` is null (`georeference: false`).
/// Throws Error when PROJ does not know the CRS, the GDAL module cannot be loaded or GDAL fails.
std::string page_geotiff(const render::RasterPixels& pixels, double dpi, const layout::View* view);

}  // namespace cartelier::pipeline
