// Checks of a style against the data one map draws, made before anything is drawn (the prepare stage
// runs them, so `cartelier check` reports what `build` would draw wrong). Three kinds:
//
// 1. Evaluation errors (ERRORS: the map fails). The filter and every data-driven paint and layout
//    property of every visible style layer are evaluated for every feature the map draws — each
//    feature of the layer's source layer whose bounds reach into a frame (the main map or an inset)
//    whose zoom is in the layer's zoom range — at the zoom of each such frame, exactly as the renderer
//    evaluates them (Layer::try_evaluate; properties only for features the filter accepts, whatever
//    their geometry type, although the renderer draws a fill only for polygons, for instance). An
//    expression that does not depend on the zoom is evaluated once per feature; a constant one is not
//    evaluated at all (its errors are found when the style is parsed; a constant filter only decides
//    whether the layer draws anything); one that depends on the zoom only, once per zoom. An error is what the renderer would replace by the property's default value
//    (or, for a filter, treat as "not drawn"): the expression's evaluation error (["+", ["get", "year"],
//    1] on a text "2020"), or a value of another type than the property's (a colour property given
//    null). Each distinct error (the same message at the same place) is reported once, at the style's
//    file:line:column and JSON path of the filter or property (`layers[4].layout.text-field`), with the
//    number of features it affects and the first kFeatureIdsShown feature ids.
//    What the style itself turns into a value is NOT an error: a null made a default by coalesce
//    (["coalesce", ["get", "size"], 4] when 'size' is missing), a conversion or type assertion with a
//    fallback argument (["to-number", ["get", "year"], 0], ["number", ["get", "x"], 0]), a match or case
//    fallback, a text-field that yields null (no label, as in MapLibre). coalesce skips nulls, not errors
//    (as in MapLibre): an error inside a coalesce argument is still an error.
//
// 2. Static type checks (WARNINGS). Where a filter or expression compares a field (["get", NAME],
//    possibly under a type assertion) with a literal — ==, !=, <, <=, >, >= (legacy filters are
//    compiled into these), ["in", field, ["literal", [...]]] and the labels of ["match", field, …] —
//    and the field holds values of one kind (text, number or boolean) in every feature of the source
//    layer that has it, while the literal is of another kind, the comparison never holds. The kinds are
//    those of the values actually in the features (so a CSV column read as text is text). The warning
//    names the field, its kind, the feature count, the literal, whether the whole filter is then
//    always false (or true), and suggests the literal converted to the field's kind. A field that
//    ["get", NAME] reads and the source layer does not have at all is a warning too (with did-you-mean),
//    unless the read is inside a coalesce or the expression tests ["has", NAME].
//
// 3. Style layers that draw nothing on the map (WARNINGS), with the reason: its zoom range leaves out
//    every frame's zoom; no feature of its source layer lies inside any frame's extent; or its filter
//    rejects every feature that does (not repeated when a type check already says the filter is always
//    false, nor when the filter failed with an error). A source layer with no feature at all is left
//    to the data checks (an empty data layer is reported there), as are invisible layers.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/geometry.hpp"
#include "core/layer.hpp"
#include "style/style.hpp"

namespace cartelier::style {

/// One frame of the map's page (the main map first, then each inset), as the renderer draws it.
struct DataFrame {
    double zoom = 0;  ///< what ["zoom"] evaluates to in the frame
    Box extent;       ///< the map extent the frame shows, in the CRS of the layers `layer` gives
    /// The project layer named `name` in this frame's CRS (copies of the same features in the same
    /// order in every frame; a copy held in a window holds some of them and says which, LayerSubset);
    /// null when the map has no such layer.
    std::function<const cartelier::Layer*(const std::string& name)> layer;
    /// The bounds of each feature of a layer `layer` gave (computed once and kept by the caller); null:
    /// computed here from the geometries, each time.
    std::function<const std::vector<Box>*(const cartelier::Layer& layer)> bounds;
};

/// How many feature ids an evaluation error names before "and N more".
inline constexpr std::size_t kFeatureIdsShown = 3;

/// What the checks learnt of the map as a whole.
struct DataCheckSummary {
    std::size_t layers_with_data = 0;  ///< visible style layers whose source layer has features
    std::size_t layers_drawing = 0;    ///< of those, the ones that draw a feature on the map
};

/// Runs the three checks above for every style layer that draws a source layer and is visible, over
/// `frames` (frames[0]'s layers give the features' values). Returns the errors and warnings, in style
/// layer order, and with `summary` how many layers draw; never throws for a problem of the style or the
/// data.
Diagnostics check_style_against_data(const Style& style, const std::vector<DataFrame>& frames,
                                     DataCheckSummary* summary = nullptr);

/// The fields ["get", NAME] reads in `e` that `schema` does not have (in name order), except the reads
/// inside a coalesce (a default is given) and the fields `e` tests with ["has", NAME]: each is null for
/// every feature, most often a typo.
std::vector<std::string> fields_not_in(const expr::Expression& e, const Schema& schema);

}  // namespace cartelier::style
