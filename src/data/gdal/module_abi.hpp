// What crosses the C boundary of the GDAL module (data/gdal/module_abi.h) behind the opaque
// `cartelier_gdal_read`, `cartelier_gdal_raster` and `cartelier_gdal_write`: the program and the module, built together (the module's table carries the build
// it came from and the program refuses another), both read this definition.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"
#include "data/gdal/module_abi.h"
#include "data/layer_reader.hpp"

struct cartelier_gdal_read {
    // What to read and how (the program's, read-only to the module).
    const cartelier::data::LayerSpec* spec = nullptr;
    const cartelier::data::ReadOptions* options = nullptr;
    // What was read: `layer` gets its name, source, CRS, schema and, without a sink, the features;
    // `diagnostics` every problem found in the data.
    cartelier::Layer* layer = nullptr;
    cartelier::Diagnostics* diagnostics = nullptr;
    // The sink (data::FeatureSink) as callbacks that never throw, both null without a sink: 0 when done,
    // anything else when the sink failed, after which the module stops reading and returns
    // CARTELIER_GDAL_SINK_FAILED. `take` may move the features out of `chunk`.
    int (*take)(cartelier_gdal_read* read, const cartelier::Layer* layer, std::vector<cartelier::Feature>* chunk) =
        nullptr;
    int (*restart)(cartelier_gdal_read* read) = nullptr;
    void* program = nullptr;  ///< the program's own state, for its callbacks
    // Set by the module for a database layer (data::database_digest): by digest_layer, and by read_layer
    // (then also in the layer's `digest`).
    std::string digest;
    // Set by the module when it returns CARTELIER_GDAL_ERROR: the diagnostics of the Error it caught.
    cartelier::Diagnostics thrown;
    // Set by the module when it returns CARTELIER_GDAL_EXCEPTION: what the exception said (the `message`
    // the module hands back points into it). Kept here rather than in the module's thread-local storage:
    // dynamic TLS of a dlopened module with a destructor trips LeakSanitizer's thread scan at exit.
    std::string exception_message;
};

struct cartelier_gdal_raster {
    // The page (the program's, read-only to the module): `height` rows of `width` pixels of `bands` bytes
    // each (3: R, G, B; 4: R, G, B and an alpha that is not premultiplied), rows `stride` bytes apart, the
    // top row first.
    const unsigned char* pixels = nullptr;
    int width = 0;
    int height = 0;
    int bands = 3;
    std::size_t stride = 0;
    // Where it lies: GDAL's six geotransform coefficients and the CRS as WKT, both null for a TIFF with no
    // georeference.
    const double* geotransform = nullptr;
    const char* wkt = nullptr;
    // The resolution recorded in the file (pixels per inch), for print software; 0: none.
    double dpi = 0;
    // Set by the module: the whole file (CARTELIER_GDAL_OK), or what went wrong (CARTELIER_GDAL_EXCEPTION,
    // the `message` the module hands back points into it).
    std::string bytes;
    std::string error;
};

struct cartelier_gdal_write {
    // What to write (the program's, read-only to the module): every feature of `layer`, its coordinates in
    // the CRS `crs_wkt` (WKT, as geo::crs_wkt gives it), into a new file at `path` (its folder exists, the
    // file does not) through the GDAL vector driver `driver` ("GeoJSON", "GPKG", "ESRI Shapefile", "CSV").
    const cartelier::Layer* layer = nullptr;
    std::string path;
    std::string driver;
    std::string crs_wkt;
    // What the file could not keep as it was (a field name shortened by the format…), as warnings.
    cartelier::Diagnostics* diagnostics = nullptr;
    // Set by the module when it returns CARTELIER_GDAL_EXCEPTION: what went wrong (the `message` the module
    // hands back points into it).
    std::string error;
};
