// The placement engine on synthetic points: cartographic order, the ambiguity cost, displacement
// with a leader line, and an honest Unplaced when nothing fits.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

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

/// The point a at (100, 100), every direct position of a short name taken by four thin page elements
/// (two upright beside the point, two flat above and below it), which leave the diagonals open: a
/// displaced label's leader can leave between them, at least 21 pt out.
void box_in(layout::CollisionIndex& index) {
    index.insert_circle({100, 100}, 3, "symbol a", "a");
    index.insert(Rect{120, 85, 1, 30}, "block right");
    index.insert(Rect{79, 85, 1, 30}, "block left");
    index.insert(Rect{95, 90, 10, 1}, "block above");
    index.insert(Rect{95, 108, 10, 1}, "block below");
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

TEST(Labels, ANameMovesOffTheLinesItWouldHideButIsNeverDisplacedForThem) {
    Page p;
    const Rect frame{0, 0, 400, 400};
    // A coast running east from just above-right of the point: the right-above text would lie along it.
    layout::DrawnLines coast(frame);
    coast.add({103, 95}, {300, 95}, 0.5);
    coast.add({103, 96}, {300, 96}, 0.35);  // and the border stroked along it
    coast.finish();
    layout::PlacementSettings settings;
    settings.drawn_lines = &coast;
    auto place = [&](const layout::PlacementSettings& s) {
        layout::CollisionIndex index;
        index.insert_circle({100, 100}, 3, "symbol a", "a");
        return layout::place_labels(p.measure, {request("a", "Région Dieppoise", {100, 100})}, index, frame, s).front();
    };
    const layout::PlacedLabel blind = place({});
    EXPECT_EQ(blind.position, "bottom-left");  // right-above, over the coast
    EXPECT_GT(coast.within(blind.box), 0.5 * blind.box.w);
    const layout::PlacedLabel seeing = place(settings);
    EXPECT_EQ(seeing.status, LabelStatus::Placed);
    EXPECT_NE(seeing.position, "bottom-left");
    EXPECT_LT(coast.within(seeing.box), 0.05 * seeing.box.w) << seeing.position;

    // Lines everywhere around the point: the name stays beside it, in its first position.
    layout::DrawnLines mesh(frame);
    for (double y = 50; y <= 150; y += 2) mesh.add({0, y}, {400, y}, 1.0);
    mesh.finish();
    settings.drawn_lines = &mesh;
    const layout::PlacedLabel meshed = place(settings);
    EXPECT_EQ(meshed.status, LabelStatus::Placed);
    EXPECT_EQ(meshed.position, "bottom-left");
}

TEST(Labels, CrowdedPointIsDisplacedWithALeader) {
    Page p;
    layout::CollisionIndex index;
    box_in(index);
    layout::PlacementSettings settings;
    settings.max_displacement_pt = 60;
    auto placed = layout::place_labels(p.measure, {request("a", "Vincennes", {100, 100})}, index, Rect{0, 0, 400, 400},
                                       settings);
    ASSERT_EQ(placed[0].status, LabelStatus::Displaced);
    ASSERT_TRUE(placed[0].leader.has_value());
    for (const auto& e : index.entries())
        if (e.feature_id != "a")
            EXPECT_FALSE(layout::crosses(e, placed[0].leader->first, placed[0].leader->second)) << e.owner;
    for (const auto& e : index.entries())
        if (e.kind != layout::ObstacleKind::Label && e.kind != layout::ObstacleKind::Leader)
            EXPECT_FALSE(layout::overlaps(e, placed[0].box)) << e.owner;
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

// Issue 18: rings within a distance bound, on the label's own side, leaders that cross nothing,
// numbering instead of a misleading leader, and the measured quality.

TEST(Labels, SegmentTestsAreExact) {
    EXPECT_TRUE(layout::segments_meet({0, 0}, {10, 10}, {0, 10}, {10, 0}));
    EXPECT_FALSE(layout::segments_meet({0, 0}, {10, 0}, {0, 1}, {10, 1}));
    EXPECT_TRUE(layout::segments_meet({0, 0}, {10, 0}, {5, 0}, {5, 5}));  // touching counts
    EXPECT_TRUE(layout::segment_meets_rect({0, 0}, {20, 20}, Rect{5, 8, 4, 4}));
    EXPECT_FALSE(layout::segment_meets_rect({0, 0}, {20, 0}, Rect{5, 1, 4, 4}));
    layout::CollisionIndex index;
    index.insert_leader({0, 0}, {10, 10}, "leader b", "b");
    EXPECT_TRUE(index.collides(Rect{4, 4, 2, 2}));
    EXPECT_FALSE(index.collides(Rect{8, 0, 2, 2}));  // in the leader's bounding box, off the segment
    EXPECT_NE(index.first_crossing({0, 10}, {10, 0}, "a"), nullptr);
    EXPECT_EQ(index.first_crossing({0, 10}, {10, 0}, "b"), nullptr);  // its own leader
}

TEST(Labels, DisplacedLabelStaysWithinTheDistanceBound) {
    Page p;
    layout::CollisionIndex tight_index, roomy_index;
    box_in(tight_index);
    box_in(roomy_index);
    // The first free position with a clear leader is about 21 pt out (box_in).
    layout::PlacementSettings tight;
    tight.max_displacement_pt = 12;
    auto placed = layout::place_labels(p.measure, {request("a", "Vincennes", {100, 100})}, tight_index,
                                       Rect{0, 0, 400, 400}, tight);
    EXPECT_EQ(placed[0].status, LabelStatus::Unplaced) << "no free position within 12 pt: never a long leader";
    layout::PlacementSettings roomy;
    roomy.max_displacement_pt = 60;
    placed = layout::place_labels(p.measure, {request("a", "Vincennes", {100, 100})}, roomy_index, Rect{0, 0, 400, 400},
                                  roomy);
    ASSERT_EQ(placed[0].status, LabelStatus::Displaced);
    EXPECT_GT(distance(placed[0].box, {100, 100}), 12);
    EXPECT_LE(distance(placed[0].box, {100, 100}), 60 + 1e-9);
    EXPECT_NEAR(placed[0].displacement_pt, distance(placed[0].box, {100, 100}), 1e-9);
}

TEST(Labels, DisplacedLabelKeepsToItsSideAwayFromTheNeighbours) {
    // A cluster west of a; a's direct positions blocked: its text goes east, never back over the cluster.
    Page p;
    layout::CollisionIndex index;
    box_in(index);
    for (int k = 0; k < 4; ++k) index.insert_circle({40.0, 80.0 + 12 * k}, 3, "symbol w" + std::to_string(k), "w" + std::to_string(k));
    layout::PlacementSettings settings;
    settings.max_displacement_pt = 80;
    auto placed = layout::place_labels(p.measure, {request("a", "Vitry-sur-Seine", {100, 100})}, index,
                                       Rect{0, 0, 400, 400}, settings);
    ASSERT_EQ(placed[0].status, LabelStatus::Displaced);
    EXPECT_GE(placed[0].box.x, 100) << "the text lies wholly east of its point";
}

TEST(Labels, LeadersCrossNoLabelLeaderOrSymbol) {
    // Two rows of crowded points: whatever is displaced, no leader meets anything but its own ends.
    Page p;
    layout::CollisionIndex index;
    std::vector<layout::LabelRequest> requests;
    for (int i = 0; i < 10; ++i)
        for (int j = 0; j < 3; ++j) {
            Point at{100.0 + i * 11 + j * 4, 100.0 + j * 9};
            std::string id = "q" + std::to_string(i) + "-" + std::to_string(j);
            index.insert_circle(at, 3, "symbol " + id, id);
            requests.push_back(request(id, "Commune " + id, at));
        }
    layout::PlacementSettings settings;
    settings.max_displacement_pt = 40;
    auto placed = layout::place_labels(p.measure, requests, index, Rect{0, 0, 400, 300}, settings);
    const layout::LabelQuality q = layout::measure_quality(placed, index);
    EXPECT_GT(q.displaced, 0u);
    EXPECT_EQ(q.leader_crossings, 0u);
    EXPECT_EQ(q.symbol_overlaps, 0u);
    EXPECT_EQ(q.placed + q.displaced + q.numbered + q.unplaced, placed.size());
    EXPECT_LE(q.max_displacement_mm, 40 * 25.4 / 72 + 1e-9);
    for (const auto& l : placed) {
        if (!l.leader) continue;
        for (const auto& e : index.entries())
            if (e.feature_id != l.request.feature_id)
                EXPECT_FALSE(layout::crosses(e, l.leader->first, l.leader->second)) << l.request.text << " / " << e.owner;
    }
}

TEST(Labels, QualityCountsACrossingLeader) {
    // The measure can fail: a leader drawn through another label is counted.
    layout::CollisionIndex index;
    index.insert(Rect{20, -2, 10, 4}, "label b", layout::ObstacleKind::Label, "b");
    layout::PlacedLabel l;
    l.request.feature_id = "a";
    l.status = LabelStatus::Displaced;
    l.box = Rect{40, -2, 20, 4};
    l.leader = std::make_pair(Point{0, 0}, Point{40, 0});
    l.displacement_pt = 72 / 25.4 * 14;
    const layout::LabelQuality q = layout::measure_quality({l}, index);
    EXPECT_EQ(q.leader_crossings, 1u);
    EXPECT_NEAR(q.mean_displacement_mm, 14, 1e-9);
}

TEST(Labels, NoRoomGivesANumberAndAListRowWhenAsked) {
    Page p;
    layout::CollisionIndex index;
    index.insert_circle({100, 100}, 3, "symbol a", "a");
    index.insert_circle({200, 100}, 3, "symbol b", "b");
    // Room around the points for a short number, none for the names.
    for (double x : {100.0, 200.0}) {
        index.insert(Rect{x - 60, 60, 120, 26}, "block top");
        index.insert(Rect{x - 60, 114, 120, 26}, "block bottom");
        index.insert(Rect{x - 60, 86, 40, 28}, "block left");
        index.insert(Rect{x + 20, 86, 40, 28}, "block right");
    }
    layout::PlacementSettings settings;
    settings.number_unplaced = true;
    settings.max_displacement_pt = 10;
    auto placed = layout::place_labels(
        p.measure, {request("b", "Champigny-sur-Marne", {200, 100}), request("a", "Fontenay-sous-Bois", {100, 100})},
        index, Rect{0, 0, 400, 400}, settings, {}, 3);
    ASSERT_EQ(placed[0].status, LabelStatus::Numbered);
    ASSERT_EQ(placed[1].status, LabelStatus::Numbered);
    EXPECT_STREQ(layout::status_name(placed[0].status), "numbered");
    // Reading order: a (left) before b, from the first number given.
    EXPECT_EQ(placed[1].number, 3);
    EXPECT_EQ(placed[0].number, 4);
    ASSERT_TRUE(placed[1].number_text.has_value());
    EXPECT_EQ(placed[1].number_text->text, "3");
    EXPECT_FALSE(placed[1].leader.has_value());
    auto list = layout::plan_numbered_list(p.measure, placed, Rect{300, 300, 0, 0});
    ASSERT_TRUE(list.has_value());
    ASSERT_EQ(list->rows.size(), 2u);
    EXPECT_EQ(list->rows[0].text, "3  Fontenay-sous-Bois");
    EXPECT_EQ(list->rows[1].text, "4  Champigny-sur-Marne");
    // Without numbering the same labels are reported unplaced.
    layout::CollisionIndex again = index;
    settings.number_unplaced = false;
    auto unplaced = layout::place_labels(p.measure, {request("a", "Fontenay-sous-Bois", {100, 100})}, again,
                                         Rect{0, 0, 400, 400}, settings);
    EXPECT_EQ(unplaced[0].status, LabelStatus::Unplaced);
}

TEST(Labels, NumberedListGoesWhereItCoversNothing) {
    layout::CollisionIndex index;
    const Rect frame{0, 0, 300, 200};
    index.insert(Rect{200, 140, 100, 60}, "scale bar");  // the bottom-right corner is taken
    const Rect at = layout::place_numbered_list(Rect{0, 0, 60, 40}, frame, index);
    EXPECT_TRUE(frame.contains(at));
    EXPECT_FALSE(index.collides(at));
    EXPECT_LT(at.x, 100);  // the next corner: bottom-left
}

// symbol-sort-key: the labels of a layer with keys take that layer's turns in ascending key; three
// labels at one point take the first three positions in the order they are placed.
TEST(Labels, ALowerSymbolSortKeyIsPlacedFirstWithinItsLayer) {
    Page p;
    auto at = [](const std::string& id, const std::string& layer, std::optional<double> key) {
        layout::LabelRequest r = request(id, "Plédran", {100, 100});
        r.layer_id = layer;
        r.sort_key = key;
        return r;
    };
    auto positions = [&](const std::vector<layout::LabelRequest>& requests) {
        layout::CollisionIndex index;
        std::vector<std::string> out;
        for (const auto& l : layout::place_labels(p.measure, requests, index, Rect{0, 0, 400, 400})) {
            EXPECT_EQ(l.status, LabelStatus::Placed) << l.request.feature_id;
            out.push_back(l.position);
        }
        return out;
    };
    const auto& order = layout::candidate_order();
    const std::vector<std::string> first_three = {order[0], order[1], order[2]};
    // Without keys: the requests' order. A key of 5 before a key of 1 in layer "towns": the 1 goes
    // first, the 5 takes the last of the layer's turns; the label of "rivers" (no key) keeps its turn.
    EXPECT_EQ(positions({at("a", "towns", std::nullopt), at("x", "rivers", std::nullopt), at("b", "towns", std::nullopt)}),
              first_three);
    EXPECT_EQ(positions({at("a", "towns", 5), at("x", "rivers", std::nullopt), at("b", "towns", 1)}),
              (std::vector<std::string>{order[2], order[1], order[0]}));
    // Equal keys keep the requests' order.
    EXPECT_EQ(positions({at("a", "towns", 1), at("x", "rivers", std::nullopt), at("b", "towns", 1)}), first_three);
}

// text-variable-anchor: only the listed positions, in their order; text-anchor is then not used.
TEST(Labels, VariableAnchorsAreTheOnlyDirectPositionsInTheirOrder) {
    Page p;
    layout::LabelRequest r = request("a", "Plédran", {100, 100});
    r.preferred = "bottom-left";
    r.anchors = {"top", "bottom"};
    EXPECT_EQ(layout::direct_anchors(r), (std::vector<std::string>{"top", "bottom"}));
    {
        layout::CollisionIndex index;
        const auto placed = layout::place_labels(p.measure, {r}, index, Rect{0, 0, 400, 400});
        EXPECT_EQ(placed[0].status, LabelStatus::Placed);
        EXPECT_EQ(placed[0].position, "top");  // the text below the point
        EXPECT_GT(placed[0].box.y, 100);
    }
    // "top" taken: "bottom", not any of the free diagonals text-anchor would have tried.
    layout::CollisionIndex index;
    index.insert(Rect{97, 108, 6, 24}, "below");
    auto placed = layout::place_labels(p.measure, {r}, index, Rect{0, 0, 400, 400});
    EXPECT_EQ(placed[0].position, "bottom");
    EXPECT_LT(placed[0].box.bottom(), 100);
    // Both taken, and no displacement allowed: unplaced, though right-above is free.
    index.insert(Rect{97, 70, 6, 22}, "above");
    layout::PlacementSettings none;
    none.max_displacement_pt = 0;
    placed = layout::place_labels(p.measure, {r}, index, Rect{0, 0, 400, 400}, none);
    EXPECT_EQ(placed[0].status, LabelStatus::Unplaced);
    r.anchors.clear();
    layout::CollisionIndex again;
    again.insert(Rect{97, 108, 6, 24}, "below");
    again.insert(Rect{97, 70, 6, 22}, "above");
    placed = layout::place_labels(p.measure, {r}, again, Rect{0, 0, 400, 400}, none);
    EXPECT_EQ(placed[0].status, LabelStatus::Placed);  // without them: a side position
    EXPECT_EQ(placed[0].position, "left");
}
