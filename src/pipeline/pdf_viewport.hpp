// The viewports of a geospatial PDF page as numbers, and the qpdf side of pipeline/pdf_georeference.hpp:
// their dictionaries and the PDF rewritten with them. Standard types only: its implementation
// (pdf_viewport.cpp) is the one file that includes qpdf, compiled as C++17 (src/CMakeLists.txt: qpdf
// 11.3's JSON.hh does not compile as C++20 with clang 14, the sanitizer builds' compiler).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace cartelier::pipeline {

/// One map frame's viewport, in numbers.
struct PdfViewport {
    std::string name;
    std::array<double, 4> bbox{};  ///< lower-left x, y, upper-right x, y in PDF user space (points, y up)
    /// Latitude, longitude of the frame's upper-left, lower-left, lower-right, upper-right corners.
    std::array<double, 8> gpts{};
    /// The same corners in the BBox's unit square (x right, y up): 0 1, 0 0, 1 0, 1 1.
    static constexpr std::array<int, 8> lpts{0, 1, 0, 0, 1, 0, 1, 1};
    int epsg = 0;             ///< the frame CRS's EPSG code (0: none, the WKT alone says it)
    std::string wkt;          ///< the frame CRS as WKT1 (GDAL dialect)
    bool geographic = false;  ///< `/GEOGCS` rather than `/PROJCS`
};

/// The viewport dictionary as it is written in the PDF (`<< /BBox [...] /Measure << ... >> ... >>`,
/// keys in qpdf's order, numbers in fixed notation: points to 6 decimals, degrees to 10).
std::string pdf_viewport_text(const PdfViewport& viewport);

/// `pdf` (one page, as Cairo wrote it) with the viewports in its page dictionary, the catalog declaring
/// Adobe's extension level 3 (PDF 1.7), its streams unchanged, a deterministic /ID. Throws Error when
/// the bytes are not a one-page PDF qpdf reads without a warning.
std::string georeference_pdf(std::string_view pdf, const std::vector<PdfViewport>& viewports);

}  // namespace cartelier::pipeline
