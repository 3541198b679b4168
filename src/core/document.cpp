#include "core/document.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/file_io.hpp"

namespace cartelier::doc {

namespace {

Document parse(const std::string& text, const std::string& name) {
    try {
        return Document{name, YAML::Load(text)};
    } catch (const YAML::Exception& e) {
        throw Error(SourceLocation{name, e.mark.line + 1, e.mark.column + 1, {}},
                    fmt::format("syntax error: {}", e.msg));
    }
}

bool is_plain(const YAML::Node& node) { return node.Tag() != "!"; }

std::optional<double> parse_number(const std::string& s) {
    if (s.empty()) return std::nullopt;
    // JSON numbers only: optional minus, digits, fraction, exponent. No hex, no inf/nan, no leading '+'.
    std::size_t i = 0;
    if (s[i] == '-') ++i;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) {
        if (!(i < s.size() && s[i] == '.')) return std::nullopt;
    }
    for (char c : s.substr(i)) {
        if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' || c == '+' ||
              c == '-'))
            return std::nullopt;
    }
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}


std::string format_number(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{}", v);
}

void write_json(std::string& out, const YAML::Node& node, int indent, int depth) {
    auto newline = [&](int d) {
        if (indent <= 0) return;
        out += '\n';
        out.append(static_cast<std::size_t>(d * indent), ' ');
    };
    switch (kind(node)) {
        case Kind::Null: out += "null"; break;
        case Kind::Boolean: out += *boolean(node) ? "true" : "false"; break;
        case Kind::Number: out += format_number(*number(node)); break;
        case Kind::String: append_json_string(out, node.Scalar()); break;
        case Kind::Array: {
            // Short arrays of scalars stay on one line (expressions read better that way).
            bool flat = true;
            for (const auto& e : node)
                if (e.IsMap() || (e.IsSequence() && e.size() > 0)) flat = false;
            out += '[';
            std::size_t i = 0;
            for (const auto& e : node) {
                if (i++) out += flat || indent <= 0 ? ", " : ",";
                if (!flat) newline(depth + 1);
                write_json(out, e, indent, depth + 1);
            }
            if (!flat && node.size() > 0) newline(depth);
            out += ']';
            break;
        }
        case Kind::Object: {
            out += '{';
            std::size_t i = 0;
            for (auto it = node.begin(); it != node.end(); ++it) {
                if (i++) out += ',';
                newline(depth + 1);
                append_json_string(out, it->first.Scalar());
                out += indent > 0 ? ": " : ":";
                write_json(out, it->second, indent, depth + 1);
            }
            if (node.size() > 0) newline(depth);
            out += '}';
            break;
        }
    }
}

}  // namespace

Document load_file(const std::string& path) { return parse(read_file(path), path); }

Document load_string(const std::string& text, const std::string& name) { return parse(text, name); }

Kind kind(const YAML::Node& node) {
    if (!node.IsDefined() || node.IsNull()) return Kind::Null;
    if (node.IsSequence()) return Kind::Array;
    if (node.IsMap()) return Kind::Object;
    if (!is_plain(node)) return Kind::String;
    const std::string& s = node.Scalar();
    if (s == "null" || s == "~") return Kind::Null;
    if (s == "true" || s == "false") return Kind::Boolean;
    if (parse_number(s)) return Kind::Number;
    return Kind::String;
}

const char* kind_name(Kind k) {
    switch (k) {
        case Kind::Null: return "null";
        case Kind::Boolean: return "boolean";
        case Kind::Number: return "number";
        case Kind::String: return "string";
        case Kind::Array: return "array";
        case Kind::Object: return "object";
    }
    return "?";
}

std::string describe(const YAML::Node& node) {
    switch (kind(node)) {
        case Kind::Null: return "null";
        case Kind::Boolean: return fmt::format("boolean {}", node.Scalar());
        case Kind::Number: return fmt::format("number {}", node.Scalar());
        case Kind::String: return fmt::format("string \"{}\"", node.Scalar());
        case Kind::Array: return fmt::format("array of {}", node.size());
        case Kind::Object: return "object";
    }
    return "?";
}

std::optional<double> number(const YAML::Node& node) {
    if (kind(node) != Kind::Number) return std::nullopt;
    return parse_number(node.Scalar());
}

std::optional<bool> boolean(const YAML::Node& node) {
    if (kind(node) != Kind::Boolean) return std::nullopt;
    return node.Scalar() == "true";
}

std::optional<std::string> string(const YAML::Node& node) {
    if (kind(node) != Kind::String) return std::nullopt;
    return node.Scalar();
}

SourceLocation location(const std::string& file, const YAML::Node& node, std::string path) {
    SourceLocation loc{file, 0, 0, std::move(path)};
    if (node.IsDefined()) {
        auto mark = node.Mark();
        if (mark.line >= 0) {
            loc.line = mark.line + 1;
            loc.column = mark.column + 1;
        }
    }
    return loc;
}

std::string key(const std::string& parent, const std::string& name) {
    return parent.empty() ? name : parent + "." + name;
}

std::string index(const std::string& parent, std::size_t i) { return fmt::format("{}[{}]", parent, i); }

void append_json_string(std::string& out, const std::string& s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) out += fmt::format("\\u{:04x}", c);
                else out += static_cast<char>(c);
        }
    }
    out += '"';
}

std::string to_json(const YAML::Node& node, int indent) {
    std::string out;
    write_json(out, node, indent, 0);
    return out;
}

}  // namespace cartelier::doc
