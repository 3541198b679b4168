#include "layout/inset.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "geo/projection.hpp"
#include "layout/page_layout.hpp"

namespace cartelier::layout {


std::vector<InsetSpec> overseas_insets() {
    // Extents in longitude/latitude around each département (with its dependencies: Marie-Galante,
    // les Saintes and la Désirade for Guadeloupe; Petite-Terre for Mayotte).
    auto drom = [](const char* name, const char* crs, Box lonlat) {
        InsetSpec s;
        s.name = name;
        s.crs = crs;
        s.extent = lonlat;
        s.extent_crs = "EPSG:4326";
        return s;
    };
    return {
        drom("Guadeloupe", "EPSG:5490", Box{-61.86, 15.82, -60.98, 16.53}),
        drom("Martinique", "EPSG:5490", Box{-61.26, 14.37, -60.79, 14.90}),
        drom("Guyane", "EPSG:2972", Box{-54.62, 2.08, -51.58, 5.80}),
        drom("La Réunion", "EPSG:2975", Box{55.20, -21.40, 55.85, -20.85}),
        drom("Mayotte", "EPSG:4471", Box{44.99, -13.02, 45.32, -12.62}),
    };
}

InsetSpec ile_de_france_inset() {
    InsetSpec s;
    s.name = "Paris et petite couronne";
    s.crs = "EPSG:2154";
    s.extent = Box{629000, 6836000, 677000, 6886000};
    s.magnify = 4;
    s.position = "top-left";
    s.width_mm = 42;
    s.height_mm = 40;
    s.outline_on_main = true;
    return s;
}

const std::vector<std::string>& inset_preset_names() {
    static const std::vector<std::string> names = {"overseas", "ile-de-france"};
    return names;
}

std::vector<InsetSpec> inset_preset(const std::string& name) {
    if (name == "overseas") return overseas_insets();
    if (name == "ile-de-france") return {ile_de_france_inset()};
    return {};
}

InsetFrames arrange_insets(const Rect& area, const std::vector<InsetSpec>& insets, const InsetBand& band) {
    InsetFrames out;
    out.main = area;
    std::size_t in_band = std::count_if(insets.begin(), insets.end(), [](const InsetSpec& s) { return s.position.empty(); });
    const double size = band.size_mm * kPointsPerMm, gap = band.gap_mm * kPointsPerMm;
    const bool column = band.side == "left" || band.side == "right";
    Rect strip;
    if (in_band > 0) {
        if (band.side == "left") {
            strip = {area.x, area.y, size, area.h};
            out.main = {area.x + size + gap, area.y, area.w - size - gap, area.h};
        } else if (band.side == "right") {
            strip = {area.right() - size, area.y, size, area.h};
            out.main = {area.x, area.y, area.w - size - gap, area.h};
        } else if (band.side == "top") {
            strip = {area.x, area.y, area.w, size};
            out.main = {area.x, area.y + size + gap, area.w, area.h - size - gap};
        } else {
            strip = {area.x, area.bottom() - size, area.w, size};
            out.main = {area.x, area.y, area.w, area.h - size - gap};
        }
    }
    const double n = static_cast<double>(in_band);
    const double cell = in_band ? ((column ? strip.h : strip.w) - (n - 1) * gap) / n : 0;
    std::size_t k = 0;
    for (const auto& s : insets) {
        if (s.position.empty()) {
            const double offset = static_cast<double>(k++) * (cell + gap);
            out.insets.push_back(column ? Rect{strip.x, strip.y + offset, strip.w, cell}
                                        : Rect{strip.x + offset, strip.y, cell, strip.h});
            continue;
        }
        const double w = (s.width_mm > 0 ? s.width_mm : 55) * kPointsPerMm;
        const double h = (s.height_mm > 0 ? s.height_mm : 45) * kPointsPerMm;
        const double margin = 6;
        const Rect& m = out.main;
        const double x = s.position.find("right") != std::string::npos ? m.right() - margin - w : m.x + margin;
        const double y = s.position.find("bottom") != std::string::npos ? m.bottom() - margin - h : m.y + margin;
        out.insets.push_back(Rect{x, y, w, h});
    }
    return out;
}

Box inset_extent(const InsetSpec& inset) {
    if (inset.extent_crs.empty() || inset.extent_crs == inset.crs) return inset.extent;
    return geo::Transformation(inset.extent_crs, inset.crs).transform_box(inset.extent);
}

}  // namespace cartelier::layout
