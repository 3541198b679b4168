#include "pipeline/pdf_viewport.hpp"

#include <exception>
#include <memory>

#include <fmt/format.h>
// qpdf 11 without its PointerHolder compatibility layer (std::shared_ptr only).
#define POINTERHOLDER_TRANSITION 4
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include "core/diagnostic.hpp"
#include "pipeline/qpdf_rewrite.hpp"

namespace cartelier::pipeline {

namespace {

using Object = QPDFObjectHandle;

/// `value` in fixed notation with at most `decimals` decimals, trailing zeros dropped ("46.5", "3",
/// never "-0" nor an exponent, which PDF does not have).
std::string fixed(double value, int decimals) {
    std::string s = fmt::format("{:.{}f}", value, decimals);
    if (s.find('.') != std::string::npos) {
        s.erase(s.find_last_not_of('0') + 1);
        if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    return s;
}

Object real_array(const double* values, std::size_t n, int decimals) {
    Object array = Object::newArray();
    for (std::size_t i = 0; i < n; ++i) array.appendItem(Object::newReal(fixed(values[i], decimals)));
    return array;
}

Object integer_array(const std::array<int, 8>& values) {
    Object array = Object::newArray();
    for (int v : values) array.appendItem(Object::newInteger(v));
    return array;
}

/// The viewport dictionary (direct objects only).
Object viewport_object(const PdfViewport& vp) {
    Object gcs = Object::newDictionary();
    gcs.replaceKey("/Type", Object::newName(vp.geographic ? "/GEOGCS" : "/PROJCS"));
    if (vp.epsg > 0) gcs.replaceKey("/EPSG", Object::newInteger(vp.epsg));
    gcs.replaceKey("/WKT", Object::newString(vp.wkt));

    Object measure = Object::newDictionary();
    measure.replaceKey("/Type", Object::newName("/Measure"));
    measure.replaceKey("/Subtype", Object::newName("/GEO"));
    measure.replaceKey("/Bounds", integer_array(PdfViewport::lpts));  // the whole BBox is the map
    measure.replaceKey("/GPTS", real_array(vp.gpts.data(), vp.gpts.size(), 10));
    measure.replaceKey("/LPTS", integer_array(PdfViewport::lpts));
    measure.replaceKey("/GCS", gcs);

    Object viewport = Object::newDictionary();
    viewport.replaceKey("/Type", Object::newName("/Viewport"));
    viewport.replaceKey("/BBox", real_array(vp.bbox.data(), vp.bbox.size(), 6));
    viewport.replaceKey("/Name", Object::newUnicodeString(vp.name));
    viewport.replaceKey("/Measure", measure);
    return viewport;
}

}  // namespace

std::string pdf_viewport_text(const PdfViewport& viewport) { return viewport_object(viewport).unparse(); }

std::string georeference_pdf(std::string_view pdf, const std::vector<PdfViewport>& viewports) {
    return rewrite_pdf(
        pdf, {"georeference the PDF", "it"},
        [&](QPDF& document) {
            std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper(document).getAllPages();
            if (pages.size() != 1)
                throw Error(SourceLocation{}, fmt::format("cannot georeference a PDF of {} pages: one page expected",
                                                          pages.size()));
            Object vp = Object::newArray();
            for (const PdfViewport& v : viewports) vp.appendItem(viewport_object(v));
            pages.front().getObjectHandle().replaceKey("/VP", vp);
        },
        [](QPDFWriter& writer) {
            writer.setCompressStreams(false);  // the streams as Cairo compressed them, neither decoded nor recompressed
            writer.setDecodeLevel(qpdf_dl_none);
            writer.setMinimumPDFVersion("1.7", 3);  // Adobe's extension level 3: geospatial
        });
}

}  // namespace cartelier::pipeline
