// Issue 20, georeferenced PDF: each map frame of the page carries its georeference (a /VP viewport with a
// /Measure of subtype /GEO), read back with GDAL (gdalinfo, each frame through its neatline) and qpdf.
// One small map (the fixture's, with the overseas insets: frames in four other CRSs), not a seed map.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "geo/projection.hpp"
#include "georeference_checks.hpp"
#include "layout/page_plan.hpp"
#include "nightly_fixture.hpp"
#include "pipeline/hashing.hpp"
#include "pipeline/project.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using namespace cartelier::test::nightly;
namespace fs = std::filesystem;

namespace {

/// A copy of the fixture project whose map `mini` has `extra` (YAML lines of the map) added.
std::string fixture_project(const std::string& name, const std::string& extra) {
    std::string dir = copy_mini(name);
    std::string yaml = read_file(dir + "/cartelier.yaml");
    const std::string anchor = "    dpi: 100\n";
    EXPECT_NE(yaml.find(anchor), std::string::npos);
    write_file(dir + "/cartelier.yaml", replace_all(yaml, anchor, anchor + extra));
    return dir;
}

/// The /VP array of the PDF's page, as qpdf's JSON gives it (strings prefixed "u:" or "b:"); null when the
/// page has none. Fails the calling test when qpdf cannot read the file.
nlohmann::json page_viewports(const std::string& pdf) {
    auto r = test::run(fmt::format("qpdf --json --json-key=qpdf {} 2>&1", pdf));
    EXPECT_EQ(r.status, 0) << r.output;
    if (r.status != 0) return nullptr;
    const nlohmann::json objects = nlohmann::json::parse(r.output)["qpdf"][1];
    for (const auto& [ref, object] : objects.items()) {
        if (!object.contains("value") || !object["value"].is_object()) continue;
        const nlohmann::json& value = object["value"];
        if (value.value("/Type", "") == "/Page") return value.contains("/VP") ? value["/VP"] : nlohmann::json();
    }
    ADD_FAILURE() << "no page object in " << pdf;
    return nullptr;
}

std::string text(const nlohmann::json& s) { return s.get<std::string>().substr(2); }  // drops "u:"

}  // namespace

