// The page elements' look (style metadata "cartelier:page", style::PageStyle) as drawing settings.
#pragma once

#include <string>
#include <vector>

#include "render/cairo_handles.hpp"
#include "render/text.hpp"
#include "style/style.hpp"

namespace cartelier::layout {

/// The text style of an element: its font stack, else the project's page font in the element's weight.
inline render::TextStyle element_text(const style::ElementLook& look, const std::string& page_font) {
    render::TextStyle t;
    t.fonts = look.text_font.empty() ? std::vector<std::string>{page_font + " " + look.weight} : look.text_font;
    t.size_pt = look.text_size_pt;
    t.color = look.text_color;
    return t;
}

inline void set_source(cairo_t* cr, const style::Color& c, double opacity = 1) {
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a * opacity);
}

}  // namespace cartelier::layout
