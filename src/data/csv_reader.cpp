#include <algorithm>
#include <array>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <glib.h>

#include "data/table.hpp"

namespace cartelier::data {

std::optional<std::size_t> Table::column(std::string_view name) const {
    auto it = std::find(columns.begin(), columns.end(), name);
    if (it == columns.end()) return std::nullopt;
    return static_cast<std::size_t>(it - columns.begin());
}

SourceLocation Table::where(const Row& row, std::size_t col) const {
    return SourceLocation{file, static_cast<int>(row.line), 0,
                          col < columns.size() ? fmt::format("column '{}'", columns[col]) : std::string{}};
}

namespace {

struct GFreeDeleter {
    void operator()(gchar* p) const { g_free(p); }
};
struct GErrorDeleter {
    void operator()(GError* e) const { g_error_free(e); }
};

}  // namespace

std::optional<std::size_t> invalid_utf8_at(std::string_view text) {
    // g_utf8_validate stops at a NUL byte, which is valid UTF-8 (what a cell holds is not the encoding's
    // business), so the text is validated between NULs.
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t nul = text.find('\0', start);
        const std::size_t end = nul == std::string_view::npos ? text.size() : nul;
        const gchar* stop = nullptr;
        if (!g_utf8_validate(text.data() + start, static_cast<gssize>(end - start), &stop))
            return static_cast<std::size_t>(stop - text.data());
        start = end + 1;
    }
    return std::nullopt;
}

std::string windows1252_to_utf8(std::string_view text) {
    // iconv (behind g_convert) refuses the five bytes Windows-1252 leaves undefined: each becomes U+FFFD
    // and the runs between them are converted. NULs are split out too, so that none reaches iconv.
    static constexpr std::string_view kSplit("\0\x81\x8D\x8F\x90\x9D", 6);
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find_first_of(kSplit, start);
        if (end == std::string_view::npos) end = text.size();
        if (end > start) {
            gsize written = 0;
            GError* raw_error = nullptr;
            std::unique_ptr<gchar, GFreeDeleter> converted(g_convert(text.data() + start,
                                                                     static_cast<gssize>(end - start), "UTF-8",
                                                                     "WINDOWS-1252", nullptr, &written, &raw_error));
            std::unique_ptr<GError, GErrorDeleter> error(raw_error);
            if (!converted)
                throw Error(SourceLocation{}, fmt::format("cannot convert text from Windows-1252 to UTF-8: {}",
                                                          error ? error->message : "g_convert failed"),
                            "the system's iconv has no WINDOWS-1252 converter (glibc's gconv modules)");
            out.append(converted.get(), written);
        }
        if (end == text.size()) break;
        out += text[end] == '\0' ? std::string_view("\0", 1) : std::string_view("\xEF\xBF\xBD");
        start = end + 1;
    }
    return out;
}

namespace {

std::string trim(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

char sniff_delimiter(std::string_view text) {
    // Count candidate delimiters outside quotes on the header line.
    std::array<std::pair<char, int>, 3> counts{{{',', 0}, {';', 0}, {'\t', 0}}};
    bool quoted = false;
    for (char c : text) {
        if (c == '"') quoted = !quoted;
        if (!quoted && (c == '\n' || c == '\r')) break;
        if (quoted) continue;
        for (auto& [d, n] : counts)
            if (c == d) ++n;
    }
    auto best = std::max_element(counts.begin(), counts.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    return best->second > 0 ? best->first : ',';
}

}  // namespace

Table parse_csv(std::string_view input, const std::string& name, Diagnostics& diagnostics,
                const CsvOptions& options) {
    Table table;
    table.file = name;
    std::string decoded;
    std::string_view text = input;
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3);
        table.encoding = "UTF-8 (with BOM)";
    }
    if (const auto bad = invalid_utf8_at(text)) {
        // Where the first byte that is not UTF-8 is, counted in the file as it is (BOM included).
        const std::size_t offset = *bad + (input.size() - text.size());
        const std::string_view before = input.substr(0, offset);
        const auto line = 1 + std::count(before.begin(), before.end(), '\n');
        const std::size_t line_start = before.rfind('\n');
        const std::size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
        decoded = windows1252_to_utf8(text);
        text = decoded;
        table.encoding = "Windows-1252";
        diagnostics.warning(SourceLocation{name, static_cast<int>(line), static_cast<int>(column), {}},
                            "the file is not valid UTF-8; it was read as Windows-1252 (Latin-1)",
                            "save it as UTF-8 from your spreadsheet to silence this warning");
    }
    if (trim(text).empty()) {
        diagnostics.error(SourceLocation{name, 1, 0, {}}, "the file is empty: expected a header line");
        return table;
    }
    table.delimiter = options.delimiter ? options.delimiter : sniff_delimiter(text);

