// Run-time values and the JavaScript semantics the reference implementation gives them
// (typeOf, valueToString, Number(), Boolean(), ===, JSON.stringify).
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/document.hpp"
#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

const Array* Value::as_array() const {
    auto p = std::get_if<std::shared_ptr<const Array>>(&v);
    return p && *p ? p->get() : nullptr;
}

const Object* Value::as_object() const {
    auto p = std::get_if<std::shared_ptr<const Object>>(&v);
    return p && *p ? p->get() : nullptr;
}

Type Value::type() const {
    if (is_null()) return Type::null();
    if (as_bool()) return Type::boolean();
    if (as_number()) return Type::number();
    if (as_string()) return Type::string();
    if (as_color()) return Type::color();
    if (const Array* a = as_array()) {
        // MapLibre's typeOf: the item type is the common type of the items, compared by identity, so that
        // nested arrays (fresh types) make it "value".
        std::optional<Type> item;
        for (const auto& e : *a) {
            Type t = e.type();
            if (!item) {
                item = t;
            } else if (item->kind == t.kind && t.kind != Kind::Array) {
                continue;
            } else {
                item = Type::value();
                break;
            }
        }
        return Type::array(item ? *item : Type::value(), a->size());
    }
    return Type::object();
}

bool Value::operator==(const Value& other) const {
    if (v.index() != other.v.index()) return false;
    if (const Array* a = as_array()) return *a == *other.as_array();
    if (const Object* o = as_object()) return *o == *other.as_object();
    return v == other.v;
}

Value value_from_node(const YAML::Node& node) {
    switch (doc::kind(node)) {
        case doc::Kind::Null: return Value{};
        case doc::Kind::Boolean: return Value(*doc::boolean(node));
        case doc::Kind::Number: return Value(*doc::number(node));
        case doc::Kind::String: return Value(node.Scalar());
        case doc::Kind::Array: {
            Array a;
            a.reserve(node.size());
            for (const auto& e : node) a.push_back(value_from_node(e));
            return Value(std::move(a));
        }
        case doc::Kind::Object: {
            Object o;
            for (auto it = node.begin(); it != node.end(); ++it) o[it->first.Scalar()] = value_from_node(it->second);
            return Value(std::move(o));
        }
    }
    return Value{};
}

// ---------------------------------------------------------------- numbers as JavaScript prints them

std::string js_number(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    if (d == 0) return "0";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    auto epos = sci.find('e');
    std::string mantissa = sci.substr(0, epos);
    int exponent = std::atoi(sci.c_str() + epos + 1);
    std::string digits;
    for (char c : mantissa)
        if (c != '.') digits += c;
    int k = static_cast<int>(digits.size());
    int n = exponent + 1;
    std::string out = d < 0 ? "-" : "";
    if (k <= n && n <= 21) {
        out += digits + std::string(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
    } else {
        out += digits.substr(0, 1);
        if (k > 1) out += "." + digits.substr(1);
        out += fmt::format("e{}{}", n - 1 >= 0 ? "+" : "-", std::abs(n - 1));
    }
    return out;
}

namespace {


void write_json(std::string& out, const Value& v, bool colors_as_strings) {
    if (v.is_null()) {
        out += "null";
    } else if (const bool* b = v.as_bool()) {
        out += *b ? "true" : "false";
    } else if (const double* d = v.as_number()) {
        out += std::isfinite(*d) ? js_number(*d) : "null";
    } else if (const std::string* s = v.as_string()) {
        doc::append_json_string(out, *s);
    } else if (const Color* c = v.as_color()) {
        if (colors_as_strings) {
            doc::append_json_string(out, c->to_string());
        } else {
            // JSON.stringify of the reference's Color: its premultiplied fields.
            out += fmt::format(R"({{"r":{},"g":{},"b":{},"a":{}}})", js_number(c->r * c->a), js_number(c->g * c->a),
                               js_number(c->b * c->a), js_number(c->a));
        }
    } else if (const Array* a = v.as_array()) {
        out += '[';
        for (std::size_t i = 0; i < a->size(); ++i) {
            if (i) out += ',';
            write_json(out, (*a)[i], colors_as_strings);
        }
        out += ']';
    } else if (const Object* o = v.as_object()) {
        out += '{';
        bool first = true;
        for (const auto& [k, e] : *o) {
            if (!first) out += ',';
            first = false;
            doc::append_json_string(out, k);
            out += ':';
            write_json(out, e, colors_as_strings);
        }
        out += '}';
    }
}

bool is_js_space(char32_t c) {
    return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0b || c == 0x0c || c == 0x0d || c == 0xa0 || c == 0xfeff ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
           c == 0x205f || c == 0x3000;
}

}  // namespace

double js_string_to_number(const std::string& input) {
    std::u16string u = to_utf16(input);
    std::size_t b = 0, e = u.size();
    while (b < e && is_js_space(u[b])) ++b;
    while (e > b && is_js_space(u[e - 1])) --e;
    std::string s = from_utf16(u.substr(b, e - b));
    if (s.empty()) return 0;
    if (s == "Infinity" || s == "+Infinity") return INFINITY;
    if (s == "-Infinity") return -INFINITY;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' ||
                                        s[1] == 'B')) {
        int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
        double value = 0;
        for (std::size_t i = 2; i < s.size(); ++i) {
            char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
            int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 99;
            if (digit >= base) return NAN;
            value = value * base + digit;
        }
        return value;
    }
    // StrDecimalLiteral: [+-] (digits [. digits] | . digits) [e [+-] digits]
    std::size_t i = 0;
    if (s[i] == '+' || s[i] == '-') ++i;
    std::size_t int_digits = 0, frac_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
    }
    if (int_digits + frac_digits == 0) return NAN;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        std::size_t exp_digits = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
        if (!exp_digits) return NAN;
    }
    if (i != s.size()) return NAN;
    return std::strtod(s.c_str(), nullptr);
}

