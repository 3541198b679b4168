// Page furniture placed where it hides the least land: the land of a frame (exact contact, union area),
// the choice among candidate positions (a named corner kept when free, else the first free position,
// else the least land), text 1 mm from frames, and the seed maps' overseas insets checked against the
// département and country polygons with GEOS, independently of the layout's own land.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include <fmt/format.h>
#include <geos_c.h>
#include <gtest/gtest.h>

#include "data/layer_reader.hpp"
#include "fixed_measurer.hpp"
#include "geo/geos.hpp"
#include "geo/projection.hpp"
#include "layout/furniture.hpp"
#include "layout/land.hpp"
#include "layout/page_plan.hpp"
#include "page_fixture.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using layout::Rect;

namespace {

std::vector<Point> square(double x, double y, double side) {
    return {{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}};
}

constexpr double kMmPt = 72.0 / 25.4;  // points per millimetre

/// Every text of the plan's page furniture lies `margin` points inside the frame it decorates.
void expect_text_clear_of_frames(const layout::PagePlan& plan, double margin) {
    auto inside = [&](const layout::PlacedText& t, const Rect& frame) {
        const Rect box{t.at.x, t.at.y, t.size.width, t.size.height};
        EXPECT_TRUE(frame.inflated(-margin).contains(box))
            << "'" << t.text << "' at " << box.x << " " << box.y << " " << box.w << " × " << box.h << " in a frame at "
            << frame.x << " " << frame.y << " " << frame.w << " × " << frame.h;
    };
    for (std::size_t i = 0; i < plan.inset_decorations.size(); ++i) {
        const auto& d = plan.inset_decorations[i];
        const Rect& frame = plan.frames[i + 1].view.frame;
        inside(d.name, frame);
        for (const auto& t : d.scale_bar.ticks) inside(t, frame);
        inside(d.scale_bar.caption, frame);
    }
    if (plan.scale_bar) {
        for (const auto& t : plan.scale_bar->ticks) inside(t, plan.frames[0].view.frame);
        inside(plan.scale_bar->caption, plan.frames[0].view.frame);
    }
}

/// The position each element of the plan took, by owner.
std::map<std::string, layout::FurnitureChoice> taken_by_owner(const layout::PagePlan& plan) {
    std::map<std::string, layout::FurnitureChoice> at;
    for (const auto& f : plan.furniture) at[f.owner] = f;
    return at;
}

}  // namespace

TEST(LandCover, TouchesExactlyAndMeasuresTheUnion) {
    layout::LandCover land(Rect{0, 0, 100, 100});
    land.add_polygon({square(10, 10, 20)});
    land.add_polygon({square(20, 10, 20)});  // overlaps the first by 10 × 20
    // A square with a hole: 20 × 20 less 10 × 10.
    land.add_polygon({square(60, 60, 20), square(65, 65, 10)});
    EXPECT_NEAR(land.area_within(Rect{0, 0, 50, 50}), 30 * 20, 1);  // the union, counted once
    EXPECT_NEAR(land.area_within(Rect{60, 60, 20, 20}), 400 - 100, 1);
    EXPECT_EQ(land.area_within(Rect{66, 66, 8, 8}), 0);  // inside the hole
    EXPECT_FALSE(land.touches(Rect{66, 66, 8, 8}));
    EXPECT_TRUE(land.touches(Rect{15, 15, 2, 2}));  // wholly inside land, no edge in it
    // A box sharing only an edge with land hides none; a hair over it does.
    EXPECT_FALSE(land.touches(Rect{40, 10, 10, 20}));
    EXPECT_TRUE(land.touches(Rect{39.99, 10, 10, 20}));
    // Land outside the frame is not on the page.
    layout::LandCover clipped(Rect{0, 0, 50, 50});
    clipped.add_polygon({square(40, 40, 20)});
    EXPECT_NEAR(clipped.area_within(Rect{0, 0, 100, 100}), 100, 1);
}

