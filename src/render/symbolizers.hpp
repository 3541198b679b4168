// Paint of one feature, evaluated from a style layer, and the Cairo primitives that draw it. The map
// and the legend both draw through here, so a legend swatch is exactly what the map shows.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/geometry.hpp"
#include "geo/coverage.hpp"
#include "render/cairo_handles.hpp"
#include "render/icons.hpp"
#include "render/view.hpp"
#include "style/style.hpp"

namespace cartelier::render {

/// How a style layer's lengths become points, and where evaluation problems are counted.
struct PaintContext {
    double points_per_unit = 0.75;   ///< the style's unit in points (px = 0.75 pt)
    std::vector<std::string>* errors = nullptr;  ///< evaluation errors (first few kept for the report)
};

/// Keeps an evaluation error for the report: each distinct message once (a property failing on every
/// feature is told once), the first 50 messages only; an empty message is no error.
void note_error(std::vector<std::string>* errors, const std::string& error);

struct FillPaint {
    style::Color color;
    double opacity = 1;
    std::optional<style::Color> outline;  ///< fill-outline-color, drawn as a hairline
    /// fill-antialias: false fills a raster page's pixels whole (no soft edge, no seam between
    /// neighbours) and, as in MapLibre, draws no outline.
    bool antialias = true;
    /// fill-pattern's image repeated (fill_pattern), instead of the colour and without the outline (as
    /// MapLibre draws it); null: the colour.
    std::shared_ptr<cairo_pattern_t> pattern;
    /// Whether the fill shows at all.
    bool visible() const { return opacity > 0 && (pattern || color.a > 0); }
};

struct LinePaint {
    style::Color color;
    double width_pt = 0.75;
    double opacity = 1;
    std::vector<double> dash_pt;          ///< in points (line-dasharray is in line widths)
    cairo_line_join_t join = CAIRO_LINE_JOIN_MITER;
    cairo_line_cap_t cap = CAIRO_LINE_CAP_BUTT;
    double offset_pt = 0;
};

struct CirclePaint {
    double radius_pt = 3.75;
    style::Color color;
    double opacity = 1;
    style::Color stroke_color;
    double stroke_width_pt = 0;
    double stroke_opacity = 1;
};

FillPaint evaluate_fill(const style::Layer& layer, const style::expr::EvaluationContext& ctx, const PaintContext& pc);
LinePaint evaluate_line(const style::Layer& layer, const style::expr::EvaluationContext& ctx, const PaintContext& pc);
CirclePaint evaluate_circle(const style::Layer& layer, const style::expr::EvaluationContext& ctx,
                            const PaintContext& pc);
/// icon-image (the name), icon-size, icon-anchor, icon-offset (× icon-size, in the style's unit) and
/// icon-opacity of a feature.
IconPaint evaluate_icon(const style::Layer& layer, const style::expr::EvaluationContext& ctx, const PaintContext& pc);

/// Adds the geometry's rings/lines to the current path, in page points; with `grid` > 0 (points),
/// coordinates are rounded to multiples of it and repeated vertices dropped.
void add_path(cairo_t* cr, const Geometry& g, const View& view, bool close_rings, double grid = 0);

/// The same for rings (or lines) [first, last) of the geometry only.
void add_rings(cairo_t* cr, const Geometry& g, const View& view, bool close_rings, double grid, std::size_t first,
               std::size_t last);
/// The same for chains [first, last) of `lines` joined in the order of `chains` (geo::chain_order):
/// one open line per chain, each shared end vertex once. Given `keep` (one flag per line of `lines`),
/// only the lines kept (geo::LineChains::walk).
void add_chains(cairo_t* cr, const Geometry& lines, const geo::LineChains& chains, const View& view, double grid,
                std::size_t first, std::size_t last, std::span<const std::uint8_t> keep = {});

/// `icon` as a fill pattern for `cr`: repeated from the origin of the page's points at the icon's natural
/// size, so that neighbouring areas' patterns line up. On a raster target the tile is drawn at the
/// target's resolution (a crisp pattern); on a vector one it is recorded, and stays vectors (a PDF
/// tiling pattern) when the icon is an SVG. Made once per icon and page, used for every area.
std::shared_ptr<cairo_pattern_t> fill_pattern(cairo_t* cr, const Icon& icon);

/// Fills the current path (even-odd) and draws its outline; clears the path. With fast antialiasing
/// on a raster page of print resolution (fast_antialias).
void fill_current_path(cairo_t* cr, const FillPaint& paint, double hairline_pt,
                       cairo_fill_rule_t rule = CAIRO_FILL_RULE_EVEN_ODD);
/// Cairo's fast antialiasing (CAIRO_ANTIALIAS_FAST: 4 × 4 samples a pixel, where its default takes
/// 256 × 15) draws the fills and lines of a raster page of at least this resolution, whose pixels are
/// too small for the two to be told apart (the README's "Performance" says what it saves and changes).
/// Below it (a preview on screen), only lines thinner than kFastAntialiasBelowPx.
inline constexpr double kFastAntialiasFromDpi = 150;
inline constexpr double kFastAntialiasBelowPx = 1.0;
/// The width in device pixels of a line `width_pt` wide under the context's current transformation
/// (the larger of its horizontal and vertical images).
double device_width(cairo_t* cr, double width_pt);
/// Whether a fill (`line_width_pt` empty) or a line is drawn on `cr` with fast antialiasing: on an
/// image surface whose antialiasing is Cairo's default, when its resolution (device pixels per point
/// × 72) is at least kFastAntialiasFromDpi, or for a line thinner than kFastAntialiasBelowPx pixels.
/// Vector surfaces (PDF, SVG) are never concerned.
bool fast_antialias(cairo_t* cr, std::optional<double> line_width_pt);
/// Strokes the current path (with fast antialiasing as fast_antialias says); clears the path.
void stroke_current_path(cairo_t* cr, const LinePaint& paint);
/// Draws a circle symbol centred on a page point.
void draw_circle(cairo_t* cr, Point centre, const CirclePaint& paint);

void set_source(cairo_t* cr, const style::Color& c, double opacity);

}  // namespace cartelier::render
