// Attribute values carried by features and tables: what OGR fields and CSV cells become.
#pragma once

#include <string>
#include <variant>

namespace cartelier {

/// null, boolean, number or text — the attribute types that the style language reads with ["get"].
using Value = std::variant<std::monostate, bool, double, std::string>;

inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }

}  // namespace cartelier
