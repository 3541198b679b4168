// A symbol layer over areas and lines (render/map_renderer.cpp, geo::label_point): each feature is
// labelled once, as MapLibre labels a polygon at its pole of inaccessibility — the centre of the largest
// circle inside the part of it the frame shows — and a line halfway along it; before, only points were
// labelled and a symbol layer over départements drew nothing, without a word.
#include <cmath>

#include <gtest/gtest.h>

#include "geo/geos.hpp"
#include "geo/wkt.hpp"
#include "render/cairo_handles.hpp"
#include "render/map_renderer.hpp"
#include "test_styles.hpp"

using namespace cartelier;
using render::Rect;

namespace {

/// A layer "areas" of EPSG:2154 with a field "code", one feature per WKT.
Layer area_layer(std::initializer_list<std::pair<const char*, const char*>> features) {
    geo::GeosContext ctx;
    Layer l;
    l.name = "areas";
    l.source = "memory";
    l.crs = "EPSG:2154";
    l.schema->add("code");
    for (const auto& [code, wkt] : features) {
        Feature f;
        f.id = code;
        f.values = {Value(std::string(code))};
        f.geometry = geo::from_wkt(ctx, wkt);
        l.features.push_back(std::move(f));
    }
    return l;
}

const char* kAreaLabels = R"({"id": "names", "type": "symbol", "source": "p", "source-layer": "areas",
                          "layout": {"text-field": "{code}", "text-size": 6}})";

/// The label requests of `layer` drawn by kAreaLabels in a 100 × 100 pt frame showing map metres `shown`.
std::vector<layout::LabelRequest> area_labels(const Layer& layer, const Box& shown, render::View* out_view = nullptr) {
    const style::Style style = test::points_style(kAreaLabels, "/tmp/area-labels-style.json");
    render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 120, 120)};
    render::ContextPtr cr{cairo_create(surface.get())};
    const render::View view = render::View::fit("EPSG:2154", shown, Rect{10, 10, 100, 100});
    render::LayerSet set;
    set.add(layer);
    if (out_view) *out_view = view;
    return render::draw_map(cr.get(), style, set, view, 6).labels;
}

}  // namespace

TEST(AreaLabels, AnAreaIsLabelledOnceWhereItHasMostRoom) {
    // An L (a bar along the bottom, a stem up the left side) and a multipolygon of a small and a large
    // square: the L at the centre of its largest inscribed circle, in the corner, not at its centre of
    // mass (outside it); the multipolygon once, in its large square.
    const Layer layer = area_layer({{"L", "POLYGON ((0 0, 100 0, 100 20, 20 20, 20 100, 0 100, 0 0))"},
                                  {"two", "MULTIPOLYGON (((150 150, 155 150, 155 155, 150 155, 150 150)), "
                                          "((160 0, 200 0, 200 40, 160 40, 160 0)))"}});
    render::View view;
    const auto labels = area_labels(layer, Box{0, 0, 200, 200}, &view);
    ASSERT_EQ(labels.size(), 2u);
    EXPECT_EQ(labels[0].feature_id, "L");
    EXPECT_EQ(labels[0].text, "L");
    const double t = 20 * std::sqrt(2.0) / (1 + std::sqrt(2.0));  // the corner circle's centre (t, t)
    const Point l = view.to_page({t, t});
    EXPECT_NEAR(labels[0].anchor.x, l.x, 0.3);
    EXPECT_NEAR(labels[0].anchor.y, l.y, 0.3);
    EXPECT_EQ(labels[1].feature_id, "two");
    const Point square = view.to_page({180, 20});
    EXPECT_NEAR(labels[1].anchor.x, square.x, 0.3);
    EXPECT_NEAR(labels[1].anchor.y, square.y, 0.3);
    // MapLibre's default text-anchor for a symbol: centred on the point.
    EXPECT_EQ(labels[0].preferred, "center");
}

TEST(AreaLabels, AnAreaTheFrameCutsIsLabelledInThePartItShows) {
    // A 1000 m bar, of which the frame shows 100 m: the label is in the frame, in the middle of what it shows.
    const Layer layer = area_layer({{"bar", "POLYGON ((0 0, 1000 0, 1000 40, 0 40, 0 0))"}});
    render::View view;
    const auto labels = area_labels(layer, Box{900, -30, 1000, 70}, &view);
    ASSERT_EQ(labels.size(), 1u);
    const Point mid = view.to_page({950, 20});
    EXPECT_NEAR(labels[0].anchor.x, mid.x, 0.3);
    EXPECT_NEAR(labels[0].anchor.y, mid.y, 0.3);
    EXPECT_TRUE(view.frame.x <= labels[0].anchor.x && labels[0].anchor.x <= view.frame.right());
}

TEST(AreaLabels, ALineIsLabelledHalfwayAlongIt) {
    const Layer layer = area_layer({{"road", "LINESTRING (0 50, 60 50, 60 110)"}});
    render::View view;
    const auto labels = area_labels(layer, Box{0, 0, 200, 200}, &view);
    ASSERT_EQ(labels.size(), 1u);
    const Point half = view.to_page({60, 50});
    EXPECT_NEAR(labels[0].anchor.x, half.x, 1e-6);
    EXPECT_NEAR(labels[0].anchor.y, half.y, 1e-6);
}

TEST(AreaLabels, PointsAreLabelledAsBefore) {
    const Layer layer = area_layer({{"p", "POINT (30 40)"}, {"m", "MULTIPOINT ((70 80), (90 90))"}});
    render::View view;
    const auto labels = area_labels(layer, Box{0, 0, 200, 200}, &view);
    ASSERT_EQ(labels.size(), 2u);
    EXPECT_NEAR(labels[0].anchor.x, view.to_page({30, 40}).x, 1e-9);
    EXPECT_NEAR(labels[1].anchor.y, view.to_page({70, 80}).y, 1e-9);
}
