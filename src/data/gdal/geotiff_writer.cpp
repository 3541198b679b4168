#include "data/gdal/geotiff_writer.hpp"

#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <string>

#include <cpl_string.h>
#include <cpl_vsi.h>
#include <fmt/format.h>
#include <ogr_spatialref.h>

#include "data/gdal/gdal_handles.hpp"

namespace cartelier::data {

namespace {

/// A file of GDAL's in-memory file system, removed (with any PAM sidecar GDAL left beside it) on scope exit.
class MemoryFile {
public:
    MemoryFile() {
        static std::atomic<unsigned long> next{0};
        path_ = fmt::format("/vsimem/cartelier-page-{}-{}.tif", ::getpid(), next++);
    }
    ~MemoryFile() {
        VSIUnlink(path_.c_str());
        VSIUnlink((path_ + ".aux.xml").c_str());
    }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

void encode(cartelier_gdal_raster& r) {
    if (!r.pixels || r.width <= 0 || r.height <= 0 || (r.bands != 3 && r.bands != 4) ||
        r.stride < static_cast<std::size_t>(r.width) * static_cast<std::size_t>(r.bands))
        throw std::runtime_error(fmt::format("no page to write: {} × {} pixels of {} bands, rows {} bytes apart",
                                             r.width, r.height, r.bands, r.stride));
    ensure_gdal_registered();
    GdalErrorCapture errors;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!driver) fail_with_gdal_error("GDAL has no GTiff driver", errors);
    MemoryFile file;
    CPLStringList options;
    options.SetNameValue("TILED", "YES");
    options.SetNameValue("BLOCKXSIZE", "256");
    options.SetNameValue("BLOCKYSIZE", "256");
    // DEFLATE without a predictor: a map's flat colours compress best unpredicted (as the PNG's rows
    // without filters); with the horizontal predictor the seed pages came out larger and slower (README).
    options.SetNameValue("COMPRESS", "DEFLATE");
    options.SetNameValue("PREDICTOR", "1");
    options.SetNameValue("ZLEVEL", "6");
    options.SetNameValue("INTERLEAVE", "PIXEL");
    options.SetNameValue("PHOTOMETRIC", "RGB");
    if (r.bands == 4) options.SetNameValue("ALPHA", "UNASSOCIATED");
    options.SetNameValue("NUM_THREADS", "1");  // the build runs maps and formats in parallel already
    {
        GDALDatasetUniquePtr ds(driver->Create(file.path().c_str(), r.width, r.height, r.bands, GDT_Byte, options.List()));
        if (!ds) fail_with_gdal_error("GDAL cannot create the GeoTIFF", errors);
        if (r.geotransform) {
            double gt[6];
            for (int i = 0; i < 6; ++i) gt[i] = r.geotransform[i];
            if (ds->SetGeoTransform(gt) != CE_None) fail_with_gdal_error("GDAL refused the geotransform", errors);
        }
        if (r.wkt) {
            OGRSpatialReference srs;
            if (srs.importFromWkt(r.wkt) != OGRERR_NONE) fail_with_gdal_error("GDAL cannot read the CRS", errors);
            srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);  // x = easting or longitude, as the program
            if (ds->SetSpatialRef(&srs) != CE_None) fail_with_gdal_error("GDAL refused the CRS", errors);
        }
        if (r.dpi > 0) {
            const std::string dpi = fmt::format("{}", r.dpi);
            ds->SetMetadataItem("TIFFTAG_XRESOLUTION", dpi.c_str());
            ds->SetMetadataItem("TIFFTAG_YRESOLUTION", dpi.c_str());
            ds->SetMetadataItem("TIFFTAG_RESOLUTIONUNIT", "2");  // inches
        }
        if (ds->RasterIO(GF_Write, 0, 0, r.width, r.height, const_cast<unsigned char*>(r.pixels), r.width, r.height,
                         GDT_Byte, r.bands, nullptr, r.bands, static_cast<GSpacing>(r.stride), 1, nullptr) != CE_None)
            fail_with_gdal_error("GDAL failed writing the pixels", errors);
    }  // closed: the file is complete
    if (!errors.last().empty()) fail_with_gdal_error("GDAL failed writing the GeoTIFF", errors);
    vsi_l_offset length = 0;
    GByte* data = VSIGetMemFileBuffer(file.path().c_str(), &length, FALSE);
    if (!data || length == 0) fail_with_gdal_error("GDAL wrote no GeoTIFF", errors);
    r.bytes.assign(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
}

}  // namespace

int write_geotiff(cartelier_gdal_raster* raster, const char** message) noexcept {
    try {
        encode(*raster);
        return CARTELIER_GDAL_OK;
    } catch (...) {
        return exception_status(raster->error, message);  // *message points into raster->error (module_abi.hpp)
    }
}

}  // namespace cartelier::data
