// JSON and YAML documents read with positions: the project file and style files go through here, so
// that every error can name the file, line and column of the value at fault.
// The node tree is built by the YAML parser (JSON is YAML 1.2), which keeps a mark on every node; a
// document whose name ends in .json is first checked as strict JSON (RFC 8259, as MapLibre and every
// JSON tool read it), so that what YAML alone would accept (comments, single quotes, unquoted keys,
// trailing commas, content after the root value, duplicate keys) is an error there.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/diagnostic.hpp"

namespace cartelier::doc {

struct Document {
    std::string file;  ///< as the user named it, for messages
    YAML::Node root;
};

/// Reads and parses a file; a syntax error or unreadable file throws Error naming file, line and column
/// (for JSON, columns count characters; with the JSON path of the object at fault when there is one),
/// what was expected and what was found, with a hint for the usual mistakes (a tab or a misaligned
/// line in YAML, a comment or a trailing comma in JSON).
Document load_file(const std::string& path);
/// Parses text; `name` stands for the file in messages, and decides the syntax: strict JSON when it
/// ends in .json (in any case), YAML otherwise.
Document load_string(const std::string& text, const std::string& name);

/// The first syntax error of `text` as strict JSON (RFC 8259), said as load_string says it (`name`, line,
/// column, the JSON path of the object at fault, what was expected and what was found), or none when
/// the text is JSON. A key twice in an object is not looked for (GeoJSON readers take the last one).
std::optional<Diagnostic> json_syntax_error(std::string_view text, const std::string& name);

enum class Kind { Null, Boolean, Number, String, Array, Object };

/// The JSON kind of a node: quoted scalars are strings; plain scalars are null, true/false, numbers,
/// or (YAML only) strings.
Kind kind(const YAML::Node& node);
/// "null", "boolean", "number", "string", "array", "object".
const char* kind_name(Kind k);
/// Short description for messages: `number 3`, `string "abc"`, `array of 2`, `object`.
std::string describe(const YAML::Node& node);

std::optional<double> number(const YAML::Node& node);
std::optional<bool> boolean(const YAML::Node& node);
/// The text of a string node (quoted or plain non-number/bool/null scalar).
std::optional<std::string> string(const YAML::Node& node);

/// Location of a node in `file`, with the document path (e.g. `layers[3].paint.fill-color`).
SourceLocation location(const std::string& file, const YAML::Node& node, std::string path = {});

/// JSON path helpers: `key("layers", "paint")` → "layers.paint", `index("layers", 3)` → "layers[3]".
std::string key(const std::string& parent, const std::string& name);
std::string index(const std::string& parent, std::size_t i);

/// Appends `s` as a JSON string literal (quoted, escaped).
void append_json_string(std::string& out, const std::string& s);

/// `s` with &, <, > and " escaped for XML or HTML text and double-quoted attribute values.
std::string markup_escape(const std::string& s);

/// Writes a node as JSON text (the style converter and tests use it); keys keep their order.
std::string to_json(const YAML::Node& node, int indent = 2);

}  // namespace cartelier::doc
