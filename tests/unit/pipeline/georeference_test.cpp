// The georeference files of a PNG page (pipeline/georeference.hpp), for a known view.
#include <gtest/gtest.h>

#include "core/diagnostic.hpp"
#include "pipeline/georeference.hpp"

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
