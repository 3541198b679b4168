// The georeference files of a PNG page (pipeline/georeference.hpp), for a known view.
#include <array>
#include <sstream>

#include <gtest/gtest.h>

#include "core/diagnostic.hpp"
#include "pipeline/georeference.hpp"
#include "pipeline/hashing.hpp"

using namespace cartelier;

TEST(Georeference, TheWorldFileGivesThePixelSizeAndTheCentreOfTheUpperLeftPixel) {
    // A frame 720 × 360 pt at (36, 72) showing 72 × 36 km: 0.01 pt per metre. At 144 dpi a pixel is
    // 0.5 pt = 50 m; the upper-left pixel's centre, page (0.25, 0.25), lies 35.75 pt left of the frame
    // and 71.75 pt above it: 3575 m west of its left edge, 7175 m north of its top.
    layout::View view = layout::View::fit("EPSG:2154", Box{100000, 6000000, 172000, 6036000}, layout::Rect{36, 72, 720, 360});
    EXPECT_EQ(pipeline::world_file_text(view, 144), "50\n0\n0\n-50\n96425\n6043175\n");
    // At 72 dpi a pixel is a point: 100 m, centre (0.5, 0.5) pt.
    EXPECT_EQ(pipeline::world_file_text(view, 72), "100\n0\n0\n-100\n96450\n6043150\n");
}

TEST(Georeference, TheCrsFileIsGdalPamWithTheEpsgAuthorityAndEscapedWkt) {
    EXPECT_EQ(pipeline::pam_crs_xml("A[\"x<&>\"]"),
              "<PAMDataset>\n  <SRS dataAxisToSRSAxisMapping=\"1,2\">A[&quot;x&lt;&amp;&gt;&quot;]</SRS>\n</PAMDataset>\n");
    layout::View view = layout::View::fit("EPSG:2154", Box{100000, 6000000, 172000, 6036000}, layout::Rect{36, 72, 720, 360});
    auto files = pipeline::png_georeference("flash", view, 300);
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[0].file, "flash.pgw");
    EXPECT_EQ(files[1].file, "flash.png.aux.xml");
    EXPECT_NE(files[1].bytes.find("Lambert-93"), std::string::npos) << files[1].bytes;
    EXPECT_NE(files[1].bytes.find("AUTHORITY[&quot;EPSG&quot;,&quot;2154&quot;]]</SRS>"), std::string::npos) << files[1].bytes;
    EXPECT_EQ(pipeline::png_georeference_files("flash"), (std::vector<std::string>{"flash.pgw", "flash.png.aux.xml"}));
    EXPECT_THROW(pipeline::png_georeference("x", layout::View::fit("EPSG:999999", Box{0, 0, 1, 1}, layout::Rect{0, 0, 1, 1}), 72),
                 Error);
}

TEST(Georeference, TheGeotransformIsWhatGdalReadsFromTheWorldFileToTheBit) {
    // Views whose numbers do not fall on round doubles: the GeoTIFF must still agree with the PNG.
    for (double dpi : {72.0, 100.0, 300.0})
        for (const Box& extent : {Box{100000, 6000000, 172000, 6036000}, Box{99038.7, 6049646.3, 1242375.9, 7110524.1}}) {
            layout::View view = layout::View::fit("EPSG:2154", extent, layout::Rect{28.35, 80.1, 612.7, 480.3});
            // GDAL's reading of a world file (GDALReadWorldFile2): the centre shifted by half a pixel.
            std::istringstream lines(pipeline::world_file_text(view, dpi));
            double l[6];
            for (double& v : l) lines >> v;
            const std::array<double, 6> gdal{l[4] - 0.5 * l[0] - 0.5 * l[2], l[0], l[2],
                                             l[5] - 0.5 * l[1] - 0.5 * l[3], l[1], l[3]};
            EXPECT_EQ(pipeline::page_geotransform(view, dpi), gdal) << dpi;
        }
    layout::View view = layout::View::fit("EPSG:2154", Box{100000, 6000000, 172000, 6036000}, layout::Rect{36, 72, 720, 360});
    EXPECT_EQ(pipeline::page_geotransform(view, 144), (std::array<double, 6>{96400, 50, 0, 6043200, 0, -50}));
}

TEST(Georeference, ACrsFileGdalExtendedWithStatisticsIsStillCartelierS) {
    const std::string ours = pipeline::pam_crs_xml("PROJCS[\"RGF93 v1 / Lambert-93\",AUTHORITY[\"EPSG\",\"2154\"]]");
    const std::string sha = pipeline::sha256_hex(ours);
    EXPECT_TRUE(pipeline::pam_keeps_crs(ours, sha));
    // As gdalinfo -stats rewrites it: the SRS unescaped, statistics and metadata added.
    const std::string gdal =
        "<PAMDataset>\n  <SRS dataAxisToSRSAxisMapping=\"1,2\">PROJCS[\"RGF93 v1 / Lambert-93\",AUTHORITY[\"EPSG\",\"2154\"]]"
        "</SRS>\n  <Metadata domain=\"IMAGE_STRUCTURE\">\n    <MDI key=\"INTERLEAVE\">PIXEL</MDI>\n  </Metadata>\n"
        "  <PAMRasterBand band=\"1\">\n    <Metadata>\n      <MDI key=\"STATISTICS_MEAN\">232.2</MDI>\n    </Metadata>\n"
        "  </PAMRasterBand>\n</PAMDataset>\n";
    EXPECT_TRUE(pipeline::pam_keeps_crs(gdal, sha));
    // Another CRS, another axis order, a georeference of its own, a second SRS, not PAM, unknown entities.
    auto with = [&](const std::string& from, const std::string& to) {
        std::string s = gdal;
        s.replace(s.find(from), from.size(), to);
        return s;
    };
    EXPECT_FALSE(pipeline::pam_keeps_crs(with("2154", "2975"), sha));
    EXPECT_FALSE(pipeline::pam_keeps_crs(with("\"1,2\"", "\"2,1\""), sha));
    EXPECT_FALSE(pipeline::pam_keeps_crs(with("</PAMDataset>", "<GeoTransform>0,1,0,0,0,-1</GeoTransform></PAMDataset>"), sha));
    EXPECT_FALSE(pipeline::pam_keeps_crs(with("</PAMDataset>", "<GCPList/></PAMDataset>"), sha));
    EXPECT_FALSE(pipeline::pam_keeps_crs(with("</PAMDataset>", "<SRS dataAxisToSRSAxisMapping=\"1,2\">X</SRS></PAMDataset>"), sha));
    EXPECT_FALSE(pipeline::pam_keeps_crs(with("<PAMDataset>", "<Other>"), sha));
    EXPECT_FALSE(pipeline::pam_keeps_crs(with("\"RGF93", "&#34;RGF93"), sha));
    EXPECT_FALSE(pipeline::pam_keeps_crs(with("</SRS>", ""), sha));
    EXPECT_FALSE(pipeline::pam_keeps_crs(gdal, pipeline::sha256_hex("something else")));
}
