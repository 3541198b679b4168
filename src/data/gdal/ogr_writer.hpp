// The GDAL module's vector writer (cartelier-gdal.so): a layer of Cartelier's model written as a vector
// file through an OGR driver, behind the C boundary (data/gdal/module_abi.h). The program's side
// (data/layer_writer.hpp) chooses the driver from the file's extension and makes the write all or
// nothing; this side only writes one new file (or a shapefile's set of files).
#pragma once

#include <string>

#include "data/gdal/gdal_handles.hpp"
#include "data/gdal/module_abi.hpp"

namespace cartelier::data {

/// A vector dataset being created, and its one layer: closed (flushed) on destruction or by close().
/// Thin RAII over GDALDataset/OGRLayer; every GDAL failure throws std::runtime_error with what GDAL said.
class OgrWriter {
public:
    /// Creates the file `path` with the driver `driver` and a layer named `layer_name` of geometry type
    /// `geometry_type` in the CRS `crs_wkt`; `layer_options` are the driver's layer creation options
    /// (NAME=VALUE, null-terminated list or null).
    OgrWriter(const std::string& driver, const std::string& path, const std::string& layer_name,
              OGRwkbGeometryType geometry_type, const std::string& crs_wkt, char** layer_options);
    ~OgrWriter() = default;
    OgrWriter(const OgrWriter&) = delete;
    OgrWriter& operator=(const OgrWriter&) = delete;

    OGRLayer& layer() { return *layer_; }
    /// Adds a field; returns the name the driver gave it (a shapefile shortens names to 10 characters).
    std::string add_field(OGRFieldDefn& field);
    /// Writes one feature (throws when the driver refuses it).
    void add(OGRFeature& feature);
    /// Closes the dataset, so that everything is on disk; throws when GDAL reported a failure.
    void close();

private:
    GdalErrorCapture errors_;
    GDALDatasetUniquePtr dataset_;
    OGRLayer* layer_ = nullptr;
};

/// The module's write_layer (module_abi.h): every feature of write->layer into a new file write->path
/// through the driver write->driver, in the CRS write->crs_wkt:
///  - one OGR field per column of the layer's schema, its type chosen from all the values of the column:
///    boolean (OFTInteger, OFSTBoolean: a shapefile keeps it as a 0/1 integer) when every value set is a
///    boolean; integer (OFTInteger, or
///    OFTInteger64 beyond 32 bits) when every one is an integral number within int64; real when every
///    one is a number; text when every one is a text or when the column mixes kinds (numbers then
///    written as their shortest exact decimal, booleans as true/false); text when no value is set;
///  - the feature id as a text field `id`, unless the schema has a field of that name;
///  - the geometry type of the layer's features (point, line or polygon), Multi* for all when any
///    feature has several parts; wkbUnknown when the layer mixes kinds, wkbNone when no feature has a
///    geometry (a shapefile refuses both);
///  - GeoJSON: written in the CRS given (GDAL adds a `crs` member for a CRS other than EPSG:4326);
///    shapefile: UTF-8 (.cpg), text fields as wide as their longest value (at most 254 bytes: longer
///    values are cut and warned about), the CRS in the .prj; CSV: the geometry as WKT in a first column
///    `WKT`, the field types in a .csvt and the CRS in a .prj beside it.
/// A field the driver renamed is a warning in write->diagnostics. Never throws: any failure returns
/// CARTELIER_GDAL_EXCEPTION with *message (held by write->error) saying what failed and what GDAL said.
int write_layer(cartelier_gdal_write* write, const char** message) noexcept;

}  // namespace cartelier::data
