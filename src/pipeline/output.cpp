#include "pipeline/output.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/diagnostic.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;

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

}  // namespace cartelier::pipeline
