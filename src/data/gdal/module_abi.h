/* The boundary between the program and its GDAL module (cartelier-gdal.so), in C: the program
 * dlopens the module, looks up CARTELIER_GDAL_MODULE_SYMBOL and calls it for the module's table, checks
 * the table's ABI version and build before any other use, then reads layers, writes GeoTIFF pages and
 * writes layers as vector files through it. Only C types
 * and opaque pointers cross; no exception does (the module catches them and returns a status). */
#ifndef CARTELIER_DATA_GDAL_MODULE_ABI_H
#define CARTELIER_DATA_GDAL_MODULE_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Raised with any change to this file or to what crosses through cartelier_gdal_read. */
#define CARTELIER_GDAL_ABI_VERSION 5u  /* 2: LayerSpec::types; 3: write_geotiff; 4: databases, digest_layer;
                                         5: write_layer */
/* The module's entry: `const cartelier_gdal_module* cartelier_gdal_module_v1(void)`. */
#define CARTELIER_GDAL_MODULE_SYMBOL "cartelier_gdal_module_v1"

/* One read, opaque to C: what to read, where the features and the problems go (data/gdal/module_abi.hpp). */
typedef struct cartelier_gdal_read cartelier_gdal_read;
/* One GeoTIFF to encode, opaque to C: the page's pixels and georeference in, the file's bytes out. */
typedef struct cartelier_gdal_raster cartelier_gdal_raster;
/* One layer to write as a vector file, opaque to C: the layer, the file and its format in, warnings out. */
typedef struct cartelier_gdal_write cartelier_gdal_write;

/* How a read ended. */
enum cartelier_gdal_status {
    CARTELIER_GDAL_OK = 0,         /* read; problems with the data are in the read's diagnostics */
    CARTELIER_GDAL_ERROR = 1,      /* a cartelier::Error stopped it: its diagnostics are in the read's `thrown` */
    CARTELIER_GDAL_EXCEPTION = 2,  /* another exception stopped it: *message says what */
    CARTELIER_GDAL_SINK_FAILED = 3 /* a callback of the program's sink failed; the program knows why */
};

typedef struct cartelier_gdal_module {
    uint32_t abi_version; /* CARTELIER_GDAL_ABI_VERSION when the module was built: always the first field */
    const char* build_id; /* the Cartelier version the module was built from (NUL-terminated) */
    /* Reads the layer `read` describes; never throws; returns a cartelier_gdal_status. With
     * CARTELIER_GDAL_EXCEPTION, *message is set to a NUL-terminated text held by `read`, valid while
     * `read` lives. */
    int (*read_layer)(cartelier_gdal_read* read, const char** message);
    /* Encodes the page `raster` describes as a GeoTIFF file in memory (its bytes into the raster); never
     * throws; returns CARTELIER_GDAL_OK, or CARTELIER_GDAL_EXCEPTION with *message set to a NUL-terminated
     * text held by `raster`, valid while `raster` lives. */
    int (*write_geotiff)(cartelier_gdal_raster* raster, const char** message);
    /* Computes the digest of the rows the database layer `read` describes would give (its spec has a
     * database source), into the read's `digest`, problems into its diagnostics (the digest then empty);
     * never throws; returns CARTELIER_GDAL_OK, or CARTELIER_GDAL_EXCEPTION as read_layer does. */
    int (*digest_layer)(cartelier_gdal_read* read, const char** message);
    /* Writes the layer `write` describes as a new vector file (its path, in its format); never throws;
     * returns CARTELIER_GDAL_OK (warnings, such as a field renamed by the format, in its diagnostics), or
     * CARTELIER_GDAL_EXCEPTION with *message set to a NUL-terminated text held by `write`, valid while
     * `write` lives (the file may then be left half written: the program writes into a folder of its own). */
    int (*write_layer)(cartelier_gdal_write* write, const char** message);
} cartelier_gdal_module;

/* The type of the entry named CARTELIER_GDAL_MODULE_SYMBOL. */
typedef const cartelier_gdal_module* (*cartelier_gdal_module_entry)(void);

#ifdef __cplusplus
}
#endif

#endif
