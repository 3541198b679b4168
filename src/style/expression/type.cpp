// Types of the expression language and MapLibre's subtyping rule (check_subtype.cpp / types.ts).
#include <fmt/format.h>

#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

Type Type::array(Type item, std::optional<std::size_t> n) {
    Type t{Kind::Array, nullptr, std::nullopt};
    t.item = std::make_shared<const Type>(std::move(item));
    t.length = n;
    return t;
}

const char* kind_name(Kind k) {
    switch (k) {
        case Kind::Null: return "null";
        case Kind::Number: return "number";
        case Kind::String: return "string";
        case Kind::Boolean: return "boolean";
        case Kind::Color: return "color";
        case Kind::Object: return "object";
        case Kind::Value: return "value";
        case Kind::Array: return "array";
        case Kind::Error: return "error";
    }
    return "value";
}

std::string Type::name() const {
    if (kind != Kind::Array) return kind_name(kind);
    Type it = item ? *item : Type::value();
    if (length) return fmt::format("array<{}, {}>", it.name(), *length);
    if (it.kind == Kind::Value) return "array";
    return fmt::format("array<{}>", it.name());
}

bool Type::operator==(const Type& other) const {
    if (kind != other.kind) return false;
    if (kind != Kind::Array) return true;
    Type a = item ? *item : Type::value();
    Type b = other.item ? *other.item : Type::value();
    return length == other.length && a == b;
}

std::optional<std::string> check_subtype(const Type& expected, const Type& t) {
    if (t.kind == Kind::Error) return std::nullopt;
    if (expected.kind == Kind::Array) {
        if (t.kind == Kind::Array) {
            Type expected_item = expected.item ? *expected.item : Type::value();
            Type item = t.item ? *t.item : Type::value();
            bool empty_untyped = t.length && *t.length == 0 && item.kind == Kind::Value;
            if ((empty_untyped || !check_subtype(expected_item, item)) &&
                (!expected.length || expected.length == t.length))
                return std::nullopt;
        }
    } else if (expected.kind == t.kind) {
        return std::nullopt;
    } else if (expected.kind == Kind::Value) {
        static const std::vector<Type> members = {Type::null(),  Type::number(), Type::string(),
                                                  Type::boolean(), Type::color(), Type::object(),
                                                  Type::array()};
        for (const auto& m : members)
            if (!check_subtype(m, t)) return std::nullopt;
    }
    return fmt::format("Expected {} but found {} instead.", expected.name(), t.name());
}

}  // namespace cartelier::style::expr
