// Paths handed to Cairo (render/symbolizers): rings, chained arcs, and the grid of vector output.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include <fmt/format.h>
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

/// The pixels of a slanted line `width_pt` wide (or, with no width, of a slanted triangle filled) drawn
/// at `dpi` on a 60 × 60 px image, by stroke_current_path or fill_current_path (antialias unset) or,
/// given `antialias`, by a plain cairo_stroke or cairo_fill with it.
std::vector<unsigned char> slanted(double dpi, std::optional<double> width_pt, std::optional<cairo_antialias_t> antialias) {
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 60, 60));
    ContextPtr context(cairo_create(surface.get()));
    cairo_t* cr = context.get();
    cairo_scale(cr, dpi / 72, dpi / 72);
    cairo_move_to(cr, 1.3, 2.1);
    cairo_line_to(cr, 19.7, 15.2);
    if (!width_pt) cairo_line_to(cr, 3.1, 17.9);
    if (antialias) {
        cairo_set_antialias(cr, *antialias);
        cairo_set_line_width(cr, width_pt.value_or(0));
        width_pt ? cairo_stroke(cr) : cairo_fill(cr);
    } else {
        if (width_pt) {
            LinePaint paint;
            paint.width_pt = *width_pt;
            stroke_current_path(cr, paint);
        } else {
            fill_current_path(cr, FillPaint{}, 0);
        }
        EXPECT_EQ(cairo_get_antialias(cr), CAIRO_ANTIALIAS_DEFAULT) << "the context's setting is restored";
    }
    cairo_surface_flush(surface.get());
    const unsigned char* data = cairo_image_surface_get_data(surface.get());
    return {data, data + static_cast<std::size_t>(cairo_image_surface_get_stride(surface.get())) * 60};
}

/// Whether what stroke_current_path or fill_current_path draws at `dpi` is what fast antialiasing
/// draws, and not what the default draws (the two must differ for the test to tell).
void expect_fast(double dpi, std::optional<double> width_pt, bool fast) {
    const auto drawn = slanted(dpi, width_pt, std::nullopt);
    const auto with_fast = slanted(dpi, width_pt, CAIRO_ANTIALIAS_FAST);
    const auto with_default = slanted(dpi, width_pt, CAIRO_ANTIALIAS_DEFAULT);
    ASSERT_NE(with_fast, with_default) << "the two settings must differ for the test to tell";
    EXPECT_EQ(drawn, fast ? with_fast : with_default)
        << dpi << " dpi, " << (width_pt ? fmt::format("a line of {} pt", *width_pt) : std::string("a fill"));
}

TEST(Paths, FillsAndLinesOfARasterPageOfPrintResolutionAreDrawnWithFastAntialiasing) {
    // 200 dpi (the benchmark atlas) and 150: fills, and lines of any width (0.2 pt is 0.56 px at 200 dpi).
    for (double dpi : {200.0, 150.0}) {
        expect_fast(dpi, 0.2, true);
        expect_fast(dpi, 1.0, true);
        expect_fast(dpi, std::nullopt, true);
    }
    // Below (a preview on screen): lines thinner than a pixel only (0.2 pt at 96 dpi is 0.27 px, 1 pt 1.33 px).
    expect_fast(96, 0.2, true);
    expect_fast(96, 1.0, false);
    expect_fast(96, std::nullopt, false);
    expect_fast(149, 1.0, false);
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
