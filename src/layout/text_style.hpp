// How text looks (MapLibre's text properties, resolved for one label or page element) and how the
// layout learns its size without knowing how it is shaped.
//
// Layout needs the size of every text it places (labels, legend rows, titles, scale bar captions) but
// must not depend on Cairo or Pango: it declares TextMeasurer, and the renderer implements it with
// Pango (render::PangoTextMeasurer) on the very context it draws with, so that a measured box and the
// drawn text agree to the last unit. Tests give the layout a measurer of their own (fixed advance per
// character), which makes plans computable and checkable without any font machinery.
#pragma once

#include <string>
#include <vector>

#include "core/geometry.hpp"
#include "style/color.hpp"

namespace cartelier::layout {

struct TextStyle {
    std::vector<std::string> fonts = {"DejaVu Sans Book"};  ///< MapLibre text-font: "Family Style" names
    double size_pt = 9;
    style::Color color{0, 0, 0, 1};
    double opacity = 1;
    style::Color halo_color{1, 1, 1, 0};
    double halo_width_pt = 0;
    double letter_spacing_em = 0;
    double line_height_em = 1.2;
    double max_width_em = 0;        ///< 0: no wrapping
    std::string justify = "left";   ///< left, center, right
    /// The text is Pango markup (a ["format", …] text-field: sections in their own size, font and
    /// colour, render::format_markup) rather than plain text.
    bool markup = false;

    /// Every field equal (CachingTextMeasurer tells styles apart by it).
    bool operator==(const TextStyle&) const = default;
};

/// The logical size of a laid-out text, in points, and its lines after wrapping at max_width_em.
struct TextMetrics {
    double width = 0;
    double height = 0;
    int lines = 1;
};

/// Measures text as it will be drawn. Implementations must be deterministic (the same text and style
/// always give the same metrics) and may be called many times for the same text.
class TextMeasurer {
public:
    virtual ~TextMeasurer() = default;
    virtual TextMetrics measure(const std::string& text, const TextStyle& style) const = 0;
};

/// A piece of page text at its place: `at` is the top-left corner of its logical box (as measured).
struct PlacedText {
    std::string text;
    TextStyle style;
    Point at;
    TextMetrics size;
};

}  // namespace cartelier::layout
