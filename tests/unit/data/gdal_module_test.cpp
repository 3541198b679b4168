// The C boundary of the GDAL reader module (data/gdal/module_abi.h): a module of another ABI version or
// build is refused with a message naming it, and what stops the module comes back to the program as it was;
// the GeoTIFF writer behind the same boundary.
#include <array>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/gdal/module_abi.hpp"
#include "data/gdal_module.hpp"

using namespace cartelier;
using namespace cartelier::data;

namespace {

int read_nothing(cartelier_gdal_read*, const char**) { return CARTELIER_GDAL_OK; }

TEST(GdalModule, AModuleOfAnotherAbiVersionIsRefusedNamingTheFileAndBothVersions) {
    const cartelier_gdal_module other{CARTELIER_GDAL_ABI_VERSION + 1, gdal_module_build_id(), &read_nothing};
    EXPECT_EQ(gdal_module_problem(&other, "/opt/old/cartelier-gdal.so"),
              fmt::format("/opt/old/cartelier-gdal.so: a GDAL reader module of ABI version {}, where this program "
                          "expects version {}",
                          CARTELIER_GDAL_ABI_VERSION + 1, CARTELIER_GDAL_ABI_VERSION));
}

TEST(GdalModule, AModuleOfAnotherBuildIsRefused) {
    const cartelier_gdal_module other{CARTELIER_GDAL_ABI_VERSION, "0.0.0-other", &read_nothing};
    EXPECT_EQ(gdal_module_problem(&other, "m.so"),
              fmt::format("m.so: a GDAL reader module built from Cartelier '0.0.0-other', where this program is '{}'",
                          gdal_module_build_id()));
}

TEST(GdalModule, ATableOfThisBuildIsAccepted) {
    const cartelier_gdal_module same{CARTELIER_GDAL_ABI_VERSION, gdal_module_build_id(), &read_nothing};
    EXPECT_EQ(gdal_module_problem(&same, "m.so"), "");
    EXPECT_NE(gdal_module_problem(nullptr, "m.so"), "");
}

TEST(GdalModule, LoadingAModuleOfAnotherVersionFailsWithTheReason) {
    const GdalModule m = load_gdal_module({CARTELIER_FAKE_GDAL_MODULE});
    EXPECT_EQ(m.table, nullptr);
    EXPECT_EQ(m.problem, fmt::format("{}: a GDAL reader module of ABI version 99, where this program expects version {}",
                                     CARTELIER_FAKE_GDAL_MODULE, CARTELIER_GDAL_ABI_VERSION));
    const GdalModule missing = load_gdal_module({"/nonexistent/cartelier-gdal.so", CARTELIER_FAKE_GDAL_MODULE});
    EXPECT_EQ(missing.table, nullptr);
    EXPECT_EQ(missing.problem.rfind("/nonexistent/cartelier-gdal.so: no such file; ", 0), 0u) << missing.problem;
}

TEST(GdalModule, TheProgramsOwnModuleIsAccepted) {
    const GdalModule& m = gdal_module();
    ASSERT_NE(m.table, nullptr) << m.problem;
    EXPECT_EQ(m.table->abi_version, CARTELIER_GDAL_ABI_VERSION);
    EXPECT_STREQ(m.table->build_id, gdal_module_build_id());
}

// Fake modules, each ending a read one way.
int throws_an_error(cartelier_gdal_read* read, const char**) {
    read->thrown.error(SourceLocation{"x.gpkg", 3, 0, "layer 'a'"}, "it broke", "mend it");
    read->thrown.error(SourceLocation{"x.gpkg", 4, 0, {}}, "and again");
    return CARTELIER_GDAL_ERROR;
}
int throws_something_else(cartelier_gdal_read*, const char** message) {
    *message = "std::bad_alloc";
    return CARTELIER_GDAL_EXCEPTION;
}
int hands_two_chunks(cartelier_gdal_read* read, const char**) {
    read->layer->name = read->spec->name;
    for (int i = 0; i < 2; ++i) {
        std::vector<Feature> chunk(1);
        chunk[0].id = std::to_string(i);
        if (read->take(read, read->layer, &chunk) != 0) return CARTELIER_GDAL_SINK_FAILED;
    }
    return CARTELIER_GDAL_OK;
}

LayerSpec spec_of(const char* name) {
    LayerSpec spec;
    spec.name = name;
    spec.path = "x.gpkg";
    return spec;
}

TEST(GdalModule, AnErrorThrownInTheModuleIsRethrownWithTheSameDiagnostics) {
    const cartelier_gdal_module module{CARTELIER_GDAL_ABI_VERSION, gdal_module_build_id(), &throws_an_error};
    Diagnostics d;
    Layer layer;
    try {
        read_through(module, spec_of("a"), d, {}, {}, layer);
        FAIL() << "no Error thrown";
    } catch (const Error& e) {
        EXPECT_EQ(e.diagnostics().format(),
                  "x.gpkg:3: error: layer 'a': it broke (mend it)\nx.gpkg:4: error: and again\n");
    }
}

TEST(GdalModule, AnotherExceptionOfTheModuleBecomesAReadingFailedError) {
    const cartelier_gdal_module module{CARTELIER_GDAL_ABI_VERSION, gdal_module_build_id(), &throws_something_else};
    Diagnostics d;
    Layer layer;
    read_through(module, spec_of("a"), d, {}, {}, layer);
    ASSERT_EQ(d.items().size(), 1u);
    EXPECT_EQ(d.items()[0].format(), "x.gpkg: error: layer 'a': reading failed: std::bad_alloc");
}

TEST(GdalModule, TheSinksOwnExceptionComesBackAndStopsTheRead) {
    const cartelier_gdal_module module{CARTELIER_GDAL_ABI_VERSION, gdal_module_build_id(), &hands_two_chunks};
    std::vector<std::string> taken;
    FeatureSink sink;
    sink.take = [&](const Layer& layer, std::vector<Feature>&& chunk) {
        EXPECT_EQ(layer.name, "a");
        taken.push_back(chunk.at(0).id);
        throw std::logic_error("queue closed");
    };
    sink.restart = [] {};
    Diagnostics d;
    Layer layer;
    try {
        read_through(module, spec_of("a"), d, sink, {}, layer);
        FAIL() << "the sink's exception was lost";
    } catch (const std::logic_error& e) {
        EXPECT_STREQ(e.what(), "queue closed");
    }
    EXPECT_EQ(taken, (std::vector<std::string>{"0"}));
    EXPECT_TRUE(d.empty()) << d.format();
}

}  // namespace

