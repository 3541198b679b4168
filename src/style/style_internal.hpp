// Internals of the style reader shared by its translation units (not part of the module interface).
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "core/diagnostic.hpp"
#include "core/document.hpp"
#include "style/style.hpp"

namespace cartelier::style::detail {

/// Where problems of one style file go.
struct Reporter {
    const std::string& file;
    Diagnostics& errors;
    Diagnostics* warnings = nullptr;

    void error(const YAML::Node& at, const std::string& path, std::string message, std::string hint = {}) const {
        errors.error(doc::location(file, at, path), std::move(message), std::move(hint));
    }
    void warning(const YAML::Node& at, const std::string& path, std::string message, std::string hint = {}) const {
        if (warnings) warnings->warning(doc::location(file, at, path), std::move(message), std::move(hint));
    }
};

/// "a, b or c"
std::string join_names(const std::vector<std::string>& names, const char* last = " or ");

// ---- building expression nodes (synthesized nodes have no position; original nodes keep theirs)
YAML::Node str_node(const std::string& s);  ///< a string scalar (never read as a number or boolean)
YAML::Node num_node(double d);
YAML::Node seq_node(std::initializer_list<YAML::Node> items);
/// A constant as an expression argument: arrays and objects wrapped in ["literal", …].
YAML::Node literal_node(const YAML::Node& value);

/// True when `name` is an operator of the MapLibre expression language (any version).
bool is_maplibre_operator(const std::string& name);

/// Checks a constant (non-expression) value against a property: type, enum values, bounds.
/// Reports every problem; true when the value is valid.
bool check_constant(const PropertySpec& spec, const YAML::Node& value, const std::string& path,
                    const Reporter& reporter);

/// MapLibre's legacy token strings ("{name} ({ele} m)") as a concat/get expression; nullopt without tokens.
std::optional<YAML::Node> convert_token_string(const YAML::Node& value);

/// A legacy function object ({"stops": …, "property": …, "base": …, "type": …, "default": …}) as the
/// equivalent expression (as maplibre-style-spec's function/convert does); nullopt after reporting errors.
std::optional<YAML::Node> convert_function(const PropertySpec& spec, const YAML::Node& function,
                                           const std::string& path, const Reporter& reporter);

/// MapLibre's test for filters written as expressions (isExpressionFilter).
bool is_expression_filter(const YAML::Node& filter);
/// A legacy filter (["==", "class", "river"], ["in", "$type", "Point"], …) as the equivalent boolean
/// expression; nullopt after reporting errors.
std::optional<YAML::Node> convert_legacy_filter(const YAML::Node& filter, const std::string& path,
                                                const Reporter& reporter);

}  // namespace cartelier::style::detail