TEST(GeoreferencedPdf, GdalReadsEachFramesCrsAndPutsEachSiteWithinAPixelAt300Dpi) {
    const std::string dir = fixture_project("pdf-georef", "    formats: [pdf]\n    insets: overseas\n");
    auto r = run_cartelier(dir);
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string pdf = dir + "/out/mini.pdf";
    auto check = test::run("qpdf --check " + pdf + " 2>&1");
    EXPECT_EQ(check.status, 0) << check.output;
    EXPECT_NE(check.output.find("No syntax or stream encoding errors"), std::string::npos) << check.output;

    pipeline::Project project = pipeline::load_project(dir + "/cartelier.yaml");
    const pipeline::MapDecl* map = project.find_map("mini");
    ASSERT_NE(map, nullptr);
    const std::vector<layout::FramePlan> frames = layout::plan_frames(map->page, map->crs, map->extent);
    ASSERT_EQ(frames.size(), 6u);  // the metropole and five overseas insets
    const double page_height = map->page.height_pt();

    // The main frame: gdalinfo (GDAL's default neatline) reports Lambert-93 and a geotransform that puts
    // each site of the fixture (tests/fixtures/mini/sites.csv) within a pixel of where it is drawn.
    const test::GdalGeoreference g = test::gdalinfo_georeference("--config GDAL_PDF_DPI 300 " + pdf);
    EXPECT_NE(g.wkt.find("ID[\"EPSG\",2154]"), std::string::npos) << g.wkt;
    EXPECT_EQ(g.width, 3508);
    EXPECT_EQ(g.height, 2480);
    ASSERT_EQ(g.geotransform.size(), 6u);
    EXPECT_EQ(g.geotransform[2], 0.0);
    EXPECT_EQ(g.geotransform[4], 0.0);
    for (const auto& [id, lon_lat] : std::map<std::string, Point>{{"site-a", {2.5, 46.5}}, {"site-b", {3.5, 46.5}}}) {
        Point m;
        const Point want = test::drawn_pixel(frames[0].view, lon_lat, 300, &m);
        const Point got = test::gdal_pixel(g.geotransform, m);
        EXPECT_NEAR(got.x, want.x, 1.0) << id;
        EXPECT_NEAR(got.y, want.y, 1.0) << id;
    }

    // Every frame's viewport, in the page's order: its BBox is the frame (PDF user space: y up), its
    // GPTS the latitude and longitude of the frame's corners, its GCS the frame's CRS.
    const nlohmann::json vps = page_viewports(pdf);
    ASSERT_TRUE(vps.is_array()) << vps.dump();
    ASSERT_EQ(vps.size(), frames.size()) << vps.dump(1);
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const layout::View& view = frames[i].view;
        const nlohmann::json& vp = vps[i];
        SCOPED_TRACE(fmt::format("frame {} '{}' in {}", i, frames[i].name(), view.crs));
        EXPECT_EQ(vp["/Type"], "/Viewport");
        EXPECT_EQ(text(vp["/Name"]), i == 0 ? std::string("Map Layers") : frames[i].name());
        const std::vector<double> bbox = vp["/BBox"].get<std::vector<double>>();
        const std::vector<double> want_bbox{view.frame.x, page_height - view.frame.bottom(), view.frame.right(),
                                            page_height - view.frame.y};
        ASSERT_EQ(bbox.size(), 4u);
        for (int k = 0; k < 4; ++k) EXPECT_NEAR(bbox[k], want_bbox[k], 1e-6) << k;
        const nlohmann::json& measure = vp["/Measure"];
        EXPECT_EQ(measure["/Type"], "/Measure");
        EXPECT_EQ(measure["/Subtype"], "/GEO");
        EXPECT_EQ(measure["/LPTS"], (nlohmann::json{0, 1, 0, 0, 1, 0, 1, 1}));
        EXPECT_EQ(measure["/GCS"]["/Type"], "/PROJCS");
        EXPECT_EQ(fmt::format("EPSG:{}", measure["/GCS"]["/EPSG"].get<int>()), view.crs);
        const std::vector<double> gpts = measure["/GPTS"].get<std::vector<double>>();
        ASSERT_EQ(gpts.size(), 8u);
        geo::Transformation from_geographic(geo::crs_identity(view.crs).geographic_crs, view.crs);
        const Box& e = view.extent;
        const Point corners[4] = {{e.min_x, e.max_y}, {e.min_x, e.min_y}, {e.max_x, e.min_y}, {e.max_x, e.max_y}};
        for (int k = 0; k < 4; ++k) {
            const Point m = from_geographic.transform(Point{gpts[2 * k + 1], gpts[2 * k]});  // (lon, lat)
            EXPECT_NEAR(m.x, corners[k].x, 0.01) << "corner " << k;
            EXPECT_NEAR(m.y, corners[k].y, 0.01) << "corner " << k;
        }
        if (i == 0) continue;
        // GDAL reads an inset through its neatline, in the inset's CRS: the frame's centre where it is.
        const test::GdalGeoreference inset =
            test::gdalinfo_georeference(fmt::format("--config GDAL_PDF_DPI 300 -oo 'NEATLINE={}' {}", frames[i].name(), pdf));
        EXPECT_NE(inset.wkt.find(fmt::format("ID[\"EPSG\",{}]", view.crs.substr(5))), std::string::npos) << inset.wkt;
        ASSERT_EQ(inset.geotransform.size(), 6u);
        const Point centre{view.frame.x + view.frame.w / 2, view.frame.y + view.frame.h / 2};
        const Point got = test::gdal_pixel(inset.geotransform, view.to_map(centre));
        EXPECT_NEAR(got.x, centre.x * 300 / 72, 1.0);
        EXPECT_NEAR(got.y, centre.y * 300 / 72, 1.0);
    }
}

TEST(GeoreferencedPdf, IsDeterministicListedInTheReportAndTheKeyTurnsItOff) {
    const std::string dir = fixture_project("pdf-georef-det", "    formats: [pdf]\n");
    ASSERT_EQ(run_cartelier(dir).status, 0);
    const std::string pdf = dir + "/out/mini.pdf";
    const std::string first = read_file(pdf);
    EXPECT_NE(first.find("/VP [ << /BBox"), std::string::npos);
    EXPECT_NE(first.find("/Extensions << /ADBE << /BaseVersion /1.7 /ExtensionLevel 3 >> >>"), std::string::npos);
    // The report lists the georeferenced PDF with its hash.
    const nlohmann::json built = report(dir);
    ASSERT_EQ(built["maps"].size(), 1u);
    ASSERT_EQ(built["maps"][0]["outputs"].size(), 1u) << built.dump(1);
    EXPECT_EQ(built["maps"][0]["outputs"][0]["sha256"], pipeline::sha256_hex(first));
    // Rebuilt, the same bytes.
    ASSERT_EQ(run_cartelier(dir, "--force").status, 0);
    EXPECT_EQ(read_file(pdf), first);

    // `georeference: false`: the PDF as Cairo wrote it, which GDAL opens without a CRS.
    const std::string off = fixture_project("pdf-georef-off", "    formats: [pdf]\n    georeference: false\n");
    ASSERT_EQ(run_cartelier(off).status, 0);
    const std::string plain = read_file(off + "/out/mini.pdf");
    EXPECT_EQ(plain.find("/VP"), std::string::npos);
    EXPECT_EQ(plain.find("/Measure"), std::string::npos);
    EXPECT_EQ(plain.rfind("%PDF-1.5", 0), 0u);
    const test::GdalGeoreference g = test::gdalinfo_georeference(off + "/out/mini.pdf");
    EXPECT_EQ(g.wkt, "");
}
