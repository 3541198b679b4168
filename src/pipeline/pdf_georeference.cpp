#include "pipeline/pdf_georeference.hpp"

#include <array>

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "geo/projection.hpp"

namespace cartelier::pipeline {

PdfViewport pdf_viewport(const std::string& name, const layout::View& view, double page_height_pt) {
    const geo::CrsIdentity crs = geo::crs_identity(view.crs);
    PdfViewport vp;
    vp.name = name;
    vp.epsg = crs.epsg;
    vp.wkt = crs.wkt;
    vp.geographic = crs.geographic;
    const layout::Rect& f = view.frame;
    vp.bbox = {f.x, page_height_pt - f.bottom(), f.right(), page_height_pt - f.y};
    // The corners in the order of PdfViewport::lpts: upper-left, lower-left, lower-right, upper-right.
    const Box& e = view.extent;
    std::array<Point, 4> corners{Point{e.min_x, e.max_y}, Point{e.min_x, e.min_y}, Point{e.max_x, e.min_y},
                                 Point{e.max_x, e.max_y}};
    geo::Transformation to_geographic(view.crs, crs.geographic_crs);
    const geo::ProjectionFailures failed = to_geographic.transform(corners);
    if (failed.vertices > 0)
        throw Error(SourceLocation{}, fmt::format("cannot georeference the PDF frame '{}': PROJ cannot take its "
                                                  "corners from {} to latitude and longitude",
                                                  name, view.crs));
    for (std::size_t i = 0; i < corners.size(); ++i) {
        vp.gpts[2 * i] = corners[i].y;      // latitude
        vp.gpts[2 * i + 1] = corners[i].x;  // longitude
    }
    return vp;
}

std::vector<PdfViewport> pdf_viewports(const std::vector<render::FrameReport>& frames, double page_height_pt) {
    std::vector<PdfViewport> out;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        std::string name = i == 0 ? kMainViewportName : frames[i].name;
        if (name.empty()) name = fmt::format("Inset {}", i);
        out.push_back(pdf_viewport(name, frames[i].view, page_height_pt));
    }
    return out;
}

}  // namespace cartelier::pipeline
