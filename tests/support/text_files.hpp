// Files as a test reads and saves them: whole, and saved as editors save (a temporary file renamed over
// the original, which is what `watch` and `serve` must notice).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cartelier::test {

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Saves as editors do: a temporary file renamed over the original.
inline void save_text(const std::string& path, const std::string& text) {
    { std::ofstream(path + ".swp") << text; }
    std::filesystem::rename(path + ".swp", path);
}

/// The 1-based line of the first occurrence of `needle` in `text` (0 when absent).
inline int line_of(const std::string& text, const std::string& needle) {
    auto at = text.find(needle);
    if (at == std::string::npos) return 0;
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

}  // namespace cartelier::test
