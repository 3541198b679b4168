// Checks of a style against the data one map draws (see data_check.hpp).
#include "style/data_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "style/expression/match.hpp"
#include "style/expression/parsing_context.hpp"
#include "style/feature_view.hpp"

namespace cartelier::style {

namespace {

using DataLayer = cartelier::Layer;

// ---------------------------------------------------------------- static type checks

enum class FieldKind { Text, Number, Boolean };

/// How messages name a kind ("is text", "is a number") and the expression language's typeof name of it.
struct KindNames {
    const char* word;
    const char* type;
};
KindNames names(FieldKind k) {
    static constexpr KindNames table[] = {{"text", "string"}, {"a number", "number"}, {"a boolean", "boolean"}};
    return table[static_cast<int>(k)];
}

std::optional<FieldKind> kind_of(const expr::Value& v) {
    if (v.as_string()) return FieldKind::Text;
    if (v.as_number()) return FieldKind::Number;
    if (v.as_bool()) return FieldKind::Boolean;
    return std::nullopt;
}

/// What the features of a layer hold in one field.
struct FieldSummary {
    std::size_t features = 0;        ///< features of the layer
    std::size_t set = 0;             ///< features where the field is not null
    std::optional<FieldKind> kind;   ///< the one kind of every non-null value; none when mixed or never set
};

FieldSummary summarise(const DataLayer& layer, const std::string& field) {
    FieldSummary s;
    s.features = layer.whole_size();
    auto index = layer.schema->index(field);
    if (!index) return s;
    const FieldStats stats = whole_field_stats(layer, *index);  // of the whole layer, a copy held in a window too
    s.set = stats.set;
    switch (stats.kinds) {
        case FieldStats::Text: s.kind = FieldKind::Text; break;
        case FieldStats::Number: s.kind = FieldKind::Number; break;
        case FieldStats::Boolean: s.kind = FieldKind::Boolean; break;
        default: break;  // mixed, or never set
    }
    return s;
}

/// The literal value of a node, when it is one.
const expr::Value* literal_of(const expr::Expression* e) {
    const auto* l = dynamic_cast<const expr::Literal*>(e);
    return l ? &l->value() : nullptr;
}

/// The field NAME of ["get", NAME] (seen through let bindings and, when `through_assertion` is given,
/// a type assertion, which it then sets).
std::optional<std::string> field_of(const expr::Expression* e, bool* through_assertion = nullptr) {
    for (;;) {
        if (const auto* v = dynamic_cast<const expr::Var*>(e)) {
            e = &v->bound();
            continue;
        }
        if (through_assertion && dynamic_cast<const expr::Assertion*>(e) && e->children().size() == 1) {
            *through_assertion = true;
            e = e->children()[0];
            continue;
        }
        break;
    }
    if (e->op() != "get") return std::nullopt;
    const auto children = e->children();
    if (children.size() != 1) return std::nullopt;
    const expr::Value* key = literal_of(children[0]);
    if (!key || !key->as_string()) return std::nullopt;
    return *key->as_string();
}

/// The field NAME of ["typeof", ["get", NAME]].
std::optional<std::string> typeof_field(const expr::Expression* e) {
    if (e->op() != "typeof" || e->children().size() != 1) return std::nullopt;
    return field_of(e->children()[0]);
}

/// A comparison that can never hold, found in an expression.
struct Finding {
    enum What { Compare, In, Match } what = Compare;
    std::string field;
    FieldSummary summary;
    std::vector<expr::Value> literals;   ///< the literal compared with, the `in` values or the match labels
    std::optional<bool> outcome;         ///< the comparison's constant value; none: an error on every feature
};

class TypeChecker {
public:
    TypeChecker(const DataLayer& data, std::map<std::string, FieldSummary>& fields) : data_(data), fields_(fields) {}

