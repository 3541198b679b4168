// Paths handed to Cairo (render/symbolizers): rings, chained arcs, and the grid of vector output.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "geo/coverage.hpp"
#include "render/cairo_handles.hpp"
#include "render/symbolizers.hpp"
#include "test_layers.hpp"

namespace cartelier::render {
namespace {

struct Segment {
    cairo_path_data_type_t type;
    double x, y;
    bool operator==(const Segment&) const = default;
};

std::vector<Segment> path_of(cairo_t* cr) {
    std::vector<Segment> out;
    cairo_path_t* path = cairo_copy_path(cr);
    for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
        const auto& h = path->data[i].header;
        if (h.type == CAIRO_PATH_CLOSE_PATH) out.push_back({h.type, 0, 0});
        else out.push_back({h.type, path->data[i + 1].point.x, path->data[i + 1].point.y});
    }
    cairo_path_destroy(path);
    cairo_new_path(cr);
    return out;
}

/// The arcs of a 2 x 2 grid of unit squares, as a coverage gives them.
Geometry grid_arcs() {
    const std::vector<Geometry> squares = test::grid_of_squares(2, 2, 1);
    std::vector<const Geometry*> all;
    for (const auto& g : squares) all.push_back(&g);
    return geo::Coverage(all).simplified_arcs(0);
}

/// An image surface to build paths on, and the view from `extent` (map units) to `frame` (points).
struct Canvas {
    Canvas(int pixels, Box extent, Rect frame, double scale)
        : surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pixels, pixels)), cr(cairo_create(surface.get())) {
        view.extent = extent;
        view.frame = frame;
        view.scale = scale;
    }
    SurfacePtr surface;
    ContextPtr cr;
    View view;
};

/// The pixels of a slanted line `width_pt` wide stroked at 200 dpi on a 60 × 60 px image, by
/// stroke_current_path (antialias unset) or, given `antialias`, by a plain cairo_stroke with it.
std::vector<unsigned char> slanted_line(double width_pt, std::optional<cairo_antialias_t> antialias) {
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 60, 60));
    ContextPtr context(cairo_create(surface.get()));
    cairo_t* cr = context.get();
    cairo_scale(cr, 200.0 / 72, 200.0 / 72);
    cairo_move_to(cr, 1.3, 2.1);
    cairo_line_to(cr, 19.7, 15.2);
    LinePaint paint;
    paint.width_pt = width_pt;
    if (antialias) {
        cairo_set_antialias(cr, *antialias);
        cairo_set_line_width(cr, width_pt);
        cairo_stroke(cr);
    } else {
        stroke_current_path(cr, paint);
        EXPECT_EQ(cairo_get_antialias(cr), CAIRO_ANTIALIAS_DEFAULT) << "the context's setting is restored";
    }
    cairo_surface_flush(surface.get());
    const unsigned char* data = cairo_image_surface_get_data(surface.get());
    return {data, data + static_cast<std::size_t>(cairo_image_surface_get_stride(surface.get())) * 60};
}

TEST(Paths, ALineThinnerThanAPixelOnAnImageIsDrawnWithFastAntialiasingAndAWiderOneAsTheContextSays) {
    // 0.2 pt at 200 dpi is 0.56 px: fast antialiasing; 1 pt (2.8 px): the default.
    const auto thin = slanted_line(0.2, std::nullopt);
    EXPECT_EQ(thin, slanted_line(0.2, CAIRO_ANTIALIAS_FAST));
    EXPECT_NE(thin, slanted_line(0.2, CAIRO_ANTIALIAS_DEFAULT)) << "the two settings must differ for the test to tell";
    const auto wide = slanted_line(1.0, std::nullopt);
    EXPECT_EQ(wide, slanted_line(1.0, CAIRO_ANTIALIAS_DEFAULT));
    EXPECT_NE(wide, slanted_line(1.0, CAIRO_ANTIALIAS_FAST));
}

TEST(Paths, TheDeviceWidthOfALineIsItsWidthUnderTheContextsTransformation) {
    Canvas c(10, {0, 0, 1, 1}, {0, 0, 10, 10}, 1);
    cairo_t* cr = c.cr.get();
    EXPECT_DOUBLE_EQ(device_width(cr, 0.5), 0.5);
    cairo_scale(cr, 200.0 / 72, 200.0 / 72);
    EXPECT_NEAR(device_width(cr, 0.2), 0.2 * 200 / 72, 1e-12);
    cairo_scale(cr, 1, 3);  // the larger of the two axes
    EXPECT_NEAR(device_width(cr, 0.2), 0.2 * 200 / 72 * 3, 1e-12);
}

TEST(Paths, ChainedArcsDrawWhatTheirChainedLinesDraw) {
    Canvas c(100, {0, 0, 2, 2}, {10, 10, 80, 80}, 40);
    cairo_t* cr = c.cr.get();
    const View& view = c.view;
    const Geometry arcs = grid_arcs();
    const geo::LineChains chains = geo::chain_order(arcs);
    ASSERT_GT(chains.chain_count(), 0u);
    for (double grid : {0.0, 1.0 / 32}) {
        add_chains(cr, arcs, chains, view, grid, 0, chains.chain_count());
        const auto walked = path_of(cr);
        add_path(cr, geo::chain_lines(arcs), view, false, grid);
        EXPECT_EQ(walked, path_of(cr)) << "grid " << grid;
        // A range of chains: the first one alone.
        add_chains(cr, arcs, chains, view, grid, 0, 1);
        const auto first = path_of(cr);
        add_rings(cr, geo::chain_lines(arcs), view, false, grid, 0, 1);
        EXPECT_EQ(first, path_of(cr));
    }
}

TEST(Paths, OnAGridCoordinatesAreRoundedAndRepeatsDropped) {
    Canvas c(10, {0, 0, 10, 10}, {0, 0, 10, 10}, 1);
    cairo_t* cr = c.cr.get();
    const View& view = c.view;
    Geometry line;
    line.type = GeometryType::LineString;
    line.begin_part();
    line.points = {{1.01, 9}, {1.02, 9}, {3.26, 9}};  // the second vertex lands on the first's grid point
    line.end_ring();
    add_path(cr, line, view, false, 0.25);
    const std::vector<Segment> expected{{CAIRO_PATH_MOVE_TO, 1, 1}, {CAIRO_PATH_LINE_TO, 3.25, 1}};
    EXPECT_EQ(path_of(cr), expected);
}

}  // namespace
}  // namespace cartelier::render
