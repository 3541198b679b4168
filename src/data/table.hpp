// Tables of text cells read from CSV files, with the line of each row kept for messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"

namespace cartelier::data {

struct Table {
    struct Row {
        std::uint32_t line = 0;          ///< 1-based line where the row starts in the file
        std::vector<std::string> cells;  ///< as many as columns (the reader checks it)
    };

    std::string file;                  ///< path as the user named it
    std::vector<std::string> columns;  ///< header names, trimmed
    std::vector<Row> rows;
    char delimiter = ',';
    std::string encoding = "UTF-8";    ///< what the file was decoded from

    std::optional<std::size_t> column(std::string_view name) const;
    /// Location of a cell for messages: file, line, and `column name`.
    SourceLocation where(const Row& row, std::size_t column) const;
};

/// Options for reading a CSV file; the defaults sniff what spreadsheets write.
struct CsvOptions {
    char delimiter = 0;  ///< 0: sniff among ',', ';', '\t' from the header line
};

/// Reads a CSV file (RFC 4180 quoting, quoted newlines, UTF-8 with or without BOM; Windows-1252 text is
/// recognised and converted, with a warning naming the line and column of the first byte that is not
/// UTF-8). Blank lines are skipped. Every structural problem (row
/// with a wrong number of cells, unterminated quote, empty file, duplicate column) is added to
/// `diagnostics` with its line.
Table read_csv(const std::string& path, Diagnostics& diagnostics, const CsvOptions& options = {});
/// The same from text already in memory; `name` stands for the file in messages.
Table parse_csv(std::string_view text, const std::string& name, Diagnostics& diagnostics,
                const CsvOptions& options = {});

/// Where `text` stops being valid UTF-8 (GLib's g_utf8_validate: overlong forms, surrogates, code points
/// past U+10FFFF, 5- and 6-byte forms and sequences cut short are all invalid; NUL bytes are valid): the
/// byte offset of the first byte that starts no valid sequence, or nullopt when all of it is valid.
std::optional<std::size_t> invalid_utf8_at(std::string_view text);
/// Windows-1252 (a superset of Latin-1's printable range) to UTF-8 (through g_convert); the five bytes
/// Windows-1252 leaves undefined become U+FFFD. Throws Error when the system cannot convert at all.
std::string windows1252_to_utf8(std::string_view text);

}  // namespace cartelier::data
