// ["literal", value]
#include <fmt/format.h>

#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

const std::string& Literal::op() const {
    static const std::string name = "literal";
    return name;
}

namespace {

ExpressionPtr parse_literal(const ParsingContext& ctx) {
    if (ctx.size() != 2) {
        ctx.error(fmt::format("'literal' expression requires exactly one argument, but found {} instead.",
                              ctx.size() - 1));
        return nullptr;
    }
    Value v = value_from_node(ctx.arg(1));
    Type t = v.type();
    // An empty array takes the expected array type (["literal", []] where array<string> is expected).
    const auto& expected = ctx.expected();
    if (t.kind == Kind::Array && t.length == 0u && expected && expected->kind == Kind::Array &&
        (!expected->length || *expected->length == 0))
        t = *expected;
    return std::make_unique<Literal>(std::move(t), std::move(v));
}

}  // namespace

void register_literal(std::map<std::string, ParseFunction>& r) { r["literal"] = parse_literal; }

}  // namespace cartelier::style::expr
