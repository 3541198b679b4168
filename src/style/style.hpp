// A MapLibre style (version 8), parsed once into typed objects: layers with compiled property
// expressions, ready to be evaluated per feature by the renderer, and Cartelier's metadata (units, page
// look, legend) as typed fields. A parsed Style keeps no YAML node: once built it is immutable, and a
// `const Style` may be shared by several threads (evaluating it changes nothing).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/document.hpp"
#include "style/expression/expression.hpp"

namespace cartelier::style {

enum class LayerType { Background, Fill, Line, Circle, Symbol };
const char* layer_type_name(LayerType t);

/// Every paint and layout property Cartelier supports (MapLibre names in PropertySpec::name).
enum class Prop : std::uint8_t {
    // background
    BackgroundColor, BackgroundOpacity,
    // fill
    FillColor, FillOpacity, FillOutlineColor, FillPattern, FillAntialias, FillSortKey, FillTranslate,
    // line
    LineColor, LineWidth, LineOpacity, LineDasharray, LineJoin, LineCap, LineOffset, LineSortKey, LineTranslate,
    // circle
    CircleRadius, CircleColor, CircleOpacity, CircleStrokeColor, CircleStrokeWidth, CircleStrokeOpacity, CircleSortKey,
    CircleTranslate,
    // symbol: text
    TextField, TextFont, TextSize, TextColor, TextOpacity, TextHaloColor, TextHaloWidth, TextAnchor,
    TextOffset, TextJustify, TextMaxWidth, TextTransform, TextLetterSpacing, TextLineHeight, TextVariableAnchor,
    TextRadialOffset,
    // symbol: icon
    IconImage, IconSize, IconAnchor, IconOffset, IconOpacity,
    // symbol: placement
    SymbolSortKey,
    // every layer
    Visibility,
    Count
};

struct PropertySpec {
    Prop id;
    const char* name;            ///< "fill-color"
    LayerType layer;             ///< the layer type it belongs to (Visibility: any)
    bool layout;                 ///< layout (true) or paint (false) property
    expr::Type type;             ///< its value type (enums are strings)
    expr::Value default_value;   ///< the spec's default
    bool data_driven;            ///< may depend on the feature
    std::vector<std::string> enum_values;  ///< allowed strings for enum properties, else empty
    double minimum = -1e300;     ///< numeric lower bound from the spec (e.g. 0 for widths)
    double maximum = 1e300;      ///< numeric upper bound from the spec (e.g. 1 for opacities)
    /// The spec's unit: "pixels" (a length: in the style's Units), "ems", "line widths",
    /// "factor of the original icon size", or "" (not a measure).
    const char* units = "";
    bool interpolated = false;   ///< legacy exponential functions / interpolate are allowed
};

/// The property table (one row per Prop, in enum order).
const std::vector<PropertySpec>& property_specs();
const PropertySpec& spec(Prop p);
/// By MapLibre name, for a layer type; nullopt if that layer type has no such property.
std::optional<Prop> find_property(const std::string& name, LayerType layer, bool layout);

/// A MapLibre property Cartelier does not render (e.g. `line-blur`): a style may set it, the parser
/// accepts it with a warning and ignores it.
struct IgnoredProperty {
    const char* name;
    LayerType layer;
    bool layout;
    /// The value with which the property changes nothing on a flat, unrotated printed map (its
    /// compact JSON: "0", "[0,0]", "point"), "*" when no value does (a pitch alignment), or null: such a
    /// value is read without the warning that the property is ignored.
    const char* no_effect = nullptr;
};
const std::vector<IgnoredProperty>& ignored_properties();

/// Length unit of the numbers in a style (root metadata "cartelier:units").
enum class Units { Px, Pt, Mm };
/// Points per style unit: px = 0.75 pt (1/96 inch), pt = 1, mm = 72/25.4.
double points_per_unit(Units u);

/// A layer's legend, from its metadata "cartelier:legend" (README, "Legend"):
///   "Label"                      — one entry with that label;
///   {"label": "…"}               — one entry (label: the layer id when not given);
///   {"title": "…", "labels": {"flash": "…", …}, "show": "present" | "all"}
///                                — one entry per category of the layer's match expression, in the
///                                  order of `labels`, under `title`; only the categories present on
///                                  the map unless show is "all".
/// false or null: no legend (the layer has no LegendSpec).
struct LegendSpec {
    struct Category {
        std::string value;  ///< the match input's value, as text ("flash", "75")
        std::string label;
    };
    bool by_category = false;          ///< `labels` given: one entry per category
    std::string label;                 ///< the single entry's label (when !by_category)
    std::string title;                 ///< the categories' section title (may be empty)
    std::vector<Category> categories;  ///< in the order written (when by_category)
    bool show_all = false;             ///< "show": "all" (categories absent from the map too)
};

class Layer {
public:
    std::string id;
    LayerType type = LayerType::Background;
    std::string source_layer;          ///< project layer it draws (empty for background)
    expr::ExpressionPtr filter;        ///< null = every feature
    SourceLocation filter_where;       ///< where the filter is written (`layers[N].filter`); empty without one
    double minzoom = 0;
    double maxzoom = 24;
    std::optional<LegendSpec> legend;  ///< metadata "cartelier:legend"; none: not in the legend
    SourceLocation where;              ///< where the layer is defined
    SourceLocation source_layer_where; ///< where its "source-layer" value is written (`layers[N].source-layer`)