TEST(LandCover, AgreesWithGeosOnRandomStarsAndBoxes) {
    // Star-shaped polygons of 60 vertices, some with a hole, and boxes of every size over them: whether a
    // box touches land and how much it holds, against GEOS's area of the union of the intersections.
    geo::GeosContext ctx;
    std::uint32_t seed = 4242;
    auto uniform = [&seed](double lo, double hi) {
        seed = seed * 1664525u + 1013904223u;
        return lo + (hi - lo) * static_cast<double>(seed >> 8) / static_cast<double>(1u << 24);
    };
    auto wkt_ring = [](const std::vector<Point>& ring) {
        std::string w = "(";
        for (const Point& p : ring) w += fmt::format("{} {},", p.x, p.y);
        return w + fmt::format("{} {})", ring.front().x, ring.front().y);
    };
    layout::LandCover land(Rect{0, 0, 400, 400});
    std::vector<GEOSGeometry*> polygons;
    GEOSWKTReader* reader = GEOSWKTReader_create_r(ctx.get());
    for (int k = 0; k < 12; ++k) {
        const Point c{uniform(0, 400), uniform(0, 400)};
        const double radius = uniform(10, 90);
        std::vector<Point> outer;
        for (int i = 0; i < 60; ++i) {
            const double t = 2 * M_PI * i / 60, r = radius * uniform(0.55, 1.0);
            outer.push_back({c.x + r * std::cos(t), c.y + r * std::sin(t)});
        }
        std::vector<std::vector<Point>> rings{outer};
        if (k % 3 == 0) rings.push_back(square(c.x - radius * 0.2, c.y - radius * 0.2, radius * 0.4));
        std::string wkt = "POLYGON(" + wkt_ring(rings[0]);
        if (rings.size() > 1) wkt += "," + wkt_ring(rings[1]);
        polygons.push_back(GEOSWKTReader_read_r(ctx.get(), reader, (wkt + ")").c_str()));
        ASSERT_NE(polygons.back(), nullptr) << wkt;
        land.add_polygon(rings);
    }
    GEOSWKTReader_destroy_r(ctx.get(), reader);
    GEOSGeometry* all = GEOSGeom_createCollection_r(ctx.get(), GEOS_GEOMETRYCOLLECTION, polygons.data(),
                                                    static_cast<unsigned>(polygons.size()));
    GEOSGeometry* merged = GEOSUnaryUnion_r(ctx.get(), all);
    int touching = 0, free = 0;
    for (int b = 0; b < 400; ++b) {
        const double w = uniform(0.5, 120), h = uniform(0.5, 60);
        const Rect box{uniform(-20, 400), uniform(-20, 400), w, h};
        const double x1 = std::min(box.right(), 400.0), y1 = std::min(box.bottom(), 400.0);
        const double x0 = std::max(box.x, 0.0), y0 = std::max(box.y, 0.0);
        double expected = 0;  // a box wholly off the frame holds no land
        if (x1 > x0 && y1 > y0) {
            GEOSGeometry* r = GEOSGeom_createRectangle_r(ctx.get(), x0, y0, x1, y1);
            GEOSGeometry* piece = GEOSIntersection_r(ctx.get(), merged, r);
            GEOSArea_r(ctx.get(), piece, &expected);
            GEOSGeom_destroy_r(ctx.get(), piece);
            GEOSGeom_destroy_r(ctx.get(), r);
        }
        const bool touches = land.touches(box);
        if (expected > 1e-6) EXPECT_TRUE(touches) << b << ": " << expected << " pt² of land in " << box.x << " " << box.y << " " << box.w << " " << box.h;
        if (expected == 0) EXPECT_FALSE(touches) << b;
        (touches ? touching : free) += 1;
        const double area = land.area_within(box);
        EXPECT_NEAR(area, expected, 0.25 * (2 * w + 2 * h) * 0.5 + 1e-9) << b;  // within half a scanline a side
        EXPECT_EQ(land.land_within(box, 0.08), touches ? std::max(area, 0.08) : 0.0) << b;
    }
    EXPECT_GT(touching, 100);
    EXPECT_GT(free, 20);
    GEOSGeom_destroy_r(ctx.get(), merged);
    GEOSGeom_destroy_r(ctx.get(), all);
}

TEST(Furniture, CandidateOrderStartsWithThePreferredPosition) {
    EXPECT_EQ(layout::furniture_positions("top-right"),
              (std::vector<std::string>{"top-right", "bottom-left", "bottom-right", "top-left", "bottom", "top", "left",
                                        "right"}));
    EXPECT_EQ(layout::furniture_positions("bottom-left", true),
              (std::vector<std::string>{"bottom-left", "bottom-right", "top-left", "top-right"}));
    const Rect frame{100, 100, 400, 300};
    const Rect bottom = layout::furniture_box(frame, "bottom", 40, 20, 6);
    EXPECT_NEAR(bottom.x + bottom.w / 2, 300, 1e-9);
    EXPECT_NEAR(bottom.bottom(), 394, 1e-9);
}