    /// Walks `e`, collecting findings; returns the node's value when the findings make it constant.
    std::optional<bool> walk(const expr::Expression& e) {
        const std::string& op = e.op();
        const auto children = e.children();
        static const std::set<std::string> comparisons = {"==", "!=", "<", "<=", ">", ">="};
        if (comparisons.count(op) && children.size() == 2) {
            const bool equality = op == "==" || op == "!=";
            for (int side = 0; side < 2; ++side) {
                const expr::Expression* subject = children[side];
                const expr::Value* literal = literal_of(children[1 - side]);
                if (!literal) continue;
                // ["typeof", ["get", NAME]] == "number": constant when every feature has the field.
                if (auto field = typeof_field(subject); field && equality && literal->as_string()) {
                    const FieldSummary& s = summary(*field);
                    if (!s.kind || s.set != s.features || s.features == 0) return std::nullopt;
                    const bool same = *literal->as_string() == names(*s.kind).type;
                    return op == "==" ? same : !same;
                }
                bool asserted = false;
                auto field = field_of(subject, &asserted);
                auto literal_kind = kind_of(*literal);
                if (!field || !literal_kind) continue;
                const FieldSummary& s = summary(*field);
                if (!s.kind || *s.kind == *literal_kind) return std::nullopt;
                Finding f{Finding::Compare, *field, s, {*literal}, std::nullopt};
                if (equality) f.outcome = op == "!=";
                else if (!asserted) f.outcome = false;
                findings.push_back(f);
                return f.outcome;
            }
        }
        if (op == "!" && children.size() == 1) {
            auto v = walk(*children[0]);
            return v ? std::optional<bool>(!*v) : std::nullopt;
        }
        if ((op == "all" || op == "any") && !children.empty()) {
            const bool stop_on = op == "any";
            bool stopped = false, every = true;
            for (const auto* c : children) {
                auto v = walk(*c);
                if (v && *v == stop_on) stopped = true;
                if (!v || *v == stop_on) every = false;
            }
            if (stopped) return stop_on;
            if (every) return !stop_on;
            return std::nullopt;
        }
        if (const auto* m = dynamic_cast<const expr::MatchView*>(&e)) {
            if (auto field = field_of(&m->input())) {
                const FieldSummary& s = summary(*field);
                std::vector<expr::Value> labels;
                for (const auto& [ls, _] : m->branches()) labels.insert(labels.end(), ls.begin(), ls.end());
                if (s.kind && !labels.empty() &&
                    std::none_of(labels.begin(), labels.end(), [&](const expr::Value& l) { return kind_of(l) == s.kind; }))
                    findings.push_back(Finding{Finding::Match, *field, s, labels, std::nullopt});
            }
        }
        if (op == "in" && children.size() == 2) {
            const expr::Value* haystack = literal_of(children[1]);
            auto field = field_of(children[0]);
            if (field && haystack && haystack->as_array() && !haystack->as_array()->empty()) {
                const FieldSummary& s = summary(*field);
                const expr::Array& items = *haystack->as_array();
                if (s.kind && std::none_of(items.begin(), items.end(),
                                           [&](const expr::Value& v) { return kind_of(v) == s.kind; })) {
                    findings.push_back(Finding{Finding::In, *field, s, items, false});
                    return false;
                }
            }
        }
        for (const auto* c : children) walk(*c);
        return std::nullopt;
    }

    std::vector<Finding> findings;

private:
    const FieldSummary& summary(const std::string& field) {
        auto it = fields_.find(field);
        if (it == fields_.end()) it = fields_.emplace(field, summarise(data_, field)).first;
        return it->second;
    }

