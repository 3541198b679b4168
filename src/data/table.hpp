// Tables of text cells read from CSV files, with the line of each row kept for messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/value.hpp"

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

/// The type of a CSV column: what its cells become in features, so what ["get", column] gives a style.
/// GDAL's names (OFTString, OFTInteger, OFTReal). An integer is held as a number like a real (styles
/// have one number type); it is exact up to 15 digits.
enum class ColumnType { String, Integer, Real };

/// "string", "integer" or "real".
std::string_view column_type_name(ColumnType type);
/// The type named so in a project file; nullopt for any other name.
std::optional<ColumnType> column_type_named(std::string_view name);
/// Every name column_type_named accepts, for messages.
const std::vector<std::string>& column_type_names();

/// `types: {year: integer}` in the project file: one column's declared type.
struct ColumnTypeDecl {
    std::string column;
    ColumnType type = ColumnType::String;
    SourceLocation declared_at;  ///< the entry in the project file
};

/// The type of each column of a table (by column index) and whether the project declared it.
struct ColumnTypes {
    std::vector<ColumnType> types;
    std::vector<bool> declared;
};

/// The types of `table`'s columns. A declared column has its declared type: a declared column that is
/// not in the header is an error at the declaration (with did-you-mean), and a non-empty cell that is
/// not of its column's declared type an error at the cell (file, line, column); a column declared a
/// number holding a code with a leading zero (07341) gets a warning at its first such cell. Every other column is
/// inferred as GDAL's CSV driver does with AUTODETECT_TYPE, but keeping codes as text:
///   - integer when every non-empty cell is an integer written plainly (-?[1-9][0-9]*, or 0; at most 15
///     digits, so the number's text is the cell's text);
///   - real when every non-empty cell is a number (-12, 3.5, .5, 1e-3), some not integers;
///   - string otherwise, and always when a cell holds a number written with a leading zero (07, 01234,
///     007.5: a code, which a number would change), a '+' sign, a decimal comma, or more than 15 digits
///     before the point, or when every cell is empty.
ColumnTypes column_types(const Table& table, const std::vector<ColumnTypeDecl>& declared, Diagnostics& diagnostics);

/// A cell as a value of `type`: the text itself for String; for Integer and Real the number, or null
/// when the cell is empty or is not a number (column_types said so already).
Value typed_value(const std::string& cell, ColumnType type);

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
