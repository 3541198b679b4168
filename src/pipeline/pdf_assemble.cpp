#include "pipeline/pdf_assemble.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

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
#include "core/payload_reader.hpp"
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

/// The SHA-256 of bytes given in parts, computed on a thread of its own while the caller goes on (the
/// series is written and its /ID digested meanwhile). At most kQueued parts wait: the caller waits
/// when the hash falls behind, so the memory held does not grow with the file.
class BackgroundSha256 {
public:
    BackgroundSha256() : thread_([this] { run(); }) {}
    ~BackgroundSha256() { stop(); }
    BackgroundSha256(const BackgroundSha256&) = delete;
    BackgroundSha256& operator=(const BackgroundSha256&) = delete;

    void update(std::string bytes) {
        std::unique_lock lock(mutex_);
        room_.wait(lock, [&] { return queue_.size() < kQueued; });
        queue_.push_back(std::move(bytes));
        lock.unlock();
        work_.notify_one();
    }
    /// The hex digest of every part given; no part may be given after.
    std::string hex() {
        stop();
        return sha_.hex();
    }

private:
    // Parts of a MiB: a series whose last pages come from memory (a page edited under `watch`) is
    // written faster than it is hashed; 16 MiB lets its fsync start before its hash has caught up.
    static constexpr std::size_t kQueued = 16;
    void stop() {
        {
            const std::lock_guard lock(mutex_);
            done_ = true;
        }
        work_.notify_one();
        if (thread_.joinable()) thread_.join();
    }
    void run() {
        for (;;) {
            std::string part;
            {
                std::unique_lock lock(mutex_);
                work_.wait(lock, [&] { return done_ || !queue_.empty(); });
                if (queue_.empty()) return;
                part = std::move(queue_.front());
                queue_.pop_front();
            }
            room_.notify_one();
            sha_.update(part);
        }
    }
    Sha256 sha_;
    std::mutex mutex_;
    std::condition_variable work_, room_;
    std::deque<std::string> queue_;
    bool done_ = false;
    std::thread thread_;  // last: started once the rest is made
};

/// The bytes of the series as they are written: to the file, to its SHA-256 (on a thread of its own)
/// and to the digest its /ID is made of, through a buffer.
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
    /// Every byte put so far is on the disk (AtomicFile::sync); returns how many that is.
    std::uint64_t sync() {
        flush();
        file_.sync();
        return written_;
    }
    /// Every byte put is on the disk, under the temporary name; their size and SHA-256.
    AssembledPdf close() {
        flush();
        file_.close();
        return AssembledPdf{written_, sha_.hex()};
    }
    void commit() { file_.commit(); }

