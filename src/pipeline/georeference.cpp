#include "pipeline/georeference.hpp"

#include <fmt/format.h>

#include "geo/projection.hpp"

namespace cartelier::pipeline {

std::string world_file_text(const layout::View& view, double dpi) {
    const double pixel_pt = 72.0 / dpi;           // page points per pixel
    const double size = pixel_pt / view.scale;    // map units per pixel
    const Point centre = view.to_map({pixel_pt / 2, pixel_pt / 2});
    return fmt::format("{}\n0\n0\n{}\n{}\n{}\n", size, -size, centre.x, centre.y);
}

std::string pam_crs_xml(const std::string& wkt) {
    std::string escaped;
    for (char c : wkt) {
        switch (c) {
            case '&': escaped += "&amp;"; break;
            case '<': escaped += "&lt;"; break;
            case '>': escaped += "&gt;"; break;
            case '"': escaped += "&quot;"; break;
            default: escaped += c;
        }
    }
    return fmt::format("<PAMDataset>\n  <SRS dataAxisToSRSAxisMapping=\"1,2\">{}</SRS>\n</PAMDataset>\n", escaped);
}

std::vector<std::string> png_georeference_files(const std::string& id) {
    return {id + ".pgw", id + ".png.aux.xml"};
}

std::vector<Sidecar> png_georeference(const std::string& id, const layout::View& view, double dpi) {
    std::vector<std::string> names = png_georeference_files(id);
    return {Sidecar{names[0], world_file_text(view, dpi)}, Sidecar{names[1], pam_crs_xml(geo::crs_wkt(view.crs))}};
}

}  // namespace cartelier::pipeline
