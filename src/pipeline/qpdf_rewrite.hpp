// A PDF rewritten in memory by qpdf: read, changed, written again with a deterministic /ID, one thread at
// a time (pipeline/qpdf_lock.hpp). Shared by the PDF's georeference (pdf_viewport.cpp) and the print
// master's strokes (pdf_strokes.cpp). Includes qpdf: for files compiled as C++17 only (src/CMakeLists.txt).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#ifndef POINTERHOLDER_TRANSITION
#define POINTERHOLDER_TRANSITION 4  // qpdf 11: std::shared_ptr, no PointerHolder
#endif
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>

namespace cartelier::pipeline {

/// What a rewrite is, in its error messages: "cannot {action}: qpdf finds {subject} damaged: …".
struct QpdfRewrite {
    const char* action;   ///< "georeference the PDF"
    const char* subject;  ///< "it"
};

/// `pdf` (as Cairo wrote it) read by qpdf, changed by `edit`, written to memory by a writer `configure`
/// sets up (compression, decode level, version; the deterministic /ID is set here). Throws Error naming
/// `what` when qpdf warns (a damaged PDF) or fails; `edit` may throw Error itself.
std::string rewrite_pdf(std::string_view pdf, QpdfRewrite what, const std::function<void(QPDF&)>& edit,
                        const std::function<void(QPDFWriter&)>& configure);

}  // namespace cartelier::pipeline
