#include "render/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "render/symbolizers.hpp"

namespace cartelier::render {

std::string format_markup(const std::vector<style::expr::FormattedSection>& sections, const TextStyle& style,
                          double opacity) {
    auto escaped = [](const std::string& text) {
        gchar* e = g_markup_escape_text(text.c_str(), static_cast<gssize>(text.size()));
        std::string out = e;
        g_free(e);
        return out;
    };
    std::string out;
    for (const auto& s : sections) {
        std::string attributes;
        const double size = style.size_pt * s.font_scale.value_or(1.0);
        if (!s.text_font.empty()) {
            FontDescriptionPtr d = font_description(s.text_font, size);
            gchar* text = pango_font_description_to_string(d.get());
            attributes += fmt::format(" font_desc=\"{}\"", escaped(text));
            g_free(text);
        } else if (s.font_scale) {
            attributes += fmt::format(" size=\"{}\"", static_cast<long>(std::lround(size * PANGO_SCALE)));
        }
        if (s.text_color) {
            const style::Color& c = *s.text_color;
            auto byte = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); };
            attributes += fmt::format(" foreground=\"#{:02x}{:02x}{:02x}\" fgalpha=\"{}\"", byte(c.r), byte(c.g),
                                      byte(c.b), std::max(1L, std::lround(std::clamp(c.a * opacity, 0.0, 1.0) * 65535)));
        }
        out += attributes.empty() ? escaped(s.text) : "<span" + attributes + ">" + escaped(s.text) + "</span>";
    }
    return out;
}

FontDescriptionPtr font_description(const std::vector<std::string>& fonts, double size_pt) {
    struct Word { const char* name; int weight; PangoStyle style; bool is_weight; };
    static constexpr std::array<Word, 14> words{{
        {"Thin", PANGO_WEIGHT_THIN, PANGO_STYLE_NORMAL, true},
        {"Light", PANGO_WEIGHT_LIGHT, PANGO_STYLE_NORMAL, true},
        {"ExtraLight", PANGO_WEIGHT_ULTRALIGHT, PANGO_STYLE_NORMAL, true},
        {"Book", PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, true},
        {"Regular", PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, true},
        {"Medium", PANGO_WEIGHT_MEDIUM, PANGO_STYLE_NORMAL, true},
        {"SemiBold", PANGO_WEIGHT_SEMIBOLD, PANGO_STYLE_NORMAL, true},
        {"Semibold", PANGO_WEIGHT_SEMIBOLD, PANGO_STYLE_NORMAL, true},
        {"Bold", PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL, true},
        {"ExtraBold", PANGO_WEIGHT_ULTRABOLD, PANGO_STYLE_NORMAL, true},
        {"Black", PANGO_WEIGHT_HEAVY, PANGO_STYLE_NORMAL, true},
        {"Italic", 0, PANGO_STYLE_ITALIC, false},
        {"Oblique", 0, PANGO_STYLE_OBLIQUE, false},
        {"Condensed", 0, PANGO_STYLE_NORMAL, false},
    }};
    // Family list: each entry with its style words removed, joined with commas (Pango's fallback list).
    std::string families;
    int weight = PANGO_WEIGHT_NORMAL;
    PangoStyle style = PANGO_STYLE_NORMAL;
    bool condensed = false;
    for (std::size_t f = 0; f < fonts.size(); ++f) {
        std::istringstream in(fonts[f]);
        std::vector<std::string> tokens;
        for (std::string t; in >> t;) tokens.push_back(t);
        while (!tokens.empty()) {
            auto it = std::find_if(words.begin(), words.end(), [&](const Word& w) { return tokens.back() == w.name; });
            if (it == words.end()) break;
            if (f == 0) {
                if (it->is_weight) weight = it->weight;
                else if (std::string(it->name) == "Condensed") condensed = true;
                else style = it->style;
            }
            tokens.pop_back();
        }
        std::string family;
        for (const auto& t : tokens) family += (family.empty() ? "" : " ") + t;
        if (condensed && f == 0) family += " Condensed";
        if (!family.empty()) families += (families.empty() ? "" : ",") + family;
    }
    FontDescriptionPtr desc(pango_font_description_new());
    pango_font_description_set_family(desc.get(), families.empty() ? "DejaVu Sans" : families.c_str());
    pango_font_description_set_weight(desc.get(), static_cast<PangoWeight>(weight));
    pango_font_description_set_style(desc.get(), style);
    pango_font_description_set_absolute_size(desc.get(), size_pt * PANGO_SCALE);
    return desc;
}