    const DataLayer& data_;
    std::map<std::string, FieldSummary>& fields_;
};

/// The fields ["get", NAME] reads that the layer's schema does not have, except inside a coalesce
/// (a default is given) and the fields the expression tests with ["has", NAME].
void missing_fields(const expr::Expression& e, const Schema& schema, bool defaulted, std::set<std::string>& missing,
                    std::set<std::string>& tested) {
    const auto children = e.children();
    if ((e.op() == "get" || e.op() == "has") && children.size() == 1) {
        const expr::Value* key = literal_of(children[0]);
        if (key && key->as_string() && !schema.index(*key->as_string())) {
            if (e.op() == "has") tested.insert(*key->as_string());
            else if (!defaulted) missing.insert(*key->as_string());
        }
    }
    for (const auto* c : children) missing_fields(*c, schema, defaulted || e.op() == "coalesce", missing, tested);
}

std::string literal_text(const expr::Value& v) { return v.to_json(); }

std::string literals_text(const std::vector<expr::Value>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + literal_text(v);
    return out;
}

/// "number", "texts", "values": what the literals are.
const char* noun_of(const std::vector<expr::Value>& values) {
    const bool many = values.size() > 1;
    const auto kind = values.empty() ? std::nullopt : kind_of(values.front());
    const bool same = kind && std::all_of(values.begin(), values.end(), [&](const expr::Value& v) {
                          return kind_of(v) == kind;
                      });
    if (!same) return many ? "values" : "value";
    switch (*kind) {
        case FieldKind::Text: return many ? "texts" : "text";
        case FieldKind::Number: return many ? "numbers" : "number";
        case FieldKind::Boolean: return many ? "booleans" : "boolean";
    }
    return "";
}

/// "the number 2020", "the texts "a", "b"", "the values 1, "a"".
std::string describe_literals(const std::vector<expr::Value>& values) {
    return fmt::format("the {} {}", noun_of(values), literals_text(values));
}

/// The literal written in the field's kind, for "did you mean": 2020 → "2020", "2020" → 2020.
std::optional<expr::Value> converted(const expr::Value& literal, FieldKind to) {
    if (to == FieldKind::Text) {
        if (literal.as_number() || literal.as_bool()) return expr::Value(expr::value_to_string(literal));
        return std::nullopt;
    }
    const std::string* s = literal.as_string();
    if (!s) return std::nullopt;
    if (to == FieldKind::Boolean) {
        if (*s == "true" || *s == "false") return expr::Value(*s == "true");
        return std::nullopt;
    }
    if (s->find_first_not_of(" \t") == std::string::npos) return std::nullopt;
    const double d = expr::js_string_to_number(*s);
    if (!std::isfinite(d)) return std::nullopt;
    return expr::Value(d);
}

std::string features_text(const FieldSummary& s, const std::string& layer) {
    if (s.set == s.features) return fmt::format("all {} features of '{}'", s.features, layer);
    return fmt::format("the {} features of '{}' that have it (the other {} have no value)", s.set, layer,
                       s.features - s.set);
}

Diagnostic type_warning(const Finding& f, const SourceLocation& where, const std::string& layer,
                        std::optional<bool> filter_outcome) {
    std::string message = fmt::format("'{}' is {} in {}; ", f.field, names(*f.summary.kind).word,
                                      features_text(f.summary, layer));
    if (f.what == Finding::Match) {
        const bool many = f.literals.size() > 1;
        message += fmt::format("the match {} {} {} {}, so no feature matches {} (each gets the fallback output)",
                               many ? "labels" : "label", literals_text(f.literals), many ? "are" : "is",
                               noun_of(f.literals), many ? "them" : "it");
    } else {
        message += fmt::format("compared with {}, ", describe_literals(f.literals));
        if (filter_outcome) message += fmt::format("this filter is always {}", *filter_outcome ? "true" : "false");
        else if (f.outcome) message += fmt::format("this comparison is always {}", *f.outcome ? "true" : "false");
        else message += "this comparison fails with an evaluation error on every feature";
    }
    std::string hint;
    if (auto c = converted(f.literals.front(), *f.summary.kind)) hint = fmt::format("did you mean {}?", literal_text(*c));
    return Diagnostic{Severity::Warning, where, std::move(message), std::move(hint)};
}

// ---------------------------------------------------------------- evaluation errors

/// One distinct evaluation error: where, what, and the features it affects.
struct Tally {
    SourceLocation where;
    std::string message;
    std::size_t count = 0;
    std::vector<std::string> ids;  ///< the first kFeatureIdsShown
};

class Tallies {
public:
    void add(const SourceLocation& where, const std::string& message, const std::string& feature_id) {
        auto [it, inserted] = index_.emplace(std::make_pair(where.path, message), tallies_.size());
        if (inserted) tallies_.push_back(Tally{where, message, 0, {}});
        Tally& t = tallies_[it->second];
        ++t.count;
        if (t.ids.size() < kFeatureIdsShown && !feature_id.empty()) t.ids.push_back(feature_id);
    }
    bool has(const std::string& path) const {
        return std::any_of(tallies_.begin(), tallies_.end(), [&](const Tally& t) { return t.where.path == path; });
    }
    const std::vector<Tally>& items() const { return tallies_; }

private:
    std::map<std::pair<std::string, std::string>, std::size_t> index_;
    std::vector<Tally> tallies_;
};

std::string ids_text(const Tally& t) {
    std::string out;
    for (const auto& id : t.ids) out += (out.empty() ? "'" : ", '") + id + "'";
    if (t.count > t.ids.size()) out += fmt::format(" and {} more", t.count - t.ids.size());
    return out;
}

std::string zooms_text(const std::vector<double>& zooms) {
    std::string out;
    for (double z : zooms) out += (out.empty() ? "" : ", ") + fmt::format("{:.2f}", z);
    return out;
}

/// The data-driven properties of a layer: those the renderer evaluates per feature.
struct Evaluated {
    Prop prop;
    bool zoom_constant;
};

/// Checks one style layer drawing `data` (frames[0]'s copy of its source layer). Returns whether it draws
/// a feature on the map.
bool check_layer(const Layer& sl, const DataLayer& data, const std::vector<DataFrame>& frames, Diagnostics& out) {
    // Static type checks of the filter and of every data-driven property.
    std::map<std::string, FieldSummary> fields;
    bool filter_always_false = false;
    auto type_check = [&](const expr::Expression& e, const SourceLocation& where, bool filter) {
        TypeChecker checker(data, fields);
        std::optional<bool> value = checker.walk(e);
        if (filter && value && !*value) filter_always_false = true;
        // Comparisons of one field with several literals (a legacy ["in", field, a, b]) are told once.
        std::vector<Finding> merged;
        for (auto& f : checker.findings) {
            auto same = std::find_if(merged.begin(), merged.end(), [&](const Finding& m) {
                return m.what == Finding::Compare && f.what == Finding::Compare && m.field == f.field &&
                       m.outcome == f.outcome;
            });
            if (same == merged.end()) merged.push_back(std::move(f));
            else same->literals.insert(same->literals.end(), f.literals.begin(), f.literals.end());
        }
        std::set<std::string> seen;
        for (const auto& f : merged) {
            Diagnostic d = type_warning(f, where, data.name, filter ? value : std::nullopt);
            if (seen.insert(d.message).second) out.add(std::move(d));
        }
        for (const auto& field : fields_not_in(e, *data.schema))
            out.warning(where,
                        fmt::format("'{}' is not a field of '{}': [\"get\", \"{}\"] is null for every feature", field,
                                    data.name, field),
                        suggest_name(field, data.schema->fields(), {"its fields: ", ""}));
    };
    if (sl.filter && !sl.filter->is_feature_constant()) type_check(*sl.filter, sl.filter_where, true);
    std::vector<Evaluated> per_feature;
    std::vector<Prop> per_zoom;  // feature-constant, zoom-dependent
    for (const auto& s : property_specs()) {
        const expr::Expression* e = sl.expression(s.id);
        if (!e || s.id == Prop::Visibility) continue;
        if (!e->is_feature_constant()) {
            type_check(*e, sl.location(s.id), false);
            per_feature.push_back({s.id, e->is_zoom_constant()});
        } else if (!e->is_zoom_constant()) {
            per_zoom.push_back(s.id);
        }
    }

    // The frames whose zoom the layer is drawn at.
    std::vector<std::size_t> in_range;
    std::vector<double> all_zooms;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        all_zooms.push_back(frames[i].zoom);
        if (sl.in_zoom_range(frames[i].zoom)) in_range.push_back(i);
    }
    if (in_range.empty()) {
        out.warning(sl.where,
                    fmt::format("layer '{}' draws nothing on this map: its zoom range (minzoom {}, maxzoom {}) leaves "
                                "out the map's zoom{} {}",
                                sl.id, sl.minzoom, sl.maxzoom, frames.size() > 1 ? "s (main map, then insets)" : "",
                                zooms_text(all_zooms)),
                    "change minzoom or maxzoom, or remove the layer from this map's style");
        return false;
    }

