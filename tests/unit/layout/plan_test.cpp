// The page plan without any drawing library: text sized by a fixed-advance measurer, frames, every
// decoration's box, the label placement over the page, and the collision grid's work with thousands
// of labels.
#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "layout/collision_index.hpp"
#include "layout/labels.hpp"
#include "layout/page_layout.hpp"
#include "layout/page_plan.hpp"
#include "fixed_measurer.hpp"

using namespace cartelier;
using layout::Rect;

namespace {

const std::string kCrs = "EPSG:2154";
const Box kFrance{100000, 6050000, 1250000, 7120000};

layout::PageLayout page(const std::string& legend_at = "bottom-left") {
    layout::PageLayout p;
    p.title = "Sites de mesure";
    p.subtitle = "Bretagne, 2026";
    p.credits = "Sources : IGN Admin Express, ANFR. Réalisation : Cartelier, 3 décembre 2026.";
    p.legend_position = legend_at;
    p.north_arrow = "top-right";
    return p;
}

std::vector<layout::LegendSection> legend() {
    layout::LegendSection s;
    s.title = "Type de site";
    for (const char* label : {"Pylône", "Château d'eau", "Toit-terrasse"}) s.entries.push_back({label, nullptr, nullptr, nullptr, {}});
    return {s};
}

/// A point of `c`: a circle of 3 pt at `p` and its label (7 pt, `clearance` from the point).
void add_point(layout::FrameContent& c, Point p, const std::string& id, const std::string& text, double clearance) {
    c.symbols.push_back({p, 3, id, std::nullopt});
    layout::LabelRequest r;
    r.text = text;
    r.style.size_pt = 7;
    r.anchor = p;
    r.clearance_pt = clearance;
    r.preferred = "bottom-left";
    r.feature_id = id;
    c.labels.push_back(r);
}

/// A cluster of labelled points (circles of 3 pt) scattered over the main frame.
layout::FrameContent points(const Rect& frame, int n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> x(frame.x + 10, frame.right() - 10), y(frame.y + 10, frame.bottom() - 10);
    layout::FrameContent c;
    for (int i = 0; i < n; ++i) {
        const Point p{x(rng), y(rng)};
        add_point(c, p, "site-" + std::to_string(i), "Site " + std::to_string(i), 2);
    }
    return c;
}

layout::PagePlan plan_of(const layout::PageLayout& p, int labels = 150, unsigned seed = 7) {
    layout::PlanInputs in;
    in.frames = layout::plan_frames(p, kCrs, kFrance);
    in.content.push_back(points(in.frames[0].view.frame, labels, seed));
    in.legend = legend();
    return layout::plan_page(p, std::move(in), test::FixedMeasurer());
}

}  // namespace

TEST(PagePlan, LegendSitsInsideTheMapFrameAtItsCorner) {
    for (const std::string corner : {"top-left", "top-right", "bottom-left", "bottom-right"}) {
        const layout::PagePlan plan = plan_of(page(corner), 0);
        const Rect& frame = plan.frames[0].view.frame;
        ASSERT_TRUE(plan.legend) << corner;
        const Rect& box = plan.legend->box;
        EXPECT_TRUE(frame.contains(box)) << corner;
        const bool right = corner.find("right") != std::string::npos, bottom = corner.find("bottom") != std::string::npos;
        EXPECT_NEAR(right ? frame.right() - box.right() : box.x - frame.x, 6, 1e-9) << corner;
        EXPECT_NEAR(bottom ? frame.bottom() - box.bottom() : box.y - frame.y, 6, 1e-9) << corner;
        // Its rows lie inside it, one under the other.
        ASSERT_EQ(plan.legend->rows.size(), 1u);
        double last = box.y;
        for (const auto& row : plan.legend->rows[0]) {
            EXPECT_TRUE(box.contains(row.swatch)) << row.label.text;
            EXPECT_GE(row.label.at.y, last) << row.label.text;
            EXPECT_LE(row.label.at.x + row.label.size.width, box.right() + 1e-9) << row.label.text;
            last = row.label.at.y;
        }
        EXPECT_EQ(plan.legend->entry_count(), 3u);
    }
}

