#include "pipeline/qpdf_rewrite.hpp"

#include <exception>
#include <memory>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <qpdf/Buffer.hh>

#include "core/diagnostic.hpp"
#include "pipeline/qpdf_lock.hpp"

namespace cartelier::pipeline {

std::string rewrite_pdf(std::string_view pdf, QpdfRewrite what, const std::function<void(QPDF&)>& edit,
                        const std::function<void(QPDFWriter&)>& configure) {
    std::lock_guard<std::mutex> lock(qpdf_mutex());
    try {
        QPDF document;
        document.setSuppressWarnings(true);
        document.processMemoryFile("the PDF Cairo wrote", pdf.data(), pdf.size());
        edit(document);
        QPDFWriter writer(document);
        writer.setOutputMemory();
        writer.setDeterministicID(true);
        configure(writer);
        writer.write();
        if (document.anyWarnings())
            throw Error(SourceLocation{}, fmt::format("cannot {}: qpdf finds {} damaged: {}", what.action, what.subject,
                                                      document.getWarnings().front().what()));
        std::shared_ptr<Buffer> buffer = writer.getBufferSharedPointer();
        return std::string(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(SourceLocation{}, fmt::format("cannot {}: qpdf: {}", what.action, e.what()));
    }
}

}  // namespace cartelier::pipeline
