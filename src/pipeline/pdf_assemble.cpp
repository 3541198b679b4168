#include "pipeline/pdf_assemble.hpp"

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <cstdio>
#include <string_view>

#ifndef POINTERHOLDER_TRANSITION
#define POINTERHOLDER_TRANSITION 4  // qpdf 11: std::shared_ptr, no PointerHolder
#endif
#include <fmt/format.h>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <xxhash.h>

#include "core/diagnostic.hpp"
#include "pipeline/sha256.hpp"
#include "pipeline/output.hpp"
#include "pipeline/qpdf_lock.hpp"

namespace cartelier::pipeline {

namespace {

/// The series' fixed objects: its catalog and its page tree (written last, when its pages are known).
constexpr int kCatalog = 1;
constexpr int kPages = 2;

/// A PDF version as qpdf reads it ("1.5") → {1, 5}; {1, 4} when it cannot be read.
std::pair<int, int> version_of(const std::string& text) {
    int major = 0, minor = 0;
    if (std::sscanf(text.c_str(), "%d.%d", &major, &minor) != 2) return {1, 4};
    return {major, minor};
}

/// The bytes of the series as they are written: to the file, to its SHA-256 and to the digest its /ID
/// is made of, through a buffer.
class SeriesOutput {
public:
    explicit SeriesOutput(const std::filesystem::path& target) : file_(target) {
        XXH3_128bits_reset(id_.get());
        buffer_.reserve(kBuffer + 4096);
    }

    void put(std::string_view bytes) {
        buffer_.append(bytes);
        if (buffer_.size() >= kBuffer) flush();
    }
    std::uint64_t offset() const { return written_ + buffer_.size(); }
    /// The XXH3-128 digest of every byte put so far, 32 hexadecimal digits.
    std::string digest() {
        flush();
        const XXH128_hash_t h = XXH3_128bits_digest(id_.get());
        return fmt::format("{:016x}{:016x}", h.high64, h.low64);
    }
    AssembledPdf commit() {
        flush();
        file_.commit();
        return AssembledPdf{written_, sha_.hex()};
    }

private:
    static constexpr std::size_t kBuffer = 1 << 20;
    struct FreeState {
        void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
    };
    void flush() {
        if (buffer_.empty()) return;
        file_.write(buffer_.data(), buffer_.size());
        sha_.update(buffer_);
        XXH3_128bits_update(id_.get(), buffer_.data(), buffer_.size());
        written_ += buffer_.size();
        buffer_.clear();
    }
    AtomicFile file_;
    Sha256 sha_;
    std::unique_ptr<XXH3_state_t, FreeState> id_{XXH3_createState()};
    std::string buffer_;
    std::uint64_t written_ = 0;
};

/// One page file's objects written into the series: each object reached from its pages gets the next
/// number of the series the first time it is met, and is written once.
class SourceCopy {
public:
    SourceCopy(SeriesOutput& out, std::vector<std::uint64_t>& offsets, const std::string& file)
        : out_(out), offsets_(offsets), file_(file) {}

    /// Writes `page` and everything it uses; returns its number in the series.
    int page(QPDFObjectHandle page) {
        const int number = number_of(page);
        while (!pending_.empty()) {
            QPDFObjectHandle next = pending_.front();
            pending_.pop_front();
            write_object(next);
        }
        return number;
    }

private:
    int number_of(QPDFObjectHandle& object) {
        auto [it, fresh] = numbers_.try_emplace(object.getObjGen(), 0);
        if (fresh) {
            offsets_.push_back(0);
            it->second = static_cast<int>(offsets_.size()) - 1;
            pending_.push_back(object);
        }
        return it->second;
    }

    void write_object(QPDFObjectHandle& object) {
        const int number = numbers_.at(object.getObjGen());
        offsets_[static_cast<std::size_t>(number)] = out_.offset();
        text_ = fmt::format("{} 0 obj\n", number);
        if (object.isStream()) {
            const std::shared_ptr<Buffer> data = object.getRawStreamData();  // as stored: still compressed
            QPDFObjectHandle dict = object.getDict();
            append_dictionary(dict, false, data->getSize());
            text_ += "\nstream\n";
            out_.put(text_);
            out_.put(std::string_view(reinterpret_cast<const char*>(data->getBuffer()), data->getSize()));
            out_.put("\nendstream\nendobj\n");
            return;
        }
        append(object, true);
        text_ += "\nendobj\n";
        out_.put(text_);
    }

    void append(QPDFObjectHandle& object, bool top) {
        if (!top && object.isIndirect()) {
            // A reference to the file's own page tree (other than a page's /Parent, replaced below) is one
            // to the series'.
            if (object.isPagesObject()) {
                text_ += fmt::format("{} 0 R", kPages);
                return;
            }
            text_ += fmt::format("{} 0 R", number_of(object));
            return;
        }
        switch (object.getTypeCode()) {
            case ::ot_null:
                text_ += "null";
                return;
            case ::ot_boolean:
            case ::ot_integer:
            case ::ot_real:
            case ::ot_string:
            case ::ot_name:
                text_ += object.unparse();
                return;
            case ::ot_array: {
                text_ += '[';
                bool first = true;
                for (QPDFObjectHandle item : object.getArrayAsVector()) {
                    if (!first) text_ += ' ';
                    first = false;
                    append(item, false);
                }
                text_ += ']';
                return;
            }
            case ::ot_dictionary:
                append_dictionary(object, object.isPageObject(), std::nullopt);
                return;
            default:
                throw Error(SourceLocation{file_, 0, 0, {}},
                            fmt::format("cannot assemble the series PDF: object {} is a {}, which cannot be copied",
                                        object.getObjGen().unparse(' '), object.getTypeName()));
        }
    }

