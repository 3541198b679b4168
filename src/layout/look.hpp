// The page elements' look (style metadata "cartelier:page", style::PageStyle) as text settings.
#pragma once

#include <string>
#include <vector>

#include "layout/text_style.hpp"
#include "style/style.hpp"

namespace cartelier::layout {

/// The text style of an element: its font stack, else the project's page font in the element's weight.
inline TextStyle element_text(const style::ElementLook& look, const std::string& page_font) {
    TextStyle t;
    t.fonts = look.text_font.empty() ? std::vector<std::string>{page_font + " " + look.weight} : look.text_font;
    t.size_pt = look.text_size_pt;
    t.color = look.text_color;
    return t;
}

}  // namespace cartelier::layout
