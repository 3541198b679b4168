// The georeference of a PDF page (pipeline/pdf_georeference.hpp): the viewport of a known view, number
// by number, and the PDF qpdf writes with it.
#include <gtest/gtest.h>

#include "core/diagnostic.hpp"
#include "pipeline/pdf_georeference.hpp"
#include "render/page_surface.hpp"

using namespace cartelier;

namespace {

/// A frame 720 × 360 pt at (36, 72) on an A4 landscape page, showing 72 × 36 km of Lambert-93 whose
/// lower-left corner is the projection's origin (700000, 6600000): 46.5° N, 3° E on RGF93 v1.
layout::View lambert93_view() {
    return layout::View::fit("EPSG:2154", Box{700000, 6600000, 772000, 6636000}, layout::Rect{36, 72, 720, 360});
}

constexpr double kA4Height = 595.28;

/// A one-page PDF as the program's PDF surface writes it (its dates pinned).
std::string cairo_pdf() {
    render::PageSpec spec;
    spec.height_pt = kA4Height;
    spec.title = "Test";
    spec.date = 1700000000;
    render::PageSurface surface(render::OutputFormat::Pdf, spec);
    cairo_rectangle(surface.cr(), 36, 72, 720, 360);
    cairo_fill(surface.cr());
    return surface.finish();
}

}  // namespace

TEST(PdfGeoreference, TheViewportOfAKnownViewNumberByNumber) {
    const pipeline::PdfViewport vp = pipeline::pdf_viewport("Map Layers", lambert93_view(), kA4Height);
    // The BBox in PDF user space: y up from the page's bottom (595.28 - 72 - 360 = 163.28).
    const std::array<double, 4> bbox{36, 595.28 - 432, 756, 523.28};
    for (int k = 0; k < 4; ++k) EXPECT_DOUBLE_EQ(vp.bbox[k], bbox[k]) << k;
    EXPECT_EQ(vp.epsg, 2154);
    EXPECT_FALSE(vp.geographic);
    // The lower-left corner is Lambert-93's origin; the others, PROJ's inverse of RGF93 v1 / Lambert-93, as
    // `gdaltransform -s_srs EPSG:2154 -t_srs EPSG:4171` gives them (upper-left on the central meridian).
    EXPECT_NEAR(vp.gpts[2], 46.5, 1e-12);
    EXPECT_NEAR(vp.gpts[3], 3, 1e-12);
    const std::string text = pipeline::pdf_viewport_text(vp);
    const std::string want =
        "<< /BBox [ 36 163.28 756 523.28 ] /Measure << /Bounds [ 0 1 0 0 1 0 1 1 ] /GCS << /EPSG 2154 /Type /PROJCS "
        "/WKT (" + vp.wkt + ") >> /GPTS [ 46.8241513055 3 46.5 3 46.4961459151 3.9388034976 46.8202744475 "
        "3.9444174329 ] /LPTS [ 0 1 0 0 1 0 1 1 ] /Subtype /GEO /Type /Measure >> /Name (Map Layers) /Type /Viewport >>";
    EXPECT_EQ(text, want);
    EXPECT_EQ(vp.wkt.rfind("PROJCS[\"RGF93 v1 / Lambert-93\"", 0), 0u) << vp.wkt;
}

TEST(PdfGeoreference, AGeographicFrameIsAGeogcsWhoseCornersAreItsExtent) {
    const layout::View view = layout::View::fit("EPSG:4326", Box{-2, 44, 6, 48}, layout::Rect{0, 0, 400, 200});
    const pipeline::PdfViewport vp = pipeline::pdf_viewport("World", view, 200);
    EXPECT_TRUE(vp.geographic);
    EXPECT_EQ(vp.epsg, 4326);
    EXPECT_EQ(vp.bbox, (std::array<double, 4>{0, 0, 400, 200}));
    EXPECT_EQ(vp.gpts, (std::array<double, 8>{48, -2, 44, -2, 44, 6, 48, 6}));
    EXPECT_NE(pipeline::pdf_viewport_text(vp).find("/GCS << /EPSG 4326 /Type /GEOGCS /WKT (GEOGCS[\"WGS 84\""),
              std::string::npos);
}

TEST(PdfGeoreference, TheMainFrameIsGdalsDefaultNeatlineAndEachInsetIsNamed) {
    render::FrameReport main, inset, unnamed;
    main.view = lambert93_view();
    inset.name = "Guyane";
    inset.view = layout::View::fit("EPSG:2972", Box{100000, 230000, 400000, 650000}, layout::Rect{600, 400, 100, 140});
    unnamed.view = inset.view;
    const auto vps = pipeline::pdf_viewports({main, inset, unnamed}, kA4Height);
    ASSERT_EQ(vps.size(), 3u);
    EXPECT_EQ(vps[0].name, "Map Layers");
    EXPECT_EQ(vps[1].name, "Guyane");
    EXPECT_EQ(vps[1].epsg, 2972);
    EXPECT_EQ(vps[2].name, "Inset 2");
    EXPECT_THROW(pipeline::pdf_viewport("x", layout::View::fit("EPSG:999999", Box{0, 0, 1, 1}, layout::Rect{0, 0, 1, 1}), 10),
                 Error);
}

TEST(PdfGeoreference, ThePdfGetsTheViewportsTheExtensionLevelAndADeterministicId) {
    const std::string pdf = cairo_pdf();
    const pipeline::PdfViewport vp = pipeline::pdf_viewport("Map Layers", lambert93_view(), kA4Height);
    const std::string geo = pipeline::georeference_pdf(pdf, {vp});
    EXPECT_EQ(geo.rfind("%PDF-1.7\n", 0), 0u);
    EXPECT_NE(geo.find("/VP [ " + pipeline::pdf_viewport_text(vp) + " ]"), std::string::npos);
    EXPECT_NE(geo.find("/Extensions << /ADBE << /BaseVersion /1.7 /ExtensionLevel 3 >> >>"), std::string::npos);
    EXPECT_NE(geo.find("/CreationDate (20231114221320Z)"), std::string::npos) << "Cairo's pinned date is kept";
    EXPECT_NE(geo.find("/ID [<"), std::string::npos);
    EXPECT_EQ(pipeline::georeference_pdf(pdf, {vp}), geo) << "the same page, the same bytes";
    EXPECT_THROW(pipeline::georeference_pdf("not a PDF", {vp}), Error);
}
