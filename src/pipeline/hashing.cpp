#include "pipeline/hashing.hpp"

#include <new>
#include <cerrno>
#include <charconv>
#include <ctime>
#include <fstream>
#include <iterator>
#include <vector>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nettle/sha2.h>
#include <xxhash.h>

#include "core/diagnostic.hpp"

namespace cartelier::pipeline {

namespace {

std::string hex128(XXH128_hash_t h) { return fmt::format("{:016x}{:016x}", h.high64, h.low64); }

}  // namespace

std::string content_hash(std::string_view bytes) { return hex128(XXH3_128bits(bytes.data(), bytes.size())); }

// Nettle uses the processor's SHA instructions where it has them: a 16 MB series in about 10 ms.
struct Sha256::Context {
    sha256_ctx nettle;
};

Sha256::Sha256() : context_(std::make_unique<Context>()) { sha256_init(&context_->nettle); }
Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
    sha256_update(&context_->nettle, bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()));
}

std::string Sha256::hex() {
    std::uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&context_->nettle, sizeof digest, digest);
    std::string out;
    out.reserve(2 * sizeof digest);
    for (const std::uint8_t b : digest) out += fmt::format("{:02x}", b);
    return out;
}

std::string sha256_hex(std::string_view bytes) {
    Sha256 sha;
    sha.update(bytes);
    return sha.hex();
}

namespace {

FileStamp stamp_of(const struct stat& st) {
    return FileStamp{static_cast<std::uintmax_t>(st.st_size),
                     static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                     static_cast<std::uint64_t>(st.st_ino)};
}

}  // namespace

std::optional<FileStamp> stat_file(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return stamp_of(st);
}

void FileHasher::remember(const std::string& path, const KnownHash& known) {
    std::lock_guard lock(mutex_);
    known_[path] = known;
}

std::optional<std::string> FileHasher::known(const std::string& path, const FileStamp& stamp) const {
    std::lock_guard lock(mutex_);
    if (auto it = known_.find(path); it != known_.end() && it->second.stamp == stamp) return it->second.hash;
    return std::nullopt;
}

std::size_t FileHasher::files_read() const {
    std::lock_guard lock(mutex_);
    return read_;
}

std::optional<std::string> FileHasher::hash(const std::string& path, FileStamp* stamp_out) {
    auto stamp = stat_file(path);
    if (!stamp) return std::nullopt;
    if (stamp_out) *stamp_out = *stamp;
    {
        std::lock_guard lock(mutex_);
        if (auto it = known_.find(path); it != known_.end() && it->second.stamp == *stamp) return it->second.hash;
    }
    std::optional<FileDigest> digest = digest_file(path);
    if (!digest) return std::nullopt;
    if (stamp_out) *stamp_out = digest->stamp;
    std::lock_guard lock(mutex_);
    known_[path] = KnownHash{digest->stamp, digest->hash};
    ++read_;
    return digest->hash;
}

namespace {

/// digest_file's memory: the last digest of each path, and whether it changed since the table was loaded.
struct DigestMemory {
    std::mutex mutex;
    std::map<std::string, FileDigest> files;
    std::map<std::string, FileDigest> unsettled;  ///< modified < 2 s before read, while scopes > 0
    int scopes = 0;                               ///< FileDigestBuildScope objects alive
    std::size_t reads = 0;
    bool changed = false;
};

DigestMemory& digest_memory() {
    static auto* memory = new DigestMemory;  // never destroyed: worker threads may outlive main's statics
    return *memory;
}

constexpr std::string_view kTableHeader = "cartelier file digests 1\n";

}  // namespace

