// Small styles for unit tests of the renderer: no file needed.
#pragma once

#include <string>

#include <fmt/format.h>

#include "core/document.hpp"
#include "style/style.hpp"

namespace cartelier::test {

/// A style in points ("cartelier:units": "pt") whose layers are `layers` (their JSON objects, comma
/// separated) drawing the project's layers as source "p"; `file` names it in diagnostics.
inline style::Style points_style(const std::string& layers, const std::string& file) {
    return style::parse_style(doc::load_string(
        fmt::format(R"({{"version": 8, "metadata": {{"cartelier:units": "pt"}},
                        "sources": {{"p": {{"type": "vector", "url": "cartelier://project"}}}},
                        "layers": [{}]}})",
                    layers),
        file));
}

}  // namespace cartelier::test
