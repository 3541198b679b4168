#include "pipeline/pdf_assemble.hpp"

#include <filesystem>
#include <memory>
#include <mutex>

#ifndef POINTERHOLDER_TRANSITION
#define POINTERHOLDER_TRANSITION 4  // qpdf 11: std::shared_ptr, no PointerHolder
#endif
#include <fmt/format.h>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/Pl_String.hh>
#include <qpdf/QPDFWriter.hh>

#include "core/diagnostic.hpp"
#include "pipeline/qpdf_lock.hpp"

namespace cartelier::pipeline {

std::string assemble_pdfs(const std::vector<std::string>& files) {
    std::lock_guard<std::mutex> lock(qpdf_mutex());
    std::string current;
    try {
        QPDF series;
        series.emptyPDF();
        QPDFPageDocumentHelper out(series);
        // The sources must live until the series is written: their objects are copied when written.
        std::vector<std::unique_ptr<QPDF>> sources;
        for (const std::string& file : files) {
            current = file;
            auto source = std::make_unique<QPDF>();
            source->setSuppressWarnings(true);
            source->processFile(file.c_str());
            for (QPDFPageObjectHelper& page : QPDFPageDocumentHelper(*source).getAllPages()) out.addPage(page, false);
            if (source->anyWarnings())
                throw Error(SourceLocation{file, 0, 0, {}},
                            fmt::format("cannot assemble the series PDF: qpdf finds this page damaged: {}",
                                        source->getWarnings().front().what()));
            sources.push_back(std::move(source));
        }
        current.clear();
        // Written straight into the string returned (not into qpdf's buffer, then copied: the series
        // twice in memory at the end of a build).
        std::string bytes;
        {
            // About the sum of the pages (no doubling of the string as it grows).
            std::uintmax_t total = 0;
            std::error_code ec;
            for (const std::string& file : files) {
                const std::uintmax_t size = std::filesystem::file_size(file, ec);
                if (!ec) total += size;
            }
            bytes.reserve(static_cast<std::size_t>(total + total / 16 + 4096));
        }
        Pl_String sink("series", nullptr, bytes);
        QPDFWriter writer(series);
        writer.setOutputPipeline(&sink);
        writer.setDeterministicID(true);
        writer.setObjectStreamMode(qpdf_o_generate);
        writer.setCompressStreams(true);
        writer.write();
        return bytes;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(SourceLocation{current, 0, 0, {}}, fmt::format("cannot assemble the series PDF: qpdf: {}", e.what()));
    }
}

}  // namespace cartelier::pipeline
