#include "pipeline/georeference.hpp"

#include "core/document.hpp"

#include <fmt/format.h>

#include "data/gdal_module.hpp"
#include "geo/projection.hpp"
#include "pipeline/hashing.hpp"

namespace cartelier::pipeline {

namespace {

/// The page's pixel grid: the size of a (square) pixel in map units and the map position of the centre of
/// the upper-left pixel. The one source of the world file and of the GeoTIFF's geotransform.
struct PixelGrid {
    double size = 0;
    Point first_centre;
};

PixelGrid pixel_grid(const layout::View& view, double dpi) {
    const double pixel_pt = 72.0 / dpi;  // page points per pixel
    return {pixel_pt / view.scale, view.to_map({pixel_pt / 2, pixel_pt / 2})};
}

}  // namespace

std::array<double, 6> page_geotransform(const layout::View& view, double dpi) {
    const PixelGrid g = pixel_grid(view, dpi);
    // As GDAL reads a world file (GDALReadWorldFile2): corner = centre - half a pixel along each axis.
    const double rotation = 0.0;
    return {g.first_centre.x - 0.5 * g.size - 0.5 * rotation, g.size, rotation,
            g.first_centre.y - 0.5 * rotation - 0.5 * -g.size, rotation, -g.size};
}

std::string world_file_text(const layout::View& view, double dpi) {
    const PixelGrid g = pixel_grid(view, dpi);
    return fmt::format("{}\n0\n0\n{}\n{}\n{}\n", g.size, -g.size, g.first_centre.x, g.first_centre.y);
}

std::string pam_crs_xml(const std::string& wkt) {
    return fmt::format("<PAMDataset>\n  <SRS dataAxisToSRSAxisMapping=\"1,2\">{}</SRS>\n</PAMDataset>\n",
                       doc::markup_escape(wkt));
}

bool pam_keeps_crs(const std::string& bytes, const std::string& sha256) {
    static const std::string open = "<SRS dataAxisToSRSAxisMapping=\"1,2\">", close = "</SRS>";
    if (bytes.rfind("<PAMDataset>", 0) != 0) return false;
    for (const char* own : {"<GeoTransform", "<GCPList", "<GCP "})
        if (bytes.find(own) != std::string::npos) return false;
    const auto start = bytes.find(open);
    if (start == std::string::npos || bytes.find("<SRS", start + 1) != std::string::npos) return false;
    const auto end = bytes.find(close, start + open.size());
    if (end == std::string::npos) return false;
    // Unescape the five entities XML predefines; any other reference is not what either program writes.
    std::string wkt;
    static const std::pair<const char*, char> entities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (auto i = start + open.size(); i < end;) {
        if (bytes[i] != '&') {
            wkt += bytes[i++];
            continue;
        }
        bool known = false;
        for (const auto& [entity, c] : entities)
            if (bytes.compare(i, std::char_traits<char>::length(entity), entity) == 0) {
                wkt += c;
                i += std::char_traits<char>::length(entity);
                known = true;
                break;
            }
        if (!known) return false;
    }
    return sha256_hex(pam_crs_xml(wkt)) == sha256;
}

std::vector<std::string> png_georeference_files(const std::string& id) {
    return {id + ".pgw", id + ".png.aux.xml"};
}

std::vector<Sidecar> png_georeference(const std::string& id, const layout::View& view, double dpi) {
    std::vector<std::string> names = png_georeference_files(id);
    return {Sidecar{names[0], world_file_text(view, dpi)}, Sidecar{names[1], pam_crs_xml(geo::crs_wkt(view.crs))}};
}

std::string page_geotiff(const render::RasterPixels& pixels, double dpi, const layout::View* view) {
    data::GeoTiffPage page;
    page.pixels = pixels.bytes.data();
    page.width = pixels.width;
    page.height = pixels.height;
    page.bands = pixels.bands;
    page.stride = static_cast<std::size_t>(pixels.width) * static_cast<std::size_t>(pixels.bands);
    page.dpi = dpi;
    if (view) {
        page.geotransform = page_geotransform(*view, dpi);
        page.wkt = geo::crs_wkt(view->crs);
    }
    return data::encode_geotiff(page);
}

}  // namespace cartelier::pipeline