namespace {

std::string array_to_js_string(const Array& a) { return js_join(a, ","); }

}  // namespace

std::string js_join(const Array& a, const std::string& sep) {
    std::string out;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += sep;
        const Value& e = a[i];
        if (e.is_null()) continue;
        if (const Array* inner = e.as_array()) out += js_join(*inner, ",");
        else if (e.as_object()) out += "[object Object]";
        else out += value_to_string(e);
    }
    return out;
}

std::string Value::to_json() const {
    std::string out;
    write_json(out, *this, true);
    return out;
}

std::string json_stringify(const Value& v) {
    std::string out;
    write_json(out, v, false);
    return out;
}

std::string value_to_string(const Value& v) {
    if (v.is_null()) return "";
    if (const std::string* s = v.as_string()) return *s;
    if (const double* d = v.as_number()) return js_number(*d);
    if (const bool* b = v.as_bool()) return *b ? "true" : "false";
    if (const Color* c = v.as_color()) return c->to_string();
    return json_stringify(v);
}

double js_to_number(const Value& v) {
    if (v.is_null()) return 0;
    if (const bool* b = v.as_bool()) return *b ? 1 : 0;
    if (const double* d = v.as_number()) return *d;
    if (const std::string* s = v.as_string()) return js_string_to_number(*s);
    if (const Array* a = v.as_array()) return js_string_to_number(array_to_js_string(*a));
    return NAN;
}

bool js_truthy(const Value& v) {
    if (v.is_null()) return false;
    if (const bool* b = v.as_bool()) return *b;
    if (const double* d = v.as_number()) return *d != 0 && !std::isnan(*d);
    if (const std::string* s = v.as_string()) return !s->empty();
    return true;
}

bool js_strict_equal(const Value& a, const Value& b) {
    if (a.v.index() != b.v.index()) return false;
    if (auto pa = std::get_if<std::shared_ptr<const Array>>(&a.v))
        return pa->get() == std::get<std::shared_ptr<const Array>>(b.v).get();
    if (auto po = std::get_if<std::shared_ptr<const Object>>(&a.v))
        return po->get() == std::get<std::shared_ptr<const Object>>(b.v).get();
    if (const double* d = a.as_number()) return *d == *b.as_number();
    return a.v == b.v;
}

// ---------------------------------------------------------------- UTF-8 / UTF-16

namespace {
// Decodes one code point; invalid bytes decode as U+FFFD.
char32_t decode(const std::string& s, std::size_t& i) {
    auto c = static_cast<unsigned char>(s[i++]);
    if (c < 0x80) return c;
    int extra = (c >= 0xf0) ? 3 : (c >= 0xe0) ? 2 : (c >= 0xc0) ? 1 : -1;
    if (extra < 0) return 0xfffd;
    char32_t cp = c & (0x3f >> extra);
    for (int k = 0; k < extra; ++k) {
        if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) return 0xfffd;
        cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3f);
    }
    return cp;
}

void encode(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}
}  // namespace

std::u16string to_utf16(const std::string& s) {
    std::u16string out;
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = decode(s, i);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<char16_t>(0xd800 + (cp >> 10));
            out += static_cast<char16_t>(0xdc00 + (cp & 0x3ff));
        } else {
            out += static_cast<char16_t>(cp);
        }
    }
    return out;
}

std::string from_utf16(const std::u16string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char32_t cp = s[i];
        if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < s.size() && s[i + 1] >= 0xdc00 && s[i + 1] < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (s[i + 1] - 0xdc00);
            ++i;
        }
        encode(out, cp);
    }
    return out;
}

bool is_ascii(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

std::vector<std::string> code_points(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
        std::string one;
        encode(one, decode(s, i));
        out.push_back(std::move(one));
    }
    return out;
}

}  // namespace cartelier::style::expr
