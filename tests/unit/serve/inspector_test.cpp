// The preview's inspector (serve/inspector.hpp) on the two-département fixture: which features a page
// point shows, and each style layer's properties evaluated for them with their style lines. Also: the
// preview's banded PNG is the build's PNG, pixel for pixel.
#include <cairo.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "geo/projection.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/prepare.hpp"
#include "pipeline/project.hpp"
#include "pipeline/render_format.hpp"
#include "pipeline/state.hpp"
#include "render/icons.hpp"
#include "serve/inspector.hpp"
#include "test_paths.hpp"

using namespace cartelier;

namespace {

struct Fixture {
    pipeline::Project project = pipeline::load_project(test::datapath("fixtures/mini/cartelier.yaml"));
    pipeline::LayerStore store{project};
    pipeline::InputContext inputs{project, 1574640000};
    render::IconCache icons;
    std::shared_ptr<const pipeline::PreparedMap> prepared;
    render::PageReport report;
    std::unique_ptr<serve::Inspector> inspector;

    Fixture() {
        pipeline::PrepareContext ctx{project, store, inputs, icons, 1574640000};
        prepared = std::make_shared<const pipeline::PreparedMap>(pipeline::prepare_map(ctx, *project.find_map("mini")));
        report = pipeline::render_format(*prepared, pipeline::Format::Png, icons).report;
        inspector = std::make_unique<serve::Inspector>(prepared, report.frames);
    }
    /// The page point (points) of a WGS84 position in the main frame.
    Point page_of(double lon, double lat) const {
        const auto& frame = report.frames.front();
        return frame.view.to_page(geo::Transformation("EPSG:4326", frame.crs).transform({lon, lat}));
    }
};

const serve::InspectedStyleLayer* style_of(const serve::InspectedFeature& f, const std::string& id) {
    for (const auto& s : f.styles)
        if (s.id == id) return &s;
    return nullptr;
}

const serve::InspectedProperty* property_of(const serve::InspectedStyleLayer& s, const std::string& name) {
    for (const auto& p : s.properties)
        if (p.name == name) return &p;
    return nullptr;
}

std::vector<std::string> ids(const serve::Inspection& i) {
    std::vector<std::string> out;
    for (const auto& f : i.features) out.push_back(f.layer + ":" + f.id);
    return out;
}

TEST(Inspector, InsideADepartementItsFillIsFoundNotTheBorderLayerFarFromItsOutline) {
    Fixture fx;
    const serve::Inspection found = fx.inspector->inspect(fx.page_of(2.25, 46.75));
    ASSERT_TRUE(found.in_frame);
    EXPECT_EQ(found.frame, "");
    EXPECT_EQ(found.crs, "EPSG:2154");
    ASSERT_EQ(ids(found), std::vector<std::string>{"departements:01"});
    const auto& dep = found.features.front();
    EXPECT_EQ(dep.geometry_type, "Polygon");
    std::map<std::string, std::string> attributes(dep.attributes.begin(), dep.attributes.end());
    EXPECT_EQ(attributes["nom"], "\"Premier\"");
    ASSERT_EQ(dep.styles.size(), 1u);
    EXPECT_EQ(dep.styles[0].id, "land");
    EXPECT_EQ(dep.styles[0].type, "fill");
    const auto* fill = property_of(dep.styles[0], "fill-color");
    ASSERT_NE(fill, nullptr);
    EXPECT_EQ(fill->value_json, "\"rgba(251,248,241,1)\"");
    EXPECT_FALSE(fill->is_default);
    EXPECT_NE(fill->where.file.find("style.json"), std::string::npos);
    EXPECT_GT(fill->where.line, 0);
    EXPECT_EQ(fill->where.path, "layers[1].paint.fill-color");
    const auto* opacity = property_of(dep.styles[0], "fill-opacity");
    ASSERT_NE(opacity, nullptr);
    EXPECT_TRUE(opacity->is_default);
    EXPECT_EQ(opacity->value_json, "1");
    EXPECT_TRUE(opacity->where.file.empty());
}

TEST(Inspector, OnTheSharedBorderBothDepartementsAreFoundThroughTheLineLayer) {
    Fixture fx;
    const serve::Inspection found = fx.inspector->inspect(fx.page_of(3.0, 46.75));
    const std::vector<std::string> listed = ids(found);
    const std::set<std::string> got(listed.begin(), listed.end());
    EXPECT_EQ(got, (std::set<std::string>{"departements:01", "departements:02"}));
    for (const auto& f : found.features) {
        const auto* borders = style_of(f, "borders");
        ASSERT_NE(borders, nullptr) << f.id;
        EXPECT_EQ(property_of(*borders, "line-color")->value_json, "\"rgba(85,85,85,1)\"");
        EXPECT_EQ(property_of(*borders, "line-width")->value_json, "0.5");
    }
}

TEST(Inspector, ASiteShowsItsJoinedAttributesAndItsEvaluatedColourAndLabelTopmostFirst) {
    Fixture fx;
    const serve::Inspection found = fx.inspector->inspect(fx.page_of(2.5, 46.5));
    ASSERT_EQ(ids(found), (std::vector<std::string>{"sites:site-a", "departements:01"}));
    const auto& site = found.features.front();
    std::map<std::string, std::string> attributes(site.attributes.begin(), site.attributes.end());
    EXPECT_EQ(attributes["dispositif"], "\"flash\"");  // from the join with sessions.csv
    EXPECT_EQ(attributes["session"], "\"s-flash\"");
    ASSERT_EQ(site.styles.size(), 2u);
    EXPECT_EQ(site.styles[0].id, "labels");  // drawn last: on top
    EXPECT_EQ(site.styles[1].id, "sites");
    EXPECT_EQ(property_of(site.styles[0], "text-field")->value_json, "\"Saint-Étienne-l’Été\"");
    EXPECT_EQ(property_of(site.styles[1], "circle-color")->value_json, "\"rgba(215,48,31,1)\"");
    EXPECT_EQ(property_of(site.styles[1], "circle-color")->where.path, "layers[3].paint.circle-color");
    // The JSON the page reads.
    const std::string json = serve::inspection_json(found, 1);
    EXPECT_NE(json.find("\"id\":\"site-a\""), std::string::npos);
    EXPECT_NE(json.find("\"value\":\"rgba(215,48,31,1)\""), std::string::npos);
}

TEST(Inspector, TheMarginsShowNoFeatureAndAPointBetweenSitesNoSite) {
    Fixture fx;
    const serve::Inspection margin = fx.inspector->inspect({2, 2});
    EXPECT_FALSE(margin.in_frame);
    EXPECT_TRUE(margin.features.empty());
    // 0.1° (about 8 km, a few points on this page) from site-b: not within the tolerance.
    const serve::Inspection near = fx.inspector->inspect(fx.page_of(3.5, 46.62), 4);
    EXPECT_EQ(ids(near), std::vector<std::string>{"departements:02"});
}

/// The pixels of a PNG file (ARGB32 rows).
struct Decoded {
    int width = 0, height = 0;
    std::vector<std::uint32_t> pixels;
};
Decoded decode(const std::string& png) {
    struct Reader {
        const std::string* data;
        std::size_t at = 0;
    } reader{&png};
    cairo_surface_t* s = cairo_image_surface_create_from_png_stream(
        [](void* closure, unsigned char* out, unsigned int n) {
            auto* r = static_cast<Reader*>(closure);
            if (r->at + n > r->data->size()) return CAIRO_STATUS_READ_ERROR;
            std::memcpy(out, r->data->data() + r->at, n);
            r->at += n;
            return CAIRO_STATUS_SUCCESS;
        },
        &reader);
    Decoded d;
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        d.width = cairo_image_surface_get_width(s);
        d.height = cairo_image_surface_get_height(s);
        const int stride = cairo_image_surface_get_stride(s);
        const unsigned char* data = cairo_image_surface_get_data(s);
        for (int y = 0; y < d.height; ++y)
            for (int x = 0; x < d.width; ++x)
                d.pixels.push_back(reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride)[x]);
    }
    cairo_surface_destroy(s);
    return d;
}