    /// The compiled expression of a property, or null when the style leaves it at its default.
    const expr::Expression* expression(Prop p) const { return properties_[static_cast<std::size_t>(p)].get(); }
    bool is_set(Prop p) const { return expression(p) != nullptr; }

    /// Evaluates a property for a feature; falls back to the spec default when the property is unset
    /// or its evaluation fails (the error text is returned in `error`, for the build report).
    expr::Value evaluate(Prop p, const expr::EvaluationContext& ctx, std::string* error = nullptr) const;
    /// The value evaluate() gives, or why it would fall back to the spec default: the expression's
    /// evaluation error, or a value of another type than the property's (the reason only, without the
    /// layer and property names). An unset property gives its default.
    expr::Result try_evaluate(Prop p, const expr::EvaluationContext& ctx) const;
    Color color(Prop p, const expr::EvaluationContext& ctx, std::string* error = nullptr) const;
    double number(Prop p, const expr::EvaluationContext& ctx, std::string* error = nullptr) const;
    std::string string(Prop p, const expr::EvaluationContext& ctx, std::string* error = nullptr) const;
    std::vector<double> numbers(Prop p, const expr::EvaluationContext& ctx, std::string* error = nullptr) const;
    std::vector<std::string> strings(Prop p, const expr::EvaluationContext& ctx, std::string* error = nullptr) const;

    /// True when layout.visibility is "visible" (visibility is not data-driven).
    bool visible() const;
    /// True when `zoom` is in [minzoom, maxzoom).
    bool in_zoom_range(double zoom) const { return zoom >= minzoom && zoom < maxzoom; }
    /// True when the filter accepts the feature (no filter: true; an evaluation error: false).
    bool accepts(const expr::EvaluationContext& ctx) const;

    void set(Prop p, expr::ExpressionPtr e) { properties_[static_cast<std::size_t>(p)] = std::move(e); }

    /// Where a property's value is written (file, line, column, `layers[N].layout.icon-image`); empty
    /// when the style leaves it at its default.
    const SourceLocation& location(Prop p) const { return locations_[static_cast<std::size_t>(p)]; }
    void set_location(Prop p, SourceLocation where) { locations_[static_cast<std::size_t>(p)] = std::move(where); }

private:
    std::array<expr::ExpressionPtr, static_cast<std::size_t>(Prop::Count)> properties_;
    std::array<SourceLocation, static_cast<std::size_t>(Prop::Count)> locations_;
};

/// The look of one element of the page around the map (title, legend, scale bar…), read from the
/// style's root metadata "cartelier:page" (README, "Page elements"). Lengths are in points here (the
/// style writes them in its own unit). Each element uses the fields that make sense for it.
struct ElementLook {
    std::vector<std::string> text_font;  ///< a font stack; empty: the project's `font` with `weight`
    std::string weight = "Book";         ///< face of the project font when text_font is empty
    double text_size_pt = 8;
    Color text_color{0.13, 0.13, 0.13, 1};
    Color background_color{1, 1, 1, 1};
    double background_opacity = 1;
    Color line_color{0.25, 0.25, 0.25, 1};
    double line_width_pt = 0.5;
};

/// Every page element's look. The defaults are the values Cartelier always used (README).
struct PageStyle {
    ElementLook title, subtitle, credits;
    ElementLook legend, legend_title, legend_heading, legend_label, legend_swatch;
    ElementLook scale_bar, inset_scale_bar;
    ElementLook north_arrow;
    ElementLook frame, inset_frame, inset_name, zoom_box;
    /// Not from the style: true for the print master (pipeline/pdfx.hpp, PDF/X-3 has no transparency),
    /// whose label leaders are then drawn opaque.
    bool opaque = false;
    PageStyle();
};

/// The page elements of "cartelier:page" and, for each, the properties it accepts, in documentation
/// order: {element name, member, property names}.
struct PageElementSpec {
    const char* name;
    ElementLook PageStyle::*member;
    std::vector<std::string> properties;
};
const std::vector<PageElementSpec>& page_element_specs();

/// How a style finds its icons and checks their files (see resolve_icon).
struct StyleEnvironment {
    /// The project folder: icons must lie inside it, symbolic links resolved. Empty: the style's folder.
    std::string project_root;
    /// Reads an icon file the way the renderer will (SVG through librsvg, PNG through Cairo) and returns
    /// what is wrong with it, or "" when it can be drawn. Unset: only the file's existence is checked.
    std::function<std::string(const std::string& path)> check_icon;
};

/// Label placement settings, from the style's root metadata "cartelier:labels" (README, "Labels"):
/// {"max-displacement-mm": 10, "overflow": "unplaced" | "number"}.
struct LabelSettings {
    double max_displacement_mm = 10;  ///< furthest a displaced label's text may be from its point
    bool number_overflow = false;     ///< "overflow": "number": a label with no room gets a number and a list row
};

struct Style {
    std::string file;       ///< where it was read from
    /// The exact bytes the style was parsed from (load_style; empty when parsed from a Document): the
    /// bytes to hash for the build state, so that what is rendered is what is recorded.
    std::string source;
    std::string name;
    Units units = Units::Px;
    PageStyle page;         ///< the page elements' look (metadata "cartelier:page")
    LabelSettings labels;   ///< label placement (metadata "cartelier:labels")
    std::vector<Layer> layers;
    std::string icon_dir;   ///< absolute: the folder `icons/` beside the style file
    std::string icon_root;  ///< absolute: the folder icons must lie in (the project folder)
    /// Every font name the style writes, once each, in this order: the `text-font` stacks of the page
    /// elements ("cartelier:page", in file order), then the constant `text-font` of each symbol layer
    /// (in layer order). A text-font that depends on the zoom or the feature names no font here.
    std::vector<std::string> fonts;
    /// The same text-fonts as stacks (a stack's first installed font draws its text), each distinct
    /// stack once, where it is first written.
    struct FontStack {
        std::vector<std::string> fonts;
        SourceLocation where;
    };
    std::vector<FontStack> font_stacks;
    /// True when some symbol layer leaves `text-font` unset: the renderer's default font is used.
    bool uses_default_text_font = false;

