#include "render/svg_ids.hpp"

#include <cctype>
#include <map>

namespace cartelier::render {

std::string canonical_svg_ids(const std::string& svg) {
    std::string out;
    out.reserve(svg.size());
    std::map<std::string, std::map<std::string, int>> numbering;  // prefix → old number → new
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
    std::size_t i = 0;
    while (i < svg.size()) {
        if (svg.compare(i, 7, "base64,") == 0) {  // embedded image data: copied as is
            std::size_t end = svg.find('"', i);
            if (end == std::string::npos) end = svg.size();
            out.append(svg, i, end - i);
            i = end;
            continue;
        }
        bool replaced = false;
        for (const char* prefix : {"surface", "image"}) {
            const std::size_t n = std::char_traits<char>::length(prefix);
            if (svg.compare(i, n, prefix) != 0 || (i > 0 && is_word(svg[i - 1]))) continue;
            std::size_t j = i + n;
            while (j < svg.size() && std::isdigit(static_cast<unsigned char>(svg[j]))) ++j;
            if (j == i + n || (j < svg.size() && is_word(svg[j]))) continue;
            auto& numbers = numbering[prefix];
            auto [it, fresh] = numbers.try_emplace(svg.substr(i + n, j - i - n), static_cast<int>(numbers.size()) + 1);
            out += prefix;
            out += std::to_string(it->second);
            i = j;
            replaced = true;
            break;
        }
        if (!replaced) out += svg[i++];
    }
    return out;
}

}  // namespace cartelier::render