TEST(Furniture, ANamedCornerIsKeptUnlessItHidesLandAndAFreePositionExists) {
    const Rect frame{0, 0, 400, 300};
    layout::CollisionIndex taken;
    // No land: the named corner.
    layout::LandCover sea(frame);
    auto choice = layout::choose_furniture("scale bar", 0, frame, "bottom-right", 80, 30, 6, sea, taken, {});
    EXPECT_EQ(choice.position, "bottom-right");
    EXPECT_TRUE(choice.free);
    // Land in the bottom-right corner: the first free position in the fixed order.
    layout::LandCover corner(frame);
    corner.add_polygon({square(300, 200, 100)});
    choice = layout::choose_furniture("scale bar", 0, frame, "bottom-right", 80, 30, 6, corner, taken, {});
    EXPECT_EQ(choice.position, "bottom-left");
    EXPECT_EQ(choice.land_pt2, 0);
    // Land everywhere but less of it top-left: the least land; a symbol top-left: not there.
    layout::LandCover land(frame);
    land.add_polygon({{{0, 40}, {400, 40}, {400, 300}, {0, 300}}});
    land.add_polygon({{{0, 0}, {400, 0}, {400, 10}, {0, 10}}});  // a thin strip along the top edge
    choice = layout::choose_furniture("scale bar", 0, frame, "bottom-right", 80, 30, 6, land, taken, {});
    EXPECT_EQ(choice.position, "top-left");  // the first of the least (top-left, top-right, top)
    EXPECT_NEAR(choice.land_pt2, 80 * 4, 1);
    taken.insert_circle({40, 20}, 3, "symbol a", "a");
    choice = layout::choose_furniture("scale bar", 0, frame, "bottom-right", 80, 30, 6, land, taken, {});
    EXPECT_EQ(choice.position, "top-right");
    // A shorter variant that finds a free position wins over a longer one that hides land.
    layout::LandCover middle(frame);
    middle.add_polygon({{{150, 0}, {250, 0}, {250, 300}, {150, 300}}});
    const std::vector<Rect> sizes = {{0, 0, 260, 30}, {0, 0, 120, 30}};
    choice = layout::choose_furniture("scale bar", 0, frame, "bottom-right", sizes, 6, middle, layout::CollisionIndex(), {});
    EXPECT_EQ(choice.variant, 1u);
    EXPECT_EQ(choice.position, "bottom-right");
}

TEST(Furniture, IsDeterministic) {
    const Rect frame{0, 0, 400, 300};
    layout::LandCover land(frame);
    land.add_polygon({{{0, 150}, {400, 150}, {400, 300}, {0, 300}}});
    const auto a = layout::choose_furniture("legend", 0, frame, "bottom-left", 100, 60, 6, land, layout::CollisionIndex(), {});
    const auto b = layout::choose_furniture("legend", 0, frame, "bottom-left", 100, 60, 6, land, layout::CollisionIndex(), {});
    EXPECT_EQ(a.position, "top-left");
    EXPECT_EQ(a.position, b.position);
    EXPECT_EQ(a.land_pt2, b.land_pt2);
}

TEST(Furniture, TextKeepsOneMillimetreFromFrames) {
    layout::PageLayout page;
    page.insets = layout::overseas_insets();
    page.north_arrow = "top-right";
    layout::PlanInputs in;
    in.frames = layout::plan_frames(page, "EPSG:2154", Box{100000, 6050000, 1250000, 7120000});
    const layout::PagePlan plan = layout::plan_page(page, std::move(in), test::FixedMeasurer());
    ASSERT_EQ(plan.inset_decorations.size(), 5u);
    expect_text_clear_of_frames(plan, 1 * kMmPt);
    // The "20 km" of each bar inside the bar's box.
    for (const auto& d : plan.inset_decorations)
        EXPECT_LE(d.scale_bar.ticks.back().at.x + d.scale_bar.ticks.back().size.width, d.scale_bar.box.right() - 2.8);
}

