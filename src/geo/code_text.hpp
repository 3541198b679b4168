// The text of a code field (a commune or département code), as the joins and checks compare it.
#pragma once

#include <string>

#include <fmt/format.h>

#include "core/value.hpp"

namespace cartelier::geo {

/// A string as it is, a number as fmt writes it (75 → "75"), anything else (null, boolean) empty.
inline std::string code_text(const Value& v) {
    if (auto s = std::get_if<std::string>(&v)) return *s;
    if (auto d = std::get_if<double>(&v)) return fmt::format("{}", *d);
    return {};
}

}  // namespace cartelier::geo
