// Where a PNG page sits on the ground, for GIS users: beside `ID.png`, an ESRI world file `ID.pgw` and
// the CRS in GDAL's auxiliary file `ID.png.aux.xml` (PAM), the two files GDAL (so QGIS) reads for a PNG.
// Both describe the MAIN map frame: the page's pixel grid extends the frame's affine transform (page
// points → map units, layout::View) over the whole page, so a pixel outside the frame has map
// coordinates too. `gdalinfo out/ID.png` reports the CRS and the geotransform.
#pragma once

#include <string>
#include <vector>

#include "layout/view.hpp"

namespace cartelier::pipeline {

/// The six lines of the world file of a page rendered at `dpi` whose main frame shows `view`: pixel
/// width in map units, two zero rotations, minus the pixel height, then the map x and y of the CENTRE
/// of the upper-left pixel (the ESRI convention, which GDAL shifts by half a pixel to its corner).
/// Numbers in the shortest form that reads back to the same double: the same text for the same view.
std::string world_file_text(const layout::View& view, double dpi);

/// The GDAL PAM file giving a raster's CRS: `<PAMDataset><SRS dataAxisToSRSAxisMapping="1,2">WKT</SRS>
/// </PAMDataset>` (x = easting or longitude first, as every coordinate of the program), WKT escaped for XML.
std::string pam_crs_xml(const std::string& wkt);

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

}  // namespace cartelier::pipeline