    Tallies tallies;
    for (Prop p : per_zoom)
        for (std::size_t i : in_range) {
            expr::Result r = sl.try_evaluate(p, expr::EvaluationContext{frames[i].zoom, nullptr});
            if (!r) tallies.add(sl.location(p), fmt::format("{} (at zoom {:.2f})", r.error, frames[i].zoom), "");
        }

    // Each frame's copy of the features (the same features, in the frame's CRS).
    struct Copy {
        double zoom;
        const Box* extent;
        const DataLayer* layer;
        const std::vector<Box>* bounds;  ///< of its features, when the frame keeps them
    };
    std::vector<Copy> copies;
    for (std::size_t i : in_range) {
        const DataLayer* copy = frames[i].layer ? frames[i].layer(sl.source_layer) : nullptr;
        if (copy && copy->whole_size() == data.whole_size()) {
            const std::vector<Box>* bounds = frames[i].bounds ? frames[i].bounds(*copy) : nullptr;
            if (bounds && bounds->size() != copy->features.size()) bounds = nullptr;
            copies.push_back(Copy{frames[i].zoom, &frames[i].extent, copy, bounds});
        }
    }
    const bool filter_per_feature = sl.filter && !sl.filter->is_feature_constant();
    const bool filter_zoom_constant = !sl.filter || sl.filter->is_zoom_constant();
    const bool per_feature_work = filter_per_feature || !per_feature.empty();