namespace {

/// The area (pt² on the page) of the union of `layers`' polygons inside `box`, in the frame's map
/// coordinates, computed with GEOS.
class GeosLand {
public:
    GeosLand(const std::vector<Layer>& layers, const layout::View& view) : view_(view) {
        for (const Layer& source : layers) {
            Layer layer = source;
            geo::reproject(layer, view.crs);
            for (const auto& f : layer.features)
                if (f.geometry.type == GeometryType::Polygon && f.geometry.bounds().intersects(view.extent))
                    polygons_.push_back(geo::to_geos(ctx_, f.geometry));
        }
    }
    double area_pt2(const Rect& box) const {
        const Point a = view_.to_map({box.x, box.bottom()}), b = view_.to_map({box.right(), box.y});
        Geometry rect;
        rect.type = GeometryType::Polygon;
        rect.begin_part();
        for (Point p : {a, Point{b.x, a.y}, b, Point{a.x, b.y}, a}) rect.points.push_back(p);
        rect.end_ring();
        const geo::GeosGeometry r = geo::to_geos(ctx_, rect);
        std::vector<GEOSGeometry*> pieces;
        for (const auto& p : polygons_) {
            GEOSGeometry* piece = GEOSIntersection_r(ctx_.get(), p.get(), r.get());
            if (piece && !GEOSisEmpty_r(ctx_.get(), piece)) pieces.push_back(piece);
            else if (piece) GEOSGeom_destroy_r(ctx_.get(), piece);
        }
        if (pieces.empty()) return 0;
        GEOSGeometry* all = GEOSGeom_createCollection_r(ctx_.get(), GEOS_GEOMETRYCOLLECTION, pieces.data(),
                                                        static_cast<unsigned>(pieces.size()));
        GEOSGeometry* merged = GEOSUnaryUnion_r(ctx_.get(), all);
        double area = 0;
        GEOSArea_r(ctx_.get(), merged, &area);
        GEOSGeom_destroy_r(ctx_.get(), merged);
        GEOSGeom_destroy_r(ctx_.get(), all);
        return area * view_.scale * view_.scale;
    }

private:
    geo::GeosContext ctx_;
    layout::View view_;
    std::vector<geo::GeosGeometry> polygons_;
};

}  // namespace