std::optional<FileDigest> digest_file(const std::filesystem::path& path) {
    // Remembered by absolute path: a file named from two folders (or two projects) is one file.
    std::error_code ec;
    std::string key = std::filesystem::absolute(path, ec).lexically_normal().string();
    if (ec) key = path.string();
    std::optional<FileStamp> stamp = stat_file(path);
    if (!stamp) return std::nullopt;
    DigestMemory& memory = digest_memory();
    {
        std::lock_guard lock(memory.mutex);
        if (auto it = memory.files.find(key); it != memory.files.end() && it->second.stamp == *stamp) return it->second;
        if (auto it = memory.unsettled.find(key); it != memory.unsettled.end() && it->second.stamp == *stamp)
            return it->second;
    }
    int fd = ::open(key.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::nullopt;
        throw Error(SourceLocation{key, 0, 0, {}}, fmt::format("cannot read the file to hash it: {}", std::strerror(errno)));
    }
    // The stamp of what is read: taken on the open file, so that a file replaced since stat() is not
    // remembered under the old file's stamp.
    struct stat st {};
    if (::fstat(fd, &st) == 0) stamp = stamp_of(st);
    const Xxh3State owned = new_xxh3_state();
    XXH3_state_t* state = owned.get();
    if (!state) {
        ::close(fd);
        throw std::bad_alloc();
    }
    XXH3_128bits_reset(state);
    std::vector<char> buffer(std::size_t{1} << 20);
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            throw Error(SourceLocation{key, 0, 0, {}}, fmt::format("reading the file to hash it failed: {}", std::strerror(err)));
        }
        if (n == 0) break;
        XXH3_128bits_update(state, buffer.data(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    FileDigest digest{*stamp, hex128(XXH3_128bits_digest(state))};
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    const bool settled = static_cast<std::int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec - digest.stamp.mtime_ns >=
                         std::int64_t{2} * 1000000000;
    std::lock_guard lock(memory.mutex);
    ++memory.reads;
    if (settled) {
        memory.files[key] = digest;
        memory.changed = true;
    } else if (memory.scopes > 0) {
        memory.unsettled[key] = digest;
    }
    return digest;
}

FileDigestBuildScope::FileDigestBuildScope() {
    DigestMemory& memory = digest_memory();
    std::lock_guard lock(memory.mutex);
    ++memory.scopes;
}

FileDigestBuildScope::~FileDigestBuildScope() {
    DigestMemory& memory = digest_memory();
    std::lock_guard lock(memory.mutex);
    if (--memory.scopes == 0) memory.unsettled.clear();
}

std::size_t file_digest_reads() {
    DigestMemory& memory = digest_memory();
    std::lock_guard lock(memory.mutex);
    return memory.reads;
}

void load_file_digests(const std::filesystem::path& table) {
    std::ifstream in(table, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return;
    if (text.compare(0, kTableHeader.size(), kTableHeader) != 0) return;
    std::map<std::string, FileDigest> seeded;
    std::size_t at = kTableHeader.size();
    while (at < text.size()) {
        const std::size_t end = text.find('\n', at);
        if (end == std::string::npos) return;  // cut short: nothing from it
        const std::string_view line(text.data() + at, end - at);
        at = end + 1;
        // hash \t size \t mtime_ns \t inode \t path
        FileDigest d;
        std::size_t from = 0;
        std::string_view fields[5];
        for (int i = 0; i < 5; ++i) {
            const std::size_t tab = i < 4 ? line.find('\t', from) : line.size();
            if (tab == std::string_view::npos) return;
            fields[i] = line.substr(from, tab - from);
            from = tab + 1;
        }
        auto number = [](std::string_view f, auto& out) {
            auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), out);
            return ec == std::errc{} && p == f.data() + f.size();
        };
        if (fields[0].size() != 32 || fields[0].find_first_not_of("0123456789abcdef") != std::string_view::npos ||
            !number(fields[1], d.stamp.size) || !number(fields[2], d.stamp.mtime_ns) || !number(fields[3], d.stamp.inode) ||
            fields[4].empty())
            return;
        d.hash = std::string(fields[0]);
        seeded[std::string(fields[4])] = std::move(d);
    }
    DigestMemory& memory = digest_memory();
    std::lock_guard lock(memory.mutex);
    for (auto& [path, d] : seeded) memory.files.emplace(path, std::move(d));  // what this process read wins
}

bool save_file_digests(const std::filesystem::path& table) {
    std::string text(kTableHeader);
    {
        DigestMemory& memory = digest_memory();
        std::lock_guard lock(memory.mutex);
        if (!memory.changed) return true;
        for (const auto& [path, d] : memory.files) {
            if (path.find_first_of("\t\n") != std::string::npos) continue;
            text += fmt::format("{}\t{}\t{}\t{}\t{}\n", d.hash, d.stamp.size, d.stamp.mtime_ns, d.stamp.inode, path);
        }
        memory.changed = false;
    }
    std::error_code ec;
    std::filesystem::create_directories(table.parent_path(), ec);
    // Not synced to disk: a table lost in a crash only costs reading the files again. Its temporary
    // name is one remove_stale_temp_files knows.
    const std::filesystem::path tmp = table.parent_path() / fmt::format(".{}.tmp-{}", table.filename().string(), ::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out.flush()) {
            out.close();
            std::filesystem::remove(tmp, ec);
            return false;
        }
    }
    std::filesystem::rename(tmp, table, ec);
    if (ec) std::filesystem::remove(tmp, ec);
    return !ec;
}

}  // namespace cartelier::pipeline
