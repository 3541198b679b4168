// ["number-format", number, {"locale": …, "currency": …, "min-fraction-digits": …, "max-fraction-digits": …}]
//
// Without ICU, this follows Intl.NumberFormat for a small set of locales: English (the default, and the
// fallback for any other locale), German ("de…": 1.234,5) and French ("fr…": 1 234,5 with narrow no-break
// spaces). Currencies: USD $, EUR €, GBP £, JPY ¥ (no decimals); other ISO codes print the code.
// Rounding is Intl's "halfExpand" on the shortest decimal form of the number, as V8/ICU do.
#include <charconv>

#include <fmt/format.h>

#include "core/document.hpp"
#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

namespace {

struct LocaleRules {
    std::string group, decimal;
    bool currency_after;  // "1.234,50 €" rather than "€1,234.50"
};

LocaleRules rules_for(const std::string& locale) {
    auto starts = [&](const char* p) {
        std::string l = locale.substr(0, 2);
        for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return l == p && (locale.size() == 2 || locale[2] == '-' || locale[2] == '_');
    };
    if (starts("de")) return {".", ",", true};
    if (starts("fr")) return {"\u202f", ",", true};
    return {",", ".", false};
}

// Decimal digits of |value| rounded half away from zero to `max_fd` fraction digits, at least `min_fd`.
std::pair<std::string, std::string> decimal_digits(double value, int min_fd, int max_fd) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(value), std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    auto epos = sci.find('e');
    int exponent = std::atoi(sci.c_str() + epos + 1);
    std::string digits;
    for (char c : sci.substr(0, epos))
        if (c != '.') digits += c;
    // value = 0.digits × 10^(exponent + 1)
    int point = exponent + 1;
    std::string integer, fraction;
    if (point <= 0) {
        integer = "0";
        fraction = std::string(static_cast<std::size_t>(-point), '0') + digits;
    } else if (point >= static_cast<int>(digits.size())) {
        integer = digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0');
    } else {
        integer = digits.substr(0, static_cast<std::size_t>(point));
        fraction = digits.substr(static_cast<std::size_t>(point));
    }
    if (static_cast<int>(fraction.size()) > max_fd) {
        bool up = fraction[static_cast<std::size_t>(max_fd)] >= '5';
        fraction.resize(static_cast<std::size_t>(max_fd));
        if (up) {
            std::string all = integer + fraction;
            int i = static_cast<int>(all.size()) - 1;
            while (i >= 0 && all[static_cast<std::size_t>(i)] == '9') all[static_cast<std::size_t>(i--)] = '0';
            if (i < 0) all.insert(all.begin(), '1');
            else ++all[static_cast<std::size_t>(i)];
            integer = all.substr(0, all.size() - fraction.size());
            fraction = all.substr(all.size() - fraction.size());
        }
    }
    while (static_cast<int>(fraction.size()) > min_fd && !fraction.empty() && fraction.back() == '0')
        fraction.pop_back();
    while (static_cast<int>(fraction.size()) < min_fd) fraction += '0';
    std::size_t nz = integer.find_first_not_of('0');
    integer = nz == std::string::npos ? "0" : integer.substr(nz);
    return {integer, fraction};
}

Result format_number(double value, const std::string& locale, const std::string& currency,
                     std::optional<double> min_opt, std::optional<double> max_opt) {
    int currency_digits = currency.empty() ? 0 : (currency == "JPY" || currency == "KRW") ? 0 : 2;
    int min_default = currency.empty() ? 0 : currency_digits;
    int max_default = currency.empty() ? 3 : currency_digits;
    auto check = [](std::optional<double> d, const char* name) -> std::optional<std::string> {
        if (d && (std::isnan(*d) || *d < 0 || *d > 100)) return fmt::format("{} value is out of range.", name);
        return std::nullopt;
    };
    if (auto e = check(min_opt, "minimumFractionDigits")) return Result::fail(*e);
    if (auto e = check(max_opt, "maximumFractionDigits")) return Result::fail(*e);
    int min_fd = min_opt ? static_cast<int>(std::floor(*min_opt)) : min_default;
    int max_fd = max_opt ? static_cast<int>(std::floor(*max_opt)) : std::max(max_default, min_fd);
    if (!min_opt && max_opt) min_fd = std::min(min_default, max_fd);
    if (min_fd > max_fd) return Result::fail("maximumFractionDigits value is out of range.");

    LocaleRules rules = rules_for(locale);
    std::string body;
    if (std::isnan(value)) {
        body = "NaN";
    } else if (std::isinf(value)) {
        body = "∞";
    } else {
        auto [integer, fraction] = decimal_digits(value, min_fd, max_fd);
        for (std::size_t i = 0; i < integer.size(); ++i) {
            if (i && (integer.size() - i) % 3 == 0) body += rules.group;
            body += integer[i];
        }
        if (!fraction.empty()) body += rules.decimal + fraction;
    }
    std::string sign = std::signbit(value) && !std::isnan(value) ? "-" : "";
    if (currency.empty()) return Result::ok(sign + body);
    std::string symbol = currency == "USD" ? "$" : currency == "EUR" ? "€" : currency == "GBP" ? "£"
                       : currency == "JPY" ? "¥" : currency;
    if (rules.currency_after) return Result::ok(sign + body + "\u00a0" + symbol);
    if (symbol == currency) return Result::ok(sign + symbol + "\u00a0" + body);
    return Result::ok(sign + symbol + body);
}

