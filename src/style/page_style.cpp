// The page elements' look (style metadata "cartelier:page"): the defaults Cartelier always drew with,
// and which properties each element accepts.
#include "style/style.hpp"

namespace cartelier::style {

namespace {

Color grey(double v) { return Color{v, v, v, 1}; }

ElementLook text(const char* weight, double size, double grey_level) {
    ElementLook l;
    l.weight = weight;
    l.text_size_pt = size;
    l.text_color = grey(grey_level);
    return l;
}

ElementLook box(double background_opacity, double line_grey, double line_width) {
    ElementLook l;
    l.background_color = grey(1);
    l.background_opacity = background_opacity;
    l.line_color = grey(line_grey);
    l.line_width_pt = line_width;
    return l;
}

}  // namespace

PageStyle::PageStyle() {
    title = text("Bold", 17, 0.1);
    subtitle = text("Book", 10, 0.3);
    credits = text("Book", 6.5, 0.35);
    legend = box(0.92, 0.55, 0.4);
    legend_title = text("Bold", 9, 0.13);
    legend_heading = text("Bold", 8, 0.13);
    legend_label = text("Book", 8, 0.13);
    legend_swatch = box(1, 0.6, 0.3);
    // Scale bars and the north arrow: text, a dark colour (line-color) and a light one
    // (background-color) on a translucent box of the light colour.
    auto bar = [](double size) {
        ElementLook l = box(0.85, 0.13, 0.4);
        l.text_size_pt = size;
        l.text_color = grey(0.13);
        return l;
    };
    scale_bar = bar(6.5);
    inset_scale_bar = bar(5.5);
    north_arrow = bar(7);
    north_arrow.weight = "Bold";
    north_arrow.line_width_pt = 0.5;
    frame = box(1, 0.25, 0.6);
    inset_frame = box(1, 0.25, 0.5);
    inset_name = text("Bold", 6.5, 0.13);
    inset_name.background_opacity = 0.9;
    zoom_box = box(1, 0.25, 0.5);
    zoom_box.weight = "Bold";  // a lettered zoom box's letter
    zoom_box.text_size_pt = 7;
}

const std::vector<PageElementSpec>& page_element_specs() {
    static const std::vector<std::string> text = {"text-font", "text-size", "text-color"};
    static const std::vector<std::string> lines = {"line-color", "line-width"};
    static const std::vector<std::string> boxed = {"background-color", "background-opacity", "line-color", "line-width"};
    static const std::vector<std::string> all = {"text-font",        "text-size",          "text-color", "background-color",
                                                 "background-opacity", "line-color",       "line-width"};
    static const std::vector<std::string> named = {"text-font", "text-size", "text-color", "background-color",
                                                   "background-opacity"};
    static const std::vector<std::string> paper = {"background-color", "line-color", "line-width"};
    static const std::vector<PageElementSpec> specs = {
        {"title", &PageStyle::title, text},
        {"subtitle", &PageStyle::subtitle, text},
        {"credits", &PageStyle::credits, text},
        {"legend", &PageStyle::legend, boxed},
        {"legend-title", &PageStyle::legend_title, text},
        {"legend-heading", &PageStyle::legend_heading, text},
        {"legend-label", &PageStyle::legend_label, text},
        {"legend-swatch", &PageStyle::legend_swatch, lines},
        {"scale-bar", &PageStyle::scale_bar, all},
        {"inset-scale-bar", &PageStyle::inset_scale_bar, all},
        {"north-arrow", &PageStyle::north_arrow, all},
        {"frame", &PageStyle::frame, lines},
        {"inset-frame", &PageStyle::inset_frame, paper},
        {"inset-name", &PageStyle::inset_name, named},
        {"zoom-box", &PageStyle::zoom_box, all},
    };
    return specs;
}

}  // namespace cartelier::style
