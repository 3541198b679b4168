// Content hashes for incremental builds (xxHash XXH3-128: fast, not cryptographic) and SHA-256 for the
// build report (Nettle). A stat-based cache (size, mtime, inode) avoids re-reading an unchanged file,
// within a process and across builds (digest_file); when any of the three differs the file is hashed again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/sha256.hpp"
#include "core/xxh3_state.hpp"

namespace cartelier::pipeline {

/// XXH3-128 of a byte string, as 32 lower-case hex digits.
std::string content_hash(std::string_view bytes);
/// SHA-256 of a byte string, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);

/// What stat() says about a file: enough to tell "certainly unchanged" cheaply.
struct FileStamp {
    std::uintmax_t size = 0;
    std::int64_t mtime_ns = 0;
    std::uint64_t inode = 0;
    bool operator==(const FileStamp&) const = default;
};
/// nullopt when the file does not exist (or is not a regular file).
std::optional<FileStamp> stat_file(const std::filesystem::path& path);

/// One file's content digest (XXH3-128, 32 hex digits) and the stamp of the file it was read from.
struct FileDigest {
    FileStamp stamp;
    std::string hash;
};

/// The digest of a whole file's bytes; nullopt when it does not exist (or is not a regular file).
/// Throws Error naming the file when it cannot be read. A file is read once per process and, with
/// load_file_digests/save_file_digests, once across builds: its digest is remembered by its path and
/// stamp (size, modification time in ns, inode), except when it was modified less than two seconds
/// before it was read (the kernel stamps modifications with a coarse clock: a second write of the same
/// size within one tick could keep the same stamp). Thread-safe; every file digest of a build (its
/// state, the prepared-layer cache's keys) comes from here.
std::optional<FileDigest> digest_file(const std::filesystem::path& path);

/// While one lives, digest_file also remembers a file modified less than two seconds before it read
/// it, until the last one ends: a build (run_build) reads the file its user just saved (`watch`) once,
/// not once for each of the places that ask for its digest. Still by stamp: a file saved again with
/// another stamp is read again; the two-second rule holds again from one build to the next.
class FileDigestBuildScope {
public:
    FileDigestBuildScope();
    ~FileDigestBuildScope();
    FileDigestBuildScope(const FileDigestBuildScope&) = delete;
    FileDigestBuildScope& operator=(const FileDigestBuildScope&) = delete;
};

/// Seeds digest_file's memory with the digests a previous process saved in `table` (a missing,
/// unreadable or malformed table seeds nothing: it is an optimisation, never a source of truth beyond
/// the stamps it records).
void load_file_digests(const std::filesystem::path& table);
/// Saves the digests remembered by this process (seeded or read) into `table`, atomically (a
/// temporary file renamed into place), when they differ from what it holds; false on I/O failure.
bool save_file_digests(const std::filesystem::path& table);
/// Files digest_file has read (not answered from its memory) in this process.
std::size_t file_digest_reads();

/// One file's recorded hash and the stamp it was computed for.
struct KnownHash {
    FileStamp stamp;
    std::string hash;
};

/// Hashes files, reusing a previous hash when the stamp is unchanged. Thread-safe.
class FileHasher {
public:
    /// Seeds the cache (from the previous build's state).
    void remember(const std::string& path, const KnownHash& known);
    /// The file's content hash, or nullopt if it does not exist. Throws Error when it cannot be read.
    /// `stamp_out` receives its stamp.
    std::optional<std::string> hash(const std::string& path, FileStamp* stamp_out = nullptr);
    /// The recorded hash of `path` if `stamp` is the stamp it was computed for (no read).
    std::optional<std::string> known(const std::string& path, const FileStamp& stamp) const;
    /// Files digested (not answered from the stat cache seeded by remember()) so far.
    std::size_t files_read() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, KnownHash> known_;
    std::size_t read_ = 0;
};

}  // namespace cartelier::pipeline
