#include "data/join.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "data/layer_reader.hpp"

namespace cartelier::data {

namespace {

bool all_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

std::string value_text(const Value& v) {
    if (auto s = std::get_if<std::string>(&v)) return *s;
    if (auto d = std::get_if<double>(&v)) return fmt::format("{}", *d);
    if (auto b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    return {};
}

SourceLocation feature_location(const Layer& layer, const Feature& f, const std::string& field) {
    if (f.line > 0) return SourceLocation{layer.source, static_cast<int>(f.line), 0, fmt::format("column '{}'", field)};
    return SourceLocation{layer.source, 0, 0, fmt::format("feature {}, field '{}'", f.id, field)};
}

/// Key lists in hints are kept short; a table of thousands of keys gets no list.
constexpr std::size_t kListedKeys = 20;
/// Above this many keys, "did you mean" by edit distance costs more than it helps.
constexpr std::size_t kNearestKeys = 2000;

}  // namespace

std::string normalise_key(const std::string& key, bool ignore_case, KeyNormalisation normalisation) {
    auto b = key.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    auto e = key.find_last_not_of(" \t\r\n");
    std::string out = key.substr(b, e - b + 1);
    if (normalisation == KeyNormalisation::Insee) {
        // A number written by a spreadsheet: "7341.0" → "7341".
        if (out.size() > 2 && out.compare(out.size() - 2, 2, ".0") == 0 && all_digits(out.substr(0, out.size() - 2)))
            out.resize(out.size() - 2);
        if (all_digits(out) && (out.size() == 4 || out.size() == 1)) out.insert(out.begin(), '0');
        std::transform(out.begin(), out.end(), out.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        return out;
    }
    if (ignore_case)
        std::transform(out.begin(), out.end(), out.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

JoinStats join(Layer& layer, const Table& table, const JoinSpec& spec, Diagnostics& diagnostics) {
    const auto started = std::chrono::steady_clock::now();
    JoinStats stats;
    stats.layer = layer.name;
    stats.table = table.file;
    stats.left_field = spec.left_field;
    stats.right_field = spec.right_field;
    stats.left_rows = layer.features.size();
    stats.right_rows = table.rows.size();
    auto finish = [&] {
        stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return stats;
    };
    auto key_column = table.column(spec.right_field);
    if (!key_column) {
        diagnostics.error(SourceLocation{table.file, 1, 0, {}},
                          fmt::format("join key column '{}' not found; the header has: {}", spec.right_field,
                                      fmt::join(table.columns, ", ")),
                          suggest_name(spec.right_field, table.columns));
        return finish();
    }
    auto left_index = layer.schema->index(spec.left_field);
    if (!left_index) {
        diagnostics.error(spec.declared_at,
                          fmt::format("layer '{}' has no field '{}' to join on; fields: {}", layer.name,
                                      spec.left_field, fmt::join(layer.schema->fields(), ", ")),
                          suggest_name(spec.left_field, layer.schema->fields()));
        return finish();
    }

    std::vector<std::size_t> copy;
    if (spec.fields.empty()) {
        for (std::size_t c = 0; c < table.columns.size(); ++c)
            if (c != *key_column) copy.push_back(c);
    } else {
        for (const auto& name : spec.fields) {
            auto c = table.column(name);
            if (!c) {
                diagnostics.error(spec.declared_at,
                                  fmt::format("join field '{}' is not a column of {}; the header has: {}", name,
                                              table.file, fmt::join(table.columns, ", ")),
                                  suggest_name(name, table.columns));
                continue;
            }
            copy.push_back(*c);
        }
    }

    // Index the table; a duplicated key is an error (which row would win is undefined).
    std::unordered_map<std::string, std::size_t> index;
    index.reserve(table.rows.size());
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        if (*key_column >= row.cells.size()) continue;
        std::string key = normalise_key(row.cells[*key_column], spec.ignore_case, spec.normalise);
        auto [it, inserted] = index.emplace(key, r);
        if (!inserted) {
            diagnostics.error(table.where(row, *key_column),
                              fmt::format("duplicate key '{}': already on line {}{}; a join key must be unique",
                                          row.cells[*key_column], table.rows[it->second].line,
                                          row.cells[*key_column] == table.rows[it->second].cells[*key_column]
                                              ? std::string{}
                                              : fmt::format(" as '{}'", table.rows[it->second].cells[*key_column])));
        }
    }

    // Sorted keys for hints, built once and only when a feature has no match.
    std::vector<std::string> sorted_keys;
    auto keys = [&]() -> const std::vector<std::string>& {
        if (sorted_keys.empty() && !index.empty()) {
            sorted_keys.reserve(index.size());
            for (const auto& [k, _] : index) sorted_keys.push_back(k);
            std::sort(sorted_keys.begin(), sorted_keys.end());
        }
        return sorted_keys;
    };
    auto hint_for = [&](const std::string& raw, const std::string& key) -> std::string {
        // INSEE codes that lost their leading zero in a spreadsheet (7341 for 07341), on either side.
        if (spec.normalise == KeyNormalisation::None) {
            std::string padded = normalise_key(raw, false, KeyNormalisation::Insee);
            if (padded != key && index.count(padded))
                return fmt::format("did you mean {}? the leading zero was lost (a spreadsheet read the code as a "
                                   "number); add 'normalise: insee' to the join to accept such codes",
                                   padded);
            if (key.size() > 1 && key[0] == '0' && index.count(key.substr(1)))
                return fmt::format("the table has '{}': its codes lost their leading zero; add 'normalise: insee' to "
                                   "the join",
                                   key.substr(1));
        }
        if (index.size() <= kNearestKeys) {
            if (auto hint = suggest_name(key, keys()); !hint.empty()) return hint;
        }
        if (index.size() <= kListedKeys) return fmt::format("known keys: {}", fmt::join(keys(), ", "));
        return fmt::format("the table has {} keys", index.size());
    };

    const ColumnTypes types = column_types(table, spec.types, diagnostics);
    std::vector<std::size_t> target;
    for (std::size_t c : copy) target.push_back(layer.schema->add(table.columns[c]));
    std::vector<bool> used(table.rows.size(), false);
    std::map<double, std::string> by_number;  ///< numeric table keys, built when a number key first misses
    bool by_number_built = false;
    for (auto& f : layer.features) {
        const std::string raw = value_text(f.value(*left_index));
        std::string key = normalise_key(raw, spec.ignore_case, spec.normalise);
        auto it = index.find(key);
        if (it == index.end() && std::holds_alternative<double>(f.value(*left_index))) {
            // A number typed from a CSV column (5.10 reads 5.1): the row whose key is the same number.
            if (!by_number_built)
                for (const auto& entry : index)
                    if (auto v = parse_decimal(entry.first)) by_number.emplace(*v, entry.first);
            by_number_built = true;
            if (auto n = by_number.find(std::get<double>(f.value(*left_index))); n != by_number.end())
                it = index.find(n->second);
        }
        if (it == index.end()) {
            stats.unmatched.push_back(f.id);
            stats.unmatched_keys.push_back(raw);
            if (!spec.report_unmatched || stats.unmatched.size() > spec.max_messages) continue;  // summarised below
            std::string message = fmt::format("'{}' = '{}' has no row in {} (column '{}')", spec.left_field, raw,
                                              table.file, spec.right_field);
            std::string hint = hint_for(raw, key);
            if (spec.required) diagnostics.error(feature_location(layer, f, spec.left_field), message, hint);
            else diagnostics.warning(feature_location(layer, f, spec.left_field), message, hint);
            continue;
        }
        ++stats.matched;
        if (spec.normalise != KeyNormalisation::None &&
            table.rows[it->second].cells[*key_column] != raw)
            ++stats.normalised;
        used[it->second] = true;
        const auto& row = table.rows[it->second];
        if (f.values.size() < layer.schema->size()) f.values.resize(layer.schema->size());
        for (std::size_t k = 0; k < copy.size(); ++k)
            f.values[target[k]] =
                copy[k] < row.cells.size() ? typed_value(row.cells[copy[k]], types.types[copy[k]]) : Value{};
    }
    if (spec.report_unmatched && stats.unmatched.size() > spec.max_messages) {
        std::size_t more = stats.unmatched.size() - spec.max_messages;
        std::vector<std::string> sample(stats.unmatched_keys.begin() + static_cast<std::ptrdiff_t>(spec.max_messages),
                                        stats.unmatched_keys.begin() +
                                            static_cast<std::ptrdiff_t>(std::min(stats.unmatched.size(),
                                                                                 spec.max_messages + 10)));
        std::string message = fmt::format("{} more features of layer '{}' have no row in {} (column '{}'): {}{}", more,
                                          layer.name, table.file, spec.right_field, fmt::join(sample, ", "),
                                          more > sample.size() ? ", …" : "");
        std::string hint = "the build report lists every unmatched key";
        if (spec.required) diagnostics.error(spec.declared_at, message, hint);
        else diagnostics.warning(spec.declared_at, message, hint);
    }
    for (std::size_t r = 0; r < table.rows.size(); ++r)
        if (!used[r] && *key_column < table.rows[r].cells.size()) stats.unused.push_back(table.rows[r].cells[*key_column]);
    return finish();
}

}  // namespace cartelier::data