TEST(PagePlan, ScaleBarFitsItsCorner) {
    const layout::PagePlan plan = plan_of(page(), 0);
    const Rect& frame = plan.frames[0].view.frame;
    ASSERT_TRUE(plan.scale_bar);
    const auto& bar = *plan.scale_bar;
    EXPECT_TRUE(frame.contains(bar.box));
    EXPECT_NEAR(frame.right() - bar.box.right(), 6, 1e-9);  // bottom-right by default
    EXPECT_NEAR(frame.bottom() - bar.box.bottom(), 6, 1e-9);
    EXPECT_TRUE(bar.box.contains(bar.bar_rect));
    EXPECT_LE(bar.bar_rect.w, frame.w * 0.22);
    ASSERT_EQ(bar.ticks.size(), 3u);
    EXPECT_EQ(bar.ticks.front().text, "0");
    EXPECT_LE(bar.caption.at.x + bar.caption.size.width, bar.box.right() + 1e-9);
    EXPECT_FALSE(bar.box.intersects(plan.legend->box));
}

TEST(PagePlan, InsetsDoNotOverlapTheMainFrame) {
    layout::PageLayout p = page();
    p.insets = layout::overseas_insets();
    const layout::PagePlan plan = plan_of(p, 0);
    ASSERT_EQ(plan.frames.size(), 6u);
    ASSERT_EQ(plan.inset_decorations.size(), 5u);
    const Rect& main = plan.frames[0].view.frame;
    for (std::size_t i = 1; i < plan.frames.size(); ++i) {
        const layout::FramePlan& f = plan.frames[i];
        EXPECT_FALSE(f.view.frame.intersects(main)) << f.name();
        EXPECT_TRUE(p.map_area().contains(f.view.frame)) << f.name();
        for (std::size_t k = i + 1; k < plan.frames.size(); ++k)
            EXPECT_FALSE(f.view.frame.intersects(plan.frames[k].view.frame)) << f.name();
        // Its name and scale bar sit inside it.
        const auto& d = plan.inset_decorations[i - 1];
        EXPECT_TRUE(f.view.frame.contains(d.scale_bar.box)) << f.name();
        EXPECT_EQ(d.name.text, f.name());
    }
    EXPECT_TRUE(plan.zoom_boxes.empty());  // no zoom box among the overseas insets
}

TEST(PagePlan, ZoomBoxInsetIsOutlinedOnTheMainMapAndInsideIt) {
    layout::PageLayout p = page();
    p.insets = {layout::ile_de_france_inset()};
    const layout::PagePlan plan = plan_of(p, 0);
    ASSERT_EQ(plan.frames.size(), 2u);
    EXPECT_TRUE(plan.frames[0].view.frame.contains(plan.frames[1].view.frame));
    ASSERT_EQ(plan.zoom_boxes.size(), 1u);
    EXPECT_TRUE(plan.frames[0].view.frame.contains(plan.zoom_boxes[0]));
    // Four times the main scale.
    EXPECT_NEAR(plan.frames[0].scale_denominator() / plan.frames[1].scale_denominator(), 4, 1e-6);
}

TEST(PagePlan, LabelsOverlapNeitherEachOtherNorPageElements) {
    layout::PageLayout p = page();
    p.insets = {layout::ile_de_france_inset()};
    const layout::PagePlan plan = plan_of(p, 400);
    std::vector<Rect> elements = {plan.legend->box, plan.scale_bar->box, plan.north_arrow->box,
                                  plan.frames[1].view.frame, plan.inset_decorations[0].name_box,
                                  plan.inset_decorations[0].scale_bar.box};
    std::vector<const layout::PlacedLabel*> labels;
    std::size_t placed = 0;
    for (const auto& group : plan.labels)
        for (const auto& l : group.labels)
            if (l.status != layout::LabelStatus::Unplaced) labels.push_back(&l);
    for (const auto* l : labels) {
        placed += l->status == layout::LabelStatus::Placed;
        EXPECT_TRUE(plan.frames[0].view.frame.contains(l->box)) << l->request.text;
        for (const Rect& e : elements) EXPECT_FALSE(l->box.intersects(e)) << l->request.text;
        for (const auto* o : labels)
            if (o != l) EXPECT_FALSE(l->box.intersects(o->box)) << l->request.text << " / " << o->request.text;
    }
    EXPECT_GT(placed, 200u);  // most points find a direct place
}

