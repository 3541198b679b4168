#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

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

bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t continuation = 0;
        if (c < 0x80) continuation = 0;
        else if (c >= 0xC2 && c <= 0xDF) continuation = 1;
        else if ((c >> 4) == 0xE) continuation = 2;
        else if (c >= 0xF0 && c <= 0xF4) continuation = 3;
        else return false;
        if (i + continuation >= s.size() && continuation > 0) return false;
        for (std::size_t k = 1; k <= continuation; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
        i += continuation + 1;
    }
    return true;
}

std::string windows1252_to_utf8(std::string_view text) {
    // 0x80–0x9F differ from Latin-1 in Windows-1252 (€, ‘ ’ “ ” – — …); 0 = undefined there.
    static constexpr std::array<char16_t, 32> high = {
        0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (unsigned char c : text) {
        char32_t cp = c;
        if (c >= 0x80 && c < 0xA0) cp = high[c - 0x80] ? high[c - 0x80] : 0xFFFD;
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
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
    if (!is_valid_utf8(text)) {
        decoded = windows1252_to_utf8(text);
        text = decoded;
        table.encoding = "Windows-1252";
        diagnostics.warning(SourceLocation{name, 0, 0, {}},
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
