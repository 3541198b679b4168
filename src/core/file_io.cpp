#include "core/file_io.hpp"

#include <filesystem>
#include <fstream>
#include <mutex>
#include <unordered_map>

#include "core/diagnostic.hpp"

namespace cartelier {

namespace {

struct ReadCounter {
    std::mutex mutex;
    std::unordered_map<std::string, std::size_t> counts;
};

ReadCounter& counter() {
    static ReadCounter c;  // never destroyed before its last use: function-local, constructed on first read
    return c;
}

void count_read(const std::string& path) {
    ReadCounter& c = counter();
    std::lock_guard lock(c.mutex);
    ++c.counts[path];
}

}  // namespace

std::string read_file(const std::string& path) {
    count_read(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(SourceLocation{path, 0, 0, {}}, "cannot open file: it does not exist or is not readable");
    // In blocks, not character by character (an istreambuf_iterator spends most of its time per byte);
    // not by the file's size either, which a pipe or a file still being written does not have.
    std::string bytes;
    constexpr std::size_t kBlock = 1 << 16;
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) bytes.reserve(static_cast<std::size_t>(size) + kBlock);  // the last block read past its end
    std::size_t used = 0;
    while (in) {
        bytes.resize(used + kBlock);
        in.read(bytes.data() + used, static_cast<std::streamsize>(kBlock));
        used += static_cast<std::size_t>(in.gcount());
    }
    bytes.resize(used);
    if (in.bad()) throw Error(SourceLocation{path, 0, 0, {}}, "cannot open file: it does not exist or is not readable");
    return bytes;
}

std::size_t file_read_count(const std::string& path) {
    ReadCounter& c = counter();
    std::lock_guard lock(c.mutex);
    auto it = c.counts.find(path);
    return it == c.counts.end() ? 0 : it->second;
}

}  // namespace cartelier