TEST(PagePlan, IsDeterministic) {
    layout::PageLayout p = page();
    p.insets = layout::overseas_insets();
    const layout::PagePlan a = plan_of(p, 300, 11), b = plan_of(p, 300, 11);
    auto same = [](const Rect& x, const Rect& y) { return x.x == y.x && x.y == y.y && x.w == y.w && x.h == y.h; };
    ASSERT_EQ(a.labels.size(), b.labels.size());
    for (std::size_t g = 0; g < a.labels.size(); ++g) {
        ASSERT_EQ(a.labels[g].labels.size(), b.labels[g].labels.size());
        for (std::size_t i = 0; i < a.labels[g].labels.size(); ++i) {
            EXPECT_EQ(a.labels[g].labels[i].status, b.labels[g].labels[i].status);
            EXPECT_TRUE(same(a.labels[g].labels[i].box, b.labels[g].labels[i].box));
            EXPECT_EQ(a.labels[g].labels[i].position, b.labels[g].labels[i].position);
        }
    }
    EXPECT_TRUE(same(a.legend->box, b.legend->box));
    EXPECT_TRUE(same(a.scale_bar->box, b.scale_bar->box));
    EXPECT_EQ(a.collisions.entries().size(), b.collisions.entries().size());
    ASSERT_TRUE(a.title && a.credits);
    EXPECT_EQ(a.title->at.x, b.title->at.x);
    EXPECT_EQ(a.credits->at.y, b.credits->at.y);
}

TEST(PagePlan, TitleBlockAndCreditsOutsideTheMapArea) {
    layout::PageLayout p = page();
    p.title_align = "center";
    const layout::PagePlan plan = plan_of(p, 0);
    const Rect area = p.map_area();
    ASSERT_TRUE(plan.title && plan.subtitle && plan.credits);
    EXPECT_LE(plan.subtitle->at.y + plan.subtitle->size.height, area.y);
    EXPECT_NEAR(plan.title->at.x + plan.title->size.width / 2, p.width_pt() / 2, 1e-9);  // centred
    EXPECT_GE(plan.credits->at.y, area.bottom());
    EXPECT_LE(plan.credits->size.width, area.w + 1e-9);  // wrapped to the map's width
}

TEST(PagePlan, FrameZoomsAreThePlansZooms) {
    layout::PageLayout p = page();
    p.insets = layout::overseas_insets();
    const auto zooms = layout::frame_zooms(p, kCrs, kFrance);
    const auto frames = layout::plan_frames(p, kCrs, kFrance);
    ASSERT_EQ(zooms.size(), frames.size());
    for (std::size_t i = 0; i < zooms.size(); ++i) EXPECT_EQ(zooms[i], frames[i].zoom);
    EXPECT_GT(zooms[0], 4);
    EXPECT_LT(zooms[0], 8);  // France on A4
}

TEST(CollisionGrid, AnswersAsAScanOfEveryEntry) {
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> pos(-50, 1050), size(0, 80);
    layout::CollisionIndex index(16);
    for (int i = 0; i < 600; ++i) {
        if (i % 3 == 0) index.insert_circle({pos(rng), pos(rng)}, size(rng) / 4, "c", "f");
        else index.insert(Rect{pos(rng), pos(rng), size(rng), size(rng) / 3}, "r");
    }
    index.insert(Rect{-1e6, -1e6, 2e6, 2e6}, "huge");  // spans too many cells: kept aside, still found
    for (int q = 0; q < 2000; ++q) {
        const Rect box{pos(rng), pos(rng), size(rng), size(rng)};
        const auto& all = index.entries();
        const layout::CollisionIndex::Entry* expected = nullptr;
        for (const auto& e : all)
            if (layout::overlaps(e, box)) {
                expected = &e;
                break;
            }
        EXPECT_EQ(index.first_collision(box), expected);
        const double reach = size(rng) / 4;
        const auto near = index.near(box, reach);
        EXPECT_TRUE(std::is_sorted(near.begin(), near.end()));
        for (std::size_t i = 0; i < all.size(); ++i)
            if (all[i].box.intersects(box.inflated(reach)))
                EXPECT_TRUE(std::binary_search(near.begin(), near.end(), i)) << "entry " << i << " missed";
    }
}

