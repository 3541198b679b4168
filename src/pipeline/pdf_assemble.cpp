#include "pipeline/pdf_assemble.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>

#ifndef POINTERHOLDER_TRANSITION
#define POINTERHOLDER_TRANSITION 4  // qpdf 11: std::shared_ptr, no PointerHolder
#endif
#include <fmt/format.h>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/Pl_String.hh>
#include <qpdf/QPDFWriter.hh>
#include <xxhash.h>

#include "core/diagnostic.hpp"
#include "pipeline/qpdf_lock.hpp"

namespace cartelier::pipeline {

namespace {

/// The /ID qpdf writes with setStaticID (its fixed placeholder, both elements).
constexpr std::string_view kStaticId = "/ID [<31415926535897932384626433832795><31415926535897932384626433832795>]";

}  // namespace

std::string assemble_pdfs(const std::vector<std::string>& files) {
    std::lock_guard<std::mutex> lock(qpdf_mutex());
    std::string current;
    try {
        QPDF series;
        series.emptyPDF();
        QPDFPageDocumentHelper out(series);
        // The sources must live until the series is written: their objects are copied when written. (Read
        // from their files as qpdf needs them: the pages' bytes read in memory first would be a little
        // faster, but hold every page beside the series.)
        std::vector<std::unique_ptr<QPDF>> sources;
        std::uintmax_t total = 0;
        for (const std::string& file : files) {
            current = file;
            std::error_code ec;
            const std::uintmax_t size = std::filesystem::file_size(file, ec);
            if (!ec) total += size;
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
        bytes.reserve(static_cast<std::size_t>(total + total / 16 + 4096));  // about the sum of the pages: no doubling as it grows
        Pl_String sink("series", nullptr, bytes);
        QPDFWriter writer(series);
        writer.setOutputPipeline(&sink);
        // qpdf's deterministic /ID is the MD5 of the whole file, slow on a series: the file is written
        // with qpdf's fixed placeholder instead, which is then replaced (same length, so no
        // offset moves) by the XXH3-128 digest of the file as written — the same pages, the same bytes.
        writer.setStaticID(true);
        writer.setObjectStreamMode(qpdf_o_generate);
        writer.setCompressStreams(true);
        writer.write();
        const std::size_t at = bytes.rfind(kStaticId);
        if (at == std::string::npos)
            throw Error(SourceLocation{}, "cannot assemble the series PDF: qpdf wrote no /ID to replace");
        const XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
        const std::string digest = fmt::format("{:016x}{:016x}", hash.high64, hash.low64);  // 32 digits, as the placeholder's
        for (std::size_t element : {at + 6, at + 40}) bytes.replace(element, digest.size(), digest);
        return bytes;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(SourceLocation{current, 0, 0, {}}, fmt::format("cannot assemble the series PDF: qpdf: {}", e.what()));
    }
}

}  // namespace cartelier::pipeline
