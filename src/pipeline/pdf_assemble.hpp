// The series PDF of an atlas: the pages' PDFs (as the build wrote them) joined into one document, in
// page order, without drawing anything again. qpdf parses each page's file; its objects are written
// out at once, renumbered, and the file is closed before the next one is opened: a series of any
// length holds one page's objects in memory and one page's file open (qpdf's own writer keeps every
// source open and every object in memory until the end). One thread at a time (pipeline/qpdf_lock.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace cartelier::pipeline {

/// The series as written: its size in bytes and its SHA-256 (64 hexadecimal digits).
struct AssembledPdf {
    std::uintmax_t bytes = 0;
    std::string sha256;
};

/// One page file's objects as the series writes them, renumbered from 0 (object k of the block becomes
/// object base + k of the series, where base is the next free number when the block is written): each
/// object's text with the places of its references to the block's other objects, and a stream's data
/// as stored. Made by qpdf from the file; written without it.
struct PageBlock {
    struct Object {
        std::string text;    ///< the object (a stream's dictionary) without its references' numbers
        std::vector<std::pair<std::uint32_t, std::uint32_t>> refs;  ///< (offset in text, object of the block)
        bool is_stream = false;
        std::string stream;  ///< a stream's data, as stored (still compressed)
    };
    std::pair<int, int> version{1, 4};  ///< the file's PDF version
    std::vector<Object> objects;
    std::vector<std::uint32_t> pages;   ///< the block's pages, in order
    std::size_t bytes = 0;              ///< about what it holds in memory
};

/// What assemble_pdfs keeps of each series' pages between the assemblies of a process that stays up
/// (`cartelier watch`): each page's block by the caller's key (the SHA-256 of the page's file), so that
/// a series one page of which changed parses that page alone. Holds the blocks of the last assembly
/// of each series, up to `budget_bytes` in all (a page beyond it is parsed again next time). The
/// series written is the same, byte for byte, with or without it. Thread-safe.
class PageBlockCache {
public:
    explicit PageBlockCache(std::size_t budget_bytes = std::size_t{256} << 20);
    ~PageBlockCache();
    PageBlockCache(const PageBlockCache&) = delete;
    PageBlockCache& operator=(const PageBlockCache&) = delete;
    /// The block kept for `key` in series `series` (its target path); null when none.
    std::shared_ptr<const PageBlock> find(const std::string& series, const std::string& key) const;
    /// Keeps `blocks` (by key) as series `series`'s, instead of what it kept of it before.
    void keep(const std::string& series, std::map<std::string, std::shared_ptr<const PageBlock>> blocks);
    /// What the blocks kept hold, about.
    std::size_t bytes() const;
    /// Holds `fd`, a series file that a commit replaced, open until release_replaced() (or the cache's
    /// end): the file system frees a large file's blocks when its last name and descriptor are gone,
    /// which made the rename of a new series over it wait (a few milliseconds for 16 MB); a process that
    /// stays up frees them once it has answered.
    void hold_replaced(int fd);
    /// Closes the files hold_replaced() holds.
    void release_replaced();

private:
    struct Series;
    std::size_t budget_;
    mutable std::mutex mutex_;
    std::map<std::string, Series> series_;
    std::size_t bytes_ = 0;
    std::vector<int> replaced_;  ///< hold_replaced()'s; guarded by mutex_
};

/// What assemble_pdfs may take a page file's block from instead of parsing the file, and keeps the
/// blocks in. With no keys, every file is parsed and nothing is kept.
struct KeptPageBlocks {
    /// Per file: what identifies its content (its SHA-256, 64 hexadecimal digits; another text: that
    /// file is parsed and its block not kept, as SeriesPage::key).
    std::vector<std::string> keys;
    /// The blocks kept by a process that stays up (`cartelier watch`); none when null.
    PageBlockCache* memory = nullptr;
    /// The blocks kept on disk between builds, a file per key (KEY.block), written unsynced; none when
    /// empty. A block file is read only when whole and of this format and qpdf (a digest of its bytes,
    /// a header naming both); otherwise the page's file is parsed and the block written again. After an
    /// assembly the folder holds this series' blocks only.
    std::filesystem::path folder;
};

/// A page file of a series: its path, and what identifies its content (its SHA-256, 64 hexadecimal
/// digits) for the blocks kept; another key (empty, "unknown") is none: the file is parsed, its block not
/// kept.
struct SeriesPage {
    std::string file;
    std::string key;
    /// The file's bytes, when the caller holds them (a page just drawn, its file still being written):
    /// parsed from memory, the file not read. Null: the file is read.
    std::shared_ptr<const std::string> bytes;
};

/// A series PDF written a page file at a time (what assemble_pdfs does), for a caller that has the
/// files one by one — a build hands each page over as soon as it is drawn, while the next is — and
/// decides only at the end whether the series is wanted: finish() leaves it whole on the disk under a
/// temporary name, commit() puts it in place. Destroyed before commit(), it leaves `target` as it was
/// and no temporary file. Parses with qpdf under the process's qpdf lock (pipeline/qpdf_lock.hpp), taken
/// for each file alone. Throws Error as assemble_pdfs. One thread at a time.
class SeriesAssembly {
public:
    /// `memory`, `folder`: the blocks kept, as KeptPageBlocks says (none: null, empty).
    SeriesAssembly(std::filesystem::path target, PageBlockCache* memory = nullptr, std::filesystem::path folder = {});
    ~SeriesAssembly();
    SeriesAssembly(const SeriesAssembly&) = delete;
    SeriesAssembly& operator=(const SeriesAssembly&) = delete;
    /// Writes `page`'s pages, after those of the files added before.
    void add(const SeriesPage& page);
    /// Puts what was added so far on the disk, if it is `at_least` bytes more than the last time, so
    /// that finish() then waits for what is added after only. For a caller about to wait for its next
    /// page (write_series_ahead: a page being drawn), the time it would wait anyway.
    void sync(std::uint64_t at_least);
    /// Writes the page tree, the catalog and the cross-reference table; the file is on the disk (fsync).
    void finish();
    /// After finish(): renames the series into place; `memory` then keeps this series' blocks, and
    /// `folder` holds those alone. With `memory`, the file it replaced is held open there
    /// (PageBlockCache::hold_replaced).
    AssembledPdf commit();

private:
    struct State;
    std::unique_ptr<State> state_;
};

/// Writes to `target`, atomically (pipeline/output.hpp), one PDF holding the pages of `files` in order
/// (each file's every page, with what they use: content, fonts, images), and nothing else of those
/// files (their catalogs, outlines and metadata are left out). Its version is the highest of the
/// files' (the first file's in the header, a higher one in the catalog's /Version). Each object is
/// written as qpdf parsed it, streams with their data as stored (not decoded again); a page's /Parent
/// is the series' page tree. Its /ID is twice the XXH3-128 digest of every byte before the
/// cross-reference table: the same files give the same bytes, other pages another /ID. Throws Error
/// naming the file that cannot be read, that qpdf finds damaged or that is encrypted; `target` is then
/// left as it was. A file whose block `kept` holds (in memory, else on disk) is not read: its block is
/// written as kept, and the series is the same, byte for byte; then `kept` keeps this assembly's
/// blocks. `kept.keys` of another length than `files` is none.
AssembledPdf assemble_pdfs(const std::vector<std::string>& files, const std::filesystem::path& target,
                           const KeptPageBlocks& kept = {});

}  // namespace cartelier::pipeline