class NumberFormat final : public Expression {
public:
    NumberFormat(ExpressionPtr number, ExpressionPtr locale, ExpressionPtr currency, ExpressionPtr min_fd,
                 ExpressionPtr max_fd)
        : Expression(Type::string()), number_(std::move(number)), locale_(std::move(locale)),
          currency_(std::move(currency)), min_fd_(std::move(min_fd)), max_fd_(std::move(max_fd)) {}
    const std::string& op() const override {
        static const std::string n = "number-format";
        return n;
    }
    std::vector<const Expression*> children() const override {
        std::vector<const Expression*> out{number_.get()};
        for (const auto* e : {&locale_, &currency_, &min_fd_, &max_fd_})
            if (*e) out.push_back(e->get());
        return out;
    }
    Result evaluate(const EvaluationContext& ctx) const override {
        auto opt_string = [&](const ExpressionPtr& e, std::string& out) -> std::optional<Result> {
            if (!e) return std::nullopt;
            Result r = e->evaluate(ctx);
            if (!r) return r;
            if (const std::string* s = r.value->as_string()) out = *s;
            return std::nullopt;
        };
        auto opt_number = [&](const ExpressionPtr& e, std::optional<double>& out) -> std::optional<Result> {
            if (!e) return std::nullopt;
            Result r = e->evaluate(ctx);
            if (!r) return r;
            out = num(*r.value);
            return std::nullopt;
        };
        std::string locale, currency;
        std::optional<double> min_fd, max_fd;
        if (auto e = opt_string(locale_, locale)) return *e;
        if (auto e = opt_string(currency_, currency)) return *e;
        if (auto e = opt_number(min_fd_, min_fd)) return *e;
        if (auto e = opt_number(max_fd_, max_fd)) return *e;
        CARTELIER_EVAL(v, *number_);
        return format_number(num(v), locale, currency, min_fd, max_fd);
    }

private:
    ExpressionPtr number_, locale_, currency_, min_fd_, max_fd_;
};

// JavaScript truthiness of an option's JSON value (MapLibre ignores falsy options, e.g. 0 or "").
bool truthy_node(const YAML::Node& n) {
    if (!n.IsDefined()) return false;
    switch (doc::kind(n)) {
        case doc::Kind::Null: return false;
        case doc::Kind::Boolean: return *doc::boolean(n);
        case doc::Kind::Number: return *doc::number(n) != 0;
        case doc::Kind::String: return !n.Scalar().empty();
        default: return true;
    }
}

ExpressionPtr parse_number_format(const ParsingContext& ctx) {
    if (ctx.size() != 3) {
        ctx.error("Expected two arguments.");
        return nullptr;
    }
    auto number = ctx.parse(1, Type::number());
    if (!number) return nullptr;
    YAML::Node options = ctx.arg(2);
    if (!options.IsMap()) {
        ctx.error("NumberFormat options argument must be an object.");
        return nullptr;
    }
    auto option = [&](const char* key, Type t, ExpressionPtr& out) {
        if (!truthy_node(options[key])) return true;
        out = ctx.member(2, key, t).parse_here();
        return out != nullptr;
    };
    ExpressionPtr locale, currency, min_fd, max_fd;
    if (!option("locale", Type::string(), locale)) return nullptr;
    if (!option("currency", Type::string(), currency)) return nullptr;
    if (truthy_node(options["unit"])) {
        ctx.error("NumberFormat option \"unit\" is not supported by Cartelier.");
        return nullptr;
    }
    if (!option("min-fraction-digits", Type::number(), min_fd)) return nullptr;
    if (!option("max-fraction-digits", Type::number(), max_fd)) return nullptr;
    return std::make_unique<NumberFormat>(std::move(number), std::move(locale), std::move(currency), std::move(min_fd),
                                          std::move(max_fd));
}

}  // namespace

void register_number_format(std::map<std::string, ParseFunction>& r) { r["number-format"] = parse_number_format; }

}  // namespace cartelier::style::expr
