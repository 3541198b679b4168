// What the renderer prepares per view (render::LayerSet): in a LayerSet with views of its own (an atlas
// page's), the coverage whose arcs are simplified holds the features that reach into the view and that a
// style layer draws, nothing else — the communes around an atlas page's département are not joined into
// arcs nor simplified for it —, each set of drawn features its own; with shared views, one per view.
#include <algorithm>

#include <gtest/gtest.h>

#include "geo/coverage.hpp"
#include "render/map_renderer.hpp"

using namespace cartelier;

namespace {

/// Three unit squares in a row, west, middle and east: (0, 0)–(3, 1), with jagged tops (many vertices)
/// so that simplification has something to remove.
Layer row_of_squares() {
    Layer l;
    l.name = "row";
    l.source = "memory";
    l.crs = "EPSG:2154";
    l.schema->add("name");
    for (int i = 0; i < 3; ++i) {
        Feature f;
        f.id = std::to_string(i);
        f.values = {Value(std::string(i == 0 ? "west" : i == 1 ? "middle" : "east"))};
        f.geometry.type = GeometryType::Polygon;
        f.geometry.begin_part();
        const double x0 = i;
        f.geometry.points.push_back({x0, 0});
        f.geometry.points.push_back({x0 + 1, 0});
        for (int k = 10; k >= 0; --k) f.geometry.points.push_back({x0 + k / 10.0, 1 + (k % 2) * 1e-4});
        f.geometry.points.push_back({x0, 0});
        f.geometry.end_ring();
        l.features.push_back(std::move(f));
    }
    return l;
}

}  // namespace

TEST(LayerSet, ACoverageHoldsTheFeaturesDrawnInTheViewOnly) {
    const Layer row = row_of_squares();
    render::LayerSet set(nullptr, true);
    set.add(row);
    const Box view{-1, -1, 4, 2};
    const std::vector<std::uint8_t> west_and_middle{1, 1, 0};

    const geo::Coverage* all = set.coverage(row, view);
    const geo::Coverage* drawn = set.coverage(row, view, west_and_middle);
    ASSERT_NE(all, nullptr);
    ASSERT_NE(drawn, nullptr);
    EXPECT_NE(all, drawn);  // each set of drawn features has its own
    EXPECT_EQ(set.coverage(row, view, west_and_middle), drawn);  // and keeps it
    // Of the 14 vertices of each square (its ring closed), the east one's are left out.
    EXPECT_EQ(all->input_vertices(), 3u * 14u);
    EXPECT_EQ(drawn->input_vertices(), 2u * 14u);

    // The borders: with the east square left out, the middle one's east side is an outer border, and
    // no border of the east square is simplified or drawn.
    const auto arcs = set.arcs(row, view, 0.01, west_and_middle);
    ASSERT_TRUE(arcs);
    for (const Point& p : arcs.lines->points) EXPECT_LE(p.x, 2.0) << p.x;
    const auto every = set.arcs(row, view, 0.01);
    ASSERT_TRUE(every);
    double east = 0;
    for (const Point& p : every.lines->points) east = std::max(east, p.x);
    EXPECT_EQ(east, 3.0);

    // The union of the two drawn squares is the same area from either coverage.
    const Geometry from_drawn = set.dissolved(row, view, 0.01, west_and_middle, west_and_middle);
    const Geometry from_all = set.dissolved(row, view, 0.01, west_and_middle);
    EXPECT_EQ(from_drawn.bounds().min_x, 0.0);
    EXPECT_EQ(from_drawn.bounds().max_x, 2.0);
    EXPECT_EQ(from_all.bounds().max_x, 2.0);

    // Flags that are not one per feature are a programming error, said.
    EXPECT_THROW(set.coverage(row, view, std::vector<std::uint8_t>{1, 1}), std::invalid_argument);

    // Shared views: the one coverage of the view, from all its features, whatever is drawn.
    render::LayerSet shared;
    shared.add(row);
    const geo::Coverage* one = shared.coverage(row, view, west_and_middle);
    ASSERT_NE(one, nullptr);
    EXPECT_EQ(one->input_vertices(), 3u * 14u);
    EXPECT_EQ(shared.coverage(row, view), one);
}
