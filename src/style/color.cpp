// CSS colours as MapLibre parses them (CSS Color 4 syntax of the style spec's parse_css_color): the 148 named
// colours and "transparent", #rgb, #rgba, #rrggbb, #rrggbbaa, rgb()/rgba() and hsl()/hsla() with commas or
// spaces (and "/ alpha"), percentages, values clamped; case-insensitive, surrounding spaces ignored.
#include "style/color.hpp"

#include <algorithm>
#include <cmath>
#include <regex>

#include "style/expression/parsing_context.hpp"

namespace cartelier::style {

namespace {

struct Named {
    const char* name;
    int r, g, b;
};

// CSS Color Module Level 4 named colours (sorted, for binary search).
constexpr Named kNamed[] = {
    {"aliceblue", 240, 248, 255},
    {"antiquewhite", 250, 235, 215},
    {"aqua", 0, 255, 255},
    {"aquamarine", 127, 255, 212},
    {"azure", 240, 255, 255},
    {"beige", 245, 245, 220},
    {"bisque", 255, 228, 196},
    {"black", 0, 0, 0},
    {"blanchedalmond", 255, 235, 205},
    {"blue", 0, 0, 255},
    {"blueviolet", 138, 43, 226},
    {"brown", 165, 42, 42},
    {"burlywood", 222, 184, 135},
    {"cadetblue", 95, 158, 160},
    {"chartreuse", 127, 255, 0},
    {"chocolate", 210, 105, 30},
    {"coral", 255, 127, 80},
    {"cornflowerblue", 100, 149, 237},
    {"cornsilk", 255, 248, 220},
    {"crimson", 220, 20, 60},
    {"cyan", 0, 255, 255},
    {"darkblue", 0, 0, 139},
    {"darkcyan", 0, 139, 139},
    {"darkgoldenrod", 184, 134, 11},
    {"darkgray", 169, 169, 169},
    {"darkgreen", 0, 100, 0},
    {"darkgrey", 169, 169, 169},
    {"darkkhaki", 189, 183, 107},
    {"darkmagenta", 139, 0, 139},
    {"darkolivegreen", 85, 107, 47},
    {"darkorange", 255, 140, 0},
    {"darkorchid", 153, 50, 204},
    {"darkred", 139, 0, 0},
    {"darksalmon", 233, 150, 122},
    {"darkseagreen", 143, 188, 143},
    {"darkslateblue", 72, 61, 139},
    {"darkslategray", 47, 79, 79},
    {"darkslategrey", 47, 79, 79},
    {"darkturquoise", 0, 206, 209},
    {"darkviolet", 148, 0, 211},
    {"deeppink", 255, 20, 147},
    {"deepskyblue", 0, 191, 255},
    {"dimgray", 105, 105, 105},
    {"dimgrey", 105, 105, 105},
    {"dodgerblue", 30, 144, 255},
    {"firebrick", 178, 34, 34},
    {"floralwhite", 255, 250, 240},
    {"forestgreen", 34, 139, 34},
    {"fuchsia", 255, 0, 255},
    {"gainsboro", 220, 220, 220},
    {"ghostwhite", 248, 248, 255},
    {"gold", 255, 215, 0},
    {"goldenrod", 218, 165, 32},
    {"gray", 128, 128, 128},
    {"green", 0, 128, 0},
    {"greenyellow", 173, 255, 47},
    {"grey", 128, 128, 128},
    {"honeydew", 240, 255, 240},
    {"hotpink", 255, 105, 180},
    {"indianred", 205, 92, 92},
    {"indigo", 75, 0, 130},
    {"ivory", 255, 255, 240},
    {"khaki", 240, 230, 140},
    {"lavender", 230, 230, 250},
    {"lavenderblush", 255, 240, 245},
    {"lawngreen", 124, 252, 0},
    {"lemonchiffon", 255, 250, 205},
    {"lightblue", 173, 216, 230},
    {"lightcoral", 240, 128, 128},
    {"lightcyan", 224, 255, 255},
    {"lightgoldenrodyellow", 250, 250, 210},
    {"lightgray", 211, 211, 211},
    {"lightgreen", 144, 238, 144},
    {"lightgrey", 211, 211, 211},
    {"lightpink", 255, 182, 193},
    {"lightsalmon", 255, 160, 122},
    {"lightseagreen", 32, 178, 170},
    {"lightskyblue", 135, 206, 250},
    {"lightslategray", 119, 136, 153},
    {"lightslategrey", 119, 136, 153},
    {"lightsteelblue", 176, 196, 222},
    {"lightyellow", 255, 255, 224},
    {"lime", 0, 255, 0},
    {"limegreen", 50, 205, 50},
    {"linen", 250, 240, 230},
    {"magenta", 255, 0, 255},
    {"maroon", 128, 0, 0},
    {"mediumaquamarine", 102, 205, 170},
    {"mediumblue", 0, 0, 205},
    {"mediumorchid", 186, 85, 211},
    {"mediumpurple", 147, 112, 219},
    {"mediumseagreen", 60, 179, 113},
    {"mediumslateblue", 123, 104, 238},
    {"mediumspringgreen", 0, 250, 154},
    {"mediumturquoise", 72, 209, 204},
    {"mediumvioletred", 199, 21, 133},
    {"midnightblue", 25, 25, 112},
    {"mintcream", 245, 255, 250},
    {"mistyrose", 255, 228, 225},
    {"moccasin", 255, 228, 181},
    {"navajowhite", 255, 222, 173},
    {"navy", 0, 0, 128},
    {"oldlace", 253, 245, 230},
    {"olive", 128, 128, 0},
    {"olivedrab", 107, 142, 35},
    {"orange", 255, 165, 0},
    {"orangered", 255, 69, 0},
    {"orchid", 218, 112, 214},
    {"palegoldenrod", 238, 232, 170},
    {"palegreen", 152, 251, 152},
    {"paleturquoise", 175, 238, 238},
    {"palevioletred", 219, 112, 147},
    {"papayawhip", 255, 239, 213},
    {"peachpuff", 255, 218, 185},
    {"peru", 205, 133, 63},
    {"pink", 255, 192, 203},
    {"plum", 221, 160, 221},
    {"powderblue", 176, 224, 230},
    {"purple", 128, 0, 128},
    {"rebeccapurple", 102, 51, 153},
    {"red", 255, 0, 0},
    {"rosybrown", 188, 143, 143},
    {"royalblue", 65, 105, 225},
    {"saddlebrown", 139, 69, 19},
    {"salmon", 250, 128, 114},
    {"sandybrown", 244, 164, 96},
    {"seagreen", 46, 139, 87},
    {"seashell", 255, 245, 238},
    {"sienna", 160, 82, 45},
    {"silver", 192, 192, 192},
    {"skyblue", 135, 206, 235},
    {"slateblue", 106, 90, 205},
    {"slategray", 112, 128, 144},
    {"slategrey", 112, 128, 144},
    {"snow", 255, 250, 250},
    {"springgreen", 0, 255, 127},
    {"steelblue", 70, 130, 180},
    {"tan", 210, 180, 140},
    {"teal", 0, 128, 128},
    {"thistle", 216, 191, 216},
    {"tomato", 255, 99, 71},
    {"turquoise", 64, 224, 208},
    {"violet", 238, 130, 238},
    {"wheat", 245, 222, 179},
    {"white", 255, 255, 255},
    {"whitesmoke", 245, 245, 245},
    {"yellow", 255, 255, 0},
    {"yellowgreen", 154, 205, 50}
};

double clamp(double n, double lo, double hi) { return std::min(std::max(lo, n), hi); }

double js_num(const std::string& s) { return expr::js_string_to_number(s); }

double parse_alpha(double a, bool percent) { return clamp(percent ? a / 100 : a, 0, 1); }

bool valid(std::initializer_list<double> values) {
    return std::none_of(values.begin(), values.end(), [](double v) { return std::isnan(v); });
}

bool arg_format_ok(const std::string& f1, const std::string& f2, const std::string& f3) {
    std::string f = (f1.empty() ? " " : f1) + (f2.empty() ? " " : f2) + f3;
    return f == "  " || f == "  /" || f == ",," || f == ",,,";
}

double constrain_angle(double angle) {
    angle = std::fmod(angle, 360.0);
    if (angle < 0) angle += 360;
    return angle;
}

Color from_hsl(double h, double s, double l, double alpha) {
    h = constrain_angle(h);
    s /= 100;
    l /= 100;
    auto f = [&](double n) {
        double k = std::fmod(n + h / 30, 12.0);
        double a = s * std::min(l, 1 - l);
        return l - a * std::max(-1.0, std::min({k - 3, 9 - k, 1.0}));
    };
    return Color{f(0), f(8), f(4), alpha};
}

}  // namespace

namespace {
std::optional<Color> parse_straight(std::string_view css) {
    std::string input(css);
    for (auto& c : input) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto is_space = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    while (!input.empty() && is_space(static_cast<unsigned char>(input.back()))) input.pop_back();
    std::size_t start = 0;
    while (start < input.size() && is_space(static_cast<unsigned char>(input[start]))) ++start;
    input.erase(0, start);

    if (input == "transparent") return Color{0, 0, 0, 0};
    auto named = std::lower_bound(std::begin(kNamed), std::end(kNamed), input,
                                  [](const Named& n, const std::string& s) { return s.compare(n.name) > 0; });
    if (named != std::end(kNamed) && input == named->name) return Color{named->r / 255.0, named->g / 255.0, named->b / 255.0, 1};

    if (!input.empty() && input[0] == '#') {
        static const std::regex hex("^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$");
        if (std::regex_match(input, hex)) {
            std::size_t step = input.size() < 6 ? 1 : 2;
            auto channel = [&](std::size_t i) {
                std::size_t pos = 1 + i * step;
                std::string h = pos < input.size() ? input.substr(pos, step) : "ff";
                if (h.size() == 1) h += h;
                return std::stoi(h, nullptr, 16) / 255.0;
            };
            return Color{channel(0), channel(1), channel(2), channel(3)};
        }
    }

    if (input.rfind("rgb", 0) == 0) {
        static const std::regex rgb(
            R"(^rgba?\(\s*([\de.+-]+)(%)?(?:\s+|\s*(,)\s*)([\de.+-]+)(%)?(?:\s+|\s*(,)\s*)([\de.+-]+)(%)?(?:\s*([,\/])\s*([\de.+-]+)(%)?)?\s*\)$)");
        std::smatch m;
        if (std::regex_match(input, m, rgb)) {
            if (arg_format_ok(m[3], m[6], m[9])) {
                std::string percents = std::string(m[2]) + std::string(m[5]) + std::string(m[8]);
                double max = percents == "%%%" ? 100 : percents.empty() ? 255 : 0;
                if (max != 0) {
                    Color c{clamp(js_num(m[1]) / max, 0, 1), clamp(js_num(m[4]) / max, 0, 1),
                            clamp(js_num(m[7]) / max, 0, 1), m[10].length() ? parse_alpha(js_num(m[10]), m[11].length() > 0) : 1};
                    if (valid({c.r, c.g, c.b, c.a})) return c;
                }
            }
            return std::nullopt;
        }
    }

    static const std::regex hsl(
        R"(^hsla?\(\s*([\de.+-]+)(?:deg)?(?:\s+|\s*(,)\s*)([\de.+-]+)%(?:\s+|\s*(,)\s*)([\de.+-]+)%(?:\s*([,\/])\s*([\de.+-]+)(%)?)?\s*\)$)");
    std::smatch m;
    if (std::regex_match(input, m, hsl)) {
        if (arg_format_ok(m[2], m[4], m[6])) {
            double h = js_num(m[1]), s = clamp(js_num(m[3]), 0, 100), l = clamp(js_num(m[5]), 0, 100);
            double a = m[7].length() ? parse_alpha(js_num(m[7]), m[8].length() > 0) : 1;
            if (valid({h, s, l, a})) return from_hsl(h, s, l, a);
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<Color> Color::parse(std::string_view css) {
    auto c = parse_straight(css);
    if (!c) return c;
    return expr::js_color(c->r, c->g, c->b, c->a);  // as the reference's new Color(...rgba, false)
}

std::string Color::to_string() const {
    // As the reference's Color.toString(): "rgba(r,g,b,a)", channels rounded (Math.round) to 0–255.
    auto channel = [&](double v) {
        double x = v * 255;
        double f = std::floor(x);
        return expr::js_number(x - f >= 0.5 ? f + 1 : f);
    };
    return "rgba(" + channel(r) + "," + channel(g) + "," + channel(b) + "," + expr::js_number(a) + ")";
}

}  // namespace cartelier::style
