#include "core/document.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/file_io.hpp"

namespace cartelier::doc {

namespace {

// ------------------------------------------------------------------ positions

/// 1-based line and column of byte `offset` in `text`; the column counts characters (UTF-8 sequences),
/// not bytes.
std::pair<int, int> line_column(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i)
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    int column = 1;
    for (std::size_t i = line_start; i < offset; ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
    return {line, column};
}

SourceLocation location_at(std::string_view text, const std::string& name, std::size_t offset,
                           std::string path = {}) {
    auto [line, column] = line_column(text, offset);
    return SourceLocation{name, line, column, std::move(path)};
}

std::string line_column_text(std::string_view text, std::size_t offset) {
    auto [line, column] = line_column(text, offset);
    return fmt::format("line {}:{}", line, column);
}

bool is_json_name(const std::string& name) {
    constexpr std::string_view ext = ".json";
    if (name.size() < ext.size()) return false;
    return std::equal(ext.begin(), ext.end(), name.end() - static_cast<std::ptrdiff_t>(ext.size()),
                      [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

// ------------------------------------------------------------------ strict JSON

/// A character iterator that publishes how far nlohmann's lexer has read, so that the SAX events (which
/// carry no position) can be placed in the text.
struct CountingIterator {
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    const char* p = nullptr;
    const char** read_up_to = nullptr;

    reference operator*() const { return *p; }
    CountingIterator& operator++() {
        ++p;
        *read_up_to = p;
        return *this;
    }
    CountingIterator operator++(int) {
        CountingIterator before = *this;
        ++*this;
        return before;
    }
    bool operator==(const CountingIterator& o) const { return p == o.p; }
    bool operator!=(const CountingIterator& o) const { return p != o.p; }
};

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '-' || c == '.' ||
           c == '+' || (static_cast<unsigned char>(c) & 0x80);
}

/// Checks `text` against RFC 8259 with nlohmann's SAX parser, with the positions of the two things it
/// does not report itself: duplicate keys and the JSON path of each problem. Throws Error at the first
/// problem.
class StrictJson {
public:
    /// `document`: a project or style file, which may be written in YAML instead (the hints say so); else
    /// a data file, where a key twice in an object is no problem (RFC 8259 leaves it open).
    StrictJson(std::string_view text, const std::string& name, bool document = true)
        : text_(text), name_(name), document_(document) {}

    void check() {
        const char* read_up_to = text_.data();
        read_up_to_ = &read_up_to;
        CountingIterator first{text_.data(), &read_up_to};
        CountingIterator last{text_.data() + text_.size(), &read_up_to};
        nlohmann::json::sax_parse(first, last, this, nlohmann::json::input_format_t::json, /*strict=*/true,
                                  /*ignore_comments=*/false);
        if (error_) throw Error(std::move(*error_));
    }

    // nlohmann::json_sax interface
    bool null() { return value(); }
    bool boolean(bool) { return value(); }
    bool number_integer(nlohmann::json::number_integer_t) { return value(); }
    bool number_unsigned(nlohmann::json::number_unsigned_t) { return value(); }
    bool number_float(nlohmann::json::number_float_t, const std::string&) { return value(); }
    bool string(std::string&) { return value(); }
    bool binary(nlohmann::json::binary_t&) { return value(); }
    bool start_object(std::size_t) { return open(true); }
    bool start_array(std::size_t) { return open(false); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(std::string& k) {
        // The lexer has just read the closing quote of the key: walk back to its opening quote.
        const std::size_t end = read() - 1;
        std::size_t start = end;
        while (start > 0) {
            --start;
            if (text_[start] != '"') continue;
            std::size_t backslashes = 0;
            while (start >= backslashes + 1 && text_[start - backslashes - 1] == '\\') ++backslashes;
            if (backslashes % 2 == 0) break;
        }
        Frame& frame = stack_.back();
        frame.key = k;
        if (!document_) {  // no duplicate looked for: only the path is kept, the key itself stands for all
            if (frame.keys.empty()) frame.keys.emplace(k, start);
            return true;
        }
        auto [it, inserted] = frame.keys.emplace(k, start);
        if (!inserted) {
            Diagnostics d;
            d.error(location_at(text_, name_, start, path()),
                    fmt::format("duplicate key '{}': already at {} in this object", k,
                                line_column_text(text_, it->second)),
                    "JSON tools keep only one of the two values: remove the other");
            error_ = Error(std::move(d));
            return false;
        }
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
        syntax_error(position, ex.what());
        return false;
    }

private:
    struct Frame {
        bool object = false;
        std::size_t opened = 0;   ///< offset of '{' or '['
        std::string key;          ///< the current key (objects)
        std::size_t index = 0;    ///< the current element (arrays)
        bool started = false;     ///< an element was seen (arrays)
        std::map<std::string, std::size_t> keys;  ///< key → offset of its opening quote (objects)
    };

    std::size_t read() const { return static_cast<std::size_t>(*read_up_to_ - text_.data()); }

    bool value() {
        if (!stack_.empty() && !stack_.back().object) {
            Frame& f = stack_.back();
            if (f.started) ++f.index;
            f.started = true;
        }
        return true;
    }
    bool open(bool object) {
        value();
        stack_.push_back(Frame{object, read() - 1, {}, 0, false, {}});
        return true;
    }
    bool close() {
        stack_.pop_back();
        if (stack_.empty()) root_end_ = read() - 1;
        return true;
    }

    /// The JSON path of the value being read (`layers[2].paint`); `depth` frames deep.
    std::string path(std::size_t depth) const {
        std::string out;
        for (std::size_t i = 0; i < depth && i < stack_.size(); ++i) {
            const Frame& f = stack_[i];
            if (f.object) {
                if (!f.keys.empty()) out = doc::key(out, f.key);
            } else if (f.started) {
                out = doc::index(out, f.index);
            }
        }
        return out;
    }
    std::string path() const { return path(stack_.size()); }

    /// Offset of the last character before `offset` that is not white space, or npos.
    std::size_t previous_token(std::size_t offset) const {
        while (offset > 0) {
            --offset;
            char c = text_[offset];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return offset;
        }
        return std::string_view::npos;
    }

    std::string word_at(std::size_t offset) const {
        std::size_t end = offset;
        while (end < text_.size() && is_word_char(text_[end]) && end - offset < 40) ++end;
        return std::string(text_.substr(offset, end - offset));
    }

    /// What stands at `offset`, for "found ...".
    std::string describe_at(std::size_t offset) const {
        if (offset >= text_.size()) return "the end of the file";
        const char c = text_[offset];
        if (c == '"') return "a string";
        if (c == '\'') return "a single-quoted string";
        if (c == '#' || (c == '/' && offset + 1 < text_.size() && (text_[offset + 1] == '/' || text_[offset + 1] == '*')))
            return "a comment";
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') return fmt::format("the number {}", word_at(offset));
        if (is_word_char(c)) return fmt::format("the unquoted word '{}'", word_at(offset));
        return fmt::format("'{}'", c);
    }

    void syntax_error(std::size_t position, std::string_view what) {
        // nlohmann's message: "...: syntax error while parsing CONTEXT - DETAIL[; last read: 'T'][; expected E]"
        std::string_view msg = what;
        if (auto s = what.find("syntax error"); s != std::string_view::npos) msg = what.substr(s);
        else if (auto b = what.find("] "); b != std::string_view::npos) msg = what.substr(b + 2);  // out of range
        std::string_view context, detail = msg, expected, lexer_error;
        if (auto dash = msg.find(" - "); dash != std::string_view::npos) {
            constexpr std::string_view prefix = "syntax error while parsing ";
            if (msg.substr(0, prefix.size()) == prefix) context = msg.substr(prefix.size(), dash - prefix.size());
            detail = msg.substr(dash + 3);
        }
        if (detail.substr(0, 11) == "unexpected ") {
            auto e = detail.find("; expected ");
            if (e != std::string_view::npos) expected = detail.substr(e + 11);
        } else {
            auto last_read = detail.find("; last read: '");
            lexer_error = detail.substr(0, last_read);
            if (auto e = detail.rfind("'; expected "); e != std::string_view::npos && last_read != std::string_view::npos &&
                                                       e > last_read)
                expected = detail.substr(e + 12);
        }

        // The lexer's position is one past the last character it read: the offending token ends there.
        std::size_t at = position == 0 ? 0 : std::min(position - 1, text_.size());
        if (detail.find("unexpected string literal") == 0) {
            while (at > 0 && text_[at] != '"') --at;  // the closing quote → the opening one
            if (at > 0) --at;
            while (at > 0 && text_[at] != '"') --at;
        } else if (lexer_error.empty() || lexer_error == "invalid literal") {
            // a literal cut short ("tru}") is reported at its first letter
            if (at < text_.size() && !is_word_char(text_[at]) && lexer_error == "invalid literal" && at > 0 &&
                std::isalpha(static_cast<unsigned char>(text_[at - 1])))
                --at;
            if (at < text_.size() && is_word_char(text_[at]))
                while (at > 0 && is_word_char(text_[at - 1])) --at;
        }
        if (at >= text_.size()) at = text_.size();
        // A token that stops at the end of the text was cut short by it.
        if (at < text_.size() && position > text_.size()) at = text_.size();

        const bool in_object = !stack_.empty() && stack_.back().object;
        std::string expected_text;
        if (expected == "string literal") expected_text = "a double-quoted key";
        else if (expected == "end of input") expected_text = "the end of the file";
        else if (expected == "'}'") expected_text = "',' or '}'";
        else if (expected == "']'") expected_text = "',' or ']'";
        else if (expected == "'[', '{', or a literal" || (expected.empty() && context == "value"))
            expected_text = "a value (a double-quoted string, a number, true, false, null, an array or an object)";
        else expected_text = std::string(expected);

        std::string found = describe_at(at);
        std::string hint;
        std::size_t where = at;
        // The problem is placed in the innermost container, or at the key whose value is wrong.
        std::string where_path;
        if (!stack_.empty()) where_path = path(context == "value" && in_object ? stack_.size() : stack_.size() - 1);
        const std::size_t before = previous_token(at);
        const char c = at < text_.size() ? text_[at] : '\0';

        // the lexer's own errors (a bad number, escape, control character) say what is wrong themselves
        const bool lexical = !lexer_error.empty() && lexer_error != "invalid literal";
        if (lexical && found != "a comment" && c != '\'') {
            // the lexer's message says what is wrong; a line break inside a string is a quote left out
            if (lexer_error.find("U+000A") != std::string_view::npos)
                hint = "a string runs on past the end of its line: its closing quote is missing";
        } else if (found == "a comment") {
            hint = document_ ? "JSON has no comments: remove it, or write the style in YAML (.yaml), which has # comments"
                             : "JSON has no comments: remove it";
        } else if (before == std::string_view::npos && at < text_.size() && c != '{' && c != '[') {
            hint = document_ ? "this file is not JSON; a document written in YAML must be named .yaml or .yml"
                             : "this file is not JSON";
        } else if (c == '\'') {
            hint = "JSON strings take double quotes";
        } else if (context == "object key" && found.rfind("the unquoted word", 0) == 0) {
            found = fmt::format("the unquoted key '{}'", word_at(at));
            hint = fmt::format("JSON keys take double quotes: \"{}\"", word_at(at));
        } else if (found.rfind("the unquoted word", 0) == 0 && at > 0 && text_[at - 1] == '"') {
            // `"Pas-de-Calais,"type"`: a string left open ran on up to the next quote
            hint = fmt::format("a string ends at the '\"' just before '{}': a closing quote is missing earlier, or "
                               "this one is one too many",
                               word_at(at));
        } else if (found.rfind("the unquoted word", 0) == 0) {
            hint = fmt::format("JSON strings take double quotes: \"{}\"", word_at(at));
        } else if ((c == '}' || c == ']') && before != std::string_view::npos && text_[before] == ',') {
            where = before;
            expected_text = c == '}' ? "a double-quoted key after ','" : "a value after ','";
            found = fmt::format("'{}'", c);
            hint = fmt::format("JSON allows no comma before '{}': remove the ',' at {}", c,
                               line_column_text(text_, before));
        } else if (c == ',' && before != std::string_view::npos && text_[before] == ',') {
            found = "a second ','";
            hint = "remove one of the two commas";
        } else if (at >= text_.size() && !document_) {
            hint = "the file ends in the middle of its JSON: it was cut short (an interrupted download or copy?)";
        } else if (expected == "end of input" && root_end_) {
            expected_text = fmt::format("the end of the file after the root {} (closed at {})",
                                        text_[*root_end_] == '}' ? "object" : "array",
                                        line_column_text(text_, *root_end_));
            hint = "a JSON file holds a single value: remove what follows it";
            where_path.clear();
        }

        std::string message;
        if (context.empty() && expected.empty())
            message = fmt::format("syntax error: {}", msg);
        else if (lexical && found != "a comment" && c != '\'')
            message = fmt::format("syntax error: {}", lexer_error);
        else
            message = fmt::format("syntax error: expected {}, found {}", expected_text, found);
        Diagnostics d;
        d.error(location_at(text_, name_, where, where_path), std::move(message), std::move(hint));
        error_ = Error(std::move(d));
    }

    std::string_view text_;
    const std::string& name_;
    const char** read_up_to_ = nullptr;
    std::vector<Frame> stack_;
    std::optional<std::size_t> root_end_;
    bool document_ = true;
    std::optional<Error> error_;
};

// ------------------------------------------------------------------ YAML

/// Leading white space of line `line` (1-based) of `text`, and whether that line has any content.
std::string_view indentation(std::string_view text, int line, bool* blank = nullptr) {
    std::size_t start = 0;
    for (int l = 1; l < line; ++l) {
        start = text.find('\n', start);
        if (start == std::string_view::npos) return {};
        ++start;
    }
    std::size_t end = text.find('\n', start);
    std::string_view row = text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
    std::size_t n = row.find_first_not_of(" \t");
    if (blank) *blank = n == std::string_view::npos || row[n] == '#' || row[n] == '\r';
    return row.substr(0, n == std::string_view::npos ? row.size() : n);
}

/// A hint for the YAML errors that indentation causes: a tab in the indentation of the line at fault or
/// of the line above, or a line indented differently from the one above.
std::string yaml_hint(std::string_view text, const YAML::Exception& e) {
    const int line = e.mark.line + 1;
    if (line <= 0) return {};
    for (int l = line; l >= std::max(1, line - 1); --l)
        if (indentation(text, l).find('\t') != std::string_view::npos)
            return fmt::format("YAML forbids tabs for indentation: replace the tab at line {} with spaces", l);
    const bool structural = e.msg == YAML::ErrorMsg::END_OF_MAP || e.msg == YAML::ErrorMsg::END_OF_SEQ ||
                            e.msg == YAML::ErrorMsg::MAP_VALUE || e.msg == YAML::ErrorMsg::BLOCK_ENTRY ||
                            e.msg == YAML::ErrorMsg::MAP_KEY;
    if (!structural) return {};
    int above = line - 1;
    bool blank = true;
    while (above >= 1) {
        indentation(text, above, &blank);
        if (!blank) break;
        --above;
    }
    if (above < 1) return {};
    if (indentation(text, above).size() == indentation(text, line).size()) return {};
    return fmt::format(
        "check the indentation of line {} against line {} above it: the keys of one object, and the '-' "
        "of one list, must start in the same column",
        line, above);
}

/// A key written twice in one mapping: YAML forbids it, but the parser keeps both entries and a lookup
/// finds the first, so the second (often the one just edited) would be silently ignored. Throws Error at
/// the second, naming the first. `walked`: the positions of the collections already checked (an alias
/// is walked once, however many times it is used).
void reject_duplicate_keys(const YAML::Node& node, const std::string& name, const std::string& path,
                           std::set<int>& walked) {
    if (!node.IsMap() && !node.IsSequence()) return;
    if (!walked.insert(node.Mark().pos).second) return;
    if (node.IsSequence()) {
        std::size_t i = 0;
        for (const YAML::Node& item : node) reject_duplicate_keys(item, name, index(path, i++), walked);
        return;
    }
    std::map<std::string, YAML::Mark> keys;
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar()) continue;
        const std::string& k = it->first.Scalar();
        const YAML::Mark at = it->first.Mark();
        if (auto [first, fresh] = keys.emplace(k, at); !fresh)
            throw Error(SourceLocation{name, at.line + 1, at.column + 1, key(path, k)},
                        fmt::format("duplicate key '{}': already at line {}:{} in this mapping", k, first->second.line + 1,
                                    first->second.column + 1),
                        "a lookup would find only the first of the two: remove the other");
        reject_duplicate_keys(it->second, name, key(path, k), walked);
    }
}

Document parse(const std::string& text, const std::string& name) {
    const bool json = is_json_name(name);
    if (json) StrictJson(text, name).check();  // duplicate keys included
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw Error(SourceLocation{name, e.mark.line + 1, e.mark.column + 1, {}},
                    fmt::format("syntax error: {}", e.msg), json ? std::string() : yaml_hint(text, e));
    }
    if (!json) {
        std::set<int> walked;
        reject_duplicate_keys(root, name, "", walked);
    }
    return Document{name, std::move(root)};
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

std::optional<Diagnostic> json_syntax_error(std::string_view text, const std::string& name) {
    try {
        StrictJson(text, name, /*document=*/false).check();
    } catch (const Error& e) {
        if (!e.diagnostics().items().empty()) return e.diagnostics().items().front();
    }
    return std::nullopt;
}

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

std::string markup_escape(const std::string& s) {
    std::string escaped;
    for (char c : s) {
        switch (c) {
            case '&': escaped += "&amp;"; break;
            case '<': escaped += "&lt;"; break;
            case '>': escaped += "&gt;"; break;
            case '"': escaped += "&quot;"; break;
            default: escaped += c;
        }
    }
    return escaped;
}

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
