// `cartelier style eval '<expression JSON>'`: compiles an expression, then evaluates it for each feature
// read as one JSON object per line on `in` ({"properties": {…}, "id": …, "geometry": {"type": "Point"},
// "zoom": 5}, every key optional), writing one JSON result per line on `out`.
#pragma once

#include <iosfwd>
#include <string>

namespace cartelier::style::expr {

/// Compile errors go to `err` (one diagnostic per line) and give 1; otherwise 0. An evaluation error is
/// written as {"error": "…"}, a malformed input line as {"error": "line N: …"}.
int run_style_eval(const std::string& expression_json, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace cartelier::style::expr
