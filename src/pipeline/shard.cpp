#include "pipeline/shard.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/diagnostic.hpp"

namespace cartelier::pipeline {

Shard parse_shard(const std::string& text) {
    auto slash = text.find('/');
    auto number = [](std::string_view s, int& out) {
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
    };
    Shard s;
    if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), s.index) ||
        !number(std::string_view(text).substr(slash + 1), s.count) || s.count < 1 || s.index < 1 || s.index > s.count)
        throw Error(SourceLocation{{}, 0, 0, "--shard"},
                    fmt::format("expected K/N with 1 ≤ K ≤ N (e.g. 2/8), found '{}'", text),
                    "K is 1-based: a Kubernetes JOB_COMPLETION_INDEX or a 0-based array index needs +1");
    return s;
}

std::vector<std::string> shard_maps(std::vector<std::string> ids, const Shard& shard) {
    std::sort(ids.begin(), ids.end());
    std::vector<std::string> out;
    for (std::size_t i = static_cast<std::size_t>(shard.index - 1); i < ids.size(); i += static_cast<std::size_t>(shard.count))
        out.push_back(ids[i]);
    return out;
}

}  // namespace cartelier::pipeline