TEST(CollisionGrid, VisitsWhatNearReturns) {
    // for_each_near visits near()'s indices in its order; the unordered visit the same set, each once;
    // both on a table grown many times over (cells far apart and close together).
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> pos(-3000, 3000), size(0, 60);
    layout::CollisionIndex index(8);
    for (int i = 0; i < 3000; ++i) index.insert(Rect{pos(rng), pos(rng), size(rng), size(rng)}, "r");
    index.insert(Rect{-1e6, -1e6, 2e6, 2e6}, "huge");
    for (int q = 0; q < 500; ++q) {
        const Rect box{pos(rng) / 4, pos(rng) / 4, size(rng) * 3, size(rng) * 3};
        const double reach = size(rng);
        const auto near = index.near(box, reach);
        ASSERT_GT(near.size(), 0u);
        std::vector<std::size_t> ordered, unordered;
        index.for_each_near(box, reach, [&](std::size_t i) { ordered.push_back(i); });
        index.for_each_near_unordered(box, reach, [&](std::size_t i) { unordered.push_back(i); });
        EXPECT_EQ(ordered, near);
        std::sort(unordered.begin(), unordered.end());
        EXPECT_EQ(unordered, near);
        // A visit may query the index itself: the outer visit still sees its own indices.
        std::vector<std::size_t> outer;
        index.for_each_near(box, reach, [&](std::size_t i) {
            outer.push_back(i);
            if (outer.size() == 1) EXPECT_EQ(index.near(Rect{-2e5, -2e5, 1, 1}).size(), 1u);  // the huge box only
        });
        EXPECT_EQ(outer, near);
    }
}

TEST(CollisionGrid, PlacementWorkGrowsLinearlyWithTheLabels) {
    // n labelled points on a regular lattice (the same density whatever n: the page grows with it);
    // the comparisons the index makes per label must not grow with n.
    auto comparisons = [](int n) {
        const int side = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
        layout::CollisionIndex index;
        std::vector<layout::LabelRequest> requests;
        for (int i = 0; i < n; ++i) {
            const Point p{20.0 + 45.0 * (i % side), 20.0 + 30.0 * (i / side)};
            const std::string id = "p" + std::to_string(i);
            index.insert_circle(p, 3, "symbol " + id, id);
            layout::LabelRequest r;
            r.text = "Lieu " + std::to_string(i % 100);
            r.style.size_pt = 7;
            r.anchor = p;
            r.clearance_pt = 4;
            r.feature_id = id;
            requests.push_back(r);
        }
        const std::size_t before = index.comparisons();
        auto placed = layout::place_labels(test::FixedMeasurer(), requests, index,
                                           Rect{0, 0, 45.0 * side + 40, 30.0 * (n / side + 1) + 40});
        EXPECT_EQ(placed.size(), static_cast<std::size_t>(n));
        EXPECT_GT(std::count_if(placed.begin(), placed.end(),
                                [](const auto& l) { return l.status == layout::LabelStatus::Placed; }),
                  n / 2);
        return static_cast<double>(index.comparisons() - before);
    };
    const double small = comparisons(1250), large = comparisons(5000);
    ASSERT_GT(small, 0);
    // Four times the labels: about four times the work (a scan of every entry would be sixteen).
    EXPECT_LT(large / small, 5.0) << small << " then " << large;
    EXPECT_GT(large / small, 3.0) << small << " then " << large;
}

