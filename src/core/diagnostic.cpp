#include "core/diagnostic.hpp"

#include "core/paths.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace cartelier {

std::string SourceLocation::format() const {
    std::error_code ec;
    std::string cwd = file.empty() ? std::string() : std::filesystem::current_path(ec).string();
    if (ec) cwd.clear();
    // The last file shown, and how, on this thread: a build report tells thousands of diagnostics of a
    // few files, and the path's lexical work costs more than the rest of the line.
    thread_local std::string last_cwd, last_file, last_shown;
    if (file != last_file || cwd != last_cwd) {
        last_shown = display_path(file, cwd);
        last_file = file;
        last_cwd = cwd;
    }
    std::string out = last_shown;
    if (line > 0) {
        out += fmt::format(":{}", line);
        if (column > 0) out += fmt::format(":{}", column);
    }
    if (!path.empty()) out += out.empty() ? path : ": " + path;
    return out;
}

std::string Diagnostic::format() const {
    // Compiler style: "file:line:col: error: path: message (hint)".
    SourceLocation file_part = where;
    file_part.path.clear();
    std::string out = file_part.format();
    if (!out.empty()) out += ": ";
    out += severity == Severity::Error ? "error" : "warning";
    if (!where.path.empty()) out += ": " + where.path;
    out += ": " + message;
    if (!hint.empty()) out += " (" + hint + ")";
    return out;
}

void Diagnostics::error(SourceLocation where, std::string message, std::string hint) {
    add({Severity::Error, std::move(where), std::move(message), std::move(hint)});
}

void Diagnostics::warning(SourceLocation where, std::string message, std::string hint) {
    add({Severity::Warning, std::move(where), std::move(message), std::move(hint)});
}

void Diagnostics::append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
    return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
        return d.severity == Severity::Error;
    }));
}

void DiagnosticPrinter::print(const Diagnostics& d) {
    std::string text;
    for (const auto& item : d.items()) {
        auto [line, fresh] = printed_.insert(item.format());
        if (!fresh) {
            ++repeated_;
            continue;
        }
        text += *line;
        text += '\n';
    }
    if (text.empty()) return;
    out_.write(text.data(), static_cast<std::streamsize>(text.size()));
    out_.flush();
}

void DiagnosticPrinter::note_repeats(std::string_view where) const {
    if (repeated_ == 0) return;
    out_ << fmt::format("({} line(s) repeated by other maps or pages printed once above; {})\n", repeated_, where);
    out_.flush();
}

std::string Diagnostics::format() const {
    std::string out;
    for (const auto& d : items_) {
        out += d.format();
        out += '\n';
    }
    return out;
}

Error::Error(Diagnostics diagnostics)
    : std::runtime_error(diagnostics.format()), diagnostics_(std::move(diagnostics)) {}

namespace {
Diagnostics single(SourceLocation where, std::string message, std::string hint) {
    Diagnostics d;
    d.error(std::move(where), std::move(message), std::move(hint));
    return d;
}
}  // namespace

Error::Error(SourceLocation where, std::string message, std::string hint)
    : Error(single(std::move(where), std::move(message), std::move(hint))) {}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}
}  // namespace

std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        std::size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view name, Quote quote) {
    if (name.empty()) return {};
    return quote == Quote::Double ? fmt::format("did you mean \"{}\"?", name) : fmt::format("did you mean '{}'?", name);
}

std::string suggest_name(const std::string& word, const std::vector<std::string>& candidates, CandidateList listing,
                         Quote quote) {
    std::string near = nearest_name(word, candidates);
    if (!near.empty() || listing.intro.empty()) return did_you_mean(near, quote);
    return fmt::format("{}{}{}", listing.intro, fmt::join(candidates, ", "), listing.outro);
}

}  // namespace cartelier
