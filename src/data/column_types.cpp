#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "data/layer_reader.hpp"
#include "data/table.hpp"

namespace cartelier::data {

namespace {

/// Digits an integer may have and stay exact as a double (2^53 has 16).
constexpr std::size_t kMaxIntegerDigits = 15;

bool digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

/// An integer written with a leading zero (07, 01234): a code, which a number would shorten.
bool zero_padded(std::string_view s) {
    if (!s.empty() && s.front() == '-') s.remove_prefix(1);
    return s.size() > 1 && s.front() == '0' && digits(s);
}

/// What a cell looks like to inference.
enum class Shape {
    Empty,
    Integer,  ///< -?(0|[1-9][0-9]*), at most 15 digits
    Real,     ///< another plain number: -?[0-9]*(.[0-9]*)?([eE][-+]?[0-9]+)? with a digit in the mantissa
    Code,     ///< a number written with a leading zero (07, 007.5) or over 15 digits: text that must stay text
    Text,
};

Shape shape_of(std::string_view s) {
    if (s.empty()) return Shape::Empty;
    std::string_view body = s;
    if (body.front() == '-') body.remove_prefix(1);
    std::string_view mantissa = body.substr(0, body.find_first_of("eE"));
    std::string_view exponent = mantissa.size() < body.size() ? body.substr(mantissa.size() + 1) : std::string_view{};
    const auto point = mantissa.find('.');
    std::string_view whole = mantissa.substr(0, point);
    std::string_view fraction = point == std::string_view::npos ? std::string_view{} : mantissa.substr(point + 1);
    if (!whole.empty() && !digits(whole)) return Shape::Text;
    if (!fraction.empty() && !digits(fraction)) return Shape::Text;
    if (whole.empty() && fraction.empty()) return Shape::Text;  // "-", ".", "e5"
    if (mantissa.size() < body.size()) {
        if (!exponent.empty() && (exponent.front() == '-' || exponent.front() == '+')) exponent.remove_prefix(1);
        if (!digits(exponent)) return Shape::Text;
    }
    if ((whole.size() > 1 && whole.front() == '0') || whole.size() > kMaxIntegerDigits) return Shape::Code;
    if (point == std::string_view::npos && mantissa.size() == body.size()) return Shape::Integer;
    return Shape::Real;
}

/// Whether `cell` is a value of the declared `type` (a declared type is given its due: an integer may
/// have a sign or leading zeros, a real a decimal comma).
bool fits(const std::string& cell, ColumnType type) {
    if (cell.empty() || type == ColumnType::String) return true;
    if (type == ColumnType::Real) return parse_decimal(cell).has_value();
    std::string_view body = cell;
    if (body.front() == '-' || body.front() == '+') body.remove_prefix(1);
    if (body.empty()) return false;
    body.remove_prefix(std::min(body.find_first_not_of('0'), body.size() - 1));
    return digits(body) && body.size() <= kMaxIntegerDigits;
}

}  // namespace

std::string_view column_type_name(ColumnType type) {
    switch (type) {
        case ColumnType::Integer: return "integer";
        case ColumnType::Real: return "real";
        case ColumnType::String: break;
    }
    return "string";
}

std::optional<ColumnType> column_type_named(std::string_view name) {
    for (ColumnType t : {ColumnType::String, ColumnType::Integer, ColumnType::Real})
        if (column_type_name(t) == name) return t;
    return std::nullopt;
}

const std::vector<std::string>& column_type_names() {
    static const std::vector<std::string> names = {"string", "integer", "real"};
    return names;
}

ColumnTypes column_types(const Table& table, const std::vector<ColumnTypeDecl>& declared, Diagnostics& diagnostics) {
    ColumnTypes out;
    out.types.assign(table.columns.size(), ColumnType::String);
    out.declared.assign(table.columns.size(), false);
    for (const auto& d : declared) {
        auto c = table.column(d.column);
        if (!c) {
            diagnostics.error(d.declared_at,
                              fmt::format("types: no column '{}' in {}; the header has: {}", d.column, table.file,
                                          fmt::join(table.columns, ", ")),
                              suggest_name(d.column, table.columns));
            continue;
        }
        out.types[*c] = d.type;
        out.declared[*c] = true;
    }
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
        if (out.declared[c]) {
            bool zero_said = false;
            for (const auto& row : table.rows) {
                if (c >= row.cells.size()) continue;
                if (!zero_said && out.types[c] != ColumnType::String && zero_padded(row.cells[c])) {
                    // Once per column: a code such as 07341 read as the number 7341.
                    diagnostics.warning(table.where(row, c),
                                        fmt::format("'{}' loses its leading zero as a number (the column is declared "
                                                    "{})",
                                                    row.cells[c], column_type_name(out.types[c])),
                                        "declare the column 'string' to keep codes as they are written");
                    zero_said = true;
                }
                if (!fits(row.cells[c], out.types[c]))
                    diagnostics.error(table.where(row, c),
                                      fmt::format("expected {} (the column is declared {}), found '{}'",
                                                  out.types[c] == ColumnType::Integer ? "an integer" : "a number",
                                                  column_type_name(out.types[c]), row.cells[c]),
                                      out.types[c] == ColumnType::Integer && parse_decimal(row.cells[c])
                                          ? "declare the column 'real' to keep its decimals"
                                          : "leave the cell empty for no value, or declare the column 'string'");
            }
            continue;
        }
        bool any = false, real = false, text = false;
        for (const auto& row : table.rows) {
            if (c >= row.cells.size()) continue;
            switch (shape_of(row.cells[c])) {
                case Shape::Empty: break;
                case Shape::Integer: any = true; break;
                case Shape::Real: any = real = true; break;
                case Shape::Code:
                case Shape::Text: text = true; break;
            }
            if (text) break;
        }
        if (any && !text) out.types[c] = real ? ColumnType::Real : ColumnType::Integer;
    }
    return out;
}

Value typed_value(const std::string& cell, ColumnType type) {
    if (type == ColumnType::String) return Value(cell);
    if (auto v = parse_decimal(cell)) return Value(*v);
    return Value{};
}

}  // namespace cartelier::data
