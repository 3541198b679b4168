// == != < <= > >= (MapLibre comparison.ts; the optional collator argument is not supported).
#include <fmt/format.h>

#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

namespace {

enum class Op { Eq, Ne, Lt, Le, Gt, Ge };

class Comparison final : public Expression {
public:
    Comparison(std::string name, Op o, ExpressionPtr lhs, ExpressionPtr rhs)
        : Expression(Type::boolean()), name_(std::move(name)), op_(o), lhs_(std::move(lhs)), rhs_(std::move(rhs)),
          untyped_(lhs_->type().kind == Kind::Value || rhs_->type().kind == Kind::Value) {}

    const std::string& op() const override { return name_; }
    std::vector<const Expression*> children() const override { return {lhs_.get(), rhs_.get()}; }

    Result evaluate(const EvaluationContext& ctx) const override {
        CARTELIER_EVAL(a, *lhs_);
        CARTELIER_EVAL(b, *rhs_);
        bool order = op_ != Op::Eq && op_ != Op::Ne;
        if (order && untyped_) {
            Kind lt = a.type().kind, rt = b.type().kind;
            if (lt != rt || !(lt == Kind::String || lt == Kind::Number))
                return Result::fail(fmt::format(
                    R"(Expected arguments for "{}" to be (string, string) or (number, number), but found ({}, {}) instead.)",
                    name_, kind_name(lt), kind_name(rt)));
        }
        switch (op_) {
            case Op::Eq: return Result::ok(js_strict_equal(a, b));
            case Op::Ne: return Result::ok(!js_strict_equal(a, b));
            default: break;
        }
        // Order comparison of two numbers or two strings (strings by UTF-16 code units, as JavaScript).
        int cmp = 0;
        bool unordered = false;
        if (a.as_number() && b.as_number()) {
            double x = *a.as_number(), y = *b.as_number();
            if (std::isnan(x) || std::isnan(y)) unordered = true;
            else cmp = x < y ? -1 : x > y ? 1 : 0;
        } else if (a.as_string() && b.as_string()) {
            std::u16string x = to_utf16(*a.as_string()), y = to_utf16(*b.as_string());
            cmp = x < y ? -1 : x > y ? 1 : 0;
        } else {
            unordered = true;
        }
        if (unordered) return Result::ok(false);
        switch (op_) {
            case Op::Lt: return Result::ok(cmp < 0);
            case Op::Le: return Result::ok(cmp <= 0);
            case Op::Gt: return Result::ok(cmp > 0);
            default: return Result::ok(cmp >= 0);
        }
    }

private:
    std::string name_;
    Op op_;
    ExpressionPtr lhs_, rhs_;
    bool untyped_;
};

bool comparable(bool equality, Kind k) {
    if (equality)
        return k == Kind::Boolean || k == Kind::String || k == Kind::Number || k == Kind::Null || k == Kind::Value;
    return k == Kind::String || k == Kind::Number || k == Kind::Value;
}

ExpressionPtr parse_comparison(const ParsingContext& ctx) {
    std::string name = ctx.arg(0).Scalar();
    Op o = name == "==" ? Op::Eq : name == "!=" ? Op::Ne : name == "<" ? Op::Lt : name == "<=" ? Op::Le
         : name == ">" ? Op::Gt : Op::Ge;
    bool equality = o == Op::Eq || o == Op::Ne;
    if (ctx.size() != 3 && ctx.size() != 4) {
        ctx.error("Expected two or three arguments.");
        return nullptr;
    }
    auto lhs = ctx.parse(1, Type::value());
    if (!lhs) return nullptr;
    if (!comparable(equality, lhs->type().kind)) {
        ctx.child(1).error(
            fmt::format(R"("{}" comparisons are not supported for type '{}'.)", name, lhs->type().name()));
        return nullptr;
    }
    auto rhs = ctx.parse(2, Type::value());
    if (!rhs) return nullptr;
    if (!comparable(equality, rhs->type().kind)) {
        ctx.child(2).error(
            fmt::format(R"("{}" comparisons are not supported for type '{}'.)", name, rhs->type().name()));
        return nullptr;
    }
    Kind lk = lhs->type().kind, rk = rhs->type().kind;
    if (lk != rk && lk != Kind::Value && rk != Kind::Value) {
        ctx.error(fmt::format("Cannot compare types '{}' and '{}'.", lhs->type().name(), rhs->type().name()));
        return nullptr;
    }
    if (!equality) {
        // Only one side untyped: assert it has the other side's type.
        if (lk == Kind::Value && rk != Kind::Value) {
            std::vector<ExpressionPtr> a;
            a.push_back(std::move(lhs));
            lhs = std::make_unique<Assertion>(rhs->type(), std::move(a));
        } else if (lk != Kind::Value && rk == Kind::Value) {
            std::vector<ExpressionPtr> a;
            a.push_back(std::move(rhs));
            rhs = std::make_unique<Assertion>(lhs->type(), std::move(a));
        }
    }
    if (ctx.size() == 4) {
        ctx.error_at("Collators are not supported by Cartelier: compare strings without a collator.", 3);
        return nullptr;
    }
    return std::make_unique<Comparison>(name, o, std::move(lhs), std::move(rhs));
}

}  // namespace

void register_comparison(std::map<std::string, ParseFunction>& r) {
    for (const char* n : {"==", "!=", "<", "<=", ">", ">="}) r[n] = parse_comparison;
}

}  // namespace cartelier::style::expr
