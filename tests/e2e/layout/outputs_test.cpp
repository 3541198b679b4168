// The three outputs end to end through `cartelier build`: a vector PDF with its text as text and its
// fonts embedded, a PNG at the map's DPI, and an SVG for designers.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "page_fixture.hpp"
#include "test_paths.hpp"

using namespace cartelier;
namespace fs = std::filesystem;

TEST(Outputs, PdfPngAndSvgOfAMapWithInsets) {
    if (!test::layer_cache_present()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    const std::string out = test::temp_dir("outputs");
    auto r = test::run(fmt::format("{} build -p {} -m row --out {}", test::cartelier_binary(),
                                   test::datapath("fixtures/layout/cartelier.yaml"), out));
    ASSERT_EQ(r.status, 0) << r.output;
    for (const char* ext : {"pdf", "png", "svg"}) ASSERT_TRUE(fs::exists(fmt::format("{}/row.{}", out, ext))) << ext;

    // PDF: text extractable (not outlines), every font embedded.
    auto text = test::run(fmt::format("pdftotext {}/row.pdf -", out));
    ASSERT_EQ(text.status, 0) << text.output;
    EXPECT_NE(text.output.find("Encarts en ligne"), std::string::npos) << text.output;
    EXPECT_NE(text.output.find("La Réunion"), std::string::npos) << text.output;
    EXPECT_NE(text.output.find("Saint-Denis"), std::string::npos) << text.output;
    auto fonts = test::run(fmt::format("pdffonts {}/row.pdf", out));
    ASSERT_EQ(fonts.status, 0) << fonts.output;
    EXPECT_NE(fonts.output.find("DejaVuSans"), std::string::npos) << fonts.output;
    std::istringstream lines(fonts.output);
    int rows = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.find("DejaVu") == std::string::npos) continue;
        ++rows;
        EXPECT_NE(line.find(" yes "), std::string::npos) << "font not embedded: " << line;
    }
    EXPECT_GT(rows, 0);

    // PNG at the map's 50 dpi: 240 × 200 mm.
    auto png = test::run(fmt::format("file {}/row.png", out));
    EXPECT_NE(png.output.find("472 x 394"), std::string::npos) << png.output;

    // SVG: a page of 240 × 200 mm in points, with drawn content.
    std::ifstream svg(fmt::format("{}/row.svg", out));
    std::string content((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
    EXPECT_NE(content.find("<svg"), std::string::npos);
    EXPECT_NE(content.find("width=\"680.31"), std::string::npos) << content.substr(0, 400);
    EXPECT_GT(content.size(), 10000u);
}
