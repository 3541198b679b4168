// The placement result of the seed maps and of the layout fixtures: every site labelled, no label
// box overlapping another, a symbol or a page element, every label inside its own frame, and no label
// nearer another site's symbol than its own.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "page_fixture.hpp"
#include "test_paths.hpp"

using namespace cartelier;
using layout::LabelStatus;
using render::Rect;

namespace {

double distance(const Rect& r, Point p) {
    const double dx = p.x - std::clamp(p.x, r.x, r.right()), dy = p.y - std::clamp(p.y, r.y, r.bottom());
    return std::hypot(dx, dy);
}

/// Every check on one page's placement.
/// `unambiguous`: also require every directly placed label to be nearer its own point than any other
/// symbol (the seed maps; not the fixtures, whose Paris cluster overlaps at national scale).
/// `allow_unplaced`: a label with no room at all may stay unplaced (it is reported, never hidden).
/// A Numbered label's box is its number mark's.
void expect_clean_placement(const render::PageReport& report, const std::string& what, bool unambiguous,
                            bool allow_unplaced = false) {
    const auto& labels = report.labels;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto& a = labels[i];
        const std::string name = fmt::format("{}: label '{}' ({})", what, a.request.text, a.request.feature_id);
        if (a.status == LabelStatus::Unplaced) {
            EXPECT_TRUE(allow_unplaced) << name << " is unplaced";
            continue;
        }
        for (std::size_t j = i + 1; j < labels.size(); ++j)
            EXPECT_FALSE(a.box.intersects(labels[j].box))
                << name << " overlaps label '" << labels[j].request.text << "'";
        for (const auto& o : report.obstacles) {
            // An inset frame over the main map is an obstacle for the labels of the other frames.
            const Point p = a.request.anchor;
            if (o.owner.rfind("inset frame ", 0) == 0 && o.box.contains(Rect{p.x, p.y, 0, 0})) continue;
            // A number mark may sit on its symbol (and the symbols overlapping it): it stands for it.
            if (a.status == LabelStatus::Numbered && o.kind == layout::ObstacleKind::Symbol) continue;
            EXPECT_FALSE(layout::overlaps(o, a.box)) << name << " overlaps " << o.owner;
        }
        // Inside the frame of its own point, and clear of every other frame.
        const Point p = a.request.anchor;
        int frames_with_point = 0;
        for (const auto& f : report.frames) {
            const bool has_point = p.x >= f.frame.x && p.x <= f.frame.right() && p.y >= f.frame.y && p.y <= f.frame.bottom();
            if (has_point) {
                ++frames_with_point;
                EXPECT_TRUE(f.frame.contains(a.box)) << name << " leaves the frame " << f.name;
            }
        }
        EXPECT_GE(frames_with_point, 1) << name;
        // Unambiguous: the nearest symbol to the text is the feature's own.
        double own = distance(a.box, p);
        for (const auto& o : report.obstacles) {
            if (o.kind != layout::ObstacleKind::Symbol || o.feature_id == a.request.feature_id) continue;
            const double d = distance(a.box, o.centre()) - o.radius;
            if (unambiguous && a.status == LabelStatus::Placed)
                EXPECT_GT(d, own) << name << " is nearer the symbol of " << o.feature_id << " than its own";
        }
        if (a.status == LabelStatus::Displaced) EXPECT_TRUE(a.leader.has_value()) << name;
    }
}

}  // namespace

