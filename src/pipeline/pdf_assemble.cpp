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
#include "core/file_io.hpp"
#include "core/xxh3_state.hpp"
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
    Xxh3State id_ = new_xxh3_state();
    std::string buffer_;
    std::uint64_t written_ = 0;
};

/// One page file's objects as the series writes them (PageBlock), each object reached from its pages
/// numbered from 0 in the order it is first met, which is the order they are written in: object k of
/// the block becomes object base + k of the series, wherever the block lands in it.
class SourceCopy {
public:
    SourceCopy(PageBlock& block, const std::string& file) : block_(block), file_(file) {}

    /// Adds `page` and everything it uses; returns its number in the block.
    std::uint32_t page(QPDFObjectHandle page) {
        const std::uint32_t number = number_of(page);
        while (!pending_.empty()) {
            QPDFObjectHandle next = pending_.front();
            pending_.pop_front();
            add_object(next);
        }
        return number;
    }

private:
    std::uint32_t number_of(QPDFObjectHandle& object) {
        auto [it, fresh] = numbers_.try_emplace(object.getObjGen(), next_);
        if (fresh) {
            ++next_;
            pending_.push_back(object);
        }
        return it->second;
    }

    void add_object(QPDFObjectHandle& object) {
        object_ = &block_.objects.emplace_back();
        if (object.isStream()) {
            const std::shared_ptr<Buffer> data = object.getRawStreamData();  // as stored: still compressed
            QPDFObjectHandle dict = object.getDict();
            append_dictionary(dict, false, data->getSize());
            object_->stream.assign(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
            object_->is_stream = true;
        } else {
            append(object, true);
        }
        block_.bytes += object_->text.size() + object_->stream.size() + 16 * object_->refs.size() + 64;
    }

    void append(QPDFObjectHandle& object, bool top) {
        std::string& text = object_->text;
        if (!top && object.isIndirect()) {
            // A reference to the file's own page tree (other than a page's /Parent, replaced below) is one
            // to the series'.
            if (object.isPagesObject()) {
                text += fmt::format("{} 0 R", kPages);
                return;
            }
            object_->refs.emplace_back(static_cast<std::uint32_t>(text.size()), number_of(object));
            return;
        }
        switch (object.getTypeCode()) {
            case ::ot_null:
                text += "null";
                return;
            case ::ot_boolean:
            case ::ot_integer:
            case ::ot_real:
            case ::ot_string:
            case ::ot_name:
                text += object.unparse();
                return;
            case ::ot_array: {
                text += '[';
                bool first = true;
                for (QPDFObjectHandle item : object.getArrayAsVector()) {
                    if (!first) object_->text += ' ';
                    first = false;
                    append(item, false);
                }
                object_->text += ']';
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
        object_->text += "<<";
        for (const std::string& key : dict.getKeys()) {
            object_->text += ' ';
            object_->text += QPDFObjectHandle::newName(key).unparse();
            object_->text += ' ';
            if (page && key == "/Parent") {
                object_->text += fmt::format("{} 0 R", kPages);
            } else if (stream_length && key == "/Length") {
                object_->text += fmt::format("{}", *stream_length);
            } else {
                QPDFObjectHandle value = dict.getKey(key);
                append(value, false);
            }
        }
        if (stream_length && !dict.hasKey("/Length")) object_->text += fmt::format(" /Length {}", *stream_length);
        object_->text += " >>";
    }

    PageBlock& block_;
    const std::string& file_;
    PageBlock::Object* object_ = nullptr;  ///< the object being added (its text grows)
    std::map<QPDFObjGen, std::uint32_t> numbers_;
    std::uint32_t next_ = 0;
    std::deque<QPDFObjectHandle> pending_;
};

/// The block of page file `file`, parsed by qpdf (the caller holds qpdf's lock).
std::shared_ptr<const PageBlock> parse_block(const std::string& file) {
    // Read whole, then parsed from memory: qpdf reading a file seeks it (a system call) for each object
    // it reads.
    std::string bytes;
    try {
        bytes = read_file(file);
    } catch (const Error&) {
        throw Error(SourceLocation{file, 0, 0, {}},
                    "cannot assemble the series PDF: the page's PDF does not exist or is not readable");
    }
    auto block = std::make_shared<PageBlock>();
    QPDF source;
    source.setSuppressWarnings(true);
    source.processMemoryFile(file.c_str(), bytes.data(), bytes.size());
    if (source.isEncrypted())
        throw Error(SourceLocation{file, 0, 0, {}}, "cannot assemble the series PDF: the page's PDF is encrypted");
    block->version = version_of(source.getPDFVersion());
    QPDFPageDocumentHelper document(source);
    document.pushInheritedAttributesToPage();  // /Resources, /MediaBox… of its page tree, on each page
    SourceCopy copy(*block, file);
    for (QPDFPageObjectHelper& page : document.getAllPages()) block->pages.push_back(copy.page(page.getObjectHandle()));
    if (source.anyWarnings())
        throw Error(SourceLocation{file, 0, 0, {}},
                    fmt::format("cannot assemble the series PDF: qpdf finds this page damaged: {}",
                                source.getWarnings().front().what()));
    return block;
}

/// Writes `block` into the series from object number offsets.size(); appends its objects' offsets and
/// its pages' numbers.
void write_block(SeriesOutput& out, std::vector<std::uint64_t>& offsets, std::vector<std::uint64_t>& kids,
                 const PageBlock& block) {
    const std::uint64_t base = offsets.size();
    std::string text;
    for (std::size_t k = 0; k < block.objects.size(); ++k) {
        const PageBlock::Object& o = block.objects[k];
        offsets.push_back(out.offset());
        text = fmt::format("{} 0 obj\n", base + k);
        std::size_t at = 0;
        for (const auto& [position, number] : o.refs) {
            text.append(o.text, at, position - at);
            fmt::format_to(std::back_inserter(text), "{} 0 R", base + number);
            at = position;
        }
        text.append(o.text, at, std::string::npos);
        if (o.is_stream) {
            text += "\nstream\n";
            out.put(text);
            out.put(o.stream);
            out.put("\nendstream\nendobj\n");
        } else {
            text += "\nendobj\n";
            out.put(text);
        }
    }
    for (std::uint32_t page : block.pages) kids.push_back(base + page);
}

}  // namespace

struct PageBlockCache::Series {
    std::map<std::string, std::shared_ptr<const PageBlock>> blocks;  ///< by key
    std::size_t bytes = 0;
};

PageBlockCache::PageBlockCache(std::size_t budget_bytes) : budget_(budget_bytes) {}
PageBlockCache::~PageBlockCache() = default;

std::shared_ptr<const PageBlock> PageBlockCache::find(const std::string& series, const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto s = series_.find(series);
    if (s == series_.end()) return nullptr;
    auto b = s->second.blocks.find(key);
    return b == s->second.blocks.end() ? nullptr : b->second;
}

void PageBlockCache::keep(const std::string& series, std::map<std::string, std::shared_ptr<const PageBlock>> blocks) {
    std::lock_guard lock(mutex_);
    Series& kept = series_[series];
    bytes_ -= kept.bytes;
    kept = Series{};
    for (auto& [key, block] : blocks) {
        if (bytes_ + kept.bytes + block->bytes > budget_) continue;  // over budget: parsed again next time
        kept.bytes += block->bytes;
        kept.blocks.emplace(key, std::move(block));
    }
    bytes_ += kept.bytes;
}

std::size_t PageBlockCache::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}

AssembledPdf assemble_pdfs(const std::vector<std::string>& files, const std::filesystem::path& target,
                           PageBlockCache* cache, const std::vector<std::string>& keys) {
    if (files.empty()) throw Error(SourceLocation{target.string(), 0, 0, {}}, "cannot assemble the series PDF: no page");
    if (cache && keys.size() != files.size()) cache = nullptr;
    std::lock_guard<std::mutex> lock(qpdf_mutex());
    std::string current;
    try {
        SeriesOutput out(target);
        std::vector<std::uint64_t> offsets(3, 0);  // by object number; 0 is the free list's head
        std::vector<std::uint64_t> kids;
        std::optional<std::pair<int, int>> header;  // the first page's version, written before its objects
        std::pair<int, int> version{1, 4};
        std::map<std::string, std::shared_ptr<const PageBlock>> used;  // what the cache keeps of this series
        for (std::size_t i = 0; i < files.size(); ++i) {
            const std::string& file = files[i];
            current = file;
            std::shared_ptr<const PageBlock> block = cache ? cache->find(target.string(), keys[i]) : nullptr;
            if (!block) block = parse_block(file);
            if (cache) used.emplace(keys[i], block);
            version = std::max(version, block->version);
            if (!header) {
                header = version;
                out.put(fmt::format("%PDF-{}.{}\n", header->first, header->second));
                out.put("%\xbf\xf7\xa2\xfe\n");  // binary bytes: the file is not text
            }
            write_block(out, offsets, kids, *block);
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
        AssembledPdf written = out.commit();
        if (cache) cache->keep(target.string(), std::move(used));
        return written;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(SourceLocation{current.empty() ? target.string() : current, 0, 0, {}},
                    fmt::format("cannot assemble the series PDF: qpdf: {}", e.what()));
    }
}

}  // namespace cartelier::pipeline
