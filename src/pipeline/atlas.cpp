#include "pipeline/atlas.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <exception>
#include <cmath>
#include <cstring>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <string_view>

#include <fmt/format.h>
#include <xxhash.h>

#include "core/document.hpp"
#include "core/layer.hpp"
#include "core/parallel.hpp"
#include "geo/code_text.hpp"
#include "geo/projection.hpp"
#include "layout/page_plan.hpp"
#include "pipeline/hashing.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/collation.hpp"
#include "pipeline/output.hpp"
#include "pipeline/prepared_cache.hpp"
#include "render/map_renderer.hpp"
#include "style/data_check.hpp"
#include "style/feature_view.hpp"
#include "style/style.hpp"

namespace cartelier::pipeline {

namespace {

/// The bounds of a page's feature in another CRS, by the points it was projected from: a build kept
/// running (watch, serve) projects again only the features whose points changed. Keyed by both CRSs,
/// the number of points and a 128-bit digest of their bytes; a few thousand entries at most.
class ProjectedBoundsMemo {
public:
    using Key = std::tuple<std::string, std::string, std::size_t, std::uint64_t, std::uint64_t>;
    static Key key(const std::string& from, const std::string& to, const std::vector<Point>& points) {
        const XXH128_hash_t h = XXH3_128bits(points.data(), points.size() * sizeof(Point));
        return {from, to, points.size(), h.low64, h.high64};
    }
    std::optional<Box> find(const Key& key) {
        std::lock_guard lock(mutex_);
        if (auto it = bounds_.find(key); it != bounds_.end()) return it->second;
        return std::nullopt;
    }
    void remember(Key key, const Box& bounds) {
        std::lock_guard lock(mutex_);
        if (bounds_.size() >= 4096) bounds_.clear();
        bounds_.emplace(std::move(key), bounds);
    }

private:
    std::mutex mutex_;
    std::map<Key, Box> bounds_;
};

ProjectedBoundsMemo& projected_bounds() {
    static ProjectedBoundsMemo memo;
    return memo;
}

/// An attribute as page text: a string as it is, a number as fmt writes it (75 → "75"), a boolean as
/// true/false, null as "".
std::string text_of(const Value& v) {
    if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    return geo::code_text(v);
}

/// Sort order of one field's values: nulls last, numbers before text, numbers by value, text in the
/// order of TextCollator (`key_a`, `key_b`: the texts' collation keys), then by bytes (texts the
/// collation does not tell apart still in one order).
int compare_values(const Value& a, const Value& b, const std::string& key_a, const std::string& key_b) {
    auto rank = [](const Value& v) { return is_null(v) ? 3 : std::holds_alternative<std::string>(v) ? 2 : 1; };
    if (rank(a) != rank(b)) return rank(a) < rank(b) ? -1 : 1;
    if (const auto* x = std::get_if<double>(&a)) {
        const double y = std::get<double>(b);
        return *x < y ? -1 : *x > y ? 1 : 0;
    }
    if (const auto* x = std::get_if<bool>(&a)) {
        const bool y = std::get<bool>(b);
        return *x == y ? 0 : (!*x ? -1 : 1);
    }
    if (const auto* x = std::get_if<std::string>(&a)) {
        if (const int c = key_a.compare(key_b); c != 0) return c < 0 ? -1 : 1;
        const int c = x->compare(std::get<std::string>(b));
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    return 0;
}

/// Feature ids in a natural order: numbers by value when both are whole numbers, else by bytes.
bool id_less(const std::string& a, const std::string& b) {
    auto digits = [](const std::string& s) {
        return !s.empty() && s.size() < 19 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (digits(a) && digits(b) && a.size() != b.size()) return a.size() < b.size();
    return a < b;
}

/// A reusable XXH3 streaming state, and the bytes of a feature's attributes (kept for their capacity).
struct HashState {
    Xxh3State state = new_xxh3_state();
    std::string bytes;
};

/// The digest of a feature's id, the values of `fields` (by schema index, with their names) and its
/// geometry: what a page draws of it. The XXH3 of those bytes one after another, the geometry's hashed
/// where it lies (not copied).
XXH64_hash_t feature_hash(const Layer& layer, const Feature& f, const std::vector<std::size_t>& fields, HashState& h) {
    std::string& bytes = h.bytes;
    bytes = f.id;
    bytes += '\0';
    for (std::size_t i : fields) {
        const Value& v = f.value(i);
        bytes += layer.schema->fields()[i];
        bytes += '=';
        bytes += static_cast<char>('0' + v.index());
        bytes += text_of(v);
        if (const auto* d = std::get_if<double>(&v)) bytes.append(reinterpret_cast<const char*>(d), sizeof *d);
        bytes += '\0';
    }
    XXH3_state_t* state = h.state.get();
    if (!state) throw std::bad_alloc();
    XXH3_64bits_reset(state);
    XXH3_64bits_update(state, bytes.data(), bytes.size());
    geometry_bytes(f.geometry, [&](const char* data, std::size_t size) { XXH3_64bits_update(state, data, size); });
    return XXH3_64bits_digest(state);
}

std::vector<std::size_t> all_fields(const Layer& layer) {
    std::vector<std::size_t> out(layer.schema->size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = i;
    return out;
}

/// The page's own feature, all its fields: its texts and its extent come from it.
std::string feature_digest(const Layer& layer, const Feature& f, HashState& h) {
    return fmt::format("{:016x}", feature_hash(layer, f, all_fields(layer), h));
}

constexpr double kMetresPerPoint = 0.0254 / 72.0;

}  // namespace

std::string fill_page_tokens(const std::string& text, const std::vector<std::string>& fields,
                             const std::vector<std::string>& values, const std::string& id, std::size_t page,
                             std::size_t pages, std::vector<std::string>* missing) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            out += c;
            ++i;
            continue;
        }
        const std::size_t close = c == '{' ? text.find('}', i + 1) : std::string::npos;
        if (close == std::string::npos) {
            out += c;
            continue;
        }
        const std::string name = text.substr(i + 1, close - i - 1);
        i = close;
        if (name == "$id") out += id;
        else if (name == "$page") out += std::to_string(page);
        else if (name == "$pages") out += std::to_string(pages);
        else if (auto it = std::find(fields.begin(), fields.end(), name); it != fields.end())
            out += values[static_cast<std::size_t>(it - fields.begin())];
        else if (missing && std::find(missing->begin(), missing->end(), name) == missing->end())
            missing->push_back(name);
    }
    return out;
}

namespace {

/// The scale denominator a cartographer would write that is at least `needed`: 1, 2, 2.5 or 5 × 10^k.
double round_scale_up(double needed) {
    const double power = std::pow(10.0, std::floor(std::log10(needed)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (step * power >= needed * (1 - 1e-12)) return step * power;
    return 10 * power;
}

}  // namespace

std::vector<MapDecl> atlas_pages(const MapDecl& atlas_map, LayerStore& store,
                                 Diagnostics& warnings) {
    const AtlasDecl& atlas = *atlas_map.atlas;
    const Layer& layer = store.projected(atlas.layer, atlas_map.crs);
    const std::vector<std::string>& fields = layer.schema->fields();
    Diagnostics problems;
    if (layer.features.empty()) {
        // An empty layer (an optional one whose files are missing has no fields either): no page, said.
        warnings.warning(atlas.declared_at,
                         fmt::format("the atlas of map '{}' has no page: its coverage layer '{}' has no feature",
                                     atlas_map.id, atlas.layer),
                         "no page and no series PDF are written");
        return {};
    }

    // Fields named by sort and tokens must exist (a typo would otherwise sort nothing or print "").
    auto field_problem = [&](const SourceLocation& at, const std::string& what, const std::vector<std::string>& names) {
        for (const auto& n : names)
            problems.error(at,
                           fmt::format("{} names field '{}', which the coverage layer '{}' does not have", what, n,
                                       atlas.layer),
                           suggest_name(n, fields, {"its fields: ", ""}));
    };
    {
        std::vector<std::string> unknown;
        for (const auto& s : atlas.sort)
            if (std::find(fields.begin(), fields.end(), s) == fields.end()) unknown.push_back(s);
        field_problem(atlas.sort_at, "the atlas sort", unknown);
        // A field the filter reads and the layer lacks is null for every feature: an empty or wrong series.
        if (atlas.filter) field_problem(atlas.filter_at, "the atlas filter", style::fields_not_in(*atlas.filter, *layer.schema));
        const std::vector<std::string> none(fields.size());
        for (const auto& [what, text, at] :
             {std::tuple{"page_name", atlas.page_name, atlas.page_name_at}, std::tuple{"the title", atlas_map.page.title, atlas_map.declared_at},
              std::tuple{"the subtitle", atlas_map.page.subtitle, atlas_map.declared_at}}) {
            std::vector<std::string> missing;
            fill_page_tokens(text, fields, none, "", 0, 0, &missing);
            field_problem(at, what, missing);
        }
        if (problems.has_errors()) throw Error(problems);
    }

    // The features of the series, filtered, in page order.
    std::vector<const Feature*> kept;
    for (const Feature& f : layer.features) {
        if (atlas.filter) {
            style::LayerFeatureView view(layer, f);
            const style::expr::Result r = atlas.filter->evaluate(style::expr::EvaluationContext{0, &view});
            if (!r)
                throw Error(atlas.declared_at, fmt::format("the atlas filter fails on feature {} of layer '{}': {}", f.id,
                                                           atlas.layer, r.error));
            const bool* yes = r.value->as_bool();
            if (!yes || !*yes) continue;
        }
        kept.push_back(&f);
    }
    std::vector<std::size_t> sort_index;
    for (const auto& s : atlas.sort) sort_index.push_back(*layer.schema->index(s));
    // Each feature with the collation key of each text it is sorted by (made once, not per comparison;
    // the collator opened only for a text).
    struct Sorted {
        const Feature* feature;
        std::vector<std::string> keys;  ///< per sort field: the key of a text, else empty
    };
    std::optional<TextCollator> collator;
    std::vector<Sorted> sorted;
    sorted.reserve(kept.size());
    for (const Feature* f : kept) {
        Sorted item{f, {}};
        for (std::size_t i : sort_index) {
            const auto* text = std::get_if<std::string>(&f->value(i));
            if (text && !collator) collator.emplace();
            item.keys.push_back(text ? collator->key(*text) : std::string());
        }
        sorted.push_back(std::move(item));
    }
    std::stable_sort(sorted.begin(), sorted.end(), [&](const Sorted& a, const Sorted& b) {
        for (std::size_t k = 0; k < sort_index.size(); ++k) {
            const Value& x = a.feature->value(sort_index[k]);
            const Value& y = b.feature->value(sort_index[k]);
            if (int c = compare_values(x, y, a.keys[k], b.keys[k]); c != 0)
                // Descending: the values reversed, nulls still last.
                return k < atlas.sort_descending.size() && atlas.sort_descending[k] && !is_null(x) && !is_null(y) ? c > 0 : c < 0;
        }
        return id_less(a.feature->id, b.feature->id);
    });
    for (std::size_t i = 0; i < sorted.size(); ++i) kept[i] = sorted[i].feature;
    if (kept.empty()) {
        warnings.warning(atlas.declared_at,
                         fmt::format("the atlas of map '{}' has no page: its filter keeps none of the {} features of '{}'",
                                     atlas_map.id, layer.features.size(), atlas.layer),
                         "no page and no series PDF are written");
        return {};
    }

    // A page in another CRS takes the bounds of its feature there: that feature alone projected from the
    // coverage as read, by the transformation a whole copy in that CRS would be made with (the same
    // points), rather than the whole coverage projected into each CRS of the pages.
    const Layer* as_read = nullptr;
    std::unordered_map<std::string_view, const Feature*> read_by_id;
    std::map<std::string, geo::Transformation> to_page_crs;
    auto bounds_in = [&](const Feature& f, const std::string& crs) {
        if (!as_read) {
            as_read = &store.source(atlas.layer);
            for (const Feature& g : as_read->features) read_by_id.emplace(g.id, &g);
        }
        const auto read = read_by_id.find(f.id);
        if (read == read_by_id.end())
            throw Error(atlas.declared_at, fmt::format("feature {} of layer '{}' is lost in {}", f.id, atlas.layer, crs));
        if (as_read->crs == crs) return read->second->geometry.bounds();
        ProjectedBoundsMemo::Key key = ProjectedBoundsMemo::key(as_read->crs, crs, read->second->geometry.points);
        if (const std::optional<Box> known = projected_bounds().find(key)) return *known;
        auto t = to_page_crs.find(crs);
        if (t == to_page_crs.end()) t = to_page_crs.emplace(crs, geo::Transformation(as_read->crs, crs)).first;
        Geometry there = read->second->geometry;
        t->second.transform(there.points);
        const Box bounds = there.bounds();
        projected_bounds().remember(std::move(key), bounds);
        return bounds;
    };

    std::vector<MapDecl> pages;
    std::map<std::string, std::string> taken;  // page name → feature id
    const layout::Rect frame = atlas_map.page.frames().main;
    HashState hash;
    for (std::size_t k = 0; k < kept.size(); ++k) {
        const Feature& f = *kept[k];
        std::vector<std::string> values;
        for (std::size_t i = 0; i < fields.size(); ++i) values.push_back(text_of(f.value(i)));
        const std::string name = fill_page_tokens(atlas.page_name, fields, values, f.id, k + 1, kept.size());
        if (name.empty() || name.find('/') != std::string::npos || name.front() == '.' || name.size() > 200 ||
            name.find('\0') != std::string::npos) {
            problems.error(atlas.page_name_at,
                           fmt::format("page_name gives feature {} of layer '{}' the name '{}', which cannot name a file", f.id,
                                       atlas.layer, name),
                           "a page name must not be empty, contain '/' or start with '.'");
            continue;
        }
        if (auto [it, fresh] = taken.emplace(name, f.id); !fresh) {
            problems.error(atlas.page_name_at,
                           fmt::format("page_name gives features {} and {} of layer '{}' the same name '{}'", it->second,
                                       f.id, atlas.layer, name),
                           "page names name the files: use a field whose values are unique, e.g. \"{$id}\"");
            continue;
        }
        MapDecl page = atlas_map;
        page.atlas.reset();
        page.id = atlas_map.id + "/" + name;
        page.page.title = fill_page_tokens(atlas_map.page.title, fields, values, f.id, k + 1, kept.size());
        page.page.subtitle = fill_page_tokens(atlas_map.page.subtitle, fields, values, f.id, k + 1, kept.size());
        page.page_of = AtlasPageOf{atlas_map.id, atlas.layer, name, k, kept.size(), f.id, feature_digest(layer, f, hash), {}, {}, {}, {}};

        // The page's CRS, and its feature's bounds there.
        Box b = f.geometry.bounds();
        if (!atlas.crs_field.empty()) {
            const auto index = layer.schema->index(atlas.crs_field);
            if (!index)
                throw Error(atlas.crs_field_at.file.empty() ? atlas.declared_at : atlas.crs_field_at,
                            fmt::format("the atlas crs rule names field '{}', which the coverage layer '{}' does "
                                        "not have",
                                        atlas.crs_field, atlas.layer),
                            suggest_name(atlas.crs_field, fields, {"its fields: ", ""}));
            if (auto it = atlas.crs_values.find(text_of(f.value(*index))); it != atlas.crs_values.end()) {
                page.crs = it->second;
                if (page.crs != layer.crs) b = bounds_in(f, page.crs);
            }
        }
        if (b.empty())
            throw Error(atlas.declared_at, fmt::format("feature {} of the coverage layer '{}' has no geometry: its page has no "
                                                       "extent",
                                                       f.id, atlas.layer));
        // A point (or a feature of no width) still gets an extent: 1 km around, before the margin.
        const double w = std::max(b.width(), 1000.0), h = std::max(b.height(), 1000.0);
        const double cx = (b.min_x + b.max_x) / 2, cy = (b.min_y + b.max_y) / 2;
        switch (atlas.extent) {
            case AtlasDecl::Extent::Margin: {
                const double m = atlas.margin_pct / 100;
                page.extent = Box{cx - w * (0.5 + m), cy - h * (0.5 + m), cx + w * (0.5 + m), cy + h * (0.5 + m)};
                page.page.scale.reset();
                break;
            }
            case AtlasDecl::Extent::Scale:
            case AtlasDecl::Extent::BestScale: {
                // The first scale (largest map) whose main frame holds the whole feature; the smallest
                // scale of the list when none does.
                double chosen = atlas.scales.back();
                bool fits = false;
                for (double s : atlas.scales)
                    if (b.width() / s <= frame.w * kMetresPerPoint && b.height() / s <= frame.h * kMetresPerPoint) {
                        chosen = s;
                        fits = true;
                        break;
                    }
                if (atlas.extent == AtlasDecl::Extent::Scale) chosen = atlas.scales.front();
                // The list asked for a scale that shows the whole feature: a page where none does is said.
                else if (!fits) {
                    std::vector<std::string> listed;
                    for (double s : atlas.scales) listed.push_back(fmt::format("1:{:.0f}", s));
                    const double needed = std::max(b.width() / (frame.w * kMetresPerPoint),
                                                   b.height() / (frame.h * kMetresPerPoint));
                    page.page_of->warnings.warning(
                        atlas.extent_at,
                        fmt::format("page '{}' (feature {} of '{}'): at none of the extent's scales ({}) does the main "
                                    "frame ({:.0f} × {:.0f} mm) hold the whole feature: it is drawn at 1:{:.0f}, cut at "
                                    "the frame",
                                    page.id, f.id, atlas.layer, fmt::join(listed, ", "), frame.w * kMetresPerPoint * 1000,
                                    frame.h * kMetresPerPoint * 1000, chosen),
                        fmt::format("add a smaller scale to the list: 1:{:.0f} holds it", round_scale_up(needed)));
                }
                page.page.scale = chosen;
                page.extent = Box{cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
                break;
            }
        }
        page.page_of->page_digest =
            content_hash(fmt::format("{}\n{}\n{}\n{:.17g} {:.17g} {:.17g} {:.17g}\n{}\n{} of {}", page.page.title,
                                     page.page.subtitle, page.crs, page.extent.min_x, page.extent.min_y, page.extent.max_x,
                                     page.extent.max_y, page.page.scale ? *page.page.scale : 0.0, k + 1, kept.size()));
        // What the style reads of the page: ["global-state", "atlas_id"]…
        style::expr::Object& state = page.global_state;
        state["atlas_id"] = style::expr::Value(f.id);
        state["atlas_page"] = style::expr::Value(name);
        state["atlas_index"] = style::expr::Value(static_cast<double>(k + 1));
        state["atlas_count"] = style::expr::Value(static_cast<double>(kept.size()));
        for (std::size_t i = 0; i < fields.size(); ++i) state["atlas_" + fields[i]] = style::to_expression_value(f.value(i));
        pages.push_back(std::move(page));
    }
    if (problems.has_errors()) throw Error(problems);
    return pages;
}

namespace {

/// What a style reads of each project layer: the fields its expressions get (all of them when one reads
/// ["properties"] or a field named by an expression), by source layer.
struct StyleReads {
    std::map<std::string, std::set<std::string>> fields;
    std::set<std::string> all_fields;  ///< source layers whose every field may be read
    std::set<std::string> global_state;  ///< the names ["global-state", NAME] reads
};

void note_reads(const style::expr::Expression& e, const std::string& layer, StyleReads& reads) {
    const std::string& op = e.op();
    const auto children = e.children();
    if ((op == "get" || op == "has") && children.size() == 1) {
        if (children[0]->op() == "literal") {
            const style::expr::Result r = children[0]->evaluate(style::expr::EvaluationContext{});
            if (r && r.value->as_string()) reads.fields[layer].insert(*r.value->as_string());
            else reads.all_fields.insert(layer);
        } else {
            reads.all_fields.insert(layer);
        }
    }
    if (op == "properties") reads.all_fields.insert(layer);
    if (op == "global-state" && children.size() == 1 && children[0]->op() == "literal")
        if (const style::expr::Result r = children[0]->evaluate(style::expr::EvaluationContext{}); r && r.value->as_string())
            reads.global_state.insert(*r.value->as_string());
    for (const auto* c : children) note_reads(*c, layer, reads);
}

/// Per layer, each feature's bounds (those the renderer keeps, in the store's geometry cache: computed
/// once for both, and kept by `watch` with a layer it keeps) and the digest of what a style can draw of
/// it (id, geometry and the fields the style reads), computed once per atlas. The digests are taken only of the features
/// some page asks for (want(), then digest_wanted()): when one page's global state changes (its
/// feature's name edited under `watch`), that page alone asks again, for the few thousand communes in
/// its frame, not for the 35,000 of the layer.
class FeatureDigests {
public:
    explicit FeatureDigests(std::shared_ptr<render::GeometryCache> geometry) : layers_(std::move(geometry)) {}
    struct Entry {
        const std::vector<Box>* bounds = nullptr;  ///< the geometry cache's, which outlives this
        std::vector<XXH64_hash_t> digests;  ///< of the features want() marked, once digest_wanted() ran
        std::vector<std::uint8_t> wanted;   ///< 1: asked for by want()
        std::vector<std::size_t> fields;    ///< the fields the style reads, by index
    };
    const Entry& of(const Layer& layer, const StyleReads& reads) {
        auto [it, fresh] = entries_.try_emplace(&layer);
        if (!fresh) return it->second;
        Entry& e = it->second;
        if (reads.all_fields.count(layer.name)) e.fields = all_fields(layer);
        else if (auto f = reads.fields.find(layer.name); f != reads.fields.end())
            for (const auto& name : f->second)
                if (auto i = layer.schema->index(name)) e.fields.push_back(*i);
        e.bounds = &layers_.bounds(layer);
        e.digests.assign(layer.features.size(), 0);
        e.wanted.assign(layer.features.size(), 0);
        return e;
    }
    /// Marks the features of `layer` (of() made its entry) whose bounds reach into `view`.
    void want(const Layer& layer, const Box& view) {
        Entry& e = entries_.at(&layer);
        for (std::size_t i = 0; i < e.bounds->size(); ++i)
            if (!e.wanted[i] && reaches((*e.bounds)[i], view)) e.wanted[i] = 1;
    }
    /// Takes the digests of the features want() marked, on `threads` threads.
    void digest_wanted(unsigned threads) {
        for (auto& entry : entries_) {
            const Layer* layer = entry.first;  // named, not bound: the lambda below captures them
            Entry& e = entry.second;
            std::vector<std::size_t> todo;
            for (std::size_t i = 0; i < e.wanted.size(); ++i)
                if (e.wanted[i]) todo.push_back(i);
            constexpr std::size_t kChunk = 512;
            const std::size_t chunks = (todo.size() + kChunk - 1) / kChunk;
            const std::vector<std::exception_ptr> errors = for_each_index(chunks, threads, [&](std::size_t c) {
                HashState h;
                for (std::size_t j = c * kChunk; j < std::min(todo.size(), (c + 1) * kChunk); ++j)
                    e.digests[todo[j]] = feature_hash(*layer, layer->features[todo[j]], e.fields, h);
            });
            for (const std::exception_ptr& error : errors)
                if (error) std::rethrow_exception(error);
        }
    }
    /// The entry of(layer) made; safe from several threads once no of(), want() or digest_wanted() runs.
    const Entry& at(const Layer& layer) const { return entries_.at(&layer); }
    /// Whether bounds `b` reach into `view` (an empty geometry reaches nowhere).
    static bool reaches(const Box& b, const Box& view) { return !b.empty() && b.intersects(view); }

private:
    render::LayerSet layers_;  ///< for the bounds alone
    std::map<const Layer*, Entry> entries_;
};

/// The page's global state as text, every number to the last bit: part of the key of what it draws.
std::string global_state_text(const style::expr::Object& state) {
    std::string out;
    for (const auto& [name, value] : state) {
        const double* number = value.as_number();
        out += name + "=" + (number ? fmt::format("{:a}", *number) : value.to_json()) + "\n";
    }
    return out;
}

/// What of `style` decides which features a page draws (digest_drawn): each style layer as written but
/// its "paint" (its source layer, filter and zoom range among the rest), and the fields and
/// global-state names the style reads anywhere. An edit of a colour or a width leaves it unchanged, so
/// that the pages' drawn digests still come from the memo; a style whose text cannot be parsed again
/// gives the digest of its bytes.
/// `node` as the style reader sees it: each scalar's kind and text as written (no number formatted).
void append_canonical(std::string& out, const YAML::Node& node) {
    if (node.IsMap()) {
        out += '{';
        for (const auto& member : node) {
            append_canonical(out, member.first);
            out += ':';
            append_canonical(out, member.second);
            out += ',';
        }
        out += '}';
    } else if (node.IsSequence()) {
        out += '[';
        for (const auto& element : node) {
            append_canonical(out, element);
            out += ',';
        }
        out += ']';
    } else {
        out += doc::kind_name(doc::kind(node));
        out += ' ';
        doc::append_json_string(out, node.IsScalar() ? node.Scalar() : std::string());
    }
}

std::uint64_t drawn_style_hash(const style::Style& style, const StyleReads& reads) {
    std::string text = "drawn-style v1\n";
    try {
        const doc::Document document = doc::load_string(style.source, style.file);
        const YAML::Node layers = document.root["layers"];
        if (!layers || !layers.IsSequence()) throw std::runtime_error("no layers");
        for (const YAML::Node& layer : layers) {
            if (!layer.IsMap()) throw std::runtime_error("a layer that is not an object");
            for (const auto& member : layer) {
                if (member.first.IsScalar() && member.first.Scalar() == "paint") continue;
                append_canonical(text, member.first);
                text += ':';
                append_canonical(text, member.second);
                text += '\n';
            }
            text += "--\n";
        }
    } catch (const std::exception&) {
        return XXH3_64bits(style.source.data(), style.source.size());
    }
    for (const auto& [layer, fields] : reads.fields)
        for (const auto& field : fields) text += fmt::format("reads {:?} {:?}\n", layer, field);
    for (const auto& layer : reads.all_fields) text += fmt::format("reads all of {:?}\n", layer);
    for (const auto& name : reads.global_state) text += fmt::format("global-state {:?}\n", name);
    return XXH3_64bits(text.data(), text.size());
}

/// The drawn digests of an atlas's pages by key (digest_drawn), kept between builds in the prepared
/// cache (ATLAS.drawn-digests.prepared: a line "KEY DIGEST" in hex each, not flushed to the disk).
/// find() and add() are thread-safe; save() replaces the file with the entries this build found or
/// added (nothing without a cache folder, and a file that cannot be written is only a memo lost).
class DrawnMemo {
public:
    DrawnMemo(const std::filesystem::path& cache_dir, const std::string& atlas) {
        if (cache_dir.empty()) return;
        file_ = prepared_path(cache_dir, atlas, "drawn-digests");
        std::ifstream in(file_);
        std::string line;
        while (std::getline(in, line)) {
            // Exactly as save() writes it: a line cut short or altered is not an entry.
            if (line.size() != 33 || line[16] != ' ') continue;
            std::uint64_t key = 0, digest = 0;
            const char* at = line.data();
            if (std::from_chars(at, at + 16, key, 16).ptr != at + 16 ||
                std::from_chars(at + 17, at + 33, digest, 16).ptr != at + 33)
                continue;
            known_[key] = digest;
        }
    }
    std::optional<std::uint64_t> find(std::uint64_t key) {
        std::lock_guard lock(mutex_);
        auto it = known_.find(key);
        if (it == known_.end()) return std::nullopt;
        used_[key] = it->second;
        return it->second;
    }
    void add(std::uint64_t key, std::uint64_t digest) {
        std::lock_guard lock(mutex_);
        used_[key] = digest;
    }
    /// Through `store`'s cache_write(): under `watch`, after the save is answered.
    void save(LayerStore& store) const {
        if (file_.empty()) return;
        std::lock_guard lock(mutex_);
        if (used_ == known_) return;  // nothing new: the file stays as it is
        std::string text;
        for (const auto& [key, digest] : used_) text += fmt::format("{:016x} {:016x}\n", key, digest);
        store.cache_write([file = file_, text = std::move(text)] {
            create_folder(file.parent_path());
            write_atomically(file, text, Durability::Unsynced);  // a memo: lines cut short are not read
        });
    }

private:
    std::filesystem::path file_;
    mutable std::mutex mutex_;
    std::map<std::uint64_t, std::uint64_t> known_, used_;
};

/// Fills each page's `drawn` digests: for each frame of the page and each layer the style draws there
/// (a style layer in its zoom range), the digest of the features whose bounds reach into the frame's
/// extent and that a style layer's filter accepts on that page (its global state set). Left empty
/// (the data files are then the pages' inputs) when the style (`style`, the atlas's) could not be read
/// (null): the build reports why.
void digest_drawn(const MapDecl& atlas, const std::shared_ptr<const style::Style>& style, const std::vector<MapDecl*>& pages,
                  LayerStore& store, Diagnostics& warnings) {
    if (!style) return;
    StyleReads reads;
    for (const auto& l : style->layers) {
        if (l.source_layer.empty()) continue;
        if (l.filter) note_reads(*l.filter, l.source_layer, reads);
        for (std::size_t p = 0; p < static_cast<std::size_t>(style::Prop::Count); ++p)
            if (const auto* e = l.expression(static_cast<style::Prop>(p))) note_reads(*e, l.source_layer, reads);
    }
    // A global-state name the pages do not set (a typo) reads null on every page: said, with the names set.
    if (!pages.empty()) {
        std::vector<std::string> set;
        for (const auto& [name, _] : pages.front()->global_state) set.push_back(name);
        for (const auto& name : reads.global_state)
            if (!pages.front()->global_state.count(name))
                warnings.warning(SourceLocation{atlas.style, 0, 0, {}},
                                 fmt::format("the style reads [\"global-state\", \"{}\"], which the pages of atlas '{}' "
                                             "do not set: it is null on every page",
                                             name, atlas.id),
                                 suggest_name(name, set, {"the pages set: ", ""}));
    }
    // A layer the project does not declare is the page's error, said by its prepare stage with the
    // names it may have meant; the pages draw nothing of it.
    std::vector<std::string> layers = style->source_layers();
    std::erase_if(layers, [&](const std::string& name) { return !store.declares(name); });
    // The style layers drawing source layer `name` in a frame at `zoom` (none: out of their zoom range).
    auto drawing_at = [&](const std::string& name, double zoom) {
        std::vector<const style::Layer*> drawing;
        for (const auto& l : style->layers)
            if (l.source_layer == name && l.in_zoom_range(zoom)) drawing.push_back(&l);
        return drawing;
    };
    auto crs_of = [](const MapDecl& page, const layout::FramePlan& frame) {
        return frame.inset && !frame.inset->crs.empty() ? frame.inset->crs : page.crs;
    };
    std::vector<std::vector<layout::FramePlan>> frames;
    frames.reserve(pages.size());
    for (const MapDecl* page : pages) frames.push_back(layout::plan_frames(page->page, page->crs, page->extent));
    // What a page draws of a layer in a frame is a function of the layer's content (its fingerprint), the
    // frame, the style and the page's global state: digests computed for the same key by an earlier build
    // are taken from the memo it left in the prepared cache, and the layers they cover are not loaded.
    DrawnMemo memo(store.cache_dir(), atlas.id);
    std::map<std::string, std::optional<std::uint64_t>> fingerprints;
    for (const std::string& name : layers) fingerprints[name] = store.fingerprint(name);
    const std::uint64_t style_hash = style->source.empty() ? 0 : drawn_style_hash(*style, reads);
    // keys[p][f][l]: the memo key of page p, frame f, layer l (nullopt: none, always computed).
    std::vector<std::vector<std::vector<std::optional<std::uint64_t>>>> memo_keys(pages.size());
    for (std::size_t p = 0; p < pages.size(); ++p) {
        const std::string state = global_state_text(pages[p]->global_state);
        for (const layout::FramePlan& frame : frames[p]) {
            auto& per_layer = memo_keys[p].emplace_back();
            for (const std::string& name : layers) {
                const std::optional<std::uint64_t> fp = fingerprints[name];
                if (!fp || style->source.empty()) {
                    per_layer.emplace_back();
                    continue;
                }
                const Box& v = frame.view.extent;
                const std::string text =
                    fmt::format("drawn v1\nlayer {} {:016x}\ncrs {}\nframe {} {:a} {:a} {:a} {:a} {:a}\nstyle {:016x}\nstate {}",
                                name, *fp, crs_of(*pages[p], frame), frame.name(), v.min_x, v.min_y, v.max_x, v.max_y,
                                frame.zoom, style_hash, state);
                per_layer.emplace_back(XXH3_64bits(text.data(), text.size()));
            }
        }
    }
    // Every copy the pages draw that the memo does not answer for, loaded first side by side, in the
    // order the pages ask for them (a failure is the one the first page to ask would meet).
    std::vector<std::pair<std::string, std::string>> keys;
    for (std::size_t p = 0; p < pages.size(); ++p)
        for (std::size_t f = 0; f < frames[p].size(); ++f)
            for (std::size_t l = 0; l < layers.size(); ++l) {
                const layout::FramePlan& frame = frames[p][f];
                const std::pair key(layers[l], crs_of(*pages[p], frame));
                const auto& k = memo_keys[p][f][l];
                if (k && memo.find(*k)) continue;
                if (!drawing_at(layers[l], frame.zoom).empty() && std::find(keys.begin(), keys.end(), key) == keys.end())
                    keys.push_back(key);
            }
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    // This atlas's own: the digests cover the fields its style reads.
    FeatureDigests cache(store.geometry_cache());
    store.load_drawn(keys, threads);
    // Each copy's bounds once, the digests of the features the pages to digest reach, then the pages
    // side by side (each reads them only).
    for (const auto& [name, crs] : keys) cache.of(store.drawn(name, crs), reads);
    for (std::size_t p = 0; p < pages.size(); ++p)
        for (std::size_t f = 0; f < frames[p].size(); ++f)
            for (std::size_t l = 0; l < layers.size(); ++l) {
                const layout::FramePlan& frame = frames[p][f];
                const auto& k = memo_keys[p][f][l];
                if ((k && memo.find(*k)) || drawing_at(layers[l], frame.zoom).empty()) continue;
                cache.want(store.drawn(layers[l], crs_of(*pages[p], frame)), frame.view.extent);
            }
    cache.digest_wanted(threads);
    auto digest_page = [&](std::size_t p) {
        MapDecl* page = pages[p];
        const style::expr::GlobalStateScope scope(&page->global_state);  // the filters see the page's feature
        std::vector<std::tuple<std::string, std::string, std::string>> drawn;
        std::vector<std::pair<std::string, std::string>> copies;
        for (std::size_t f = 0; f < frames[p].size(); ++f) {
            const layout::FramePlan& frame = frames[p][f];
            const std::string crs = crs_of(*page, frame);
            const Box& view = frame.view.extent;
            for (std::size_t l = 0; l < layers.size(); ++l) {
                const std::string& name = layers[l];
                const std::vector<const style::Layer*> drawing = drawing_at(name, frame.zoom);
                if (drawing.empty()) continue;  // out of its zoom range here: not drawn
                if (std::find(copies.begin(), copies.end(), std::pair(name, crs)) == copies.end())
                    copies.emplace_back(name, crs);
                const auto& k = memo_keys[p][f][l];
                if (const std::optional<std::uint64_t> known = k ? memo.find(*k) : std::nullopt) {
                    drawn.emplace_back(name, frame.name(), fmt::format("{:016x}", *known));
                    continue;
                }
                const Layer& layer = store.drawn(name, crs);
                const FeatureDigests::Entry& e = cache.at(layer);
                const Xxh3State owned = new_xxh3_state();
                XXH3_state_t* state = owned.get();
                if (!state) throw std::bad_alloc();
                XXH3_64bits_reset(state);
                std::uint64_t count = 0;
                for (std::size_t i = 0; i < e.bounds->size(); ++i) {
                    if (!FeatureDigests::reaches((*e.bounds)[i], view)) continue;
                    const style::LayerFeatureView fv(layer, layer.features[i]);
                    const style::expr::EvaluationContext ctx{frame.zoom, &fv};
                    if (std::none_of(drawing.begin(), drawing.end(), [&](const style::Layer* l) { return l->accepts(ctx); }))
                        continue;
                    XXH3_64bits_update(state, &e.digests[i], sizeof e.digests[i]);
                    ++count;
                }
                XXH3_64bits_update(state, &count, sizeof count);
                const XXH64_hash_t h = XXH3_64bits_digest(state);
                if (k) memo.add(*k, h);
                drawn.emplace_back(name, frame.name(), fmt::format("{:016x}", h));
            }
        }
        page->page_of->drawn = std::move(drawn);
        page->page_of->copies = std::move(copies);
    };
    const std::vector<std::exception_ptr> errors = for_each_index(pages.size(), threads, digest_page);
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);  // the first page's, as one after another
    memo.save(store);
}

/// Per CRS, the union of the views of every frame of the plain maps of `selected` and of the atlas pages
/// `made_of` in that CRS; none at all when a map's frames cannot be planned (then every layer is whole).
std::map<std::string, Box> drawn_windows(const std::vector<const MapDecl*>& selected,
                                         const std::map<const MapDecl*, std::vector<MapDecl*>>& made_of) {
    std::map<std::string, Box> windows;
    try {
        auto add = [&](const MapDecl& m) {
            for (const layout::FramePlan& f : layout::plan_frames(m.page, m.crs, m.extent))
                windows[f.inset && !f.inset->crs.empty() ? f.inset->crs : m.crs].expand(f.view.extent);
        };
        for (const MapDecl* map : selected)
            if (!map->atlas) add(*map);
        for (const auto& [atlas, pages] : made_of)
            for (const MapDecl* page : pages) add(*page);
    } catch (const std::exception&) {
        return {};
    }
    return windows;
}

}  // namespace

AtlasSelection expand_atlases(const std::vector<const MapDecl*>& selected, LayerStore& store,
                              const std::optional<Shard>& shard, const std::vector<std::string>& requested) {
    AtlasSelection out;
    // First every atlas's pages (their coverage layers loaded whole), then the part of each CRS that the
    // maps and pages show (LayerStore::set_drawn_windows), then what each page draws.
    std::map<const MapDecl*, std::vector<MapDecl*>> made_of;
    std::map<const MapDecl*, Diagnostics> failed;
    // Each atlas's style, read once here (null when it cannot be: its pages' prepare stage says why); a
    // first build reads the layers they draw while the pages are planned.
    std::map<const MapDecl*, std::shared_ptr<const style::Style>> styles;
    std::vector<std::string> drawn_layers;
    for (const MapDecl* map : selected) {
        if (!map->atlas) continue;
        try {
            styles[map] = style::load_shared_style(map->style);
            for (const std::string& name : styles[map]->source_layers())
                if (store.declares(name)) drawn_layers.push_back(name);
        } catch (const std::exception&) {
        }
    }
    store.read_ahead(drawn_layers);
    for (const MapDecl* map : selected) {
        if (!map->atlas) continue;
        try {
            std::vector<MapDecl*>& made = made_of[map];
            for (MapDecl& page : atlas_pages(*map, store, out.warnings)) {
                out.pages.push_back(std::make_unique<MapDecl>(std::move(page)));
                made.push_back(out.pages.back().get());
            }
        } catch (const Error& e) {
            made_of.erase(map);
            failed.emplace(map, e.diagnostics());
        }
    }
    store.set_drawn_windows(drawn_windows(selected, made_of));
    for (const MapDecl* map : selected) {
        if (!map->atlas) {
            out.maps.push_back(map);
            continue;
        }
        if (auto f = failed.find(map); f != failed.end()) {
            out.failed.emplace_back(map, std::move(f->second));
            continue;
        }
        try {
            const std::vector<MapDecl*>& made = made_of.at(map);
            std::vector<const MapDecl*> series(made.begin(), made.end());
            digest_drawn(*map, styles[map], made, store, out.warnings);
            // --map ATLAS/PAGE without ATLAS: those pages only.
            std::vector<std::string> asked;
            for (const auto& id : requested)
                if (id.rfind(map->id + "/", 0) == 0) asked.push_back(id);
            const bool whole = asked.empty() || std::find(requested.begin(), requested.end(), map->id) != requested.end();
            if (!whole) {
                Diagnostics unknown;
                std::vector<std::string> ids;
                for (const MapDecl* p : series) ids.push_back(p->id);
                for (const auto& id : asked)
                    if (std::find(ids.begin(), ids.end(), id) == ids.end())
                        unknown.error(map->declared_at, fmt::format("atlas '{}' has no page '{}'", map->id, id),
                                      suggest_name(id, ids, {"its pages: ", ""}));
                if (unknown.has_errors()) throw Error(unknown);
                out.partial.push_back(map);
                for (const MapDecl* p : series)
                    if (std::find(asked.begin(), asked.end(), p->id) != asked.end()) out.maps.push_back(p);
            } else {
                out.maps.insert(out.maps.end(), series.begin(), series.end());
            }
            out.series.emplace_back(map, std::move(series));
        } catch (const Error& e) {
            out.failed.emplace_back(map, e.diagnostics());
        }
    }
    if (shard) {
        std::vector<std::string> ids;
        for (const MapDecl* m : out.maps) ids.push_back(m->id);
        const std::vector<std::string> share = shard_maps(ids, *shard);
        std::erase_if(out.maps, [&](const MapDecl* m) { return !std::binary_search(share.begin(), share.end(), m->id); });
    }
    return out;
}

std::string atlas_of_page(const std::string& map_id) {
    const auto slash = map_id.find('/');
    return slash == std::string::npos ? std::string() : map_id.substr(0, slash);
}

AtlasSelection select_with_pages(const Project& project, const BuildOptions& options, LayerStore& store) {
    return expand_atlases(select_maps(project, options, false), store, options.shard, options.maps);
}

}  // namespace cartelier::pipeline
