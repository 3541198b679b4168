// The project's own three maps, from the layers fetched by scripts/fetch-layers.sh: they build, and
// every site of each map is drawn, labelled, in its colour, where it is.
#include <cmath>
#include <filesystem>
#include <regex>

#include <cairo.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/project.hpp"
#include "geo/projection.hpp"
#include "render/view.hpp"
#include "seed_sites.hpp"
#include "test_paths.hpp"

using namespace cartelier;
namespace fs = std::filesystem;

TEST(SeedMaps, TheThreeMapsBuildWithEverySiteLabelledAndDrawnInItsColour) {
    if (!fs::exists(test::sourcepath("layers/cache/departements.geojson")))
        GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    std::string out = test::temp_dir("seed-maps");
    auto r = test::run(fmt::format("cd {} && {} build --out {}", test::sourcepath(""), test::cartelier_binary(), out));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("built flash"), std::string::npos);
    // The insets' local CRSs (UTM zones for one island) cannot take the layers of the whole of France:
    // vertices outside their area of use are expected to fail, and are no reason to warn.
    EXPECT_EQ(r.output.find("could not be projected"), std::string::npos) << r.output;
    // A clean build of the seed project says nothing but what it built (issue 19): no warning at all,
    // and the strict check a nightly build would run passes. Only with the IGN layers: offline, without
    // a mirror, scripts/fetch-layers.sh falls back on Natural Earth, which has no communes, and the build
    // rightly warns that the territories and the fiches are missing (the rest below still holds).
    if (fs::exists(test::sourcepath("layers/cache/communes.geojson"))) {
        EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
        auto strict = test::run(fmt::format("cd {} && {} check --strict", test::sourcepath(""), test::cartelier_binary()));
        EXPECT_EQ(strict.status, 0) << strict.output;
        EXPECT_EQ(strict.output.find("warning"), std::string::npos) << strict.output;
    } else {
        EXPECT_NE(r.output.find("layer 'communes' is empty"), std::string::npos) << r.output;
    }
    // Every site labelled: placed next to its symbol or displaced with a leader line, none unplaced.
    for (auto [id, sites] : {std::pair{"flash", 6}, std::pair{"local", 5}, std::pair{"sessions", 11}}) {
        std::smatch m;
        std::regex line(fmt::format(R"(built {}\s.*labels (\d+) placed, (\d+) displaced, (\d+) unplaced)", id));
        ASSERT_TRUE(std::regex_search(r.output, m, line)) << id << "\n" << r.output;
        EXPECT_EQ(std::stoi(m[1]) + std::stoi(m[2]), sites) << id;
        EXPECT_EQ(std::stoi(m[3]), 0) << id;
    }

    pipeline::Project project = pipeline::load_project(test::sourcepath("cartelier.yaml"));
    const std::vector<test::SeedSite> sites = test::seed_sites();
    const std::map<std::string, std::array<int, 3>> colour = {{"flash", {0xd7, 0x30, 0x1f}}, {"local", {0x21, 0x71, 0xb5}}};

    for (const char* id : {"flash", "local", "sessions"}) {
        ASSERT_TRUE(fs::exists(fmt::format("{}/{}.pdf", out, id)));
        const pipeline::MapDecl* map = project.find_map(id);
        ASSERT_NE(map, nullptr);
        cairo_surface_t* png = cairo_image_surface_create_from_png(fmt::format("{}/{}.png", out, id).c_str());
        ASSERT_EQ(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
        EXPECT_EQ(cairo_image_surface_get_width(png), 3508);  // A4 at 300 dpi
        EXPECT_EQ(cairo_image_surface_get_height(png), 2480);
        render::View view = render::View::fit(map->crs, map->extent, map->page.map_frame());
        geo::Transformation to_map("EPSG:4326", map->crs);
        const unsigned char* data = cairo_image_surface_get_data(png);
        const int stride = cairo_image_surface_get_stride(png);
        int drawn = 0;
        for (const test::SeedSite& site : sites) {
            const std::string& kind = site.dispositif;
            if (std::string(id) != "sessions" && kind != id) continue;
            Point page = view.to_page(to_map.transform(site.lon_lat));
            int x = static_cast<int>(std::lround(page.x * 300 / 72.0)), y = static_cast<int>(std::lround(page.y * 300 / 72.0));
            uint32_t v = *reinterpret_cast<const uint32_t*>(data + y * stride + x * 4);
            int rgb[3] = {static_cast<int>((v >> 16) & 0xff), static_cast<int>((v >> 8) & 0xff), static_cast<int>(v & 0xff)};
            for (int c = 0; c < 3; ++c)
                EXPECT_NEAR(rgb[c], colour.at(kind)[c], 3) << id << ": site " << site.id << " channel " << c;
            ++drawn;
        }
        EXPECT_EQ(drawn, std::string(id) == "flash" ? 6 : std::string(id) == "local" ? 5 : 11);
        cairo_surface_destroy(png);
    }
}
