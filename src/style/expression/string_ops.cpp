// Strings: concat, upcase, downcase, split, join.
#include "style/expression/compound_expression.hpp"

namespace cartelier::style::expr {

namespace {

// toUpperCase / toLowerCase for ASCII, Latin-1 (ß → SS), basic Greek and Cyrillic; other scripts unchanged
// (no full Unicode case mapping without ICU).
std::string change_case(const std::string& s, bool upper) {
    std::u16string u = to_utf16(s), out;
    out.reserve(u.size());
    for (char16_t c : u) {
        if (upper && c == 0xdf) {  // ß → SS
            out += u"SS";
            continue;
        }
        if (upper && c == 0xff) c = 0x178;       // ÿ → Ÿ
        else if (upper && c == 0xb5) c = 0x39c;  // µ → Μ
        else if (upper) {
            if (c >= u'a' && c <= u'z') c = static_cast<char16_t>(c - 32);
            else if ((c >= 0xe0 && c <= 0xfe && c != 0xf7)) c = static_cast<char16_t>(c - 32);
            else if (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) c = static_cast<char16_t>(c - 32);
            else if (c >= 0x430 && c <= 0x44f) c = static_cast<char16_t>(c - 32);
            else if (c >= 0x450 && c <= 0x45f) c = static_cast<char16_t>(c - 80);
        } else {
            if (c >= u'A' && c <= u'Z') c = static_cast<char16_t>(c + 32);
            else if ((c >= 0xc0 && c <= 0xde && c != 0xd7)) c = static_cast<char16_t>(c + 32);
            else if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) c = static_cast<char16_t>(c + 32);
            else if (c >= 0x410 && c <= 0x42f) c = static_cast<char16_t>(c + 32);
            else if (c >= 0x400 && c <= 0x40f) c = static_cast<char16_t>(c + 80);
        }
        out += c;
    }
    return from_utf16(out);
}

const std::string& str(const Value& v) {
    static const std::string empty;
    const std::string* s = v.as_string();
    return s ? *s : empty;
}

}  // namespace

void define_string_ops(Definitions& d) {
    const Type S = Type::string();
    using P = std::vector<Type>;
    d["concat"] = {S,
                   {{Varargs{Type::value()}, [](const EvaluationContext& ctx, const Args& args) {
                         std::string out;
                         for (const auto& a : args) {
                             CARTELIER_EVAL(v, *a);
                             out += value_to_string(v);
                         }
                         return Result::ok(out);
                     }}}};
    d["upcase"] = {S,
                   {{P{S}, [](const EvaluationContext& ctx, const Args& args) {
                         CARTELIER_EVAL(v, *args[0]);
                         return Result::ok(change_case(str(v), true));
                     }}}};
    d["downcase"] = {S,
                     {{P{S}, [](const EvaluationContext& ctx, const Args& args) {
                           CARTELIER_EVAL(v, *args[0]);
                           return Result::ok(change_case(str(v), false));
                       }}}};
    d["split"] = {Type::array(S),
                  {{P{S, S}, [](const EvaluationContext& ctx, const Args& args) {
                        CARTELIER_EVAL(sv, *args[0]);
                        CARTELIER_EVAL(dv, *args[1]);
                        std::u16string s = to_utf16(str(sv)), delim = to_utf16(str(dv));
                        Array out;
                        if (delim.empty()) {
                            for (char16_t c : s) out.emplace_back(from_utf16(std::u16string(1, c)));
                            return Result::ok(Value(std::move(out)));
                        }
                        std::size_t start = 0;
                        for (;;) {
                            std::size_t p = s.find(delim, start);
                            if (p == std::u16string::npos) break;
                            out.emplace_back(from_utf16(s.substr(start, p - start)));
                            start = p + delim.size();
                        }
                        out.emplace_back(from_utf16(s.substr(start)));
                        return Result::ok(Value(std::move(out)));
                    }}}};
    d["join"] = {S,
                 {{P{Type::array(S), S}, [](const EvaluationContext& ctx, const Args& args) {
                       CARTELIER_EVAL(av, *args[0]);
                       CARTELIER_EVAL(dv, *args[1]);
                       const Array* a = av.as_array();
                       return Result::ok(a ? js_join(*a, str(dv)) : std::string{});
                   }}}};
}

}  // namespace cartelier::style::expr