namespace {

/// A layout on `cr` as every text is laid out: unhinted (the PDF, SVG and PNG of a page measure alike),
/// at 72 dpi (sizes in points).
LayoutPtr new_layout(cairo_t* cr) {
    LayoutPtr layout(pango_cairo_create_layout(cr));
    PangoContext* context = pango_layout_get_context(layout.get());
    FontOptionsPtr options(cairo_font_options_create());
    cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(options.get(), CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(context, options.get());
    pango_cairo_context_set_resolution(context, 72.0);
    pango_layout_context_changed(layout.get());
    return layout;
}

/// Sets every property of `layout` a text's style decides (a layout used before is set as a new one
/// would be), with the font description `desc` made from the style.
void set_up(PangoLayout* layout, const PangoFontDescription* desc, const std::string& text, const TextStyle& style) {
    pango_layout_set_font_description(layout, desc);
    if (style.markup) pango_layout_set_markup(layout, text.c_str(), -1);  // its own attributes
    else pango_layout_set_text(layout, text.c_str(), -1);
    if (style.max_width_em > 0) {
        pango_layout_set_width(layout, static_cast<int>(style.max_width_em * style.size_pt * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
    } else {
        pango_layout_set_width(layout, -1);
    }
    pango_layout_set_alignment(layout, style.justify == "center"  ? PANGO_ALIGN_CENTER
                                       : style.justify == "right" ? PANGO_ALIGN_RIGHT
                                                                  : PANGO_ALIGN_LEFT);
    pango_layout_set_line_spacing(layout, static_cast<float>(style.line_height_em / 1.17));
    if (style.letter_spacing_em != 0) {
        // Added to the markup's attributes, if any (setting a list replaces the layout's).
        PangoAttrList* attrs = style.markup && pango_layout_get_attributes(layout)
                                   ? pango_attr_list_copy(pango_layout_get_attributes(layout))
                                   : pango_attr_list_new();
        pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(
                                          static_cast<int>(style.letter_spacing_em * style.size_pt * PANGO_SCALE)));
        pango_layout_set_attributes(layout, attrs);
        pango_attr_list_unref(attrs);
    } else if (!style.markup) {
        pango_layout_set_attributes(layout, nullptr);
    }
}

}  // namespace

const PangoFontDescription* TextLayouts::description(const TextStyle& style) {
    if (!desc_ || desc_fonts_ != style.fonts || desc_size_ != style.size_pt) {
        desc_ = font_description(style.fonts, style.size_pt);
        desc_fonts_ = style.fonts;
        desc_size_ = style.size_pt;
    }
    return desc_.get();
}

void TextLayouts::follow(PangoLayout* layout) {
    cairo_matrix_t m;
    cairo_get_matrix(cr_, &m);
    cairo_surface_t* target = cairo_get_target(cr_);
    if (target == followed_target_ && m.xx == followed_matrix_.xx && m.yx == followed_matrix_.yx &&
        m.xy == followed_matrix_.xy && m.yy == followed_matrix_.yy && m.x0 == followed_matrix_.x0 &&
        m.y0 == followed_matrix_.y0)
        return;
    pango_cairo_update_layout(cr_, layout);
    followed_matrix_ = m;
    followed_target_ = target;
}

PangoLayout* TextLayouts::layout(const std::string& text, const TextStyle& style) {
    if (!layout_) {
        layout_ = new_layout(cr_);  // its context set up for cr_ as it is now
        cairo_get_matrix(cr_, &followed_matrix_);
        followed_target_ = cairo_get_target(cr_);
    } else {
        follow(layout_.get());
    }
    if (!keep_) {
        set_up(layout_.get(), description(style), text, style);
        return layout_.get();
    }
    // The key: the text and every field of the style that set_up reads (the colours and halo only draw).
    std::string key = text;
    key += '\0';
    for (const std::string& font : style.fonts) (key += font) += '\x1f';
    key += '\0';
    for (const double v : {style.size_pt, style.max_width_em, style.line_height_em, style.letter_spacing_em})
        key.append(reinterpret_cast<const char*>(&v), sizeof v);
    key += style.justify;
    key += style.markup ? '\x01' : '\x00';
    auto found = kept_.find(key);
    if (found != kept_.end()) return found->second.get();
    if (kept_.size() >= max_kept_) {  // as many as kept: this text shares the one layout
        set_up(layout_.get(), description(style), text, style);
        return layout_.get();
    }
    // On the shared context (its font options and resolution, following cr_ by the update above).
    LayoutPtr& kept = kept_[std::move(key)];
    kept.reset(pango_layout_new(pango_layout_get_context(layout_.get())));
    set_up(kept.get(), description(style), text, style);
    return kept.get();
}

TextBlock::TextBlock(cairo_t* cr, const std::string& text, const TextStyle& style) : style_(style) {
    owned_ = new_layout(cr);
    layout_ = owned_.get();
    set_up(layout_, font_description(style.fonts, style.size_pt).get(), text, style);
    measure();
}

TextBlock::TextBlock(TextLayouts& layouts, const std::string& text, const TextStyle& style)
    : layout_(layouts.layout(text, style)), layouts_(&layouts), style_(style) {
    measure();
}

void TextBlock::measure() {
    PangoRectangle logical;
    pango_layout_get_extents(layout_, nullptr, &logical);
    x_offset_ = static_cast<double>(logical.x) / PANGO_SCALE;
    y_offset_ = static_cast<double>(logical.y) / PANGO_SCALE;
    width_ = static_cast<double>(logical.width) / PANGO_SCALE;
    height_ = static_cast<double>(logical.height) / PANGO_SCALE;
    baseline_ = static_cast<double>(pango_layout_get_baseline(layout_)) / PANGO_SCALE;
}

layout::TextMetrics PangoTextMeasurer::measure(const std::string& text, const TextStyle& style) const {
    // One layout for every measure (TextLayouts); the font description is kept while the fonts and size
    // stay the same.
    PangoLayout* layout = layouts_->layout(text, style);
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    return {static_cast<double>(logical.width) / PANGO_SCALE, static_cast<double>(logical.height) / PANGO_SCALE,
            pango_layout_get_line_count(layout)};
}

void draw_text(cairo_t* cr, const layout::PlacedText& text) {
    TextBlock(cr, text.text, text.style).draw(cr, text.at.x, text.at.y);
}

int TextBlock::line_count() const { return pango_layout_get_line_count(layout_); }

std::vector<std::string> TextBlock::lines() const {
    std::vector<std::string> out;
    const char* text = pango_layout_get_text(layout_);
    for (GSList* l = pango_layout_get_lines_readonly(layout_); l; l = l->next) {
        auto* line = static_cast<PangoLayoutLine*>(l->data);
        out.emplace_back(text + line->start_index, static_cast<std::size_t>(line->length));
    }
    return out;
}

void TextBlock::draw(cairo_t* cr, double x, double y) const {
    SavedState saved(cr);
    x -= x_offset_;
    y -= y_offset_;
    if (layouts_ && layouts_->cr() == cr) layouts_->follow(layout_);  // no new shaping when cr is as it was
    else pango_cairo_update_layout(cr, layout_);
    if (style_.halo_width_pt > 0 && style_.halo_color.a > 0) {
        cairo_move_to(cr, x, y);
        pango_cairo_layout_path(cr, layout_);
        set_source(cr, style_.halo_color, style_.opacity);
        cairo_set_line_width(cr, 2 * style_.halo_width_pt);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    cairo_move_to(cr, x, y);
    set_source(cr, style_.color, style_.opacity);
    pango_cairo_show_layout(cr, layout_);
}

}  // namespace cartelier::render
