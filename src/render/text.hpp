// Text with Pango: one laid-out label or title, measured before it is drawn, drawn with a halo.
// Hinting is off so that the PDF, SVG and PNG of a page have nearly the same text metrics: not exactly
// (a PNG planned with the metrics measured on the PDF surface is not the same bytes), so each format
// measures on its own surface, and a memo kept across pages keeps them apart (layout::TextMetricsMemo).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "layout/text_style.hpp"
#include "render/cairo_handles.hpp"
#include "render/view.hpp"
#include "style/expression/expression.hpp"

namespace cartelier::render {

using layout::TextStyle;

/// Pango font description for a MapLibre font stack entry: "DejaVu Sans Bold Oblique" →
/// family "DejaVu Sans", weight bold, style oblique.
FontDescriptionPtr font_description(const std::vector<std::string>& fonts, double size_pt);

/// The Pango markup of a ["format", …] text-field's sections, for a label whose style is `style` (then
/// drawn with style.markup set): each section's text, escaped, in a span setting what its options set —
/// its size (font-scale × the style's size), its font (text-font, at that size) and its colour
/// (text-color, at `opacity`, the layer's text-opacity); a section without options is plain text in the
/// label's own font, size and colour.
std::string format_markup(const std::vector<style::expr::FormattedSection>& sections, const TextStyle& style,
                          double opacity);

/// One Pango context and font description kept for many texts drawn or measured on one Cairo context,
/// each text setting every property a new layout would have and following the context's target and
/// transformation: a page's thousands of labels without a Pango context and a font lookup each. One
/// thread at a time, as for the Cairo context.
///
/// By default one layout serves every text. With `keep`, each text in each style is laid out once and
/// its layout kept as long as this object: a page's labels, shaped when the plan measures them, are
/// drawn from the same layouts without being shaped again. At most `max_kept` are kept (a page labelling
/// every commune of France would otherwise hold tens of megabytes of layouts); the texts after those
/// share the one layout, and are laid out again when drawn.
class TextLayouts {
public:
    static constexpr std::size_t kMaxKept = 4096;
    explicit TextLayouts(cairo_t* cr, bool keep = false, std::size_t max_kept = kMaxKept)
        : cr_(cr), keep_(keep), max_kept_(max_kept) {}
    /// The layout set up for `text` in `style`; valid until the next call (with `keep`: as long as this).
    PangoLayout* layout(const std::string& text, const TextStyle& style);
    /// Layouts kept (0 without `keep`).
    std::size_t kept() const { return kept_.size(); }
    cairo_t* cr() const { return cr_; }
    /// Has the layouts' context follow the Cairo context's transformation and target, when either changed
    /// since the last time. Pango marks a context changed at every update, even to the same matrix, and
    /// every layout on it then shapes its text again.
    void follow(PangoLayout* layout);

private:
    const PangoFontDescription* description(const TextStyle& style);

    cairo_t* cr_;
    bool keep_;
    std::size_t max_kept_;
    cairo_matrix_t followed_matrix_{};     ///< of cr_ at the last update
    cairo_surface_t* followed_target_ = nullptr;
    LayoutPtr layout_;         ///< the one layout, or (with keep) the first, whose context every layout shares
    FontDescriptionPtr desc_;  ///< for desc_fonts_ at desc_size_
    std::vector<std::string> desc_fonts_;
    double desc_size_ = 0;
    std::unordered_map<std::string, LayoutPtr> kept_;  ///< by text and the style's layout fields
};

class TextBlock {
public:
    TextBlock(cairo_t* cr, const std::string& text, const TextStyle& style);
    /// The same text laid out in `layouts`' layout: the block is valid until `layouts` lays out another.
    TextBlock(TextLayouts& layouts, const std::string& text, const TextStyle& style);
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
    void measure();

    LayoutPtr owned_;
    PangoLayout* layout_ = nullptr;
    TextLayouts* layouts_ = nullptr;  ///< where layout_ comes from, if not owned
    TextStyle style_;
    double width_ = 0, height_ = 0, baseline_ = 0;
    double x_offset_ = 0, y_offset_ = 0;  ///< of the logical box inside the layout (alignment in a wrap width)
};

/// Draws a text the layout placed: its top-left corner at `text.at`.
void draw_text(cairo_t* cr, const layout::PlacedText& text);

/// The layout's text measurer, with Pango on the context the page is drawn with: the metrics are
/// those of the TextBlock that will draw the text. It keeps one Pango layout for all its measures: one
/// thread at a time, as for the Cairo context.
class PangoTextMeasurer final : public layout::TextMeasurer {
public:
    explicit PangoTextMeasurer(cairo_t* cr) : own_(cr), layouts_(&own_) {}
    /// Measures with `layouts` (which must outlive it): with `keep`, the texts measured are then drawn
    /// from their layouts.
    explicit PangoTextMeasurer(TextLayouts& layouts) : own_(nullptr), layouts_(&layouts) {}
    layout::TextMetrics measure(const std::string& text, const TextStyle& style) const override;

private:
    TextLayouts own_;
    TextLayouts* layouts_;
};

}  // namespace cartelier::render
