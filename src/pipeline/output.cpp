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

void write_atomically(const fs::path& path, const std::string& bytes) {
    fs::path tmp = path.parent_path() / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
    auto fail = [&](const char* what) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw Error(SourceLocation{path.string(), 0, 0, {}}, fmt::format("{} failed: {}", what, std::strerror(err)));
    };
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("creating the temporary file");
    std::size_t written = 0;
    while (written < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            fail("writing");
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        fail("fsync");
    }
    if (::close(fd) != 0) fail("closing");
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("renaming into place");
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
