#include "data/join.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

namespace cartelier::data {

namespace {

std::string normalise(const std::string& key, bool ignore_case) {
    auto b = key.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    auto e = key.find_last_not_of(" \t");
    std::string out = key.substr(b, e - b + 1);
    if (ignore_case)
        std::transform(out.begin(), out.end(), out.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
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

}  // namespace

JoinStats join(Layer& layer, const Table& table, const JoinSpec& spec, Diagnostics& diagnostics) {
    JoinStats stats;
    auto key_column = table.column(spec.right_field);
    if (!key_column) {
        auto near = nearest_name(spec.right_field, table.columns);
        diagnostics.error(SourceLocation{table.file, 1, 0, {}},
                          fmt::format("join key column '{}' not found; the header has: {}", spec.right_field,
                                      fmt::join(table.columns, ", ")),
                          near.empty() ? "" : fmt::format("did you mean '{}'?", near));
        return stats;
    }
    auto left_index = layer.schema->index(spec.left_field);
    if (!left_index) {
        auto near = nearest_name(spec.left_field, layer.schema->fields());
        diagnostics.error(spec.declared_at,
                          fmt::format("layer '{}' has no field '{}' to join on; fields: {}", layer.name,
                                      spec.left_field, fmt::join(layer.schema->fields(), ", ")),
                          near.empty() ? "" : fmt::format("did you mean '{}'?", near));
        return stats;
    }

    std::vector<std::size_t> copy;
    if (spec.fields.empty()) {
        for (std::size_t c = 0; c < table.columns.size(); ++c)
            if (c != *key_column) copy.push_back(c);
    } else {
        for (const auto& name : spec.fields) {
            auto c = table.column(name);
            if (!c) {
                auto near = nearest_name(name, table.columns);
                diagnostics.error(spec.declared_at,
                                  fmt::format("join field '{}' is not a column of {}; the header has: {}", name,
                                              table.file, fmt::join(table.columns, ", ")),
                                  near.empty() ? "" : fmt::format("did you mean '{}'?", near));
                continue;
            }
            copy.push_back(*c);
        }
    }

    // Index the table; a duplicated key is an error (which row would win is undefined).
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        std::string key = normalise(row.cells[*key_column], spec.ignore_case);
        auto [it, inserted] = index.emplace(key, r);
        if (!inserted) {
            diagnostics.error(table.where(row, *key_column),
                              fmt::format("duplicate key '{}': already on line {}; a join key must be unique",
                                          row.cells[*key_column], table.rows[it->second].line));
        }
    }

    std::vector<std::size_t> target;
    for (std::size_t c : copy) target.push_back(layer.schema->add(table.columns[c]));
    std::vector<bool> used(table.rows.size(), false);
    for (auto& f : layer.features) {
        std::string key = normalise(value_text(f.value(*left_index)), spec.ignore_case);
        auto it = index.find(key);
        if (it == index.end()) {
            stats.unmatched.push_back(f.id);
            std::string message = fmt::format("'{}' = '{}' has no row in {} (column '{}')", spec.left_field,
                                              value_text(f.value(*left_index)), table.file, spec.right_field);
            std::vector<std::string> keys;
            for (const auto& [k, _] : index) keys.push_back(k);
            std::sort(keys.begin(), keys.end());
            auto near = nearest_name(key, keys);
            std::string hint = near.empty() ? fmt::format("known keys: {}", fmt::join(keys, ", "))
                                            : fmt::format("did you mean '{}'?", near);
            if (spec.required) diagnostics.error(feature_location(layer, f, spec.left_field), message, hint);
            else diagnostics.warning(feature_location(layer, f, spec.left_field), message, hint);
            continue;
        }
        ++stats.matched;
        used[it->second] = true;
        const auto& row = table.rows[it->second];
        if (f.values.size() < layer.schema->size()) f.values.resize(layer.schema->size());
        for (std::size_t k = 0; k < copy.size(); ++k) f.values[target[k]] = Value(row.cells[copy[k]]);
    }
    for (std::size_t r = 0; r < table.rows.size(); ++r)
        if (!used[r]) stats.unused.push_back(table.rows[r].cells[*key_column]);
    return stats;
}

}  // namespace cartelier::data