    // Split into records, honouring quotes (a quoted field may span lines).
    std::vector<Table::Row> records;
    Table::Row current;
    std::string field;
    bool quoted = false;
    bool field_started_quoted = false;
    std::uint32_t line = 1;
    current.line = 1;
    auto end_field = [&] {
        current.cells.push_back(field_started_quoted ? field : trim(field));
        field.clear();
        field_started_quoted = false;
    };
    auto end_record = [&](std::uint32_t next_line) {
        end_field();
        bool blank = current.cells.size() == 1 && current.cells[0].empty();
        if (!blank) records.push_back(std::move(current));
        current = Table::Row{};
        current.line = next_line;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line;
                field += c;
            }
            continue;
        }
        if (c == '"' && trim(field).empty()) {
            quoted = true;
            field_started_quoted = true;
            field.clear();
        } else if (c == table.delimiter) {
            end_field();
        } else if (c == '\n') {
            ++line;
            end_record(line);
        } else if (c == '\r') {
            // part of a CRLF line end
        } else {
            field += c;
        }
    }
    if (quoted) {
        diagnostics.error(SourceLocation{name, static_cast<int>(current.line), 0, {}},
                          "unterminated quoted field: expected a closing '\"' before the end of the file");
    }
    if (!field.empty() || !current.cells.empty()) end_record(line);

    if (records.empty()) {
        diagnostics.error(SourceLocation{name, 1, 0, {}}, "the file is empty: expected a header line");
        return table;
    }
    table.columns = records.front().cells;
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        const auto& col = table.columns[i];
        if (col.empty())
            diagnostics.error(SourceLocation{name, static_cast<int>(records.front().line), 0, {}},
                              fmt::format("column {} of the header has no name", i + 1));
        for (std::size_t j = 0; j < i; ++j)
            if (!col.empty() && table.columns[j] == col)
                diagnostics.error(SourceLocation{name, static_cast<int>(records.front().line), 0, {}},
                                  fmt::format("column '{}' appears twice in the header (columns {} and {})", col,
                                              j + 1, i + 1));
    }
    for (std::size_t r = 1; r < records.size(); ++r) {
        auto& row = records[r];
        if (row.cells.size() != table.columns.size()) {
            diagnostics.error(
                SourceLocation{name, static_cast<int>(row.line), 0, {}},
                fmt::format("expected {} fields separated by '{}' (as in the header), found {}",
                            table.columns.size(), table.delimiter == '\t' ? std::string("\\t") : std::string(1, table.delimiter),
                            row.cells.size()),
                row.cells.size() < table.columns.size() ? "is a field missing, or a quote not closed?"
                                                        : "is there an unquoted delimiter inside a field?");
            row.cells.resize(table.columns.size());
        }
        table.rows.push_back(std::move(row));
    }
    return table;
}

Table read_csv(const std::string& path, Diagnostics& diagnostics, const CsvOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diagnostics.error(SourceLocation{path, 0, 0, {}}, "cannot open file: it does not exist or is not readable");
        Table t;
        t.file = path;
        return t;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse_csv(buffer.str(), path, diagnostics, options);
}

}  // namespace cartelier::data