    std::size_t inside = 0, accepted = 0, drawable = 0;
    // The kinds of geometry the layer's type draws (MapLibre's: a fill draws areas, a line lines and the
    // outlines of areas, a circle points; a symbol labels any).
    auto draws_kind = [&sl](GeometryType g) {
        switch (sl.type) {
            case LayerType::Fill: return g == GeometryType::Polygon;
            case LayerType::Line: return g == GeometryType::LineString || g == GeometryType::Polygon;
            case LayerType::Circle: return g == GeometryType::Point;
            default: return g != GeometryType::None;
        }
    };
    GeometryType kept_kind = GeometryType::None;  // of a feature kept that the layer cannot draw
    std::vector<double> zooms;
    std::vector<char> evaluated(per_feature.size());
    // The features of the whole layer in order, each with the copies that hold it: a copy held in a window
    // (LayerSubset) holds some of them, and says where each is in the whole layer.
    std::vector<const DataLayer*> layers;
    for (const Copy& c : copies) layers.push_back(c.layer);
    for_each_held(layers, [&](const std::vector<std::size_t>& held) {
        zooms.clear();
        const DataLayer* holder = nullptr;
        const Feature* first = nullptr;
        for (std::size_t c = 0; c < copies.size(); ++c) {
            const std::size_t k = held[c];
            if (k == kNotHeld) continue;
            const Copy& copy = copies[c];
            if (!first) {
                holder = copy.layer;
                first = &copy.layer->features[k];
            }
            if (std::find(zooms.begin(), zooms.end(), copy.zoom) == zooms.end() &&
                (copy.bounds ? (*copy.bounds)[k] : copy.layer->features[k].geometry.bounds()).intersects(*copy.extent))
                zooms.push_back(copy.zoom);
        }
        if (zooms.empty()) return true;
        ++inside;
        const Feature& feature = *first;  // its values are the same in every copy
        LayerFeatureView view(*holder, feature);
        std::optional<bool> filter_value;  // for a zoom-constant filter
        std::fill(evaluated.begin(), evaluated.end(), 0);
        bool drawn = false;
        for (double zoom : zooms) {
            const expr::EvaluationContext ctx{zoom, &view};
            bool accepts = true;
            if (sl.filter && (!filter_zoom_constant || !filter_value)) {
                expr::Result r;
                try {
                    r = sl.filter->evaluate(ctx);
                } catch (const std::exception& e) {
                    r = expr::Result::fail(e.what());
                }
                if (!r) tallies.add(sl.filter_where, r.error, feature.id);
                filter_value = r && r.value->as_bool() && *r.value->as_bool();
            }
            if (sl.filter) accepts = *filter_value;
            if (!accepts) continue;
            drawn = true;
            if (!per_feature_work) break;
            for (std::size_t j = 0; j < per_feature.size(); ++j) {
                if (per_feature[j].zoom_constant && evaluated[j]) continue;
                evaluated[j] = 1;
                expr::Result r = sl.try_evaluate(per_feature[j].prop, ctx);
                if (!r) tallies.add(sl.location(per_feature[j].prop), r.error, feature.id);
            }
        }
        if (drawn) ++accepted;
        const bool kind = draws_kind(feature.geometry.type);
        if (drawn && kind) ++drawable;
        else if (drawn) kept_kind = feature.geometry.type;
        return !(drawn && kind && !per_feature_work);  // the layer draws something: nothing more to learn
    });

