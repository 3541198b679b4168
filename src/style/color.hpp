// Colours of the style language: CSS colour strings in, straight (non-premultiplied) RGBA out.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cartelier::style {

struct Color {
    double r = 0, g = 0, b = 0, a = 1;  ///< each in [0, 1], not premultiplied

    bool operator==(const Color&) const = default;

    /// CSS Color Module Level 3 strings as MapLibre accepts them: named colours, #rgb, #rgba,
    /// #rrggbb, #rrggbbaa, rgb(), rgba(), hsl(), hsla(). Case-insensitive. nullopt if not a colour.
    static std::optional<Color> parse(std::string_view css);
    /// "rgba(r, g, b, a)" with r, g, b in 0–255 (as MapLibre's to-string prints colours).
    std::string to_string() const;
};

}  // namespace cartelier::style
