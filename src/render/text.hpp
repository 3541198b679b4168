// Text with Pango: one laid-out label or title, measured before it is drawn, drawn with a halo.
// Hinting is off so that the PDF, SVG and PNG of a page have the same text metrics.
#pragma once

#include <string>
#include <vector>

#include "render/cairo_handles.hpp"
#include "render/view.hpp"
#include "style/color.hpp"

namespace cartelier::render {

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
};

/// Pango font description for a MapLibre font stack entry: "DejaVu Sans Bold Oblique" →
/// family "DejaVu Sans", weight bold, style oblique.
FontDescriptionPtr font_description(const std::vector<std::string>& fonts, double size_pt);

class TextBlock {
public:
    TextBlock(cairo_t* cr, const std::string& text, const TextStyle& style);
    /// Logical size in points.
    double width() const { return width_; }
    double height() const { return height_; }
    /// Distance from the top to the first baseline, in points.
    double baseline() const { return baseline_; }
    /// Lines after wrapping at `max_width_em`.
    int line_count() const;
    /// The text of each line, as wrapped.
    std::vector<std::string> lines() const;
    /// Draws with the top-left corner at (x, y): halo first, then the text.
    void draw(cairo_t* cr, double x, double y) const;

private:
    LayoutPtr layout_;
    TextStyle style_;
    double width_ = 0, height_ = 0, baseline_ = 0;
    double x_offset_ = 0, y_offset_ = 0;  ///< of the logical box inside the layout (alignment in a wrap width)
};

}  // namespace cartelier::render
