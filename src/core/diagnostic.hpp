// Diagnostics: every problem Cartelier reports names where it is (file, line/column or feature id,
// the path inside a document), what was expected and what was found.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace cartelier {

/// Where a problem is. Empty fields are simply left out when formatting.
struct SourceLocation {
    std::string file;      ///< path of the file (files a project names are recorded absolute)
    int line = 0;          ///< 1-based; 0 = unknown
    int column = 0;        ///< 1-based; 0 = unknown
    std::string path;      ///< path inside the document (`layers[3].paint.circle-color`), a field or feature id

    /// "file:line:column: path" with whatever is known. An absolute `file` inside the current
    /// directory is shown relative to it (core/paths.hpp: display_path), any other path as it is.
    std::string format() const;
};

enum class Severity { Error, Warning };

struct Diagnostic {
    Severity severity = Severity::Error;
    SourceLocation where;
    std::string message;  ///< what was expected and what was found
    std::string hint;     ///< optional: "did you mean 'fill-color'?"

    /// One line: "file:line:col: error: path: message (hint)".
    std::string format() const;
};

/// Collects every problem of one input so that all are reported in one run.
class Diagnostics {
public:
    void add(Diagnostic d) { items_.push_back(std::move(d)); }
    void error(SourceLocation where, std::string message, std::string hint = {});
    void warning(SourceLocation where, std::string message, std::string hint = {});
    void append(const Diagnostics& other);

    bool has_errors() const;
    std::size_t error_count() const;
    const std::vector<Diagnostic>& items() const { return items_; }
    bool empty() const { return items_.empty(); }
    /// All diagnostics, one per line.
    std::string format() const;

private:
    std::vector<Diagnostic> items_;
};

/// Thrown when a stage cannot go on; carries every diagnostic collected so far.
class Error : public std::runtime_error {
public:
    explicit Error(Diagnostics diagnostics);
    Error(SourceLocation where, std::string message, std::string hint = {});
    const Diagnostics& diagnostics() const { return diagnostics_; }

private:
    Diagnostics diagnostics_;
};

/// Prints the diagnostics of many maps, each distinct line once: the pages of an atlas often share one
/// (a style error, a font not installed), and 101 copies of it would hide the others. `build`, `check`
/// and each rebuild of `watch` print through one.
class DiagnosticPrinter {
public:
    /// Writes to `out`, flushed after each print() (a terminal shows the lines as they come).
    explicit DiagnosticPrinter(std::ostream& out) : out_(out) {}
    /// Writes each line of `d` not printed before by this printer, in one write.
    void print(const Diagnostics& d);
    /// "(N line(s) repeated by other maps or pages printed once above; <where>)" when some were left
    /// out, else nothing; `where` says where every map's own list is.
    void note_repeats(std::string_view where) const;

private:
    std::ostream& out_;
    std::unordered_set<std::string> printed_;
    std::size_t repeated_ = 0;
};

/// "did you mean" helper: the candidate closest to `word` by edit distance, or empty if none is close.
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);

/// How a suggested name is quoted: 'name' (Cartelier's own keys, fields, layers) or "name" (the style's
/// expression operators and icon names, quoted as in the JSON the user wrote).
enum class Quote { Single, Double };

/// The one wording of a suggestion: "did you mean 'name'?" (or with double quotes); empty when `name` is
/// empty, so that a caller can pass what nearest_name found.
std::string did_you_mean(std::string_view name, Quote quote = Quote::Single);

/// When no candidate is close: the hint lists them all, `intro` + the candidates joined by ", " +
/// `outro` ("expected one of: a, b"). With no intro the hint is left empty.
struct CandidateList {
    std::string_view intro;
    std::string_view outro;
};

/// The hint for `word`, a name that is not among `candidates`: did_you_mean(the nearest candidate), or
/// when none is close, the candidates as `listing` says (empty by default).
std::string suggest_name(const std::string& word, const std::vector<std::string>& candidates,
                         CandidateList listing = {}, Quote quote = Quote::Single);

}  // namespace cartelier
