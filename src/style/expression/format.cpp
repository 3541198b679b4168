// ["format", input_1, options_1, input_2, options_2, …]: a text in sections, each with its own font
// scale, font stack and colour (MapLibre's "formatted" type). Cartelier gives the expression the type
// string: evaluated as a whole it is the sections' text joined (every check and message works on that),
// and the renderer asks format_sections() for the sections themselves (render: Pango markup). Options:
// "font-scale" (number), "text-font" (array<string>), "text-color" (color); "vertical-align" and images
// are not supported (an error when the style loads). The expression is never folded into a constant:
// its sections would be lost.
#include <fmt/format.h>

#include "style/expression/parsing_context.hpp"

namespace cartelier::style::expr {

namespace {

struct Section {
    ExpressionPtr text;
    ExpressionPtr font_scale, text_font, text_color;  ///< null when the section does not set it
};

class Format final : public Expression {
public:
    explicit Format(std::vector<Section> sections) : Expression(Type::string()), sections_(std::move(sections)) {}
    const std::string& op() const override {
        static const std::string n = "format";
        return n;
    }
    std::vector<const Expression*> children() const override {
        std::vector<const Expression*> out;
        for (const Section& s : sections_)
            for (const ExpressionPtr* e : {&s.text, &s.font_scale, &s.text_font, &s.text_color})
                if (*e) out.push_back(e->get());
        return out;
    }
    Result evaluate(const EvaluationContext& ctx) const override {
        std::string joined;
        for (const Section& s : sections_) {
            CARTELIER_EVAL(text, *s.text);
            joined += value_to_string(text);
        }
        return Result::ok(std::move(joined));
    }
    std::optional<std::vector<FormattedSection>> sections(const EvaluationContext& ctx) const {
        std::vector<FormattedSection> out;
        for (const Section& s : sections_) {
            FormattedSection f;
            Result text = s.text->evaluate(ctx);
            if (!text) return std::nullopt;
            f.text = value_to_string(*text.value);
            if (s.font_scale) {
                Result r = s.font_scale->evaluate(ctx);
                if (!r) return std::nullopt;
                if (const double* d = r.value->as_number()) f.font_scale = *d;
            }
            if (s.text_font) {
                Result r = s.text_font->evaluate(ctx);
                if (!r) return std::nullopt;
                if (const Array* a = r.value->as_array())
                    for (const Value& v : *a)
                        if (const std::string* name = v.as_string()) f.text_font.push_back(*name);
            }
            if (s.text_color) {
                Result r = s.text_color->evaluate(ctx);
                if (!r) return std::nullopt;
                if (const Color* c = r.value->as_color()) f.text_color = *c;
            }
            out.push_back(std::move(f));
        }
        return out;
    }

private:
    std::vector<Section> sections_;
};

ExpressionPtr parse_format(const ParsingContext& ctx) {
    if (ctx.size() < 2) {
        ctx.error("Expected at least one argument.");
        return nullptr;
    }
    std::vector<Section> sections;
    bool options_may_follow = false;
    for (std::size_t i = 1; i < ctx.size(); ++i) {
        const YAML::Node arg = ctx.arg(i);
        if (options_may_follow && arg.IsMap()) {
            options_may_follow = false;
            Section& s = sections.back();
            for (auto it = arg.begin(); it != arg.end(); ++it) {
                const std::string key = it->first.Scalar();
                ExpressionPtr* slot = key == "font-scale"   ? &s.font_scale
                                      : key == "text-font"  ? &s.text_font
                                      : key == "text-color" ? &s.text_color
                                                            : nullptr;
                if (!slot) {
                    ctx.error_at(fmt::format("format option \"{}\" is not supported by Cartelier: expected "
                                             "font-scale, text-font or text-color",
                                             key),
                                 i);
                    return nullptr;
                }
                const Type type = slot == &s.font_scale  ? Type::number()
                                  : slot == &s.text_font ? Type::array(Type::string())
                                                         : Type::color();
                *slot = ctx.member(i, key, type).parse_here();
                if (!*slot) return nullptr;
            }
            continue;
        }
        ExpressionPtr text = ctx.parse(i, Type::value());
        if (!text) return nullptr;
        if (text->type().kind == Kind::Object || (text->type().kind == Kind::Value && arg.IsMap())) {
            ctx.error_at("Expected a text (an image section is not supported by Cartelier), found an object.", i);
            return nullptr;
        }
        sections.push_back(Section{std::move(text), nullptr, nullptr, nullptr});
        options_may_follow = true;
    }
    return std::make_unique<Format>(std::move(sections));
}

}  // namespace

std::optional<std::vector<FormattedSection>> format_sections(const Expression& e, const EvaluationContext& ctx) {
    const auto* format = dynamic_cast<const Format*>(&e);
    if (!format) return std::nullopt;
    return format->sections(ctx);
}

void register_format(std::map<std::string, ParseFunction>& r) { r["format"] = parse_format; }

}  // namespace cartelier::style::expr
