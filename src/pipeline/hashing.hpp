// Content hashes for incremental builds (xxHash XXH3-128: fast, not cryptographic) and SHA-256 for the
// build report (GLib's checksum routine). A stat-based cache (size, mtime, inode) avoids re-reading an
// unchanged file; when any of the three differs the file is hashed again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

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
    /// Files actually read (not answered from the stat cache) so far.
    std::size_t files_read() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, KnownHash> known_;
    std::size_t read_ = 0;
};

}  // namespace cartelier::pipeline
