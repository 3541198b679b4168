// A text measurer for layout tests without Pango: every character advances 0.6 em, lines are 1.2 em;
// a wrap width breaks the text into as many lines as it needs.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>

#include "layout/text_style.hpp"

namespace cartelier::test {

class FixedMeasurer final : public layout::TextMeasurer {
public:
    layout::TextMetrics measure(const std::string& text, const layout::TextStyle& style) const override {
        std::size_t chars = 0;
        for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
        double w = 0.6 * style.size_pt * static_cast<double>(chars);
        int lines = 1;
        if (style.max_width_em > 0) {
            const double max_w = style.max_width_em * style.size_pt;
            lines = std::max(1, static_cast<int>(std::ceil(w / max_w - 1e-9)));
            w = std::min(w, max_w);
        }
        return {w, 1.2 * style.size_pt * lines, lines};
    }
};

}  // namespace cartelier::test
