// The "dissolve" operation of derived layers: features merged by the value of a field (or all into
// one), their attributes aggregated. On a polygon coverage (communes, EPCI…) the union is topology-safe:
// shared borders vanish exactly, no sliver or crack is created between neighbours (coverage_union below,
// its result checked valid by GEOS; GEOS's CoverageUnion, then its general union, only for a group
// whose members are not a clean coverage).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/layer.hpp"

namespace cartelier::geo {

enum class Aggregation {
    First,  ///< the value of the group's first feature (in the layer's order)
    Sum,    ///< the sum of the numbers, text holding a number included (nulls skipped; null when all are;
            ///< text that is not a number is an error)
    Count,  ///< the number of features of the group (the field is not read)
    List,   ///< the distinct non-null values, as text, in first-appearance order, joined by `separator`
};

struct AggregateSpec {
    std::string output;   ///< the field written in the dissolved layer
    std::string field;    ///< the field read in the input layer (empty for Count)
    Aggregation how = Aggregation::First;
    SourceLocation declared_at;  ///< where the project declares it (messages)
};

struct DissolveSpec {
    /// The field whose value groups the features; empty: every feature into one.
    std::string by;
    std::vector<AggregateSpec> aggregates;
    std::string separator = ", ";  ///< of List aggregates
    SourceLocation declared_at;    ///< the step in the project file (messages)
    /// Threads merging the groups' geometries, each with its own GEOS context (the output is the same
    /// whatever their number); 0: up to 4 (the machine's cores) when the layer is large, else 1.
    unsigned threads = 0;
};

/// What dissolve() did (for the build report and tests).
struct DissolveStats {
    std::size_t input_features = 0;
    std::size_t groups = 0;          ///< features written
    std::size_t skipped_null = 0;    ///< features left out because their `by` value is null
    std::size_t geos_coverage_unions = 0;  ///< polygon groups coverage_union() could not take, GEOS's did
    std::size_t general_unions = 0;  ///< groups that were not a clean coverage (GEOS's general union)
    unsigned threads = 1;            ///< threads that merged the geometries
};

/// Merges the features of `in` by the value of `spec.by`:
/// - groups are told apart by the value's text: a number as fmt writes it (1 and 1.0 are one group,
///   and the text "1" too), a boolean "true"/"false";
/// - one output feature per distinct value, in the order of the value's first appearance; its id is the
///   value as text ("all" when `by` is empty); its fields are `by` (same name, the first value) then the
///   aggregates, in the given order;
/// - features whose `by` value is null are left out (counted in stats.skipped_null);
/// - polygons: the union of the group's polygons, valid (OGC), holes only where no member covers:
///   coverage_union() below, checked valid by GEOS; else geo::union_polygons (GEOS's CoverageUnion,
///   and its general union for a group that is not a clean coverage); a union GEOS cannot compute is
///   an error naming the group;
///   points and lines: the group's parts gathered in one multi-geometry; a group mixing kinds keeps the
///   kind of its first feature and the others' parts are dropped with a warning naming the group;
/// - the output layer has the input's name, source and CRS.
/// Errors (a missing `by` or aggregate field, a Sum of text) name `spec.declared_at` (an aggregate's
/// own declared_at when set), the field, and the fields that exist (with a "did you mean" when one is
/// close); the result then has no feature.
Layer dissolve(const Layer& in, const DissolveSpec& spec, Diagnostics& diagnostics, DissolveStats* stats = nullptr);

/// The union of polygons that form a clean coverage (neighbours share their borders vertex for vertex
/// and do not overlap), made without a general overlay: every edge two members share in opposite
/// directions cancels out, the others are chained into rings (at a vertex where the boundary touches
/// itself, each ring keeps to its own side), exteriors counter-clockwise and holes clockwise, each hole
/// in the smallest exterior around it. Every vertex of the result is an input vertex, unmoved.
/// nullopt when the polygons are visibly not a clean coverage (an edge found twice in one direction:
/// members overlap; a boundary that does not close). A border whose vertices differ between two
/// neighbours (a T-junction) is not detected here: it gives an invalid result, which dissolve()
/// checks with GEOS before using it (and then takes GEOS's unions).
std::optional<Geometry> coverage_union(std::span<const Geometry* const> polygons);

}  // namespace cartelier::geo