TEST(Furniture, SeedInsetsHideTheLeastLandTheirCandidatesCan) {
    if (!test::layer_cache_present()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    test::ProjectRenderer renderer(test::sourcepath("cartelier.yaml"));
    const auto page = renderer.render("sessions", render::OutputFormat::Png, 30);
    const auto& report = page.report;
    // The polygons the insets fill: départements and countries.
    std::vector<Layer> layers;
    for (const char* name : {"departements", "countries"}) {
        Diagnostics d;
        layers.push_back(data::read_layer(renderer.project().layers.at(name).spec, d));
        ASSERT_FALSE(layers.back().features.empty()) << name;
    }
    double hidden_pt2 = 0;
    for (const auto& f : report.furniture) hidden_pt2 += f.land_pt2;
    EXPECT_NEAR(report.land_hidden_mm2, hidden_pt2 * layout::kMm2PerPt2, 1e-9);
    ASSERT_EQ(report.frames.size(), 6u);
    for (std::size_t i = 1; i < report.frames.size(); ++i) {
        const auto& frame = report.frames[i];
        SCOPED_TRACE(frame.name);
        const GeosLand land(layers, frame.view);
        const layout::FurnitureChoice *name = nullptr, *bar = nullptr;
        for (const auto& f : report.furniture)
            if (f.frame == i) (f.owner.rfind("inset name", 0) == 0 ? name : bar) = &f;
        ASSERT_TRUE(name && bar);
        // The layout's own land agrees with GEOS.
        for (const auto* f : {name, bar})
            EXPECT_NEAR(f->land_pt2, land.area_pt2(f->box), 1.5 + 0.05 * f->land_pt2) << f->owner;
        // No other pair of positions of the same boxes hides less land.
        const double chosen = land.area_pt2(name->box) + land.area_pt2(bar->box);
        for (const std::string& n : layout::furniture_positions("top-left", true))
            for (const std::string& b : layout::furniture_positions("bottom-right")) {
                const Rect nb = layout::furniture_box(frame.frame, n, name->box.w, name->box.h, 0);
                const Rect bb = layout::furniture_box(frame.frame, b, bar->box.w, bar->box.h, 0);
                if (nb.intersects(bb)) continue;
                EXPECT_LE(chosen, land.area_pt2(nb) + land.area_pt2(bb) + 1.5) << n << " and " << b;
            }
    }
    // The islands the old bottom-right scale bars hid: Marie-Galante, the south of Martinique.
    auto hidden = [&](std::size_t frame, double lon, double lat) {
        const Point at = report.frames[frame].view.to_page(
            geo::Transformation("EPSG:4326", report.frames[frame].crs).transform(Point{lon, lat}));
        for (const auto& f : report.furniture)
            if (f.frame == frame && f.box.contains(Rect{at.x, at.y, 0, 0})) return true;
        return false;
    };
    EXPECT_FALSE(hidden(1, -61.27, 15.93));  // Marie-Galante
    EXPECT_FALSE(hidden(2, -60.87, 14.42));  // Sainte-Anne, Martinique
}

TEST(Furniture, OnTheMainMapANamedCornerIsKeptWhenTheOthersHideAlmostAsMuchLand) {
    const Rect frame{0, 0, 400, 300};
    layout::LandCover land(frame);
    land.add_polygon({{{0, 0}, {400, 0}, {400, 300}, {0, 300}}, square(320, 10, 30)});  // land all over, one lake
    // The least land is top-right (the lake), but bottom-right hides less than twice as much: kept
    // with slack 2; with slack 1 (insets), the least.
    const auto main = layout::choose_furniture("scale bar", 0, frame, "bottom-right", 60, 30, 6, land,
                                               layout::CollisionIndex(), {}, false, 2);
    EXPECT_EQ(main.position, "bottom-right");
    const auto inset = layout::choose_furniture("scale bar", 0, frame, "bottom-right", 60, 30, 6, land,
                                                layout::CollisionIndex(), {});
    EXPECT_EQ(inset.position, "top-right");
}

TEST(Furniture, AnElementMovedByTheRuleKeepsOffTheCornerALaterOneNames) {
    layout::PageLayout page;
    page.legend_position = "bottom-left";
    page.scale_bar_position = "bottom-right";
    page.north_arrow = "top-left";
    layout::PlanInputs in;
    in.frames = layout::plan_frames(page, "EPSG:2154", Box{100000, 6050000, 1250000, 7120000});
    const Rect frame = in.frames[0].view.frame;
    // Land in the bottom-right quarter of the frame: the scale bar must move; top-left, the first free
    // corner in the order after the legend's, is the north arrow's.
    layout::FrameContent content;
    content.land = layout::LandCover(frame);
    content.land.add_polygon({square(frame.x + frame.w / 2, frame.y + frame.h / 2, std::max(frame.w, frame.h))});
    in.content.push_back(std::move(content));
    layout::LegendSection s;
    s.title = "Type";
    s.entries.push_back({"Pylône", nullptr, nullptr, nullptr, {}});
    in.legend = {s};
    const layout::PagePlan plan = layout::plan_page(page, std::move(in), test::FixedMeasurer());
    std::map<std::string, std::string> at;
    for (const auto& f : plan.furniture) at[f.owner] = f.position;
    EXPECT_EQ(at["legend"], "bottom-left");
    EXPECT_EQ(at["north arrow"], "top-left");
    EXPECT_NE(at["scale bar"], "bottom-right");
    EXPECT_NE(at["scale bar"], "top-left");
    EXPECT_EQ(plan.land_hidden_mm2(), 0);
}

TEST(Furniture, AMapThatIsLandAllOverSendsItsScaleBarToABandWithRoom) {
    const Rect frame{0, 60, 400, 300};
    layout::LandCover land(frame);
    land.add_polygon({{{0, 60}, {400, 60}, {400, 360}, {0, 360}}});  // land all over
    const std::vector<layout::FurnitureBand> bands = {{"title band", Rect{200, 5, 200, 50}}};
    const auto c = layout::choose_furniture("scale bar", 0, frame, "bottom-right", {Rect{0, 0, 80, 30}}, 6, land,
                                            layout::CollisionIndex(), {}, false, 2, bands);
    EXPECT_EQ(c.position, "title band");
    EXPECT_TRUE(c.free);
    EXPECT_EQ(c.land_pt2, 0);
    EXPECT_EQ(c.box.right(), 400);             // at the band's right end,
    EXPECT_DOUBLE_EQ(c.box.y, 5 + (50 - 30) / 2.0);  // centred in its height
    // A band too small for it is no candidate: the least land inside the frame, as without bands.
    const std::vector<layout::FurnitureBand> small = {{"title band", Rect{200, 5, 200, 20}}};
    const auto inside = layout::choose_furniture("scale bar", 0, frame, "bottom-right", {Rect{0, 0, 80, 30}}, 6, land,
                                                 layout::CollisionIndex(), {}, false, 2, small);
    EXPECT_EQ(inside.position, "bottom-right");
    EXPECT_GT(inside.land_pt2, 0);
    // A free place in the frame comes first: a sea corner.
    layout::LandCover coast(frame);
    coast.add_polygon({{{0, 60}, {400, 60}, {400, 300}, {0, 300}}});  // the bottom 60 pt is sea
    const auto sea = layout::choose_furniture("scale bar", 0, frame, "bottom-right", {Rect{0, 0, 80, 30}}, 6, coast,
                                              layout::CollisionIndex(), {}, false, 2, bands);
    EXPECT_EQ(sea.position, "bottom-right");
    EXPECT_TRUE(sea.free);
    // A band holding something already (a box in `taken`) is obstructed there.
    layout::CollisionIndex taken;
    taken.insert(Rect{350, 10, 40, 40}, "logo");
    const auto busy = layout::choose_furniture("scale bar", 0, frame, "bottom-right", {Rect{0, 0, 80, 30}}, 6, land,
                                               taken, {}, false, 2, bands);
    EXPECT_NE(busy.position, "title band");
}

TEST(Furniture, OnAPageOfLandTheScaleBarAndNorthArrowGoRightOfTheTitleAndClearOfTheFrame) {
    layout::PageLayout page;
    page.title = "Atelier";
    page.subtitle = "Département";
    page.credits = "Sources : IGN";
    page.scale_bar_position = "bottom-right";
    page.north_arrow = "top-right";
    auto plan_with_land = [&](const layout::PageLayout& p) {
        layout::PlanInputs in;
        in.frames = layout::plan_frames(p, "EPSG:2154", Box{600000, 6600000, 700000, 6700000});
        const Rect frame = in.frames[0].view.frame;
        layout::FrameContent content;
        content.land = layout::LandCover(frame);
        content.land.add_polygon({square(frame.x - 1, frame.y - 1, std::max(frame.w, frame.h) + 2)});
        in.content.push_back(std::move(content));
        return layout::plan_page(p, std::move(in), test::FixedMeasurer());
    };
    const layout::PagePlan plan = plan_with_land(page);
    const Rect frame = plan.frames[0].view.frame;
    auto at = taken_by_owner(plan);
    ASSERT_EQ(at["scale bar"].position, "title band");
    ASSERT_EQ(at["north arrow"].position, "title band");
    EXPECT_EQ(plan.land_hidden_mm2(), 0);
    ASSERT_TRUE(plan.title && plan.subtitle && plan.scale_bar && plan.north_arrow);
    const double title_right = std::max(plan.title->at.x + plan.title->size.width,
                                        plan.subtitle->at.x + plan.subtitle->size.width);
    for (const auto& [owner, c] : at) {
        SCOPED_TRACE(owner);
        EXPECT_GE(c.box.x, title_right + 3 * kMmPt - 1e-9);        // 3 mm right of the title block
        EXPECT_LE(c.box.bottom(), frame.y - 1 * kMmPt + 1e-9);      // 1 mm above the frame
        EXPECT_LE(c.box.right(), page.width_pt() - page.margin_mm * kMmPt + 1e-9);  // inside the margins
        EXPECT_GE(c.box.y, page.margin_mm * kMmPt - 1e-9);
    }
    EXPECT_FALSE(at["scale bar"].box.intersects(at["north arrow"].box));
    EXPECT_TRUE(plan.scale_bar->box.contains(at["scale bar"].box) && at["scale bar"].box.contains(plan.scale_bar->box));
    // A title filling the band: no room there; the credits band is too low for the scale bar: back in
    // the frame by rule 4, the corner asked for.
    page.title = std::string(90, 'W');
    const layout::PagePlan full = plan_with_land(page);
    EXPECT_EQ(taken_by_owner(full)["scale bar"].position, "bottom-right");
}
