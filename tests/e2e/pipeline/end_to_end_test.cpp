// Renders the two-département fixture project with the real program and checks what a reader would
// see: one A4 landscape PDF page, a PNG of the right size whose pixels at the sites have their colours.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <cairo.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/project.hpp"
#include "geo/projection.hpp"
#include "render/view.hpp"
#include "test_paths.hpp"

using namespace cartelier;
namespace fs = std::filesystem;

namespace {

struct Rgb {
    int r, g, b;
};

Rgb pixel(cairo_surface_t* s, int x, int y) {
    const unsigned char* data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    uint32_t v = *reinterpret_cast<const uint32_t*>(data + y * stride + x * 4);
    return {static_cast<int>((v >> 16) & 0xff), static_cast<int>((v >> 8) & 0xff), static_cast<int>(v & 0xff)};
}

std::string copy_fixture(const std::string& name) {
    std::string dir = test::temp_dir(name);
    fs::copy(test::datapath("fixtures/mini"), dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    return dir;
}

}  // namespace

TEST(EndToEnd, RendersOneA4LandscapePdfPageAndAPngWithTheSitesInTheirColours) {
    std::string dir = copy_fixture("e2e");
    auto result = test::run(fmt::format("{} build --project {}/cartelier.yaml --out {}/out", test::cartelier_binary(), dir, dir));
    ASSERT_EQ(result.status, 0) << result.output;
    EXPECT_NE(result.output.find("labels 2 placed, 0 displaced, 0 unplaced"), std::string::npos) << result.output;

    // PDF: one page, A4 landscape in points.
    auto info = test::run("pdfinfo " + dir + "/out/mini.pdf");
    ASSERT_EQ(info.status, 0) << info.output;
    EXPECT_NE(info.output.find("Pages:           1"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("Page size:       841.89 x 595.276 pts (A4)"), std::string::npos) << info.output;
    auto fonts = test::run("pdffonts " + dir + "/out/mini.pdf");
    EXPECT_NE(fonts.output.find("DejaVuSans"), std::string::npos) << "text must be text, with its font embedded";

    // PNG: pixel size for 100 dpi.
    cairo_surface_t* png = cairo_image_surface_create_from_png((dir + "/out/mini.png").c_str());
    ASSERT_EQ(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
    EXPECT_EQ(cairo_image_surface_get_width(png), 1169);   // 297 mm at 100 dpi
    EXPECT_EQ(cairo_image_surface_get_height(png), 827);   // 210 mm

    // The pixel at each site's projected position has that site's colour.
    pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    const pipeline::MapDecl& map = project.maps.front();
    render::View view = render::View::fit(map.crs, map.extent, map.page.map_frame());
    geo::Transformation to_map("EPSG:4326", map.crs);
    struct Expect {
        Point lonlat;
        Rgb colour;
    };
    for (const Expect& e : {Expect{{2.5, 46.5}, {0xd7, 0x30, 0x1f}}, Expect{{3.5, 46.5}, {0x21, 0x71, 0xb5}}}) {
        Point page = view.to_page(to_map.transform(e.lonlat));
        int x = static_cast<int>(std::lround(page.x * 100 / 72.0)), y = static_cast<int>(std::lround(page.y * 100 / 72.0));
        Rgb got = pixel(png, x, y);
        EXPECT_NEAR(got.r, e.colour.r, 3) << "at " << x << "," << y;
        EXPECT_NEAR(got.g, e.colour.g, 3);
        EXPECT_NEAR(got.b, e.colour.b, 3);
    }
    // And away from the sites, the land colour of the style.
    Point land = view.to_page(to_map.transform({2.2, 46.9}));
    Rgb got = pixel(png, static_cast<int>(land.x * 100 / 72.0), static_cast<int>(land.y * 100 / 72.0));
    EXPECT_NEAR(got.r, 0xfb, 3);
    EXPECT_NEAR(got.b, 0xf1, 3);
    cairo_surface_destroy(png);
}

TEST(EndToEnd, ASiteOutsideItsDepartementFailsTheMapAndKeepsThePreviousOutputs) {
    std::string dir = copy_fixture("e2e-outside");
    auto first = test::run(fmt::format("{} build -p {}/cartelier.yaml -o {}/out", test::cartelier_binary(), dir, dir));
    ASSERT_EQ(first.status, 0) << first.output;
    auto before = fs::last_write_time(dir + "/out/mini.pdf");
    auto size = fs::file_size(dir + "/out/mini.pdf");

    // Site b now claims département 01 while it lies in 02.
    std::ofstream(dir + "/sites.csv") << "id;nom_court;departements;lon;lat;session\n"
                                         "site-a;A;01;2,5;46,5;s-flash\n"
                                         "site-b;B;01;3.5;46.5;s-local\n";
    auto second = test::run(fmt::format("{} build -p {}/cartelier.yaml -o {}/out", test::cartelier_binary(), dir, dir));
    EXPECT_EQ(second.status, 1) << second.output;
    EXPECT_NE(second.output.find("sites.csv:3: error: column 'departements': feature 'site-b'"), std::string::npos)
        << second.output;
    EXPECT_NE(second.output.find("lies outside departements 01"), std::string::npos) << second.output;
    EXPECT_NE(second.output.find("it falls in 02"), std::string::npos) << second.output;
    EXPECT_NE(second.output.find("FAILED mini"), std::string::npos) << second.output;
    EXPECT_EQ(fs::last_write_time(dir + "/out/mini.pdf"), before);
    EXPECT_EQ(fs::file_size(dir + "/out/mini.pdf"), size);
    for (const auto& entry : fs::directory_iterator(dir + "/out"))
        EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << "left a temporary file";
}

TEST(EndToEnd, ASessionKeyWithoutSessionIsAnErrorNamingFileLineAndValue) {
    std::string dir = copy_fixture("e2e-join");
    std::ofstream(dir + "/sites.csv") << "id;nom_court;departements;lon;lat;session\n"
                                         "site-a;A;01;2,5;46,5;s-flsh\n";
    auto r = test::run(fmt::format("{} build -p {}/cartelier.yaml -o {}/out", test::cartelier_binary(), dir, dir));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("sites.csv:2: error: column 'session': 'session' = 's-flsh' has no row in"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("did you mean 's-flash'?"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir + "/out/mini.pdf"));
}

TEST(EndToEnd, AnUnusableProjectExitsWithStatus2AndSaysWhy) {
    std::string dir = copy_fixture("e2e-project");
    std::ofstream(dir + "/cartelier.yaml", std::ios::app) << "mapz: {}\n";
    auto r = test::run(fmt::format("{} build -p {}/cartelier.yaml -o {}/out", test::cartelier_binary(), dir, dir));
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("cartelier.yaml:33:1: error: mapz: unknown key 'mapz' (did you mean 'maps'?)"),
              std::string::npos)
        << r.output;
}

TEST(EndToEnd, AnOutputFolderTheSystemRejectsIsAnErrorNotACrash) {
    // A folder name over 255 bytes: std::filesystem throws ENAMETOOLONG from its throwing overloads,
    // which ended `check` and `build` with std::terminate (status 134) before.
    std::string dir = copy_fixture("e2e-long-out");
    std::string out = dir + "/" + std::string(300, 'o');
    auto checked = test::run(fmt::format("{} check -p {}/cartelier.yaml -o {}", test::cartelier_binary(), dir, out));
    EXPECT_EQ(checked.status, 1) << checked.output;
    EXPECT_NE(checked.output.find("error: the output folder cannot be used: File name too long"), std::string::npos)
        << checked.output;
    auto built = test::run(fmt::format("{} build -p {}/cartelier.yaml -o {}", test::cartelier_binary(), dir, out));
    EXPECT_EQ(built.status, 1) << built.output;
    EXPECT_NE(built.output.find("cannot create the output folder: File name too long"), std::string::npos) << built.output;
    EXPECT_NE(built.output.find("FAILED mini"), std::string::npos) << built.output;
    EXPECT_EQ(built.output.find("terminate called"), std::string::npos) << built.output;
}

TEST(EndToEnd, HelpDescribesEveryBuildOption) {
    auto r = test::run(test::cartelier_binary() + " build --help");
    EXPECT_EQ(r.status, 0);
    for (const char* option : {"--project", "--map", "--out"}) EXPECT_NE(r.output.find(option), std::string::npos) << option;
    auto top = test::run(test::cartelier_binary() + " --help");
    for (const char* command : {"build", "check", "style"}) EXPECT_NE(top.output.find(command), std::string::npos);
}

TEST(EndToEnd, VersionNamesTheAllocatorTheProgramRunsOn) {
    auto r = test::run(test::cartelier_binary() + " --version");
    EXPECT_EQ(r.status, 0);
#ifdef CARTELIER_EXPECT_TCMALLOC
    // Linked with tcmalloc (CARTELIER_TCMALLOC): GDAL's allocations go through it too.
    EXPECT_NE(r.output.find("(allocator: tcmalloc)"), std::string::npos) << r.output;
#else
    EXPECT_NE(r.output.find("(allocator: glibc)"), std::string::npos) << r.output;
#endif
}
