// libFuzzer target: the CSV reader (delimiter sniffing, quotes, BOM, Windows-1252), then the number
// parser on every cell, as the point-table reader uses them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data/layer_reader.hpp"
#include "data/table.hpp"

using namespace cartelier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    Diagnostics d;
    data::Table t = data::parse_csv(text, "fuzz.csv", d);
    for (const auto& row : t.rows) {
        if (row.cells.size() != t.columns.size()) __builtin_trap();  // the reader promises as many cells as columns
        for (const auto& cell : row.cells) (void)data::parse_decimal(cell);
    }
    (void)d.format();
    return 0;
}