// Issue 18: a zoom inset labels the points of its area (the main map does not), the placement's
// quality is measured over the page, and numbers run on from frame to frame.
TEST(PagePlan, ZoomBoxTakesOverItsAreaAndNumbersRunOverThePage) {
    layout::PageLayout p = page();
    p.insets = {layout::ile_de_france_inset()};
    layout::PlanInputs in;
    in.frames = layout::plan_frames(p, kCrs, kFrance);
    const layout::View& main = in.frames[0].view;
    const layout::View& zoom = in.frames[1].view;
    // 300 points over the metropole, and 12 in the zoom box's extent drawn in both frames.
    layout::FrameContent main_content = points(main.frame, 300, 11), zoom_content;
    const Box& e = zoom.extent;
    for (int i = 0; i < 12; ++i) {
        const Point m{e.min_x + e.width() * (0.2 + 0.05 * i), e.min_y + e.height() * (0.3 + 0.03 * (i % 5))};
        const std::string id = "paris-" + std::to_string(i);
        for (auto [view, content] : {std::pair{&main, &main_content}, std::pair{&zoom, &zoom_content}})
            add_point(*content, view->to_page(m), id, "Commune de Paris " + std::to_string(i), 4);
    }
    in.content = {main_content, zoom_content};
    in.legend = legend();
    in.labels.number_unplaced = true;
    in.labels.max_displacement_pt = 20;
    const layout::PagePlan plan = layout::plan_page(p, std::move(in), test::FixedMeasurer());
    ASSERT_EQ(plan.zoom_boxes.size(), 1u);
    std::size_t in_inset = 0, numbered = 0;
    std::set<int> numbers;
    for (const auto& group : plan.labels)
        for (const auto& l : group.labels) {
            const bool paris = l.request.feature_id.rfind("paris-", 0) == 0;
            if (group.frame == 0) EXPECT_FALSE(paris) << l.request.text << " labelled on the main map";
            in_inset += group.frame == 1 && paris;
            if (l.status == layout::LabelStatus::Numbered) {
                ++numbered;
                EXPECT_TRUE(numbers.insert(l.number).second) << l.number;
                ASSERT_TRUE(group.list.has_value());
            }
        }
    EXPECT_EQ(in_inset, 12u);
    EXPECT_EQ(plan.label_quality.leader_crossings, 0u);
    EXPECT_EQ(plan.label_quality.symbol_overlaps, 0u);
    EXPECT_EQ(plan.label_quality.numbered, numbered);
    EXPECT_GT(numbered, 0u);  // 300 points on an A4 page: some find no room
    EXPECT_LE(plan.label_quality.max_displacement_mm, 20 * 25.4 / 72 + 1e-9);
    // Numbers 1…n with no gap; each list lies clear of every label and symbol.
    if (numbered) EXPECT_EQ(*numbers.rbegin(), static_cast<int>(numbered));
    for (const auto& group : plan.labels) {
        if (!group.list) continue;
        for (const auto& other : plan.labels)
            for (const auto& l : other.labels)
                if (l.status == layout::LabelStatus::Placed || l.status == layout::LabelStatus::Displaced)
                    EXPECT_FALSE(group.list->box.intersects(l.box)) << l.request.text;
    }
}

// A lettered zoom box: its letter outside a corner of the box, touching it, in the main frame, over
// nothing placed (labels, furniture, the inset); the inset's name starts with the same letter.
TEST(PagePlan, ALetteredZoomBoxAndItsInsetNameCarryTheSameLetter) {
    layout::PageLayout p = page();
    layout::InsetSpec zoom = layout::ile_de_france_inset();
    zoom.lettered = true;
    layout::InsetSpec second = zoom;  // a second lettered zoom box, elsewhere (Lyon), bottom-right
    second.name = "Lyon";
    second.extent = Box{820000, 6500000, 870000, 6540000};
    second.position = "bottom-right";
    p.insets = {zoom, second};
    const layout::PagePlan plan = plan_of(p, 300, 5);
    ASSERT_EQ(plan.zoom_boxes.size(), 2u);
    ASSERT_EQ(plan.zoom_marks.size(), 2u);
    const Rect main = plan.frames[0].view.frame;
    for (std::size_t k = 0; k < 2; ++k) {
        const layout::ZoomMark& mark = plan.zoom_marks[k];
        const Rect& box = plan.zoom_boxes[k];
        SCOPED_TRACE(plan.frames[mark.frame].name());
        EXPECT_EQ(mark.frame, k + 1);
        EXPECT_EQ(mark.letter.text, std::string(1, static_cast<char>('A' + k)));
        EXPECT_EQ(plan.inset_decorations[k].name.text, mark.letter.text + "  " + plan.frames[k + 1].name());
        // Touching the box: above or below it, flush with its left or right end.
        EXPECT_TRUE(mark.box.bottom() == box.y || mark.box.y == box.bottom());
        EXPECT_TRUE(mark.box.x == box.x || mark.box.right() == box.right());
        EXPECT_TRUE(main.inflated(-2).contains(mark.box));
        EXPECT_TRUE(mark.box.contains(Rect{mark.letter.at.x, mark.letter.at.y, mark.letter.size.width,
                                           mark.letter.size.height}));
        for (std::size_t i = 1; i < plan.frames.size(); ++i) EXPECT_FALSE(mark.box.intersects(plan.frames[i].view.frame));
        for (const auto& f : plan.furniture) EXPECT_FALSE(mark.box.intersects(f.box)) << f.owner;
        for (const auto& group : plan.labels)
            for (const auto& l : group.labels)
                if (l.status != layout::LabelStatus::Unplaced) EXPECT_FALSE(mark.box.intersects(l.box)) << l.request.text;
    }
    // Without `lettered`: no letter, the name as it is.
    p.insets = {layout::ile_de_france_inset()};
    const layout::PagePlan plain = plan_of(p, 300, 5);
    EXPECT_TRUE(plain.zoom_marks.empty());
    EXPECT_EQ(plain.inset_decorations[0].name.text, plain.frames[1].name());
}

