#include "pipeline/output.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "pipeline/state.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;

namespace {

bool process_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

}  // namespace

AtomicFile::AtomicFile(fs::path path, Durability durability)
    : path_(std::move(path)),
      tmp_(path_.parent_path() / fmt::format(".{}.tmp-{}", path_.filename().string(), ::getpid())),
      durability_(durability) {
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("creating the temporary file");
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

void AtomicFile::fail(const char* what) {
    const int err = errno;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(tmp_.c_str());
    tmp_.clear();
    throw Error(SourceLocation{path_.string(), 0, 0, {}}, fmt::format("{} failed: {}", what, std::strerror(err)));
}

void AtomicFile::write(const void* data, std::size_t size) {
    if (fd_ < 0) {
        errno = EBADF;
        fail("writing");
    }
    const char* bytes = static_cast<const char*>(data);
    std::size_t written = 0;
    while (written < size) {
        const ssize_t n = ::write(fd_, bytes + written, size - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("writing");
        }
        written += static_cast<std::size_t>(n);
    }
    written_ += size;
#ifdef SYNC_FILE_RANGE_WRITE
    // Start the write-out of what is written, a MiB at a time, without waiting for it. Only a hint: an
    // error here is the fsync's to report.
    constexpr std::uint64_t kKick = std::uint64_t{1} << 20;
    if (durability_ == Durability::Synced && written_ - kicked_to_ >= kKick) {
        ::sync_file_range(fd_, static_cast<off_t>(kicked_to_), static_cast<off_t>(written_ - kicked_to_),
                          SYNC_FILE_RANGE_WRITE);
        kicked_to_ = written_;
    }
#endif
}

void AtomicFile::sync() {
    if (fd_ < 0) {
        errno = EBADF;
        fail("fsync");
    }
    if (durability_ == Durability::Synced && ::fdatasync(fd_) != 0) fail("fsync");
}

void AtomicFile::close() {
    if (fd_ < 0) {
        errno = EBADF;
        fail("closing");
    }
    if (durability_ == Durability::Synced && ::fsync(fd_) != 0) fail("fsync");
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("closing");
}

void AtomicFile::commit() {
    if (tmp_.empty()) {
        errno = EBADF;
        fail("renaming into place");
    }
    if (fd_ >= 0) close();
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) fail("renaming into place");
    tmp_.clear();
}

void write_atomically(const fs::path& path, const std::string& bytes, Durability durability) {
    AtomicFile file(path, durability);
    file.write(bytes.data(), bytes.size());
    file.commit();
}

void flush_file_system(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::syncfs(fd);
    ::close(fd);
}

void create_folder(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw Error(SourceLocation{dir.string(), 0, 0, {}},
                    fmt::format("cannot create the output folder: {}", ec.message()));
}

std::size_t remove_stale_temp_files(const std::string& out_dir, const std::vector<std::string>& map_ids) {
    std::vector<std::pair<fs::path, std::string>> prefixes;  // folder, ".ID."
    for (const std::string& id : map_ids) {
        prefixes.emplace_back(fs::path(out_dir), "." + id + ".");
        prefixes.emplace_back(fs::path(state_dir(out_dir)), "." + id + ".json.tmp-");
    }
    prefixes.emplace_back(fs::path(out_dir), ".build-report.");
    prefixes.emplace_back(fs::path(state_dir(out_dir)), ".file-digests.tmp-");  // pipeline/hashing.hpp
    std::size_t removed = 0;
    const auto now = fs::file_time_type::clock::now();
    for (const fs::path& dir : {fs::path(out_dir), fs::path(state_dir(out_dir))}) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const std::string name = entry.path().filename().string();
            auto tmp = name.rfind(".tmp-");
            if (name.empty() || name[0] != '.' || tmp == std::string::npos) continue;
            bool ours = std::any_of(prefixes.begin(), prefixes.end(), [&](const auto& p) {
                return p.first == dir && name.compare(0, p.second.size(), p.second) == 0;
            });
            if (!ours) continue;
            char* end = nullptr;
            long pid = std::strtol(name.c_str() + tmp + 5, &end, 10);
            std::error_code tec;
            auto age = now - fs::last_write_time(entry.path(), tec);
            bool old = !tec && age > std::chrono::hours(1);
            if ((end && *end == '\0' && pid != ::getpid() && !process_alive(pid)) || old)
                if (fs::remove(entry.path(), tec)) ++removed;
        }
    }
    return removed;
}

}  // namespace cartelier::pipeline
