#include "core/file_io.hpp"

#include <fstream>
#include <iterator>
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
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
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
