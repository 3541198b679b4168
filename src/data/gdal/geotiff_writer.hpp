// The GDAL module's GeoTIFF writer (cartelier-gdal.so): a page's pixels, its geotransform and CRS encoded
// as a GeoTIFF file in memory through GDAL's GTiff driver, behind the C boundary (data/gdal/module_abi.h).
#pragma once

#include "data/gdal/module_abi.hpp"

namespace cartelier::data {

/// The module's write_geotiff (module_abi.h): fills raster->bytes with the GeoTIFF of the page `raster`
/// describes, written with fixed creation options (tiled 256 × 256, DEFLATE level 6 with no predictor,
/// pixel-interleaved bytes; no date, no software tag), so the same page gives the same bytes. The
/// geotransform and CRS when given (GeoTIFF keys, EPSG code when the WKT names one), the dpi as the TIFF
/// resolution. Never throws: any failure returns CARTELIER_GDAL_EXCEPTION with *message (held by
/// raster->error) saying what GDAL reported.
int write_geotiff(cartelier_gdal_raster* raster, const char** message) noexcept;

}  // namespace cartelier::data