    /// `page`: its /Parent becomes the series' page tree. `stream_length`: for a stream's dictionary, its
    /// /Length (the data as stored), written directly.
    void append_dictionary(QPDFObjectHandle& dict, bool page, std::optional<std::size_t> stream_length) {
        text_ += "<<";
        for (const std::string& key : dict.getKeys()) {
            text_ += ' ';
            text_ += QPDFObjectHandle::newName(key).unparse();
            text_ += ' ';
            if (page && key == "/Parent") {
                text_ += fmt::format("{} 0 R", kPages);
            } else if (stream_length && key == "/Length") {
                text_ += fmt::format("{}", *stream_length);
            } else {
                QPDFObjectHandle value = dict.getKey(key);
                append(value, false);
            }
        }
        if (stream_length && !dict.hasKey("/Length")) text_ += fmt::format(" /Length {}", *stream_length);
        text_ += " >>";
    }

    SeriesOutput& out_;
    std::vector<std::uint64_t>& offsets_;
    const std::string& file_;
    std::map<QPDFObjGen, int> numbers_;
    std::deque<QPDFObjectHandle> pending_;
    std::string text_;
};

}  // namespace

AssembledPdf assemble_pdfs(const std::vector<std::string>& files, const std::filesystem::path& target) {
    if (files.empty()) throw Error(SourceLocation{target.string(), 0, 0, {}}, "cannot assemble the series PDF: no page");
    std::lock_guard<std::mutex> lock(qpdf_mutex());
    std::string current;
    try {
        SeriesOutput out(target);
        std::vector<std::uint64_t> offsets(3, 0);  // by object number; 0 is the free list's head
        std::vector<int> kids;
        std::optional<std::pair<int, int>> header;  // the first page's version, written before its objects
        std::pair<int, int> version{1, 4};
        for (const std::string& file : files) {
            current = file;
            QPDF source;
            source.setSuppressWarnings(true);
            source.processFile(file.c_str());
            if (source.isEncrypted())
                throw Error(SourceLocation{file, 0, 0, {}},
                            "cannot assemble the series PDF: the page's PDF is encrypted");
            version = std::max(version, version_of(source.getPDFVersion()));
            if (!header) {
                header = version;
                out.put(fmt::format("%PDF-{}.{}\n", header->first, header->second));
                out.put("%\xbf\xf7\xa2\xfe\n");  // binary bytes: the file is not text
            }
            QPDFPageDocumentHelper document(source);
            document.pushInheritedAttributesToPage();  // /Resources, /MediaBox… of its page tree, on each page
            SourceCopy copy(out, offsets, file);
            for (QPDFPageObjectHelper& page : document.getAllPages()) kids.push_back(copy.page(page.getObjectHandle()));
            if (source.anyWarnings())
                throw Error(SourceLocation{file, 0, 0, {}},
                            fmt::format("cannot assemble the series PDF: qpdf finds this page damaged: {}",
                                        source.getWarnings().front().what()));
        }
        current.clear();
        if (kids.empty()) throw Error(SourceLocation{target.string(), 0, 0, {}}, "cannot assemble the series PDF: its files have no page");
        offsets[kPages] = out.offset();
        std::string tree = fmt::format("{} 0 obj\n<< /Count {} /Kids [", kPages, kids.size());
        for (std::size_t i = 0; i < kids.size(); ++i) tree += fmt::format(i ? " {} 0 R" : "{} 0 R", kids[i]);
        tree += "] /Type /Pages >>\nendobj\n";
        out.put(tree);
        // The catalog, last: a page of a later version than the first (the header's) raises the file's
        // by the catalog's /Version (PDF 1.4).
        offsets[kCatalog] = out.offset();
        out.put(fmt::format("{} 0 obj\n<< /Pages {} 0 R /Type /Catalog{} >>\nendobj\n", kCatalog, kPages,
                            version > *header ? fmt::format(" /Version /{}.{}", version.first, version.second) : ""));

        const std::string id = out.digest();
        const std::uint64_t xref = out.offset();
        if (xref > 9'999'999'999ull)  // a classic cross-reference table has 10 digits an offset
            throw Error(SourceLocation{target.string(), 0, 0, {}},
                        "cannot assemble the series PDF: it would be larger than 10 GB; split the atlas (a filter)");
        std::string table = fmt::format("xref\n0 {}\n0000000000 65535 f \n", offsets.size());
        table.reserve(table.size() + 20 * offsets.size() + 256);
        for (std::size_t n = 1; n < offsets.size(); ++n) table += fmt::format("{:010d} 00000 n \n", offsets[n]);
        table += fmt::format("trailer\n<< /ID [<{0}><{0}>] /Root {1} 0 R /Size {2} >>\nstartxref\n{3}\n%%EOF\n", id,
                             kCatalog, offsets.size(), xref);
        out.put(table);
        return out.commit();
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(SourceLocation{current.empty() ? target.string() : current, 0, 0, {}},
                    fmt::format("cannot assemble the series PDF: qpdf: {}", e.what()));
    }
}

}  // namespace cartelier::pipeline
