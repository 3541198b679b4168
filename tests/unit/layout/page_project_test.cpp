// Page and inset keys of cartelier.yaml: presets, explicit insets, paper in mm, north arrow, logo;
// each error names the file, line and column, what was expected and what was found.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/project.hpp"
#include "layout/inset.hpp"
#include "test_paths.hpp"

using namespace cartelier;

namespace {

std::string write_project(const std::string& name, const std::string& maps_yaml) {
    const std::string dir = test::temp_dir(name);
    { std::ofstream(dir + "/style.json") << R"({"version": 8, "sources": {}, "layers": []})"; }
    { std::ofstream(dir + "/logo.svg") << R"(<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"/>)"; }
    std::ofstream(dir + "/cartelier.yaml") << "version: 1\nlayers: {}\nmaps:\n  m:\n    style: style.json\n"
                                              "    extent: [0, 0, 10, 10]\n"
                                           << maps_yaml;
    return dir + "/cartelier.yaml";
}

std::string error_of(const std::string& path) {
    try {
        pipeline::load_project(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(PageProject, OverseasPresetInOrderWithTheirLegalCrs) {
    auto insets = layout::overseas_insets();
    ASSERT_EQ(insets.size(), 5u);
    const std::vector<std::pair<std::string, std::string>> expected = {{"Guadeloupe", "EPSG:5490"},
                                                                       {"Martinique", "EPSG:5490"},
                                                                       {"Guyane", "EPSG:2972"},
                                                                       {"La Réunion", "EPSG:2975"},
                                                                       {"Mayotte", "EPSG:4471"}};
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(insets[i].name, expected[i].first);
        EXPECT_EQ(insets[i].crs, expected[i].second);
    }
    // Extents reprojected into the inset CRS hold the prefecture (Basse-Terre in UTM 20N ≈ 642 km E, 1 768 km N).
    Box guadeloupe = layout::inset_extent(insets[0]);
    EXPECT_LT(guadeloupe.min_x, 642000);
    EXPECT_GT(guadeloupe.max_x, 642000);
    EXPECT_LT(guadeloupe.min_y, 1768000);
    EXPECT_GT(guadeloupe.max_y, 1768000);
}

TEST(PageProject, InsetBandAndZoomBoxFrames) {
    layout::Rect area{0, 0, 800, 480};
    auto insets = layout::overseas_insets();
    insets.push_back(layout::ile_de_france_inset());
    auto frames = layout::arrange_insets(area, insets, layout::InsetBand{});
    ASSERT_EQ(frames.insets.size(), 6u);
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_FALSE(frames.insets[i].intersects(frames.main)) << insets[i].name;
        EXPECT_TRUE(area.contains(frames.insets[i])) << insets[i].name;
        if (i > 0) EXPECT_GT(frames.insets[i].y, frames.insets[i - 1].bottom());
    }
    EXPECT_TRUE(frames.main.contains(frames.insets[5]));  // the zoom box sits in the main frame
    EXPECT_NEAR(frames.insets[0].w, 40 * layout::kPointsPerMm, 1e-9);
}

TEST(PageProject, ReadsInsetsPaperArrowAndLogo) {
    auto path = write_project("page-ok", R"(    paper: [420, 250]
    north_arrow: top-right
    logo: {path: logo.svg, position: bottom-right, width_mm: 20}
    title_align: center
    inset_band: {side: bottom, size_mm: 50}
    insets:
      - overseas
      - {preset: ile-de-france, position: top-right}
      - {name: Corse, crs: "EPSG:2154", extent: [1150000, 6040000, 1250000, 6250000], scale: "1:2 000 000"}
)");
    pipeline::Project p = pipeline::load_project(path);
    const auto& page = p.maps.at(0).page;
    EXPECT_DOUBLE_EQ(page.paper.width_mm, 420);
    EXPECT_DOUBLE_EQ(page.paper.height_mm, 250);
    EXPECT_EQ(page.north_arrow, "top-right");
    ASSERT_TRUE(page.logo.has_value());
    EXPECT_EQ(page.logo->position, "bottom-right");
    EXPECT_EQ(page.title_align, "center");
    EXPECT_EQ(page.inset_band.side, "bottom");
    ASSERT_EQ(page.insets.size(), 7u);
    EXPECT_EQ(page.insets[5].name, "Paris et petite couronne");
    EXPECT_EQ(page.insets[5].position, "top-right");
    EXPECT_DOUBLE_EQ(page.insets[5].magnify.value_or(0), 4);
    EXPECT_DOUBLE_EQ(page.insets[6].scale.value_or(0), 2000000);
}

TEST(PageProject, ErrorsSayWhereAndWhat) {
    EXPECT_NE(error_of(write_project("bad-preset", "    insets: outremer\n")).find("cartelier.yaml:7:13"), std::string::npos)
        << error_of(write_project("bad-preset2", "    insets: outremer\n"));
    std::string e = error_of(write_project("bad-preset3", "    insets: outremer\n"));
    EXPECT_NE(e.find("unknown inset preset 'outremer'"), std::string::npos) << e;
    EXPECT_NE(e.find("overseas"), std::string::npos) << e;

    e = error_of(write_project("bad-scale", "    insets:\n      - {name: X, crs: EPSG:2154, extent: [0, 0, 1, 1], scale: big}\n"));
    EXPECT_NE(e.find("cartelier.yaml:8:"), std::string::npos) << e;
    EXPECT_NE(e.find("expected a scale such as 1500000"), std::string::npos) << e;
    EXPECT_NE(e.find("found string \"big\""), std::string::npos) << e;

    e = error_of(write_project("no-crs", "    insets:\n      - {name: X, extent: [0, 0, 1, 1]}\n"));
    EXPECT_NE(e.find("inset 'X' has no 'crs'"), std::string::npos) << e;

    e = error_of(write_project("bad-arrow", "    north_arrow: up\n"));
    EXPECT_NE(e.find("cartelier.yaml:7:18"), std::string::npos) << e;
    EXPECT_NE(e.find("expected none or one of top-left"), std::string::npos) << e;
    EXPECT_NE(e.find("found 'up'"), std::string::npos) << e;

    e = error_of(write_project("bad-logo", "    logo: missing.svg\n"));
    EXPECT_NE(e.find("file not found: missing.svg"), std::string::npos) << e;

    e = error_of(write_project("bad-paper", "    paper: [10, 20]\n"));
    EXPECT_NE(e.find("between 50 and 5000 mm"), std::string::npos) << e;

    // A raster page larger than 32767 pixels a side: an error at the dpi, with the largest dpi that fits;
    // the same paper and dpi without a raster format, or at that dpi, is fine.
    e = error_of(write_project("huge-raster", "    paper: [1189, 841]\n    formats: [pdf, png]\n    dpi: 1200\n"));
    EXPECT_NE(e.find("cartelier.yaml:9:10"), std::string::npos) << e;
    EXPECT_NE(e.find("a page of 1189 × 841 mm at 1200 dpi is 56173 × 39732 pixels"), std::string::npos) << e;
    EXPECT_NE(e.find("at most 699 dpi on this paper"), std::string::npos) << e;
    EXPECT_EQ(error_of(write_project("huge-vector", "    paper: [1189, 841]\n    formats: [pdf, svg]\n    dpi: 1200\n")), "");
    EXPECT_EQ(error_of(write_project("largest-raster", "    paper: [1189, 841]\n    formats: [tif]\n    dpi: 699\n")), "");
    e = error_of(write_project("huge-tif", "    paper: [1189, 841]\n    formats: [tif]\n    dpi: 700\n"));
    EXPECT_NE(e.find("is 32768 × 23177 pixels"), std::string::npos) << e;

    e = error_of(write_project("bad-key", "    insets:\n      - {name: X, crs: EPSG:2154, extent: [0, 0, 1, 1], zoom: 4}\n"));
    EXPECT_NE(e.find("unknown key 'zoom'"), std::string::npos) << e;
}
