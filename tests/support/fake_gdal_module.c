/* A GDAL reader module as another build of Cartelier would have made it: its entry is where the program
 * looks, but its table says ABI version FAKE_ABI_VERSION. Loading it must be refused (gdal_module_test). */
#include "data/gdal/module_abi.h"

static int read_layer(cartelier_gdal_read* read, const char** message) {
    (void)read;
    (void)message;
    return CARTELIER_GDAL_OK;
}

static const cartelier_gdal_module table = {FAKE_ABI_VERSION, "fake", &read_layer};

__attribute__((visibility("default"))) const cartelier_gdal_module* cartelier_gdal_module_v1(void) { return &table; }