// A small inset crowded with labels and land all over (every position of its scale bar obstructed):
// its scale bar is never placed over its name (it was, when the rule's last resort picked the name's
// corner).
TEST(PagePlan, ASmallCrowdedInsetsScaleBarLeavesItsNameReadable) {
    layout::PageLayout p = page();
    layout::InsetSpec lyon = layout::ile_de_france_inset();
    lyon.name = "Lyon et sa métropole";
    lyon.extent = Box{820000, 6500000, 870000, 6540000};
    lyon.position = "bottom-right";
    lyon.width_mm = 55;
    lyon.height_mm = 45;
    lyon.lettered = true;
    p.insets = {lyon};
    layout::PlanInputs in;
    in.frames = layout::plan_frames(p, kCrs, kFrance);
    const Rect f = in.frames[1].view.frame;
    layout::FrameContent main_content = points(in.frames[0].view.frame, 50, 3), inset;
    inset.land = layout::LandCover(f);
    inset.land.add_polygon({{{f.x - 1, f.y - 1}, {f.right() + 1, f.y - 1}, {f.right() + 1, f.bottom() + 1}, {f.x - 1, f.bottom() + 1}}});
    // Labelled points near each corner and edge: their labels' room takes every position.
    int n = 0;
    for (double u : {0.08, 0.3, 0.5, 0.7, 0.92})
        for (double v : {0.08, 0.5, 0.92})
            add_point(inset, {f.x + u * f.w, f.y + v * f.h}, "p" + std::to_string(n++), "Commune " + std::to_string(n), 2);
    in.content = {main_content, inset};
    const layout::PagePlan plan = layout::plan_page(p, std::move(in), test::FixedMeasurer());
    ASSERT_EQ(plan.inset_decorations.size(), 1u);
    const auto& d = plan.inset_decorations[0];
    EXPECT_EQ(d.name.text, "A  Lyon et sa métropole");
    EXPECT_FALSE(d.name_box.intersects(d.scale_bar.box));
}

// A crowded inset whose numbers run on from the main map's (two digits): its numbered list is sized
// for the numbers it carries, so that every row lies inside the list's box, and the box overlaps no
// frame, furniture or label (issue 18: the Lyon inset's "15  Décines-Charpieu" ran past its box and
// under the inset's frame when the list was sized for one-digit numbers).
TEST(PagePlan, AnInsetsNumberedListHoldsItsTwoDigitRowsAndCoversNoFrame) {
    layout::PageLayout p = page();
    layout::InsetSpec lyon = layout::ile_de_france_inset();
    lyon.name = "Lyon";
    lyon.extent = Box{820000, 6500000, 870000, 6540000};
    lyon.position = "bottom-right";
    lyon.width_mm = 55;
    lyon.height_mm = 45;
    layout::InsetSpec paris = layout::ile_de_france_inset();  // placed first: its numbers come first
    paris.position = "top-left";
    p.insets = {paris, lyon};
    for (unsigned seed : {3u, 5u, 11u}) {
        SCOPED_TRACE(seed);
        layout::PlanInputs in;
        in.frames = layout::plan_frames(p, kCrs, kFrance);
        layout::FrameContent main_content = points(in.frames[0].view.frame, 100, seed), paris_content, lyon_content;
        // Long names packed in each small inset: many of Paris's 40 are numbered, fewer than ten of
        // Lyon's 14, with numbers of two digits after Paris's.
        std::mt19937 rng(seed);
        std::uniform_real_distribution<double> u(0.1, 0.9);
        for (auto [frame, content, name] : {std::tuple{1, &paris_content, "paris"}, std::tuple{2, &lyon_content, "lyon"}}) {
            const Rect f = in.frames[static_cast<std::size_t>(frame)].view.frame;
            for (int i = 0; i < (frame == 1 ? 40 : 14); ++i)
                add_point(*content, {f.x + u(rng) * f.w, f.y + u(rng) * f.h}, std::string(name) + "-" + std::to_string(i),
                          "Décines-Charpieu-" + std::to_string(i), 2);
        }
        in.content = {main_content, paris_content, lyon_content};
        in.labels.number_unplaced = true;
        in.labels.max_displacement_pt = 20;
        const layout::PagePlan plan = layout::plan_page(p, std::move(in), test::FixedMeasurer());
        const layout::FrameLabels* inset_labels = nullptr;
        for (const auto& group : plan.labels)
            if (group.frame == 2) inset_labels = &group;
        ASSERT_NE(inset_labels, nullptr);
        ASSERT_TRUE(inset_labels->list.has_value());
        const layout::NumberedList& list = *inset_labels->list;
        int smallest = 1 << 30;
        for (const auto& l : inset_labels->labels) {
            if (l.status != layout::LabelStatus::Numbered) continue;
            smallest = std::min(smallest, l.number);
            // The number's mark on the map holds its digits too.
            ASSERT_TRUE(l.number_text.has_value());
            const layout::PlacedText& mark = *l.number_text;
            EXPECT_TRUE(l.box.contains(Rect{mark.at.x, mark.at.y, mark.size.width, mark.size.height})) << mark.text;
        }
        EXPECT_GE(smallest, 10) << "Lyon's numbers should follow Paris's";
        for (const auto& row : list.rows)
            EXPECT_TRUE(list.box.contains(Rect{row.at.x, row.at.y, row.size.width, row.size.height})) << row.text;
        for (std::size_t i = 0; i < plan.frames.size(); ++i) {
            const Rect& frame = plan.frames[i].view.frame;
            // Inside a frame (its own, or the main map beside the inset) or clear of it.
            if (!frame.contains(list.box)) EXPECT_FALSE(list.box.intersects(frame)) << plan.frames[i].name();
        }
        for (const auto& furniture : plan.furniture) EXPECT_FALSE(list.box.intersects(furniture.box)) << furniture.owner;
        for (const auto& group : plan.labels)
            for (const auto& l : group.labels)
                if (l.status == layout::LabelStatus::Placed || l.status == layout::LabelStatus::Displaced)
                    EXPECT_FALSE(list.box.intersects(l.box)) << l.request.text;
    }
}

