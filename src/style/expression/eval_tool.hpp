// `cartelier style eval '<expression JSON>'`: compiles an expression, then evaluates it for each feature
// read as one JSON object per line on `in` ({"properties": {…}, "id": …, "geometry": {"type": "Point"},
// "zoom": 5}, every key optional), writing one JSON result per line on `out`.
// `cartelier style eval --cases`: many expressions in one process, one case per input line.
#pragma once

#include <iosfwd>
#include <string>

namespace cartelier::style::expr {

/// Compile errors go to `err` (one diagnostic per line) and give 1; otherwise 0. An evaluation error is
/// written as {"error": "…"}, a malformed input line as {"error": "line N: …"}.
int run_style_eval(const std::string& expression_json, std::istream& in, std::ostream& out, std::ostream& err);

/// Each line of `in` is a case {"expression": <expression>, "inputs": [<feature>, …]} (a feature as
/// run_style_eval reads one, the "inputs" key optional); one line per case on `out`:
/// {"results": [<result or {"error": …}>, …]} in the order of the inputs, or {"compile_error": "<the
/// diagnostics, one per line, named 'line N'>"}, or {"error": "line N: …"} for a line that is not a case.
/// Returns 0: a case's errors are its output.
int run_style_eval_cases(std::istream& in, std::ostream& out);

}  // namespace cartelier::style::expr
