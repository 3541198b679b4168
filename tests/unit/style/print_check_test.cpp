// The print PDF's check of a style (style/print_check.hpp): a translucent style layer is a warning at
// the property, whether its opacity or colour alpha is constant, zoom- or data-driven; opaque ones and
// translucency the map never draws are not.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/document.hpp"
#include "style/print_check.hpp"
#include "style/style.hpp"

namespace cartelier::style {
namespace {

/// A point layer 'sites' with a text field 'kind' ("flash", "local", "flash"), at (i, i) for row i.
cartelier::Layer sites() {
    cartelier::Layer l;
    l.name = "sites";
    l.source = "sites.csv";
    l.crs = "EPSG:2154";
    l.schema->add("kind");
    const char* kinds[] = {"flash", "local", "flash"};
    for (std::size_t i = 0; i < 3; ++i) {
        Feature f;
        f.id = fmt::format("site-{}", static_cast<char>('a' + i));
        f.values = {Value(std::string(kinds[i]))};
        f.geometry = Geometry::point({static_cast<double>(i), static_cast<double>(i)});
        l.features.push_back(std::move(f));
    }
    return l;
}

/// The warnings for a style whose only layer (type `type`, on line 2) draws 'sites' with `body`, in one
/// frame at zoom 6 showing `extent`.
Diagnostics check(const std::string& body, const std::string& type = "circle", Box extent = Box{-1, -1, 100, 100}) {
    const std::string text = R"({"version": 8, "sources": {"p": {"type": "vector", "url": "cartelier://project"}},
"layers": [{"id": "s", "type": ")" + type + R"(", "source": "p", "source-layer": "sites", )" + body + "}]}";
    const Style style = parse_style(doc::load_string(text, "pc.json"));
    static const cartelier::Layer data = sites();
    const std::vector<DataFrame> frames{
        DataFrame{6, extent, [](const std::string& name) { return name == data.name ? &data : nullptr; }}};
    return check_print_transparency(style, frames);
}

TEST(PrintCheck, AConstantOpacityBelowOneIsAWarningAtTheProperty) {
    const Diagnostics d = check(R"("paint": {"circle-opacity": 0.5})");
    ASSERT_EQ(d.items().size(), 1u) << d.format();
    const Diagnostic& w = d.items()[0];
    EXPECT_EQ(w.severity, Severity::Warning);
    EXPECT_EQ(w.where.file, "pc.json");
    EXPECT_EQ(w.where.line, 2);
    EXPECT_EQ(w.where.path, "layers[0].paint.circle-opacity");
    EXPECT_EQ(w.message, "layer 's': circle-opacity is 0.5, but the print PDF (pdfx) cannot be translucent: PDF/X-3 has "
                         "no transparency, so Ghostscript will turn the whole page into one 720 dpi CMYK raster image");
    EXPECT_NE(w.hint.find("set circle-opacity to 1"), std::string::npos) << w.hint;
}

TEST(PrintCheck, DataAndZoomDrivenOpacitiesAndTranslucentColoursToo) {
    // Data-driven: the first feature drawn translucent is named.
    Diagnostics d = check(R"("paint": {"circle-stroke-opacity": ["match", ["get", "kind"], "local", 0.4, 1]})");
    ASSERT_EQ(d.items().size(), 1u) << d.format();
    EXPECT_NE(d.items()[0].message.find("circle-stroke-opacity is 0.4 for feature 'site-b'"), std::string::npos)
        << d.format();
    // ... but not when the filter leaves that feature out, nor when it lies outside the map.
    EXPECT_TRUE(check(R"("filter": ["==", ["get", "kind"], "flash"],
                         "paint": {"circle-opacity": ["match", ["get", "kind"], "local", 0.4, 1]})")
                    .empty());
    EXPECT_TRUE(check(R"("paint": {"circle-opacity": ["match", ["get", "kind"], "local", 0.4, 1]})", "circle",
                      Box{-1, -1, 0.5, 0.5})
                    .empty());
    // Zoom-driven: at the frame's zoom.
    d = check(R"("paint": {"line-opacity": ["interpolate", ["linear"], ["zoom"], 5, 0.5, 10, 1]})", "line");
    ASSERT_EQ(d.items().size(), 1u) << d.format();
    EXPECT_NE(d.items()[0].message.find("line-opacity is 0.6 at zoom 6.00"), std::string::npos) << d.format();
    // A colour with an alpha below 1, and a text opacity.
    d = check(R"js("layout": {"text-field": "x"}, "paint": {"text-color": "rgba(0, 0, 0, 0.5)", "text-opacity": 0.9})js",
              "symbol");
    ASSERT_EQ(d.items().size(), 2u) << d.format();
    EXPECT_NE(d.format().find("text-color is a colour of alpha 0.5"), std::string::npos) << d.format();
    EXPECT_NE(d.format().find("text-opacity is 0.9"), std::string::npos) << d.format();
}

TEST(PrintCheck, OpaqueOrInvisibleLayersAreNotWarned) {
    EXPECT_TRUE(check(R"("paint": {"circle-opacity": 1, "circle-color": "#d7301f"})").empty());
    EXPECT_TRUE(check(R"("layout": {"visibility": "none"}, "paint": {"circle-opacity": 0.5})").empty());
    EXPECT_TRUE(check(R"("maxzoom": 5, "paint": {"circle-opacity": 0.5})").empty());
}

}  // namespace
}  // namespace cartelier::style
