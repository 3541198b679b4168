// The placement engine on synthetic points: cartographic order, the ambiguity cost, displacement
// with a leader line, and an honest Unplaced when nothing fits.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "layout/labels.hpp"
#include "render/cairo_handles.hpp"
#include "render/text.hpp"

using namespace cartelier;
using layout::LabelStatus;
using layout::Rect;

namespace {

struct Page {
    render::SurfacePtr surface{cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10)};
    render::ContextPtr cr{cairo_create(surface.get())};
    render::PangoTextMeasurer measure{cr.get()};  // the renderer's measurer: real text sizes
};

layout::LabelRequest request(const std::string& id, const std::string& text, Point at) {
    layout::LabelRequest r;
    r.text = text;
    r.style.size_pt = 7.5;
    r.anchor = at;
    r.clearance_pt = 4;
    r.preferred = "bottom-left";
    r.feature_id = id;
    return r;
}

double distance(const Rect& r, Point p) {
    return std::hypot(p.x - std::clamp(p.x, r.x, r.right()), p.y - std::clamp(p.y, r.y, r.bottom()));
}

}  // namespace

TEST(Labels, FreePointIsLabelledRightAbove) {
    Page p;
    layout::CollisionIndex index;
    index.insert_circle({100, 100}, 3, "symbol a", "a");
    auto placed = layout::place_labels(p.measure, {request("a", "Plédran", {100, 100})}, index, Rect{0, 0, 400, 400});
    ASSERT_EQ(placed.size(), 1u);
    EXPECT_EQ(placed[0].status, LabelStatus::Placed);
    EXPECT_EQ(placed[0].position, "bottom-left");
    EXPECT_GT(placed[0].box.x, 100);
    EXPECT_LT(placed[0].box.bottom(), 100);
}

TEST(Labels, CandidateOrderIsCartographic) {
    const auto& order = layout::candidate_order();
    ASSERT_EQ(order.size(), 12u);
    EXPECT_EQ(order[0], "bottom-left");   // right-above
    EXPECT_EQ(order[1], "top-left");      // right-below
    EXPECT_EQ(order[2], "bottom-right");  // left-above
    EXPECT_EQ(order[3], "top-right");     // left-below
}

TEST(Labels, AvoidsTheSideOfANeighbour) {
    // b sits right-above a, close: a's right-above text would be nearer b than a.
    Page p;
    layout::CollisionIndex index;
    index.insert_circle({100, 100}, 3, "symbol a", "a");
    index.insert_circle({128, 88}, 3, "symbol b", "b");
    auto placed = layout::place_labels(p.measure, {request("a", "Deux-Morins", {100, 100})}, index, Rect{0, 0, 400, 400});
    ASSERT_EQ(placed[0].status, LabelStatus::Placed);
    EXPECT_NE(placed[0].position, "bottom-left");
    EXPECT_LT(distance(placed[0].box, {100, 100}), distance(placed[0].box, {128, 88}) - 3);
}

TEST(Labels, CostCountsAmbiguity) {
    layout::CollisionIndex index;
    index.insert_circle({50, 0}, 3, "symbol b", "b");
    const Rect near_b{30, -5, 15, 5};  // 5 pt from b, 30 from a
    const Rect away{-45, -5, 15, 5};
    EXPECT_GT(layout::candidate_cost(near_b, {0, 0}, "a", 0, index), layout::candidate_cost(away, {0, 0}, "a", 2, index));
}

TEST(Labels, CrowdedPointIsDisplacedWithALeader) {
    Page p;
    layout::CollisionIndex index;
    index.insert_circle({100, 100}, 3, "symbol a", "a");
    // Every direct position taken: a ring of boxes around the point.
    index.insert(Rect{60, 60, 80, 33}, "block top");
    index.insert(Rect{60, 107, 80, 33}, "block bottom");
    index.insert(Rect{60, 93, 37, 14}, "block left");
    index.insert(Rect{103, 93, 37, 14}, "block right");
    auto placed = layout::place_labels(p.measure, {request("a", "Vincennes", {100, 100})}, index, Rect{0, 0, 400, 400});
    ASSERT_EQ(placed[0].status, LabelStatus::Displaced);
    ASSERT_TRUE(placed[0].leader.has_value());
    for (const auto& e : index.entries())
        if (e.kind != layout::ObstacleKind::Label) EXPECT_FALSE(layout::overlaps(e, placed[0].box)) << e.owner;
    // The leader leaves the symbol's edge, towards the text.
    const Point start = placed[0].leader->first;
    EXPECT_NEAR(std::hypot(start.x - 100, start.y - 100), 3, 1e-6);
}

TEST(Labels, NoRoomIsReportedUnplaced) {
    Page p;
    layout::CollisionIndex index;
    index.insert(Rect{0, 0, 400, 400}, "everything");
    auto placed = layout::place_labels(p.measure, {request("a", "Brest", {100, 100})}, index, Rect{0, 0, 400, 400});
    ASSERT_EQ(placed.size(), 1u);
    EXPECT_EQ(placed[0].status, LabelStatus::Unplaced);
    EXPECT_STREQ(layout::status_name(placed[0].status), "unplaced");
}

TEST(Labels, PlacedLabelsNeverOverlap) {
    // A dense grid of points: every label placed or displaced is disjoint from the others and the symbols.
    Page p;
    layout::CollisionIndex index;
    std::vector<layout::LabelRequest> requests;
    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 4; ++j) {
            Point at{60.0 + i * 45, 60.0 + j * 30};
            std::string id = "p" + std::to_string(i) + std::to_string(j);
            index.insert_circle(at, 3, "symbol " + id, id);
            requests.push_back(request(id, "Site " + id, at));
        }
    const auto symbols = index.entries();
    auto placed = layout::place_labels(p.measure, requests, index, Rect{0, 0, 400, 300});
    for (std::size_t i = 0; i < placed.size(); ++i) {
        if (placed[i].status == LabelStatus::Unplaced) continue;
        for (const auto& s : symbols) EXPECT_FALSE(layout::overlaps(s, placed[i].box)) << placed[i].request.text;
        for (std::size_t j = i + 1; j < placed.size(); ++j)
            if (placed[j].status != LabelStatus::Unplaced) EXPECT_FALSE(placed[i].box.intersects(placed[j].box));
    }
}