private:
    static constexpr std::size_t kBuffer = 1 << 20;
    void flush() {
        if (buffer_.empty()) return;
        file_.write(buffer_.data(), buffer_.size());
        XXH3_128bits_update(id_.get(), buffer_.data(), buffer_.size());
        written_ += buffer_.size();
        sha_.update(std::move(buffer_));
        buffer_ = std::string();
        buffer_.reserve(kBuffer + 4096);
    }
    AtomicFile file_;
    BackgroundSha256 sha_;
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
std::shared_ptr<const PageBlock> parse_block(const SeriesPage& page) {
    // Read whole, then parsed from memory: qpdf reading a file seeks it (a system call) for each object
    // it reads. The caller's bytes when it has them.
    const std::string& file = page.file;
    std::string read;
    try {
        if (!page.bytes) read = read_file(file);
    } catch (const Error&) {
        throw Error(SourceLocation{file, 0, 0, {}},
                    "cannot assemble the series PDF: the page's PDF does not exist or is not readable");
    }
    const std::string& bytes = page.bytes ? *page.bytes : read;
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

/// The first line of a block file: its format and the qpdf that parsed the page. A block is what this
/// code makes of a page file with that qpdf: change SourceCopy, or what a block holds, and the number
/// goes up (the blocks on disk are then parsed again).
std::string block_file_header() { return fmt::format("cartelier page block 2 qpdf {}\n", QPDF::QPDFVersion()); }

template <typename T>
void put_pod(std::string& out, T value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

/// A text as PayloadReader::text reads it; false when it is too long for its u32 length.
bool put_text(std::string& out, const std::string& text) {
    if (text.size() > UINT32_MAX) return false;
    put_pod<std::uint32_t>(out, static_cast<std::uint32_t>(text.size()));
    out += text;
    return true;
}

/// The block file of `block` (key `key`): the header, the key, the block, then the XXH3-64 of all
/// before; empty when an object is too large for the format (over 4 GB): that page is parsed each time.
std::string block_file_bytes(const std::string& key, const PageBlock& block) {
    std::string out = block_file_header();
    out.reserve(out.size() + block.bytes + 4096);
    out += key;
    put_pod<std::uint32_t>(out, static_cast<std::uint32_t>(block.version.first));
    put_pod<std::uint32_t>(out, static_cast<std::uint32_t>(block.version.second));
    put_pod<std::uint64_t>(out, block.bytes);
    put_pod<std::uint64_t>(out, block.pages.size());
    for (std::uint32_t page : block.pages) put_pod(out, page);
    put_pod<std::uint32_t>(out, static_cast<std::uint32_t>(block.objects.size()));
    for (const PageBlock::Object& o : block.objects) {
        put_pod<std::uint8_t>(out, o.is_stream ? 1 : 0);
        if (!put_text(out, o.text)) return {};
        put_pod<std::uint32_t>(out, static_cast<std::uint32_t>(o.refs.size()));
        for (const auto& [at, number] : o.refs) {
            put_pod(out, at);
            put_pod(out, number);
        }
        if (!put_text(out, o.stream)) return {};
    }
    put_pod<std::uint64_t>(out, XXH3_64bits(out.data(), out.size()));
    return out;
}

/// The block kept in `folder` for `key`; null when there is none, or it is cut short, altered, of
/// another format or another qpdf, or for another key.
std::shared_ptr<const PageBlock> read_block_file(const std::filesystem::path& folder, const std::string& key) {
    std::string bytes;
    try {
        bytes = read_file((folder / (key + ".block")).string());
    } catch (const Error&) {
        return nullptr;
    }
    const std::string header = block_file_header();
    if (bytes.size() < header.size() + key.size() + sizeof(std::uint64_t) ||
        bytes.compare(0, header.size(), header) != 0 || bytes.compare(header.size(), key.size(), key) != 0)
        return nullptr;
    const std::size_t body = bytes.size() - sizeof(std::uint64_t);
    std::uint64_t check = 0;
    std::memcpy(&check, bytes.data() + body, sizeof check);
    if (check != XXH3_64bits(bytes.data(), body)) return nullptr;
    const std::size_t start = header.size() + key.size();
    PayloadReader in(bytes.data() + start, body - start);
    auto block = std::make_shared<PageBlock>();
    std::uint32_t major = 0, minor = 0, objects = 0;
    std::uint64_t held = 0;
    if (!in.pod(major) || !in.pod(minor) || !in.pod(held) || !in.array(block->pages) || !in.pod(objects))
        return nullptr;
    block->version = {static_cast<int>(major), static_cast<int>(minor)};
    block->bytes = held;
    for (std::uint32_t k = 0; k < objects; ++k) {
        PageBlock::Object& o = block->objects.emplace_back();
        std::uint8_t stream = 0;
        std::uint32_t refs = 0;
        if (!in.pod(stream) || !in.text(o.text) || !in.pod(refs)) return nullptr;
        o.is_stream = stream != 0;
        std::uint32_t previous = 0;  // the references in the order of their places in the text
        for (std::uint32_t r = 0; r < refs; ++r) {
            auto& [at, number] = o.refs.emplace_back();
            if (!in.pod(at) || !in.pod(number) || at < previous || at > o.text.size() || number >= objects)
                return nullptr;
            previous = at;
        }
        if (!in.text(o.stream)) return nullptr;
    }
    for (std::uint32_t page : block->pages)
        if (page >= objects) return nullptr;
    return in.done() ? block : nullptr;
}

/// Keeps `block` in `folder` as KEY.block; a file that cannot be written is only a block parsed again.
void write_block_file(const std::filesystem::path& folder, const std::string& key, const PageBlock& block) {
    try {
        create_folder(folder);
        const std::string bytes = block_file_bytes(key, block);
        if (!bytes.empty()) write_atomically(folder / (key + ".block"), bytes, Durability::Unsynced);
    } catch (const std::exception&) {
    }
}

/// Removes from `folder` the block files of keys other than `keys`.
void remove_other_block_files(const std::filesystem::path& folder, const std::vector<std::string>& keys) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
        const std::filesystem::path& path = entry.path();
        if (path.extension() != ".block") continue;
        if (std::find(keys.begin(), keys.end(), path.stem().string()) != keys.end()) continue;
        std::error_code e2;
        std::filesystem::remove(path, e2);
    }
}

}  // namespace