TEST(PreviewBands, TheBandsAreTheBuildsPngPixelForPixel) {
    Fixture fx;
    const Decoded whole = decode(pipeline::render_format(*fx.prepared, pipeline::Format::Png, fx.icons).bytes);
    ASSERT_GT(whole.height, 100);
    for (unsigned bands : {2u, 3u, 7u}) {
        const pipeline::RenderedBands banded = pipeline::render_png_bands(*fx.prepared, fx.icons, bands);
        ASSERT_GE(banded.pngs.size(), 2u);
        ASSERT_LE(banded.pngs.size(), bands);
        for (std::size_t b = 1; b + 1 < banded.first_rows.size(); ++b)
            EXPECT_EQ(banded.first_rows[b + 1] - banded.first_rows[b], banded.first_rows[1]);  // one height
        bands = static_cast<unsigned>(banded.pngs.size());
        EXPECT_EQ(banded.width, whole.width);
        EXPECT_EQ(banded.height, whole.height);
        EXPECT_EQ(banded.report.frames.size(), fx.report.frames.size());
        std::size_t differing = 0;
        for (unsigned b = 0; b < bands; ++b) {
            const Decoded band = decode(banded.pngs[b]);
            const int first = banded.first_rows[b];
            const int rows = (b + 1 < bands ? banded.first_rows[b + 1] : whole.height) - first;
            ASSERT_EQ(band.width, whole.width);
            ASSERT_EQ(band.height, rows);
            for (int y = 0; y < rows; ++y)
                for (int x = 0; x < whole.width; ++x)
                    differing += band.pixels[static_cast<std::size_t>(y) * band.width + x] !=
                                 whole.pixels[static_cast<std::size_t>(first + y) * whole.width + x];
        }
        EXPECT_EQ(differing, 0u) << bands << " bands";
    }
}

}  // namespace