    for (const Tally& t : tallies.items())
        out.error(t.where,
                  t.ids.empty() ? t.message
                                : fmt::format("{} (on {} feature{} of '{}' drawn on this map: {})", t.message, t.count,
                                              t.count > 1 ? "s" : "", data.name, ids_text(t)),
                  "give the style a fallback: [\"to-number\", …, 0], [\"to-string\", …], or "
                  "[\"coalesce\", [\"get\", …], default] for a missing value");
    if (inside == 0) {
        out.warning(sl.where,
                    fmt::format("layer '{}' draws nothing on this map: none of the {} features of '{}' lies inside "
                                "the map's extent{}",
                                sl.id, data.whole_size(), data.name, frames.size() > 1 ? " or an inset's" : ""),
                    "check the map's extent and the layer's coordinates and CRS");
    } else if (accepted == 0 && !filter_always_false && !tallies.has(sl.filter_where.path)) {
        out.warning(sl.filter.get() ? sl.filter_where : sl.where,
                    fmt::format("layer '{}' draws nothing on this map: its filter rejects all {} features of '{}' "
                                "inside the map",
                                sl.id, inside, data.name),
                    "check the filter's field names and values against the data");
    } else if (accepted > 0 && drawable == 0) {
        auto kind = [](GeometryType g) {
            return g == GeometryType::Point ? "points" : g == GeometryType::LineString ? "lines" : "areas (polygons)";
        };
        out.warning(sl.where,
                    fmt::format("layer '{}' draws nothing on this map: a {} layer draws {}, and the {} feature{} of "
                                "'{}' it keeps on the map {} {}",
                                sl.id, layer_type_name(sl.type),
                                sl.type == LayerType::Fill ? "areas" : sl.type == LayerType::Line ? "lines and the outlines of areas" : "points",
                                accepted, accepted > 1 ? "s" : "", data.name, accepted > 1 ? "are" : "is",
                                kind(kept_kind)),
                    "draw points with a circle or symbol layer, lines with a line layer, areas with a fill or line "
                    "layer; a symbol layer labels any of them");
    }
    return drawable > 0;
}

}  // namespace

std::vector<std::string> fields_not_in(const expr::Expression& e, const Schema& schema) {
    std::set<std::string> missing, tested;
    missing_fields(e, schema, false, missing, tested);
    std::vector<std::string> out;
    for (const auto& field : missing)
        if (!tested.count(field)) out.push_back(field);
    return out;
}

Diagnostics check_style_against_data(const Style& style, const std::vector<DataFrame>& frames, DataCheckSummary* summary) {
    Diagnostics out;
    if (summary) *summary = {};
    if (frames.empty() || !frames.front().layer) return out;
    for (const Layer& sl : style.layers) {
        if (sl.type == LayerType::Background || sl.source_layer.empty() || !sl.visible()) continue;
        const DataLayer* data = frames.front().layer(sl.source_layer);
        if (!data || data->whole_size() == 0) continue;
        const bool draws = check_layer(sl, *data, frames, out);
        if (summary) {
            ++summary->layers_with_data;
            if (draws) ++summary->layers_drawing;
        }
    }
    return out;
}

}  // namespace cartelier::style