struct PageBlockCache::Series {
    std::map<std::string, std::shared_ptr<const PageBlock>> blocks;  ///< by key
    std::size_t bytes = 0;
};

PageBlockCache::PageBlockCache(std::size_t budget_bytes) : budget_(budget_bytes) {}
PageBlockCache::~PageBlockCache() { release_replaced(); }

void PageBlockCache::hold_replaced(int fd) {
    std::lock_guard lock(mutex_);
    replaced_.push_back(fd);
}

void PageBlockCache::release_replaced() {
    std::vector<int> fds;
    {
        std::lock_guard lock(mutex_);
        fds.swap(replaced_);
    }
    for (int fd : fds) ::close(fd);
}

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

struct SeriesAssembly::State {
    State(std::filesystem::path t, PageBlockCache* m, std::filesystem::path f)
        : target(std::move(t)), memory(m), folder(std::move(f)), out(target) {}
    std::filesystem::path target;
    PageBlockCache* memory;
    std::filesystem::path folder;
    SeriesOutput out;
    std::vector<std::uint64_t> offsets = std::vector<std::uint64_t>(3, 0);  // by object number; 0 is the free list's head
    std::vector<std::uint64_t> kids;
    std::optional<std::pair<int, int>> header;  // the first page's version, written before its objects
    std::pair<int, int> version{1, 4};
    std::map<std::string, std::shared_ptr<const PageBlock>> used;  // what the cache keeps of this series
    std::vector<std::string> keys;                                 // the keys of the blocks of this series
    std::optional<AssembledPdf> written;                           // finish()'s
    std::uint64_t synced = 0;                                      // the bytes on the disk (sync())
};