TEST(Placement, SeedMapsLabelEverySiteWithoutAnyOverlap) {
    if (!test::layer_cache_present()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    test::ProjectRenderer renderer(test::sourcepath("cartelier.yaml"));
    const std::map<std::string, std::size_t> sites = {{"flash", 6}, {"local", 5}, {"sessions", 11}};
    for (const auto& [id, count] : sites) {
        auto page = renderer.render(id, render::OutputFormat::Png, 40);
        EXPECT_EQ(page.report.labels.size(), count) << id;
        expect_clean_placement(page.report, id, true);
        // The five overseas insets, in order, beside (not over) the metropole.
        ASSERT_EQ(page.report.frames.size(), 6u) << id;
        const std::vector<std::string> names = {"Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"};
        for (std::size_t i = 0; i < names.size(); ++i) {
            const auto& f = page.report.frames[i + 1];
            EXPECT_EQ(f.name, names[i]);
            EXPECT_FALSE(f.frame.intersects(page.report.frames[0].frame)) << f.name;
            EXPECT_GT(f.features_drawn, 0u) << f.name << " draws its département";
            EXPECT_GT(f.scale_denominator, 100000) << f.name;
        }
        // Islands enlarged, Guyane reduced, against the metropole.
        const double main = page.report.frames[0].scale_denominator;
        EXPECT_LT(page.report.frames[1].scale_denominator, main);
        EXPECT_LT(page.report.frames[4].scale_denominator, main);
        EXPECT_GT(page.report.frames[3].scale_denominator, main);
    }
}

TEST(Placement, SessionsMapLabelsAreNotNearerAnotherSite) {
    if (!test::layer_cache_present()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    test::ProjectRenderer renderer(test::sourcepath("cartelier.yaml"));
    auto page = renderer.render("sessions", render::OutputFormat::Png, 40);
    // The two close sites east of Paris: each label on the side away from the other point.
    const layout::PlacedLabel* deux_morins = nullptr;
    const layout::PlacedLabel* brie = nullptr;
    for (const auto& l : page.report.labels) {
        if (l.request.feature_id == "flash-deux-morins") deux_morins = &l;
        if (l.request.feature_id == "local-pays-de-brie-champagne") brie = &l;
    }
    ASSERT_TRUE(deux_morins && brie);
    // Each label is nearer its own point than the other one; a displaced label is tied to its point by
    // its leader and keeps the other point further than a direct label's gap.
    for (auto [label, other] : {std::pair{deux_morins, brie}, std::pair{brie, deux_morins}}) {
        const double to_other = distance(label->box, other->request.anchor);
        if (label->status == LabelStatus::Placed) {
            EXPECT_GT(to_other, distance(label->box, label->request.anchor)) << label->request.text;
        } else {
            ASSERT_EQ(label->status, LabelStatus::Displaced) << label->request.text;
            EXPECT_TRUE(label->leader.has_value());
            EXPECT_GT(to_other, label->request.clearance_pt) << label->request.text;
        }
    }
}

TEST(Placement, FixtureMapsPlaceOverseasSitesInTheirInsetAndDisplaceCrowdedLabels) {
    if (!test::layer_cache_present()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    test::ProjectRenderer renderer(test::datapath("fixtures/layout/cartelier.yaml"));
    auto elements = renderer.render("elements", render::OutputFormat::Png, 40);
    // At A5, the eight Paris sites overlap on the metropole: the zoom box labels them (issue 18: not the
    // metropole too). Even there a few symbols overlap their neighbours so that no leader can leave
    // them without crossing another symbol: those are reported unplaced, never given a misleading leader.
    expect_clean_placement(elements.report, "elements", false, true);
    EXPECT_EQ(elements.report.label_quality.leader_crossings, 0u);
    EXPECT_EQ(elements.report.label_quality.symbol_overlaps, 0u);
    ASSERT_EQ(elements.report.frames.size(), 7u);  // metropole, five DROM, the zoom box
    auto frame_named = [&](const std::string& name) -> const render::FrameReport& {
        for (const auto& f : elements.report.frames)
            if (f.name == name) return f;
        throw std::runtime_error("no frame " + name);
    };
    auto label_of = [&](const render::PageReport& r, const std::string& id) -> const layout::PlacedLabel& {
        for (const auto& l : r.labels)
            if (l.request.feature_id == id) return l;
        throw std::runtime_error("no label for " + id);
    };
    EXPECT_TRUE(frame_named("La Réunion").frame.contains(label_of(elements.report, "saint-denis-reunion").box));
    EXPECT_TRUE(frame_named("Guyane").frame.contains(label_of(elements.report, "cayenne").box));
    EXPECT_TRUE(frame_named("Guadeloupe").frame.contains(label_of(elements.report, "pointe-a-pitre").box));
    EXPECT_EQ(frame_named("Martinique").symbols, 0u);  // present even when empty of sites
    // The zoom box: inside the metropole frame, about four times its scale.
    const auto& zoom = frame_named("Paris et petite couronne");
    EXPECT_TRUE(elements.report.frames[0].frame.contains(zoom.frame));
    EXPECT_NEAR(elements.report.frames[0].scale_denominator / zoom.scale_denominator, 4.0, 0.05);
    EXPECT_GE(zoom.symbols, 8u);
    std::size_t in_zoom = 0, labelled_in_zoom = 0;
    for (const auto& l : elements.report.labels)
        if (zoom.frame.contains(Rect{l.request.anchor.x, l.request.anchor.y, 0, 0})) {
            ++in_zoom;
            labelled_in_zoom += l.status == LabelStatus::Placed || l.status == LabelStatus::Displaced;
        }
    EXPECT_GE(in_zoom, 8u);
    EXPECT_GE(labelled_in_zoom, 6u);
    // The metropole leaves the zoom box's area to the inset: every site is labelled once, in the inset.
    std::map<std::string, int> labels_per_site;
    for (const auto& l : elements.report.labels) ++labels_per_site[l.request.feature_id];
    for (const auto& [id, n] : labels_per_site) EXPECT_EQ(n, 1) << id << " labelled in two frames";
    ASSERT_TRUE(elements.report.north_arrow_deg.has_value());

    // The crowded cluster: labels displaced within the bound with leaders crossing nothing; the points
    // hemmed in by overlapping symbols are reported unplaced (issue 18), and only those.
    auto crowded = renderer.render("crowded", render::OutputFormat::Png, 40);
    expect_clean_placement(crowded.report, "crowded", false, true);
    EXPECT_EQ(crowded.report.label_quality.leader_crossings, 0u);
    EXPECT_LE(crowded.report.label_quality.max_displacement_mm, 10 + 1e-6);
    EXPECT_LE(crowded.report.label_quality.unplaced, crowded.report.labels.size() / 2);
    std::size_t displaced = std::count_if(crowded.report.labels.begin(), crowded.report.labels.end(),
                                          [](const auto& l) { return l.status == LabelStatus::Displaced; });
    EXPECT_GE(displaced, 1u);

    auto row = renderer.render("row", render::OutputFormat::Png, 40);
    expect_clean_placement(row.report, "row", false, true);
    EXPECT_EQ(row.report.label_quality.leader_crossings, 0u);
    ASSERT_EQ(row.report.frames.size(), 3u);
    EXPECT_NEAR(row.report.frames[1].scale_denominator, 1500000, 1);
    EXPECT_GT(row.report.frames[1].frame.y, row.report.frames[0].frame.bottom());  // the row is under the map
}

// Issue 18: the seed sites plus 40 communes of Île-de-France and around Lyon (tests/fixtures/dense).
// No leader crosses anything, no text covers a symbol, every displaced label is within the style's
// bound (8 mm), and every label is placed, displaced, numbered (with its row in a list) or reported
// unplaced; with the zoom box, the Paris sites are labelled in it and not on the metropole.
TEST(Placement, DenseFixtureKeepsLeadersClearAndLabelsNearTheirPoints) {
    if (!test::layer_cache_present()) GTEST_SKIP() << "layers/cache is empty: run scripts/fetch-layers.sh";
    test::ProjectRenderer renderer(test::datapath("fixtures/dense/cartelier.yaml"));
    for (const char* id : {"dense", "dense-idf"}) {
        SCOPED_TRACE(id);
        auto page = renderer.render(id, render::OutputFormat::Png, 40);
        const render::PageReport& r = page.report;
        const layout::LabelQuality& q = r.label_quality;
        expect_clean_placement(r, id, false, true);
        EXPECT_EQ(q.placed + q.displaced + q.numbered + q.unplaced, r.labels.size());
        EXPECT_EQ(q.leader_crossings, 0u);
        EXPECT_EQ(q.symbol_overlaps, 0u);
        EXPECT_GT(q.displaced, 0u);
        EXPECT_LE(q.max_displacement_mm, 8 + 1e-6);
        EXPECT_GT(q.mean_displacement_mm, 0);
        for (const auto& l : r.labels) {
            if (l.status == LabelStatus::Displaced) {
                ASSERT_TRUE(l.leader.has_value()) << l.request.text;
                EXPECT_LE(distance(l.box, l.request.anchor), 8 * 72 / 25.4 + 1e-6) << l.request.text;
            }
            if (l.status == LabelStatus::Numbered) {
                EXPECT_GT(l.number, 0) << l.request.text;
                EXPECT_TRUE(l.number_text.has_value()) << l.request.text;
                EXPECT_FALSE(l.leader.has_value()) << l.request.text;
            }
        }
        // Numbers are unique on the page.
        std::set<int> numbers;
        for (const auto& l : r.labels)
            if (l.status == LabelStatus::Numbered) EXPECT_TRUE(numbers.insert(l.number).second) << l.number;
    }
    // The zoom box takes over its area: every Paris site labelled once, in the inset; the inset places
    // or numbers most of them.
    auto idf = renderer.render("dense-idf", render::OutputFormat::Png, 40);
    const render::FrameReport* zoom = nullptr;
    for (const auto& f : idf.report.frames)
        if (f.name == "Paris et petite couronne") zoom = &f;
    ASSERT_NE(zoom, nullptr);
    std::map<std::string, int> labels_per_site;
    std::size_t in_zoom = 0, shown_in_zoom = 0;
    for (const auto& l : idf.report.labels) {
        ++labels_per_site[l.request.feature_id];
        if (zoom->frame.contains(Rect{l.request.anchor.x, l.request.anchor.y, 0, 0})) {
            ++in_zoom;
            shown_in_zoom += l.status != LabelStatus::Unplaced;
        }
    }
    for (const auto& [id, n] : labels_per_site) EXPECT_EQ(n, 1) << id << " labelled in two frames";
    EXPECT_GE(in_zoom, 25u);
    EXPECT_GE(shown_in_zoom, in_zoom * 3 / 4);
}