    /// Names of the project layers the style draws, in first-use order.
    std::vector<std::string> source_layers() const;
    /// Where the first layer drawing `source_layer` names it (its "source-layer" value, with the path
    /// `layers[N].source-layer`); the style file alone when no layer draws it.
    SourceLocation source_layer_location(const std::string& source_layer) const;
};

/// What an icon name stands for (icon-image): `NAME` is the file `icons/NAME.svg`, else
/// `icons/NAME.png`, in the folder of the style file. A name is an image id, not a path: it may name a
/// file of a subfolder (`transport/gare`) but never one outside the icons folder (`../x`, an absolute
/// path), and the file, symbolic links resolved, must lie inside the project folder.
struct IconResolution {
    std::string path;                     ///< the icon file (absolute); empty when the name is unusable
    std::string error;                    ///< what was expected and what was found
    std::string hint;
    std::vector<std::string> candidates;  ///< the files that decide the name (NAME.svg, NAME.png)
    explicit operator bool() const { return error.empty(); }
};
IconResolution resolve_icon(const Style& style, const std::string& name);

/// Parses a style document (JSON or YAML). Every problem of the style is collected; throws Error with
/// all of them if there is any error (warnings are returned in `warnings` when given). Icon names known
/// without the features (constants) are resolved and checked here, with `environment` when given.
Style parse_style(const doc::Document& document, Diagnostics* warnings = nullptr,
                  const StyleEnvironment* environment = nullptr);
/// Compiles a MapLibre filter written in `file` at document path `path` (a derived layer's filter step,
/// as a style layer's `filter`): an expression, or a legacy filter (["==", "field", value]) converted as
/// MapLibre converts it. Every error is appended to `diagnostics` with the file, line, column and path;
/// nullptr when there was at least one.
expr::ExpressionPtr compile_filter(const YAML::Node& filter, const std::string& file, const std::string& path,
                                   Diagnostics& diagnostics);

/// Reads a style file (.json, .yaml or .yml) once, through read_file (core/file_io.hpp), and parses
/// it; the result keeps the bytes read in `source`.
Style load_style(const std::string& path, Diagnostics* warnings = nullptr,
                 const StyleEnvironment* environment = nullptr);
/// load_style, as an immutable style to share between threads and formats.
std::shared_ptr<const Style> load_shared_style(const std::string& path, Diagnostics* warnings = nullptr,
                                               const StyleEnvironment* environment = nullptr);

/// Parses the bytes of a style file already read (`path` names it in messages and decides the
/// format: .json, .yaml or .yml), as load_style would.
Style parse_style_file(const std::string& path, const std::string& bytes, Diagnostics* warnings = nullptr,
                       const StyleEnvironment* environment = nullptr);

/// The JSON text equivalent to a style file (for `cartelier style convert`); the style is validated first.
std::string convert_to_json(const std::string& path);

}  // namespace cartelier::style