namespace {

bool is_block_key(const std::string& key) {
    return key.size() == 64 && std::all_of(key.begin(), key.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

}  // namespace

SeriesAssembly::SeriesAssembly(std::filesystem::path target, PageBlockCache* memory, std::filesystem::path folder)
    : state_(std::make_unique<State>(std::move(target), memory, std::move(folder))) {}

SeriesAssembly::~SeriesAssembly() = default;

void SeriesAssembly::add(const SeriesPage& page) {
    State& s = *state_;
    try {
        const bool keyed = is_block_key(page.key);
        std::shared_ptr<const PageBlock> block = keyed && s.memory ? s.memory->find(s.target.string(), page.key) : nullptr;
        if (!block && keyed && !s.folder.empty()) block = read_block_file(s.folder, page.key);
        if (!block) {
            {
                std::lock_guard<std::mutex> lock(qpdf_mutex());
                block = parse_block(page);
            }
            if (keyed && !s.folder.empty()) write_block_file(s.folder, page.key, *block);
        }
        if (keyed) {
            if (s.memory) s.used.emplace(page.key, block);
            s.keys.push_back(page.key);
        }
        s.version = std::max(s.version, block->version);
        if (!s.header) {
            s.header = s.version;
            s.out.put(fmt::format("%PDF-{}.{}\n", s.header->first, s.header->second));
            s.out.put("%\xbf\xf7\xa2\xfe\n");  // binary bytes: the file is not text
        }
        write_block(s.out, s.offsets, s.kids, *block);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(SourceLocation{page.file, 0, 0, {}}, fmt::format("cannot assemble the series PDF: qpdf: {}", e.what()));
    }
}

void SeriesAssembly::sync(std::uint64_t at_least) {
    State& s = *state_;
    if (s.out.offset() - s.synced < at_least) return;
    s.synced = s.out.sync();
}

void SeriesAssembly::finish() {
    State& s = *state_;
    const std::string target = s.target.string();
    if (s.kids.empty()) throw Error(SourceLocation{target, 0, 0, {}}, "cannot assemble the series PDF: its files have no page");
    SeriesOutput& out = s.out;
    s.offsets[kPages] = out.offset();
    std::string tree = fmt::format("{} 0 obj\n<< /Count {} /Kids [", kPages, s.kids.size());
    for (std::size_t i = 0; i < s.kids.size(); ++i) tree += fmt::format(i ? " {} 0 R" : "{} 0 R", s.kids[i]);
    tree += "] /Type /Pages >>\nendobj\n";
    out.put(tree);
    // The catalog, last: a page of a later version than the first (the header's) raises the file's
    // by the catalog's /Version (PDF 1.4).
    s.offsets[kCatalog] = out.offset();
    out.put(fmt::format("{} 0 obj\n<< /Pages {} 0 R /Type /Catalog{} >>\nendobj\n", kCatalog, kPages,
                        s.version > *s.header ? fmt::format(" /Version /{}.{}", s.version.first, s.version.second) : ""));

    const std::string id = out.digest();
    const std::uint64_t xref = out.offset();
    if (xref > 9'999'999'999ull)  // a classic cross-reference table has 10 digits an offset
        throw Error(SourceLocation{target, 0, 0, {}},
                    "cannot assemble the series PDF: it would be larger than 10 GB; split the atlas (a filter)");
    std::string table = fmt::format("xref\n0 {}\n0000000000 65535 f \n", s.offsets.size());
    table.reserve(table.size() + 20 * s.offsets.size() + 256);
    for (std::size_t n = 1; n < s.offsets.size(); ++n) table += fmt::format("{:010d} 00000 n \n", s.offsets[n]);
    table += fmt::format("trailer\n<< /ID [<{0}><{0}>] /Root {1} 0 R /Size {2} >>\nstartxref\n{3}\n%%EOF\n", id,
                         kCatalog, s.offsets.size(), xref);
    out.put(table);
    s.written = out.close();
}

AssembledPdf SeriesAssembly::commit() {
    State& s = *state_;
    if (!s.written) throw Error(SourceLocation{s.target.string(), 0, 0, {}}, "the series PDF is committed before it is finished");
    // The file replaced, held open by a process that stays up (see PageBlockCache::hold_replaced).
    int replaced = s.memory ? ::open(s.target.c_str(), O_RDONLY | O_CLOEXEC) : -1;
    try {
        s.out.commit();
    } catch (...) {
        if (replaced >= 0) ::close(replaced);
        throw;
    }
    if (replaced >= 0) s.memory->hold_replaced(replaced);
    if (s.memory) s.memory->keep(s.target.string(), std::move(s.used));
    if (!s.folder.empty()) remove_other_block_files(s.folder, s.keys);
    return *s.written;
}

AssembledPdf assemble_pdfs(const std::vector<std::string>& files, const std::filesystem::path& target,
                           const KeptPageBlocks& kept) {
    if (files.empty()) throw Error(SourceLocation{target.string(), 0, 0, {}}, "cannot assemble the series PDF: no page");
    const bool keyed = kept.keys.size() == files.size();
    SeriesAssembly series(target, keyed ? kept.memory : nullptr, keyed ? kept.folder : std::filesystem::path());
    for (std::size_t i = 0; i < files.size(); ++i) series.add(SeriesPage{files[i], keyed ? kept.keys[i] : std::string(), nullptr});
    series.finish();
    return series.commit();
}

}  // namespace cartelier::pipeline