namespace {

/// A 2 × 2 RGB page: red, green / blue, white.
const unsigned char kPixels[] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255};

GeoTiffPage two_by_two() {
    GeoTiffPage page;
    page.pixels = kPixels;
    page.width = 2;
    page.height = 2;
    page.bands = 3;
    page.stride = 6;
    page.dpi = 300;
    return page;
}

int fails_to_write(cartelier_gdal_raster* raster, const char** message) {
    raster->error = "GTiff said no";
    *message = raster->error.c_str();
    return CARTELIER_GDAL_EXCEPTION;
}

}  // namespace

TEST(GdalModule, TheModuleWritesTheSameTiffForTheSamePageAndSaysWhyItCannot) {
    GeoTiffPage page = two_by_two();
    page.geotransform = std::array<double, 6>{700000, 10, 0, 6600000, 0, -10};
    page.wkt = "PROJCS[\"RGF93 v1 / Lambert-93\",GEOGCS[\"RGF93 v1\",DATUM[\"Reseau_Geodesique_Francais_1993_v1\","
               "SPHEROID[\"GRS 1980\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],"
               "PROJECTION[\"Lambert_Conformal_Conic_2SP\"],PARAMETER[\"latitude_of_origin\",46.5],"
               "PARAMETER[\"central_meridian\",3],PARAMETER[\"standard_parallel_1\",49],PARAMETER[\"standard_parallel_2\",44],"
               "PARAMETER[\"false_easting\",700000],PARAMETER[\"false_northing\",6600000],UNIT[\"metre\",1],"
               "AUTHORITY[\"EPSG\",\"2154\"]]";
    const std::string tif = encode_geotiff(page);
    ASSERT_GE(tif.size(), 8u);
    EXPECT_EQ(tif.substr(0, 4), std::string("II*\0", 4));  // little-endian classic TIFF
    EXPECT_EQ(encode_geotiff(page), tif);
    EXPECT_NE(encode_geotiff(two_by_two()), tif);  // no georeference: another file

    GeoTiffPage empty = two_by_two();
    empty.width = 0;
    try {
        encode_geotiff(empty);
        ADD_FAILURE() << "an empty page was written";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("writing the GeoTIFF failed: no page to write: 0 × 2 pixels"),
                  std::string::npos) << e.what();
    }
    const cartelier_gdal_module failing{CARTELIER_GDAL_ABI_VERSION, gdal_module_build_id(), &read_nothing, &fails_to_write};
    EXPECT_THROW(
        {
            try {
                encode_geotiff(failing, page);
            } catch (const Error& e) {
                EXPECT_NE(std::string(e.what()).find("writing the GeoTIFF failed: GTiff said no"), std::string::npos)
                    << e.what();
                throw;
            }
        },
        Error);
    const cartelier_gdal_module older{CARTELIER_GDAL_ABI_VERSION, gdal_module_build_id(), &read_nothing, nullptr};
    EXPECT_THROW(encode_geotiff(older, page), Error);
}