// A title and a subtitle longer than the page is wide (an atlas page's texts come from its feature) are
// set smaller to fit between the margins, never cut at the page's edge; short ones keep their size.
TEST(PagePlan, ATitleWiderThanThePageIsSetSmallerToFit) {
    layout::PageLayout p = page();
    p.paper = *layout::Paper::named("A4", "portrait");
    const layout::PagePlan short_plan = plan_of(p, 10);
    p.title = std::string(120, 'T');
    p.subtitle = "structurer la dynamique territoriale avec la valorisation des ressources locales en secteur rural — "
                 "Ateliers locaux 2019";
    const layout::PagePlan plan = plan_of(p, 10);
    const double m = p.margin_mm * 72 / 25.4, right = p.width_pt() - m;
    for (const layout::PlacedText* t : {&*plan.title, &*plan.subtitle}) {
        EXPECT_GE(t->at.x, m - 1e-6) << t->text;
        EXPECT_LE(t->at.x + t->size.width, right + 1e-6) << t->text;
    }
    EXPECT_LT(plan.title->style.size_pt, short_plan.title->style.size_pt);
    EXPECT_LT(plan.subtitle->style.size_pt, short_plan.subtitle->style.size_pt);
    EXPECT_EQ(short_plan.subtitle->style.size_pt, plan_of(page(), 10).subtitle->style.size_pt);
}

TEST(Paper, NamedSizesFromA5ToA0AndTheNorthAmericanOnes) {
    auto size = [](const char* name, const char* orientation) {
        const auto p = layout::Paper::named(name, orientation);
        return p ? std::pair{p->width_mm, p->height_mm} : std::pair{0.0, 0.0};
    };
    EXPECT_EQ(size("A4", "portrait"), (std::pair{210.0, 297.0}));
    EXPECT_EQ(size("a1", "landscape"), (std::pair{841.0, 594.0}));
    EXPECT_EQ(size("A0", "portrait"), (std::pair{841.0, 1189.0}));
    EXPECT_EQ(size("Tabloid", "portrait"), (std::pair{279.4, 431.8}));
    EXPECT_EQ(size("legal", "landscape"), (std::pair{355.6, 215.9}));
    EXPECT_FALSE(layout::Paper::named("A6", "portrait").has_value());
    EXPECT_EQ(layout::Paper::names(),
              (std::vector<std::string>{"A5", "A4", "A3", "A2", "A1", "A0", "letter", "legal", "tabloid"}));
}
