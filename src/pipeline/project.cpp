#include "pipeline/project.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "core/document.hpp"
#include "geo/projection.hpp"
#include "pipeline/pdfx.hpp"
#include "render/page_surface.hpp"
#include "style/style.hpp"

namespace cartelier::pipeline {

namespace fs = std::filesystem;

std::vector<std::string> Project::inputs_of(const std::string& name) const {
    std::vector<std::string> out;
    auto it = layers.find(name);
    if (it == layers.end()) return out;
    const LayerDecl& l = it->second;
    if (l.derived()) out.push_back(l.from);
    for (const auto& step : l.steps)
        if (step.kind == StepDecl::Kind::Clip && !step.clip_layer.empty()) out.push_back(step.clip_layer);
    if (l.geocode && !l.geocode->layer.empty()) out.push_back(l.geocode->layer);
    return out;
}

std::vector<std::string> Project::computed_from(const std::string& name) const {
    std::vector<std::string> out;
    auto it = layers.find(name);
    if (it == layers.end() || !it->second.derived()) return out;
    for (std::vector<std::string> todo = inputs_of(name); !todo.empty();) {
        const std::string input = todo.front();
        todo.erase(todo.begin());
        if (input == name || std::find(out.begin(), out.end(), input) != out.end()) continue;
        out.push_back(input);
        if (auto in = layers.find(input); in != layers.end() && in->second.derived())
            for (auto& next : inputs_of(input)) todo.push_back(std::move(next));
    }
    return out;
}

const MapDecl* Project::find_map(const std::string& id) const {
    auto it = std::find_if(maps.begin(), maps.end(), [&](const MapDecl& m) { return m.id == id; });
    return it == maps.end() ? nullptr : &*it;
}

namespace {

const std::vector<std::string> kRootKeys = {"version", "producer", "strict", "layers", "defaults", "maps"};
const std::vector<std::string> kLayerKeys = {"source", "postgis", "layer", "crs", "id", "x", "y", "attribution",
                                             "joins", "checks", "geocode", "types", "from", "steps", "optional",
                                             "repaired"};
/// The keys a derived layer (`from:`) may have: it is computed, not read.
const std::vector<std::string> kDerivedLayerKeys = {"from", "steps", "crs", "attribution", "checks", "optional"};
const std::vector<std::string> kStepNames = {"filter", "join", "dissolve", "point_on_surface", "centroid", "clip",
                                             "buffer"};
const std::vector<std::string> kDissolveKeys = {"by", "fields", "separator"};
const std::vector<std::string> kAggregations = {"first", "sum", "count", "list"};
const std::vector<std::string> kClipKeys = {"layer", "extent", "crs"};
const std::vector<std::string> kBufferKeys = {"distance_m", "segments"};
const std::vector<std::string> kPostgisKeys = {"connection", "table", "sql", "geometry", "connect_timeout_s",
                                               "statement_timeout_s"};
const std::vector<std::string> kJoinKeys = {"table", "on", "key", "fields", "required", "ignore_case", "normalise",
                                            "types", "unmatched"};
const std::vector<std::string> kGeocodeKeys = {"layer", "code", "match", "tolerance_m", "normalise"};
const std::vector<std::string> kCheckKeys = {"within", "codes", "match", "separator", "tolerance_m", "missing"};
const std::vector<std::string> kMapKeys = {"title",     "subtitle", "style",   "crs",
                                           "extent",    "extent_crs", "paper",    "orientation", "margin_mm",
                                           "dpi",       "formats",  "legend_position", "scale_bar",
                                           "credits",   "font",     "legend_title", "insets",
                                           "inset_band", "north_arrow", "logo", "title_align",
                                           "georeference", "print", "scale", "atlas"};
const std::vector<std::string> kAtlasKeys = {"layer", "filter", "sort", "page_name", "extent", "crs"};
const std::vector<std::string> kAtlasExtentKeys = {"margin_pct", "scale", "scales"};
const std::vector<std::string> kPrintKeys = {"profile", "condition", "bleed_mm", "crop_marks"};
const std::vector<std::string> kInsetKeys = {"preset", "name",     "crs",    "extent",  "extent_crs",
                                             "scale",  "magnify",  "position", "size_mm", "outline",
                                             "letter"};
const std::vector<std::string> kInsetBandKeys = {"side", "size_mm", "gap_mm"};
const std::vector<std::string> kLogoKeys = {"path", "position", "width_mm"};
const std::vector<std::string> kCorners = {"top-left", "top-right", "bottom-left", "bottom-right"};

/// Reads typed values from the document, reporting each problem with its position.
class Reader {
public:
    Reader(std::string file, Diagnostics& d) : file_(std::move(file)), d_(d) {}

    SourceLocation at(const YAML::Node& n, const std::string& path) const { return doc::location(file_, n, path); }

    bool expect_object(const YAML::Node& n, const std::string& path) {
        if (n.IsMap()) return true;
        d_.error(at(n, path), fmt::format("expected an object, found {}", doc::describe(n)));
        return false;
    }

    void check_keys(const YAML::Node& obj, const std::string& path, const std::vector<std::string>& allowed) {
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const std::string key = it->first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            d_.error(at(it->first, doc::key(path, key)), fmt::format("unknown key '{}'", key),
                     suggest_name(key, allowed, {"expected one of: ", ""}));
        }
    }

    std::optional<std::string> text(const YAML::Node& obj, const std::string& key, const std::string& path,
                                    bool required) {
        YAML::Node n = obj[key];
        if (!n.IsDefined() || n.IsNull()) {
            if (required)
                d_.error(at(obj, path), fmt::format("missing key '{}'", key));
            return std::nullopt;
        }
        if (!n.IsScalar()) {
            d_.error(at(n, doc::key(path, key)), fmt::format("expected a string, found {}", doc::describe(n)));
            return std::nullopt;
        }
        return n.Scalar();
    }

    std::optional<double> number(const YAML::Node& obj, const std::string& key, const std::string& path,
                                 double min_value) {
        YAML::Node n = obj[key];
        if (!n.IsDefined() || n.IsNull()) return std::nullopt;
        auto v = doc::number(n);
        if (!v) {
            d_.error(at(n, doc::key(path, key)), fmt::format("expected a number, found {}", doc::describe(n)));
            return std::nullopt;
        }
        if (*v < min_value) {
            d_.error(at(n, doc::key(path, key)), fmt::format("expected a number ≥ {}, found {}", min_value, *v));
            return std::nullopt;
        }
        return v;
    }

    std::optional<bool> boolean(const YAML::Node& obj, const std::string& key, const std::string& path) {
        YAML::Node n = obj[key];
        if (!n.IsDefined() || n.IsNull()) return std::nullopt;
        auto v = doc::boolean(n);
        if (!v) d_.error(at(n, doc::key(path, key)), fmt::format("expected true or false, found {}", doc::describe(n)));
        return v;
    }

    std::vector<std::string> strings(const YAML::Node& obj, const std::string& key, const std::string& path) {
        std::vector<std::string> out;
        YAML::Node n = obj[key];
        if (!n.IsDefined() || n.IsNull()) return out;
        if (!n.IsSequence()) {
            d_.error(at(n, doc::key(path, key)), fmt::format("expected a list of strings, found {}", doc::describe(n)));
            return out;
        }
        for (std::size_t i = 0; i < n.size(); ++i) {
            if (!n[i].IsScalar()) {
                d_.error(at(n[i], doc::index(doc::key(path, key), i)),
                         fmt::format("expected a string, found {}", doc::describe(n[i])));
                continue;
            }
            out.push_back(n[i].Scalar());
        }
        return out;
    }

    /// A project-relative path made absolute; `must_exist` reports a missing file (with a hint).
    std::string path_value(const fs::path& root, const YAML::Node& obj, const std::string& key, const std::string& path,
                           bool must_exist, const std::string& hint = {}) {
        auto v = text(obj, key, path, true);
        if (!v) return {};
        fs::path p = fs::path(*v).is_absolute() ? fs::path(*v) : root / *v;
        if (must_exist) {
            // The error_code overload: a path the system rejects (a name over 255 bytes: ENAMETOOLONG, a
            // loop of links, no permission) is reported like a missing file, not thrown.
            std::error_code ec;
            if (!fs::exists(p, ec)) {
                if (ec)
                    d_.error(at(obj[key], doc::key(path, key)), fmt::format("cannot use the path {}: {}", *v, ec.message()));
                else
                    d_.error(at(obj[key], doc::key(path, key)), fmt::format("file not found: {}", *v), hint);
            }
        }
        return p.lexically_normal().string();
    }

    Diagnostics& diagnostics() { return d_; }
    const std::string& file() const { return file_; }

private:
    std::string file_;
    Diagnostics& d_;
};

/// `types: {year: integer, insee: string}`: declared types of CSV columns.
std::vector<data::ColumnTypeDecl> read_types(Reader& r, const YAML::Node& obj, const std::string& path) {
    std::vector<data::ColumnTypeDecl> out;
    YAML::Node n = obj["types"];
    if (!n.IsDefined() || n.IsNull()) return out;
    const std::string at = doc::key(path, "types");
    if (!n.IsMap()) {
        r.diagnostics().error(r.at(n, at),
                              fmt::format("expected an object {{column: type}}, found {}", doc::describe(n)));
        return out;
    }
    // What other tools call these types.
    static const std::map<std::string, std::string> aliases = {
        {"text", "string"}, {"str", "string"},  {"int", "integer"},  {"integer64", "integer"}, {"float", "real"},
        {"double", "real"}, {"number", "real"}, {"numeric", "real"}, {"decimal", "real"}};
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string column = it->first.Scalar();
        const std::string here = doc::key(at, column);
        if (!it->second.IsScalar()) {
            r.diagnostics().error(r.at(it->second, here),
                                  fmt::format("expected a type (string, integer or real), found {}",
                                              doc::describe(it->second)));
            continue;
        }
        const std::string name = it->second.Scalar();
        auto type = data::column_type_named(name);
        if (!type) {
            auto alias = aliases.find(name);
            r.diagnostics().error(r.at(it->second, here),
                                  fmt::format("unknown column type '{}': expected string, integer or real", name),
                                  alias != aliases.end() ? did_you_mean(alias->second)
                                                         : suggest_name(name, data::column_type_names()));
            continue;
        }
        out.push_back({column, *type, r.at(it->first, here)});
    }
    return out;
}

JoinDecl read_join(Reader& r, const fs::path& root, const YAML::Node& n, const std::string& path,
                   bool must_exist = true) {
    JoinDecl j;
    if (!r.expect_object(n, path)) return j;
    r.check_keys(n, path, kJoinKeys);
    j.table = r.path_value(root, n, "table", path, must_exist);
    j.spec.left_field = r.text(n, "on", path, true).value_or("");
    j.spec.right_field = r.text(n, "key", path, true).value_or("");
    j.spec.fields = r.strings(n, "fields", path);
    j.spec.required = r.boolean(n, "required", path).value_or(true);
    j.spec.ignore_case = r.boolean(n, "ignore_case", path).value_or(false);
    if (auto v = r.text(n, "normalise", path, false)) {
        if (*v == "insee") j.spec.normalise = data::KeyNormalisation::Insee;
        else if (*v != "none")
            r.diagnostics().error(r.at(n["normalise"], doc::key(path, "normalise")),
                                  fmt::format("expected insee or none, found '{}'", *v));
    }
    if (auto v = r.text(n, "unmatched", path, false)) {
        if (n["required"].IsDefined())
            r.diagnostics().error(r.at(n["unmatched"], doc::key(path, "unmatched")),
                                  "give 'unmatched' or 'required', not both ('required: false' is 'unmatched: warning')");
        if (*v == "error") j.spec.required = true;
        else if (*v == "warning") j.spec.required = false;
        else if (*v == "ignore") j.spec.required = false, j.spec.report_unmatched = false;
        else
            r.diagnostics().error(r.at(n["unmatched"], doc::key(path, "unmatched")),
                                  fmt::format("expected error, warning or ignore, found '{}'", *v),
                                  suggest_name(*v, {"error", "warning", "ignore"}));
    }
    j.spec.types = read_types(r, n, path);
    j.spec.declared_at = r.at(n, path);
    return j;
}

GeocodeDecl read_geocode(Reader& r, const YAML::Node& n, const std::string& path) {
    GeocodeDecl g;
    g.declared_at = r.at(n, path);
    if (!r.expect_object(n, path)) return g;
    r.check_keys(n, path, kGeocodeKeys);
    g.layer = r.text(n, "layer", path, true).value_or("");
    g.code_field = r.text(n, "code", path, true).value_or("");
    g.match_field = r.text(n, "match", path, true).value_or("");
    g.tolerance_m = r.number(n, "tolerance_m", path, 0).value_or(0);
    if (auto v = r.text(n, "normalise", path, false)) {
        if (*v == "insee") g.insee = true;
        else if (*v != "none")
            r.diagnostics().error(r.at(n["normalise"], doc::key(path, "normalise")),
                                  fmt::format("expected insee or none, found '{}'", *v));
    }
    return g;
}

WithinCheck read_check(Reader& r, const YAML::Node& n, const std::string& path) {
    WithinCheck c;
    if (!r.expect_object(n, path)) return c;
    r.check_keys(n, path, kCheckKeys);
    c.container = r.text(n, "within", path, true).value_or("");
    c.codes_field = r.text(n, "codes", path, true).value_or("");
    c.match_field = r.text(n, "match", path, true).value_or("");
    c.separator = r.text(n, "separator", path, false).value_or(";");
    c.tolerance_m = r.number(n, "tolerance_m", path, 0).value_or(0);
    if (auto v = r.text(n, "missing", path, false)) {
        if (*v == "warning") c.missing_is_warning = true;
        else if (*v != "error")
            r.diagnostics().error(r.at(n["missing"], doc::key(path, "missing")),
                                  fmt::format("expected error or warning, found '{}'", *v),
                                  suggest_name(*v, {"error", "warning"}));
    }
    c.declared_at = r.at(n, path);
    return c;
}

/// `postgis: {connection, table | sql, geometry, connect_timeout_s, statement_timeout_s}`.
data::DatabaseSource read_postgis(Reader& r, const YAML::Node& n, const std::string& path) {
    data::DatabaseSource db;
    db.declared_at = r.at(n, path);
    if (!r.expect_object(n, path)) return db;
    r.check_keys(n, path, kPostgisKeys);
    db.connection = r.text(n, "connection", path, true).value_or("");
    if (db.connection.rfind("postgres://", 0) == 0 || db.connection.rfind("postgresql://", 0) == 0)
        r.diagnostics().error(r.at(n["connection"], doc::key(path, "connection")),
                              "expected a connection string of key=value pairs, found a URI",
                              "write it as 'host=… port=… dbname=… user=…', or name a service: 'service=NAME'");
    else if (!db.connection.empty() && db.connection.find('=') == std::string::npos)
        db.connection = "service=" + db.connection;  // a bare name is a service of the service file
    db.table = r.text(n, "table", path, false).value_or("");
    db.sql = r.text(n, "sql", path, false).value_or("");
    if (db.table.empty() == db.sql.empty())
        r.diagnostics().error(db.declared_at, db.table.empty() ? "a database layer needs 'table' or 'sql'"
                                                               : "give 'table' or 'sql', not both");
    db.geometry = r.text(n, "geometry", path, false).value_or("");
    if (auto v = r.number(n, "connect_timeout_s", path, 1)) db.connect_timeout_s = static_cast<int>(std::min(*v, 86400.0));
    if (auto v = r.number(n, "statement_timeout_s", path, 1)) db.statement_timeout_s = static_cast<int>(std::min(*v, 86400.0));
    return db;
}

std::vector<StepDecl> read_steps(Reader& r, const fs::path& root, const YAML::Node& n, const std::string& path,
                                 bool optional);

/// A derived layer: `from`, `steps`, and what a computed layer may say of itself.
void read_derived_layer(Reader& r, const fs::path& root, const YAML::Node& n, const std::string& path, LayerDecl& l) {
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (std::find(kDerivedLayerKeys.begin(), kDerivedLayerKeys.end(), key) != kDerivedLayerKeys.end()) continue;
        if (std::find(kLayerKeys.begin(), kLayerKeys.end(), key) != kLayerKeys.end())
            r.diagnostics().error(r.at(it->first, doc::key(path, key)),
                                  fmt::format("'{}' is for a layer read from a file or a database; a derived layer "
                                              "('from') is computed from another layer",
                                              key),
                                  key == "joins" ? "add a join step: steps: [{join: {table: …, on: …, key: …}}]"
                                                 : fmt::format("a derived layer may have: {}", fmt::join(kDerivedLayerKeys, ", ")));
        else
            r.diagnostics().error(r.at(it->first, doc::key(path, key)), fmt::format("unknown key '{}'", key),
                                  suggest_name(key, kDerivedLayerKeys, {"expected one of: ", ""}));
    }
    l.from = r.text(n, "from", path, true).value_or("");
    l.from_at = r.at(n["from"], doc::key(path, "from"));
    l.spec.crs = r.text(n, "crs", path, false).value_or("");
    if (YAML::Node steps = n["steps"]; !steps.IsDefined() || steps.IsNull()) {
        r.diagnostics().error(r.at(n, path), "missing key 'steps': a derived layer is its 'from' layer after its steps",
                              "e.g. steps: [{dissolve: {by: epci}}]");
    } else {
        l.steps = read_steps(r, root, steps, doc::key(path, "steps"), l.optional);
    }
    // A buffer is in metres: the steps must run in a projected CRS (checked here when it is declared,
    // else when the input's CRS is known).
    if (!l.spec.crs.empty()) {
        try {
            if (geo::crs_units(l.spec.crs).kind == geo::CrsUnits::Kind::Geographic)
                for (const auto& step : l.steps)
                    if (step.kind == StepDecl::Kind::Buffer)
                        r.diagnostics().error(SourceLocation{step.declared_at.file, step.declared_at.line,
                                                             step.declared_at.column, step.path},
                                              fmt::format("a buffer distance is in metres, but the layer's steps "
                                                          "run in the geographic CRS {} (degrees)",
                                                          l.spec.crs),
                                              "give the layer a projected CRS, e.g. crs: EPSG:2154 (Lambert-93)");
        } catch (const Error&) {
            r.diagnostics().error(r.at(n["crs"], doc::key(path, "crs")),
                                  fmt::format("unknown CRS '{}': PROJ does not know it", l.spec.crs),
                                  "use an authority code such as EPSG:2154 (Lambert-93)");
        }
    }
}

LayerDecl read_layer(Reader& r, const fs::path& root, const std::string& name, const YAML::Node& n,
                     const std::string& path) {
    LayerDecl l;
    l.spec.name = name;
    l.spec.declared_at = r.at(n, path);
    if (!r.expect_object(n, path)) return l;
    l.canonical = doc::to_json(n, 0);
    l.optional = r.boolean(n, "optional", path).value_or(false);
    // What read and derived layers both have: their credits and their checks.
    l.attribution = r.text(n, "attribution", path, false).value_or("");
    l.attribution_at = n["attribution"].IsDefined() ? r.at(n["attribution"], doc::key(path, "attribution")) : l.spec.declared_at;
    if (YAML::Node checks = n["checks"]; checks.IsDefined()) {
        if (!checks.IsSequence())
            r.diagnostics().error(r.at(checks, doc::key(path, "checks")),
                                  fmt::format("expected a list of checks, found {}", doc::describe(checks)));
        else
            for (std::size_t i = 0; i < checks.size(); ++i)
                l.checks.push_back(read_check(r, checks[i], doc::index(doc::key(path, "checks"), i)));
    }
    if (n["from"].IsDefined()) {
        read_derived_layer(r, root, n, path, l);
        return l;
    }
    r.check_keys(n, path, kLayerKeys);
    if (n["steps"].IsDefined())
        r.diagnostics().error(r.at(n["steps"], doc::key(path, "steps")),
                              "'steps' belong to a derived layer: give it 'from: <layer>' instead of a source",
                              "a layer is either read ('source', 'postgis') or computed ('from' and 'steps')");
    if (YAML::Node db = n["postgis"]; db.IsDefined()) {
        l.spec.database = read_postgis(r, db, doc::key(path, "postgis"));
        if (n["source"].IsDefined())
            r.diagnostics().error(r.at(n["source"], doc::key(path, "source")),
                                  "a layer is read from a file ('source') or from a database ('postgis'), not both");
        for (const char* key : {"x", "y", "layer"})
            if (n[key].IsDefined())
                r.diagnostics().error(r.at(n[key], doc::key(path, key)),
                                      fmt::format("'{}' is for a file source; a database layer's geometry is its "
                                                  "geometry column ('postgis.geometry')",
                                                  key));
    } else {
        l.spec.path = r.path_value(root, n, "source", path, false);
    }
    l.spec.ogr_layer = r.text(n, "layer", path, false).value_or("");
    l.spec.crs = r.text(n, "crs", path, false).value_or("");
    l.spec.id_field = r.text(n, "id", path, false).value_or("");
    l.spec.x_field = r.text(n, "x", path, false).value_or("");
    l.spec.y_field = r.text(n, "y", path, false).value_or("");
    if (l.spec.x_field.empty() != l.spec.y_field.empty())
        r.diagnostics().error(r.at(n, path), "a point table needs both 'x' and 'y' columns");
    l.spec.repaired = r.strings(n, "repaired", path);
    if (n["repaired"].IsDefined()) l.spec.repaired_at = r.at(n["repaired"], doc::key(path, "repaired"));
    l.spec.types = read_types(r, n, path);
    if (!l.spec.types.empty() && l.spec.x_field.empty())
        r.diagnostics().error(r.at(n["types"], doc::key(path, "types")),
                              "'types' applies to CSV tables (a layer with 'x' and 'y', or a join's table); the "
                              "layer's source gives its fields' types");
    if (YAML::Node joins = n["joins"]; joins.IsDefined()) {
        if (!joins.IsSequence())
            r.diagnostics().error(r.at(joins, doc::key(path, "joins")),
                                  fmt::format("expected a list of joins, found {}", doc::describe(joins)));
        else
            for (std::size_t i = 0; i < joins.size(); ++i)
                l.joins.push_back(read_join(r, root, joins[i], doc::index(doc::key(path, "joins"), i)));
    }
    if (YAML::Node geocode = n["geocode"]; geocode.IsDefined()) {
        l.geocode = read_geocode(r, geocode, doc::key(path, "geocode"));
        if (l.spec.x_field.empty())
            r.diagnostics().error(r.at(geocode, doc::key(path, "geocode")),
                                  "geocode places rows of a point table: the layer needs 'x' and 'y' columns");
        l.spec.coordinates_optional = true;
    }
    return l;
}

/// Four numbers [a, b, c, d]; `what` says what they mean in the error message.
std::optional<std::vector<double>> numbers(Reader& r, const YAML::Node& n, const std::string& path, std::size_t count,
                                           const std::string& what) {
    std::vector<double> xs;
    if (n.IsSequence() && n.size() == count)
        for (std::size_t i = 0; i < count; ++i)
            if (auto v = doc::number(n[i])) xs.push_back(*v);
    if (xs.size() != count) {
        r.diagnostics().error(r.at(n, path), fmt::format("expected {}, found {}", what, doc::describe(n)));
        return std::nullopt;
    }
    return xs;
}

/// `fields: {out: how}` or `{out: {how: field}}` of a dissolve step.
std::vector<geo::AggregateSpec> read_aggregates(Reader& r, const YAML::Node& n, const std::string& path) {
    std::vector<geo::AggregateSpec> out;
    if (!n.IsDefined() || n.IsNull()) return out;
    if (!n.IsMap()) {
        r.diagnostics().error(r.at(n, path), fmt::format("expected an object {{field: first|sum|count|list}}, found {}",
                                                         doc::describe(n)));
        return out;
    }
    auto how_named = [&](const YAML::Node& node, const std::string& at) -> std::optional<geo::Aggregation> {
        const std::string name = node.IsScalar() ? node.Scalar() : std::string();
        if (name == "first") return geo::Aggregation::First;
        if (name == "sum") return geo::Aggregation::Sum;
        if (name == "count") return geo::Aggregation::Count;
        if (name == "list") return geo::Aggregation::List;
        r.diagnostics().error(r.at(node, at),
                              fmt::format("expected an aggregation (first, sum, count or list), found {}",
                                          node.IsScalar() ? fmt::format("'{}'", name) : doc::describe(node)),
                              node.IsScalar() ? suggest_name(name, kAggregations) : std::string());
        return std::nullopt;
    };
    for (auto it = n.begin(); it != n.end(); ++it) {
        geo::AggregateSpec a;
        a.output = it->first.Scalar();
        const std::string at = doc::key(path, a.output);
        a.declared_at = r.at(it->second, at);
        if (it->second.IsMap()) {
            // {sum: population}: the aggregation of another field
            if (it->second.size() != 1) {
                r.diagnostics().error(r.at(it->second, at),
                                      fmt::format("expected one aggregation {{how: field}}, found {} keys", it->second.size()));
                continue;
            }
            auto entry = it->second.begin();
            auto how = how_named(entry->first, doc::key(at, entry->first.Scalar()));
            if (!how) continue;
            a.how = *how;
            if (!entry->second.IsScalar() && !(a.how == geo::Aggregation::Count && entry->second.IsNull())) {
                r.diagnostics().error(r.at(entry->second, doc::key(at, entry->first.Scalar())),
                                      fmt::format("expected a field name, found {}", doc::describe(entry->second)));
                continue;
            }
            a.field = entry->second.IsScalar() ? entry->second.Scalar() : std::string();
        } else {
            auto how = how_named(it->second, at);
            if (!how) continue;
            a.how = *how;
            a.field = a.how == geo::Aggregation::Count ? std::string() : a.output;
        }
        out.push_back(std::move(a));
    }
    return out;
}

StepDecl read_step(Reader& r, const fs::path& root, const YAML::Node& n, const std::string& path, bool optional) {
    StepDecl step;
    step.declared_at = r.at(n, path);
    YAML::Node options;
    if (n.IsScalar()) {
        step.name = n.Scalar();  // a step without options: `- point_on_surface`
    } else if (n.IsMap() && n.size() == 1) {
        step.name = n.begin()->first.Scalar();
        options = n.begin()->second;
    } else {
        r.diagnostics().error(step.declared_at,
                              fmt::format("expected a step, one of {} (an object of one key, or the name of a step "
                                          "without options), found {}",
                                          fmt::join(kStepNames, ", "),
                                          n.IsMap() ? fmt::format("an object of {} keys", n.size()) : doc::describe(n)));
        return step;
    }
    step.path = doc::key(path, step.name);
    const std::string& at = step.path;
    auto unknown = [&] {
        r.diagnostics().error(r.at(n.IsMap() ? n.begin()->first : n, at), fmt::format("unknown step '{}'", step.name),
                              suggest_name(step.name, kStepNames, {"expected one of: ", ""}));
    };
    auto no_options = [&](StepDecl::Kind kind) {
        step.kind = kind;
        if (options.IsDefined() && !options.IsNull() && !(options.IsMap() && options.size() == 0))
            r.diagnostics().error(r.at(options, at),
                                  fmt::format("step '{}' takes no options, found {}", step.name, doc::describe(options)));
    };
    if (step.name == "point_on_surface") no_options(StepDecl::Kind::PointOnSurface);
    else if (step.name == "centroid") no_options(StepDecl::Kind::Centroid);
    else if (std::find(kStepNames.begin(), kStepNames.end(), step.name) == kStepNames.end()) unknown();
    else if (!options.IsDefined() || options.IsNull())
        r.diagnostics().error(step.declared_at, fmt::format("step '{}' needs its options", step.name),
                              step.name == "filter"    ? "e.g. filter: [\"==\", [\"get\", \"dep\"], \"88\"]"
                              : step.name == "dissolve" ? "e.g. dissolve: {by: epci}"
                              : step.name == "buffer"   ? "e.g. buffer: {distance_m: 500}"
                              : step.name == "clip"     ? "e.g. clip: {layer: departements}"
                                                        : "e.g. join: {table: layers/t.csv, on: code, key: code}");
    else if (step.name == "filter") {
        step.kind = StepDecl::Kind::Filter;
        step.filter = style::compile_filter(options, r.file(), at, r.diagnostics());
    } else if (step.name == "join") {
        step.kind = StepDecl::Kind::Join;
        step.join = read_join(r, root, options, at, !optional);
    } else if (step.name == "dissolve") {
        step.kind = StepDecl::Kind::Dissolve;
        if (r.expect_object(options, at)) {
            r.check_keys(options, at, kDissolveKeys);
            step.dissolve.by = r.text(options, "by", at, false).value_or("");
            step.dissolve.declared_at =
                options["by"].IsDefined() ? r.at(options["by"], doc::key(at, "by")) : r.at(options, at);
            step.dissolve.aggregates = read_aggregates(r, options["fields"], doc::key(at, "fields"));
            if (auto v = r.text(options, "separator", at, false)) step.dissolve.separator = *v;
        }
    } else if (step.name == "clip") {
        step.kind = StepDecl::Kind::Clip;
        if (r.expect_object(options, at)) {
            r.check_keys(options, at, kClipKeys);
            step.clip_layer = r.text(options, "layer", at, false).value_or("");
            if (YAML::Node e = options["extent"]; e.IsDefined()) {
                if (auto xs = numbers(r, e, doc::key(at, "extent"), 4, "[min_x, min_y, max_x, max_y]")) {
                    Box b{(*xs)[0], (*xs)[1], (*xs)[2], (*xs)[3]};
                    if (b.empty() || b.width() <= 0 || b.height() <= 0)
                        r.diagnostics().error(r.at(e, doc::key(at, "extent")),
                                              "expected min_x < max_x and min_y < max_y");
                    else step.clip_extent = b;
                }
            }
            step.clip_extent_crs = r.text(options, "crs", at, false).value_or("");
            if (step.clip_layer.empty() == !options["extent"].IsDefined())
                r.diagnostics().error(r.at(options, at), "a clip takes 'layer' or 'extent', one of them");
            if (!step.clip_extent_crs.empty() && !options["extent"].IsDefined())
                r.diagnostics().error(r.at(options["crs"], doc::key(at, "crs")), "'crs' is the CRS of 'extent'");
        }
    } else if (step.name == "buffer") {
        step.kind = StepDecl::Kind::Buffer;
        if (r.expect_object(options, at)) {
            r.check_keys(options, at, kBufferKeys);
            if (!options["distance_m"].IsDefined())
                r.diagnostics().error(r.at(options, at), "missing key 'distance_m' (the buffer distance, in metres)");
            else if (auto v = doc::number(options["distance_m"]))
                step.buffer_distance_m = *v;
            else
                r.diagnostics().error(r.at(options["distance_m"], doc::key(at, "distance_m")),
                                      fmt::format("expected a number of metres, found {}", doc::describe(options["distance_m"])));
            if (auto v = r.number(options, "segments", at, 1)) step.buffer_segments = static_cast<int>(std::min(*v, 90.0));
        }
    }
    return step;
}

std::vector<StepDecl> read_steps(Reader& r, const fs::path& root, const YAML::Node& n, const std::string& path,
                                 bool optional) {
    std::vector<StepDecl> steps;
    if (!n.IsSequence()) {
        r.diagnostics().error(r.at(n, path), fmt::format("expected a list of steps, found {}", doc::describe(n)));
        return steps;
    }
    for (std::size_t i = 0; i < n.size(); ++i) steps.push_back(read_step(r, root, n[i], doc::index(path, i), optional));
    return steps;
}

/// `scale: 1500000` or `scale: "1:1 500 000"`.
std::optional<double> scale_denominator(Reader& r, const YAML::Node& n, const std::string& path) {
    std::optional<double> v = doc::number(n);
    if (!v && n.IsScalar()) {
        std::string text = n.Scalar(), digits;
        if (text.rfind("1:", 0) == 0) text = text.substr(2);
        for (char c : text)
            if (c >= '0' && c <= '9') digits += c;
            else if (c != ' ' && c != '\'' && c != '_' && static_cast<unsigned char>(c) < 0x80) digits = "!";
        if (!digits.empty() && digits.find('!') == std::string::npos) v = std::stod(digits);
    }
    if (!v || *v <= 0) {
        r.diagnostics().error(r.at(n, path), fmt::format("expected a scale such as 1500000 or \"1:1 500 000\", found {}",
                                                         doc::describe(n)));
        return std::nullopt;
    }
    return v;
}

/// The CRS a page is drawn in — a map's, an inset's, an atlas page's — written at `node` (`at`): PROJ
/// must know it, and it must be projected, in metres: the page's scale, its scale bar and the extents
/// around an atlas feature are metres on the ground. An error at its line otherwise (a map in EPSG:4326
/// would fail only when drawn, with no line to mend).
bool check_page_crs(Reader& r, const YAML::Node& node, const std::string& at, const std::string& crs) {
    geo::CrsUnits units;
    try {
        units = geo::crs_units(crs);
    } catch (const Error&) {
        r.diagnostics().error(r.at(node, at), fmt::format("unknown CRS '{}': PROJ does not know it", crs),
                              "use an authority code such as EPSG:2154 (Lambert-93)");
        return false;
    }
    const char* hint =
        "a map is drawn in a projected CRS in metres, e.g. EPSG:2154 (Lambert-93) for metropolitan France, EPSG:3857 "
        "(Web Mercator), EPSG:4087 (equirectangular, the look of longitude and latitude); its layers may stay in "
        "EPSG:4326: they are reprojected";
    using Kind = geo::CrsUnits::Kind;
    if (units.kind == Kind::Geographic || units.kind == Kind::Geocentric) {
        r.diagnostics().error(r.at(node, at),
                              fmt::format("CRS '{}' is {}: a page is laid out in metres on the ground", crs,
                                          units.kind == Kind::Geographic
                                              ? "geographic (longitude and latitude in degrees)"
                                              : "geocentric (X, Y, Z from the centre of the Earth)"),
                              hint);
        return false;
    }
    if (units.kind == Kind::Projected && !units.in_metres()) {
        r.diagnostics().error(r.at(node, at),
                              fmt::format("CRS '{}' is in {} ({:.6g} m): a page's scale, scale bar and extents are in metres",
                                          crs, units.unit, units.to_si),
                              "choose the same projection in metres (its metric EPSG code)");
        return false;
    }
    return true;
}

/// The CRS an extent is written in (`extent_crs`), at `node`: PROJ must know it; any kind will do (degrees
/// are what it is for). An error at its line otherwise.
void check_extent_crs(Reader& r, const YAML::Node& node, const std::string& at, const std::string& crs) {
    try {
        geo::crs_units(crs);
    } catch (const Error&) {
        r.diagnostics().error(r.at(node, at), fmt::format("unknown CRS '{}': PROJ does not know it", crs),
                              "use an authority code such as EPSG:4326 (longitude, latitude) or EPSG:2154 (Lambert-93)");
    }
}

/// An extent written in longitudes and latitudes but read in the metres of the projected CRS `crs` (the
/// `extent_crs` forgotten): a box a few metres wide near the CRS's origin, where the map is blank. Said
/// when every number fits a longitude or a latitude, the box read in degrees meets the CRS's area of use,
/// and the box read in metres lies outside it (so a map of a small place near a CRS's origin, inside its
/// area of use, is never refused). The error's message and hint, or nothing.
std::optional<std::pair<std::string, std::string>> extent_in_degrees(const Box& e, const std::string& crs) {
    if (!(std::abs(e.min_x) <= 180 && std::abs(e.max_x) <= 180 && std::abs(e.min_y) <= 90 && std::abs(e.max_y) <= 90))
        return std::nullopt;
    try {
        const geo::CrsUnits units = geo::crs_units(crs);
        if (units.kind != geo::CrsUnits::Kind::Projected || !units.in_metres()) return std::nullopt;
        const geo::Transformation t("EPSG:4326", crs);
        const std::optional<Box> area = t.area_of_use();
        if (!area) return std::nullopt;
        const bool meets = e.min_y <= area->max_y && e.max_y >= area->min_y &&
                           (area->min_x <= area->max_x ? e.min_x <= area->max_x && e.max_x >= area->min_x : true);
        const Point centre = t.inverse({(e.min_x + e.max_x) / 2, (e.min_y + e.max_y) / 2});
        if (!meets || t.within_area_of_use(centre, 1.0).value_or(true)) return std::nullopt;
        const Box m = t.transform_box(e);
        std::string hint = "add `extent_crs: EPSG:4326` to give the extent in degrees";
        if (!m.empty())
            hint += fmt::format(", or give it in {}'s metres: [{:.0f}, {:.0f}, {:.0f}, {:.0f}]", crs, m.min_x, m.min_y,
                                m.max_x, m.max_y);
        return std::pair{fmt::format("the extent [{}, {}, {}, {}] is read in {}, in metres: a box {:.3g} m by {:.3g} m "
                                     "near the CRS's origin, outside its area of use, where the map would be blank; "
                                     "its numbers look like longitudes and latitudes",
                                     e.min_x, e.min_y, e.max_x, e.max_y, crs, e.width(), e.height()),
                         hint};
    } catch (const Error&) {
        return std::nullopt;  // an unknown CRS is reported where it is written
    }
}

/// The map's extent in its CRS: converted from `extent_crs` when one is given (the bounds of the extent's
/// densified boundary); an extent in degrees read in metres is an error (extent_in_degrees).
void resolve_map_extent(MapDecl& m, Diagnostics& diagnostics) {
    if (m.extent.empty()) return;
    const SourceLocation& at = m.extent_at.file.empty() ? m.declared_at : m.extent_at;
    if (m.extent_crs.empty() || m.extent_crs == m.crs) {
        if (auto problem = extent_in_degrees(m.extent, m.crs))
            diagnostics.error(at, fmt::format("map '{}': {}", m.id, problem->first), problem->second);
        return;
    }
    try {
        geo::crs_units(m.extent_crs);
        geo::crs_units(m.crs);
    } catch (const Error&) {
        return;  // reported where it is written
    }
    Box converted;
    try {
        converted = geo::Transformation(m.extent_crs, m.crs).transform_box(m.extent);
    } catch (const Error& e) {
        diagnostics.error(at, fmt::format("map '{}': the extent cannot be converted from {} to {}: {}", m.id,
                                          m.extent_crs, m.crs, e.what()));
        return;
    }
    if (converted.empty() || converted.width() <= 0 || converted.height() <= 0)
        diagnostics.error(at, fmt::format("map '{}': no point of the extent [{}, {}, {}, {}] in {} can be projected "
                                          "into the map's CRS {}",
                                          m.id, m.extent.min_x, m.extent.min_y, m.extent.max_x, m.extent.max_y,
                                          m.extent_crs, m.crs),
                          "check the extent's numbers and its `extent_crs`");
    else
        m.extent = converted;
}

/// One inset: a preset name, or an object (optionally starting from a preset it overrides).
std::vector<layout::InsetSpec> read_inset(Reader& r, const YAML::Node& n, const std::string& path) {
    auto preset = [&](const YAML::Node& name_node, const std::string& at) -> std::vector<layout::InsetSpec> {
        auto found = layout::inset_preset(name_node.Scalar());
        if (found.empty()) {
            r.diagnostics().error(r.at(name_node, at), fmt::format("unknown inset preset '{}'", name_node.Scalar()),
                                  suggest_name(name_node.Scalar(), layout::inset_preset_names(),
                                               {"expected one of: ", ", or an object {name, crs, extent}"}));
        }
        return found;
    };
    if (n.IsScalar()) return preset(n, path);
    if (!r.expect_object(n, path)) return {};
    r.check_keys(n, path, kInsetKeys);
    layout::InsetSpec s;
    if (n["preset"].IsDefined()) {
        auto base = preset(n["preset"], doc::key(path, "preset"));
        if (base.size() > 1)
            r.diagnostics().error(r.at(n["preset"], doc::key(path, "preset")),
                                  fmt::format("preset '{}' has {} insets: name it alone to use it, or override a "
                                              "one-inset preset",
                                              n["preset"].Scalar(), base.size()));
        if (base.size() == 1) s = base.front();
        else return {};
    }
    if (auto v = r.text(n, "name", path, false)) s.name = *v;
    if (auto v = r.text(n, "crs", path, false)) {
        s.crs = *v;
        check_page_crs(r, n["crs"], doc::key(path, "crs"), *v);
    }
    if (auto v = r.text(n, "extent_crs", path, false)) {
        s.extent_crs = *v;
        check_extent_crs(r, n["extent_crs"], doc::key(path, "extent_crs"), *v);
    }
    if (n["extent"].IsDefined())
        if (auto xs = numbers(r, n["extent"], doc::key(path, "extent"), 4, "[min_x, min_y, max_x, max_y]")) {
            if ((*xs)[0] >= (*xs)[2] || (*xs)[1] >= (*xs)[3])
                r.diagnostics().error(r.at(n["extent"], doc::key(path, "extent")),
                                      "expected [min_x, min_y, max_x, max_y] with min < max");
            else
                s.extent = Box{(*xs)[0], (*xs)[1], (*xs)[2], (*xs)[3]};
            if (!s.crs.empty() && (s.extent_crs.empty() || s.extent_crs == s.crs))
                if (auto problem = extent_in_degrees(s.extent, s.crs))
                    r.diagnostics().error(r.at(n["extent"], doc::key(path, "extent")),
                                          fmt::format("inset '{}': {}", s.name, problem->first), problem->second);
        }
    if (n["scale"].IsDefined() && !n["scale"].IsNull()) {
        s.scale = scale_denominator(r, n["scale"], doc::key(path, "scale"));
        s.magnify.reset();
    }
    if (auto v = r.number(n, "magnify", path, 0.01)) {
        s.magnify = *v;
        if (n["scale"].IsDefined())
            r.diagnostics().error(r.at(n["magnify"], doc::key(path, "magnify")), "give 'scale' or 'magnify', not both");
    }
    if (auto v = r.text(n, "position", path, false)) {
        if (*v != "band" && std::find(kCorners.begin(), kCorners.end(), *v) == kCorners.end())
            r.diagnostics().error(r.at(n["position"], doc::key(path, "position")),
                                  fmt::format("expected band or one of {}, found '{}'", fmt::join(kCorners, ", "), *v));
        s.position = *v == "band" ? "" : *v;
    }
    if (n["size_mm"].IsDefined())
        if (auto xs = numbers(r, n["size_mm"], doc::key(path, "size_mm"), 2, "[width_mm, height_mm]")) {
            s.width_mm = (*xs)[0];
            s.height_mm = (*xs)[1];
        }
    if (auto v = r.boolean(n, "outline", path)) s.outline_on_main = *v;
    if (auto v = r.boolean(n, "letter", path)) {
        s.lettered = *v;
        if (*v && !s.outline_on_main)
            r.diagnostics().error(r.at(n["letter"], doc::key(path, "letter")),
                                  fmt::format("inset '{}' has a letter but no zoom box to carry it: expected "
                                              "outline: true, found {}",
                                              s.name, n["outline"].IsDefined() ? "outline: false" : "no outline"),
                                  "add outline: true: the inset's extent outlined on the main map carries the letter");
    }
    if (s.name.empty()) r.diagnostics().error(r.at(n, path), "inset has no 'name'");
    if (s.crs.empty()) r.diagnostics().error(r.at(n, path), fmt::format("inset '{}' has no 'crs'", s.name));
    if (s.extent.empty()) r.diagnostics().error(r.at(n, path), fmt::format("inset '{}' has no 'extent'", s.name));
    return {s};
}

/// `print: {profile, condition, bleed_mm, crop_marks}` (pipeline/pdfx.hpp), replacing any print block of
/// the defaults; `print: none` removes it.
void read_print(Reader& r, const fs::path& root, const YAML::Node& n, const std::string& path, MapDecl& m) {
    if (n.IsNull() || (n.IsScalar() && n.Scalar() == "none")) {
        m.print.reset();
        return;
    }
    if (!r.expect_object(n, path)) return;
    r.check_keys(n, path, kPrintKeys);
    PrintDecl p;
    p.declared_at = r.at(n, path);
    if (!n["profile"].IsDefined() || n["profile"].IsNull()) {
        r.diagnostics().error(p.declared_at, "missing key 'profile': the print PDF is made with the printer's CMYK ICC profile",
                              "ask the print shop for it and write its path: profile: profiles/printer.icc");
    } else {
        p.profile = r.path_value(root, n, "profile", path, true, "the printer's CMYK ICC profile (.icc), relative to the project file");
        std::error_code ec;
        if (!p.profile.empty() && fs::is_regular_file(p.profile, ec)) {
            const std::string problem = cmyk_output_profile_problem(p.profile);
            if (!problem.empty())
                r.diagnostics().error(r.at(n["profile"], doc::key(path, "profile")),
                                      fmt::format("the profile {} {}", n["profile"].Scalar(), problem),
                                      "ask the print shop for its CMYK output profile, e.g. FOGRA39 for offset on "
                                      "coated paper");
        } else if (!p.profile.empty() && fs::exists(p.profile, ec)) {
            r.diagnostics().error(r.at(n["profile"], doc::key(path, "profile")),
                                  fmt::format("the profile {} is not a file", n["profile"].Scalar()));
        }
    }
    if (auto v = r.text(n, "condition", path, false); v && !v->empty())
        p.condition = *v;
    else
        r.diagnostics().error(p.declared_at, "missing key 'condition': the output condition identifier of the profile",
                              "the print shop's printing condition, e.g. condition: FOGRA39");
    if (auto v = r.number(n, "bleed_mm", path, 0)) {
        if (*v > 20)
            r.diagnostics().error(r.at(n["bleed_mm"], doc::key(path, "bleed_mm")),
                                  fmt::format("expected a bleed between 0 and 20 mm, found {}", *v));
        else
            p.bleed_mm = *v;
    }
    if (auto v = r.boolean(n, "crop_marks", path)) p.crop_marks = *v;
    m.print = p;
}

/// `atlas: {layer, filter, sort, page_name, extent: {margin_pct | scale | scales}, crs: {field, values}}`.
std::optional<AtlasDecl> read_atlas(Reader& r, const YAML::Node& n, const std::string& path) {
    if (!r.expect_object(n, path)) return std::nullopt;
    r.check_keys(n, path, kAtlasKeys);
    AtlasDecl a;
    a.declared_at = r.at(n, path);
    if (auto v = r.text(n, "layer", path, true)) {
        a.layer = *v;
        a.layer_at = r.at(n["layer"], doc::key(path, "layer"));
    }
    if (YAML::Node f = n["filter"]; f.IsDefined() && !f.IsNull()) {
        a.filter = style::compile_filter(f, r.file(), doc::key(path, "filter"), r.diagnostics());
        a.filter_at = r.at(f, doc::key(path, "filter"));
    }
    if (YAML::Node s = n["sort"]; s.IsDefined()) {
        a.sort_at = r.at(s, doc::key(path, "sort"));
        // A field name, or {field: NAME, order: ascending | descending}.
        auto item = [&](const YAML::Node& i, const std::string& at) {
            if (i.IsScalar()) {
                a.sort.push_back(i.Scalar());
                a.sort_descending.push_back(false);
                return;
            }
            if (!i.IsMap()) {
                r.diagnostics().error(r.at(i, at), fmt::format("expected a field name, or {{field: NAME, order: "
                                                               "descending}}, found {}",
                                                               doc::describe(i)));
                return;
            }
            r.check_keys(i, at, {"field", "order"});
            const std::optional<std::string> field = r.text(i, "field", at, true);
            bool descending = false;
            if (YAML::Node o = i["order"]; o.IsDefined()) {
                const std::string order = o.IsScalar() ? o.Scalar() : std::string();
                if (order == "descending") descending = true;
                else if (order != "ascending")
                    r.diagnostics().error(r.at(o, doc::key(at, "order")),
                                          fmt::format("expected ascending or descending, found {}", doc::describe(o)));
            }
            if (field) {
                a.sort.push_back(*field);
                a.sort_descending.push_back(descending);
            }
        };
        const std::string at = doc::key(path, "sort");
        if (s.IsSequence())
            for (std::size_t i = 0; i < s.size(); ++i) item(s[i], doc::index(at, i));
        else if (s.IsScalar() || s.IsMap())
            item(s, at);
        else
            r.diagnostics().error(a.sort_at, fmt::format("expected a field name or a list of them, found {}", doc::describe(s)));
    }
    if (auto v = r.text(n, "page_name", path, false)) {
        a.page_name = *v;
        a.page_name_at = r.at(n["page_name"], doc::key(path, "page_name"));
        if (v->find('{') == std::string::npos)
            r.diagnostics().error(a.page_name_at,
                                  fmt::format("page_name '{}' names no field: every page would have that name", *v),
                                  "use a token of the feature, e.g. \"{code}\" or \"{$id}\"");
    } else {
        a.page_name_at = a.declared_at;
    }
    a.extent_at = a.declared_at;
    if (YAML::Node e = n["extent"]; e.IsDefined()) {
        const std::string at = doc::key(path, "extent");
        a.extent_at = r.at(e, at);
        if (r.expect_object(e, at)) {
            r.check_keys(e, at, kAtlasExtentKeys);
            const int modes = e["margin_pct"].IsDefined() + e["scale"].IsDefined() + e["scales"].IsDefined();
            if (modes != 1)
                r.diagnostics().error(r.at(e, at), "an atlas extent takes one of 'margin_pct', 'scale' or 'scales'",
                                      "margin_pct: 10 (the feature's bounds and 10 % around), scale: 50000, or "
                                      "scales: [25000, 50000, 100000] (the first that shows the whole feature)");
            if (e["margin_pct"].IsDefined()) {
                a.extent = AtlasDecl::Extent::Margin;
                if (auto v = doc::number(e["margin_pct"]); v && *v >= 0 && *v <= 1000) a.margin_pct = *v;
                else r.diagnostics().error(r.at(e["margin_pct"], doc::key(at, "margin_pct")),
                                           fmt::format("expected a margin between 0 and 1000 %, found {}", doc::describe(e["margin_pct"])));
            } else if (e["scale"].IsDefined()) {
                a.extent = AtlasDecl::Extent::Scale;
                if (auto v = scale_denominator(r, e["scale"], doc::key(at, "scale"))) a.scales = {*v};
            } else if (YAML::Node ss = e["scales"]; ss.IsDefined()) {
                a.extent = AtlasDecl::Extent::BestScale;
                if (!ss.IsSequence() || ss.size() == 0)
                    r.diagnostics().error(r.at(ss, doc::key(at, "scales")),
                                          fmt::format("expected a list of scales, found {}", doc::describe(ss)));
                else
                    for (std::size_t i = 0; i < ss.size(); ++i)
                        if (auto v = scale_denominator(r, ss[i], doc::index(doc::key(at, "scales"), i))) a.scales.push_back(*v);
                std::sort(a.scales.begin(), a.scales.end());
            }
        }
    }
    if (YAML::Node c = n["crs"]; c.IsDefined()) {
        const std::string at = doc::key(path, "crs");
        if (r.expect_object(c, at)) {
            r.check_keys(c, at, {"field", "values"});
            if (auto v = r.text(c, "field", at, true)) {
                a.crs_field = *v;
                a.crs_field_at = r.at(c["field"], doc::key(at, "field"));
            }
            if (YAML::Node vs = c["values"]; !vs.IsDefined() || !vs.IsMap())
                r.diagnostics().error(r.at(vs.IsDefined() ? vs : c, doc::key(at, "values")),
                                      "expected values: {VALUE: CRS, …}, the CRS of the pages whose field has that value");
            else
                for (auto it = vs.begin(); it != vs.end(); ++it) {
                    const std::string crs = it->second.IsScalar() ? it->second.Scalar() : std::string();
                    const std::string value_at = doc::key(doc::key(at, "values"), it->first.Scalar());
                    if (crs.empty())
                        r.diagnostics().error(r.at(it->second, value_at),
                                              fmt::format("expected a CRS, found {}", doc::describe(it->second)));
                    else if (check_page_crs(r, it->second, value_at, crs))
                        a.crs_values[it->first.Scalar()] = crs;
                }
        }
    }
    return a;
}

/// Applies the keys present in `n` (defaults or one map) over `m`.
void apply_map_keys(Reader& r, const fs::path& root, const YAML::Node& n, const std::string& path, MapDecl& m) {
    r.check_keys(n, path, kMapKeys);
    if (auto v = r.text(n, "title", path, false)) m.page.title = *v;
    if (auto v = r.text(n, "subtitle", path, false)) m.page.subtitle = *v;
    if (YAML::Node a = n["atlas"]; a.IsDefined()) {
        if (path == "defaults")
            r.diagnostics().error(r.at(a, doc::key(path, "atlas")), "'atlas' belongs to one map, not to defaults");
        else
            m.atlas = read_atlas(r, a, doc::key(path, "atlas"));
    }
    if (n["style"].IsDefined()) m.style = r.path_value(root, n, "style", path, true);
    if (auto v = r.text(n, "crs", path, false)) {
        m.crs = *v;
        check_page_crs(r, n["crs"], doc::key(path, "crs"), *v);
    }
    if (YAML::Node e = n["extent"]; e.IsDefined()) {
        std::vector<double> xs;
        if (e.IsSequence() && e.size() == 4)
            for (std::size_t i = 0; i < 4; ++i)
                if (auto v = doc::number(e[i])) xs.push_back(*v);
        if (xs.size() != 4 || xs[0] >= xs[2] || xs[1] >= xs[3])
            r.diagnostics().error(r.at(e, doc::key(path, "extent")),
                                  fmt::format("expected [min_x, min_y, max_x, max_y] in the map CRS with min < max, "
                                              "found {}",
                                              doc::describe(e)));
        else
            m.extent = Box{xs[0], xs[1], xs[2], xs[3]};
        m.extent_at = r.at(e, doc::key(path, "extent"));
    }
    if (auto v = r.text(n, "extent_crs", path, false)) {
        m.extent_crs = *v;
        check_extent_crs(r, n["extent_crs"], doc::key(path, "extent_crs"), *v);
    }
    if (YAML::Node sc = n["scale"]; sc.IsDefined()) {
        // A map may return to the fit its defaults replaced: `scale: fit`.
        if (sc.IsNull() || (sc.IsScalar() && sc.Scalar() == "fit")) m.page.scale.reset();
        else if (auto v = scale_denominator(r, sc, doc::key(path, "scale"))) {
            if (*v < 100 || *v > 1e9)
                r.diagnostics().error(r.at(sc, doc::key(path, "scale")),
                                      fmt::format("expected a scale between 1:100 and 1:1 000 000 000, found 1:{}", *v),
                                      "give N of 1:N in full: scale: \"1:25 000\" or scale: 25000");
            else
                m.page.scale = v;
        }
    }
    std::string paper;
    if (YAML::Node p = n["paper"]; p.IsDefined() && p.IsSequence()) {
        if (auto xs = numbers(r, p, doc::key(path, "paper"), 2, "a paper name or [width_mm, height_mm]")) {
            if ((*xs)[0] < 50 || (*xs)[1] < 50 || (*xs)[0] > 5000 || (*xs)[1] > 5000)
                r.diagnostics().error(r.at(p, doc::key(path, "paper")),
                                      fmt::format("expected a paper between 50 and 5000 mm a side, found {} × {} mm",
                                                  (*xs)[0], (*xs)[1]));
            else
                m.page.paper = layout::Paper{(*xs)[0], (*xs)[1]};
        }
    } else {
        paper = r.text(n, "paper", path, false).value_or("");
    }
    std::string orientation = r.text(n, "orientation", path, false).value_or("");
    if (!orientation.empty() && orientation != "landscape" && orientation != "portrait")
        r.diagnostics().error(r.at(n["orientation"], doc::key(path, "orientation")),
                              fmt::format("expected landscape or portrait, found '{}'", orientation));
    if (!paper.empty()) {
        if (auto p = layout::Paper::named(paper, orientation.empty() ? "landscape" : orientation))
            m.page.paper = *p;
        else
            r.diagnostics().error(r.at(n["paper"], doc::key(path, "paper")),
                                  fmt::format("unknown paper size '{}': expected {} or [width_mm, height_mm]", paper,
                                              fmt::join(layout::Paper::names(), ", ")),
                                  suggest_name(paper, layout::Paper::names()));
    } else if (orientation == "portrait" && m.page.paper.width_mm > m.page.paper.height_mm) {
        std::swap(m.page.paper.width_mm, m.page.paper.height_mm);
    }
    if (auto v = r.number(n, "margin_mm", path, 0)) m.page.margin_mm = *v;
    if (auto v = r.number(n, "dpi", path, 1)) {
        if (*v > 2400)
            r.diagnostics().error(r.at(n["dpi"], doc::key(path, "dpi")),
                                  fmt::format("expected a DPI between 1 and 2400, found {}", *v));
        else
            m.dpi = *v;
        m.dpi_at = r.at(n["dpi"], doc::key(path, "dpi"));
    }
    if (n["formats"].IsDefined()) {
        m.formats.clear();
        m.formats_at = r.at(n["formats"], doc::key(path, "formats"));
        for (const auto& f : r.strings(n, "formats", path)) {
            if (f == "pdf") m.formats.push_back(Format::Pdf);
            else if (f == "png") m.formats.push_back(Format::Png);
            else if (f == "svg") m.formats.push_back(Format::Svg);
            else if (f == "tif") m.formats.push_back(Format::Tif);
            else if (f == "pdfx") m.formats.push_back(Format::Pdfx);
            else
                r.diagnostics().error(r.at(n["formats"], doc::key(path, "formats")),
                                      fmt::format("unknown format '{}': expected pdf, png, svg, tif or pdfx", f),
                                      suggest_name(f, {"pdf", "png", "svg", "tif", "pdfx"}));
        }
    }
    if (auto v = r.boolean(n, "georeference", path)) m.georeference = *v;
    if (YAML::Node print = n["print"]; print.IsDefined()) read_print(r, root, print, doc::key(path, "print"), m);
    static const std::vector<std::string> corners = {"top-left", "top-right", "bottom-left", "bottom-right"};
    if (auto v = r.text(n, "legend_position", path, false)) {
        if (std::find(corners.begin(), corners.end(), *v) == corners.end())
            r.diagnostics().error(r.at(n["legend_position"], doc::key(path, "legend_position")),
                                  fmt::format("expected one of {}, found '{}'", fmt::join(corners, ", "), *v));
        m.page.legend_position = *v;
    }
    if (auto v = r.text(n, "scale_bar", path, false)) {
        if (*v != "none" && std::find(corners.begin(), corners.end(), *v) == corners.end())
            r.diagnostics().error(r.at(n["scale_bar"], doc::key(path, "scale_bar")),
                                  fmt::format("expected none or one of {}, found '{}'", fmt::join(corners, ", "), *v));
        m.page.scale_bar_position = *v;
    }
    if (auto v = r.text(n, "credits", path, false)) m.credits_template = *v;
    if (auto v = r.text(n, "font", path, false)) {
        m.page.font = *v;
        m.font_at = r.at(n["font"], doc::key(path, "font"));
    }
    if (auto v = r.text(n, "legend_title", path, false)) m.page.legend_title = *v;
    if (auto v = r.text(n, "title_align", path, false)) {
        if (*v != "left" && *v != "center")
            r.diagnostics().error(r.at(n["title_align"], doc::key(path, "title_align")),
                                  fmt::format("expected left or center, found '{}'", *v));
        m.page.title_align = *v;
    }
    if (auto v = r.text(n, "north_arrow", path, false)) {
        if (*v != "none" && std::find(kCorners.begin(), kCorners.end(), *v) == kCorners.end())
            r.diagnostics().error(r.at(n["north_arrow"], doc::key(path, "north_arrow")),
                                  fmt::format("expected none or one of {}, found '{}'", fmt::join(kCorners, ", "), *v));
        m.page.north_arrow = *v;
    }
    if (YAML::Node logo = n["logo"]; logo.IsDefined()) {
        const std::string at = doc::key(path, "logo");
        if (logo.IsNull() || (logo.IsScalar() && logo.Scalar() == "none")) {
            m.page.logo.reset();
        } else if (logo.IsScalar()) {
            layout::LogoSpec spec;
            spec.path = r.path_value(root, n, "logo", path, true);
            m.page.logo = spec;
        } else if (r.expect_object(logo, at)) {
            r.check_keys(logo, at, kLogoKeys);
            layout::LogoSpec spec;
            spec.path = r.path_value(root, logo, "path", at, true);
            if (auto v = r.text(logo, "position", at, false)) {
                if (*v != "title-right" && std::find(kCorners.begin(), kCorners.end(), *v) == kCorners.end())
                    r.diagnostics().error(r.at(logo["position"], doc::key(at, "position")),
                                          fmt::format("expected title-right or one of {}, found '{}'",
                                                      fmt::join(kCorners, ", "), *v));
                spec.position = *v;
            }
            if (auto v = r.number(logo, "width_mm", at, 1)) spec.width_mm = *v;
            m.page.logo = spec;
        }
        if (m.page.logo) {
            const std::string ext = fs::path(m.page.logo->path).extension().string();
            if (ext != ".svg" && ext != ".png" && ext != ".SVG" && ext != ".PNG")
                r.diagnostics().error(r.at(logo, at), fmt::format("expected an .svg or .png logo, found '{}'",
                                                                  fs::path(m.page.logo->path).filename().string()));
        }
    }
    if (YAML::Node insets = n["insets"]; insets.IsDefined()) {
        const std::string at = doc::key(path, "insets");
        m.page.insets.clear();
        if (insets.IsNull() || (insets.IsScalar() && insets.Scalar() == "none")) {
            // no insets
        } else if (insets.IsSequence()) {
            for (std::size_t i = 0; i < insets.size(); ++i)
                for (auto& s : read_inset(r, insets[i], doc::index(at, i))) m.page.insets.push_back(std::move(s));
        } else {
            for (auto& s : read_inset(r, insets, at)) m.page.insets.push_back(std::move(s));
        }
    }
    if (YAML::Node band = n["inset_band"]; band.IsDefined()) {
        const std::string at = doc::key(path, "inset_band");
        if (r.expect_object(band, at)) {
            r.check_keys(band, at, kInsetBandKeys);
            if (auto v = r.text(band, "side", at, false)) {
                if (*v != "left" && *v != "right" && *v != "top" && *v != "bottom")
                    r.diagnostics().error(r.at(band["side"], doc::key(at, "side")),
                                          fmt::format("expected left, right, top or bottom, found '{}'", *v));
                m.page.inset_band.side = *v;
            }
            if (auto v = r.number(band, "size_mm", at, 10)) m.page.inset_band.size_mm = *v;
            if (auto v = r.number(band, "gap_mm", at, 0)) m.page.inset_band.gap_mm = *v;
        }
    }
}

/// A raster page (PNG, GeoTIFF) is at most 32767 pixels a side (Cairo's image surfaces): a paper and a
/// dpi that give more are an error at the dpi, before anything is read, with the largest dpi that fits.
void check_raster_size(const MapDecl& m, Diagnostics& diagnostics) {
    const bool raster = std::any_of(m.formats.begin(), m.formats.end(),
                                    [](Format f) { return f == Format::Png || f == Format::Tif; });
    constexpr double kLargest = render::kMaxRasterPixels;
    const double side_mm = std::max(m.page.paper.width_mm, m.page.paper.height_mm);
    auto pixels = [](double mm, double dpi) { return std::lround(mm / 25.4 * dpi); };
    if (!raster || side_mm <= 0 || pixels(side_mm, m.dpi) <= kLargest) return;
    double fits = std::floor(kLargest * 25.4 / side_mm);
    while (fits > 1 && pixels(side_mm, fits) > kLargest) --fits;
    diagnostics.error(m.dpi_at.file.empty() ? m.declared_at : m.dpi_at,
                      fmt::format("map '{}': a page of {:g} × {:g} mm at {:g} dpi is {} × {} pixels: a PNG or GeoTIFF "
                                  "page is at most {} pixels a side",
                                  m.id, m.page.paper.width_mm, m.page.paper.height_mm, m.dpi,
                                  pixels(m.page.paper.width_mm, m.dpi), pixels(m.page.paper.height_mm, m.dpi),
                                  render::kMaxRasterPixels),
                      fmt::format("at most {:g} dpi on this paper, or a smaller paper, or formats without png and tif",
                                  fits));
}

}  // namespace

Project load_project(const std::string& path) {
    doc::Document document = doc::load_file(path);
    Diagnostics diagnostics;
    Reader r(path, diagnostics);
    Project project;
    project.file = path;
    project.root = fs::absolute(path).parent_path();
    const YAML::Node& root = document.root;
    if (!r.expect_object(root, "")) throw Error(diagnostics);
    r.check_keys(root, "", kRootKeys);
    if (auto v = r.number(root, "version", "", 1); v && *v != 1)
        diagnostics.error(r.at(root["version"], "version"), fmt::format("expected version 1, found {}", *v));
    project.producer = r.text(root, "producer", "", false).value_or("");
    if (auto v = r.boolean(root, "strict", "")) {
        project.strict = *v;
        project.strict_at = r.at(root["strict"], "strict");
    }

    if (YAML::Node layers = root["layers"]; !layers.IsDefined()) {
        diagnostics.error(r.at(root, ""), "missing key 'layers'");
    } else if (r.expect_object(layers, "layers")) {
        for (auto it = layers.begin(); it != layers.end(); ++it) {
            std::string name = it->first.Scalar();
            project.layers.emplace(name, read_layer(r, project.root, name, it->second, doc::key("layers", name)));
        }
    }

    MapDecl defaults;
    // The credits line when the project writes none; without a `producer`, no empty name before the date.
    defaults.credits_template = project.producer.empty() ? "Sources : {sources}. Réalisation : {date}."
                                                         : "Sources : {sources}. Réalisation : {producer}, {date}.";
    if (YAML::Node d = root["defaults"]; d.IsDefined() && r.expect_object(d, "defaults"))
        apply_map_keys(r, project.root, d, "defaults", defaults);

    static const std::regex id_pattern("[a-z0-9][a-z0-9_-]{0,63}");
    if (YAML::Node maps = root["maps"]; !maps.IsDefined()) {
        diagnostics.error(r.at(root, ""), "missing key 'maps'");
    } else if (r.expect_object(maps, "maps")) {
        for (auto it = maps.begin(); it != maps.end(); ++it) {
            MapDecl m = defaults;
            m.id = it->first.Scalar();
            std::string p = doc::key("maps", m.id);
            m.declared_at = r.at(it->first, p);
            if (!std::regex_match(m.id, id_pattern))
                diagnostics.error(m.declared_at,
                                  fmt::format("map id '{}' must be lower-case letters, digits, '-' or '_' (it names "
                                              "the output files)",
                                              m.id));
            if (!r.expect_object(it->second, p)) continue;
            apply_map_keys(r, project.root, it->second, p, m);
            if (m.style.empty()) diagnostics.error(m.declared_at, fmt::format("map '{}' has no 'style'", m.id));
            if (m.atlas && !m.atlas->layer.empty() && !project.layers.count(m.atlas->layer)) {
                std::vector<std::string> names;
                for (const auto& [n, _] : project.layers) names.push_back(n);
                diagnostics.error(m.atlas->layer_at,
                                  fmt::format("the atlas of map '{}' names an unknown coverage layer '{}'", m.id, m.atlas->layer),
                                  suggest_name(m.atlas->layer, names));
            }
            if (m.atlas && m.atlas->extent == AtlasDecl::Extent::Margin && m.page.scale)
                diagnostics.error(m.atlas->declared_at,
                                  fmt::format("map '{}' has a 'scale' and an atlas whose pages fit their feature", m.id),
                                  "give the atlas extent: {scale: N} instead");
            resolve_map_extent(m, diagnostics);
            if (m.extent.empty() && !m.atlas)
                diagnostics.error(m.declared_at,
                                  fmt::format("map '{}' has no 'extent' (in its own map or in defaults)", m.id),
                                  m.page.scale ? "with 'scale', the extent gives the map's centre: give both"
                                               : std::string());
            check_raster_size(m, diagnostics);
            if (std::find(m.formats.begin(), m.formats.end(), Format::Pdfx) != m.formats.end() && !m.print)
                diagnostics.error(m.formats_at.file.empty() ? m.declared_at : m.formats_at,
                                  fmt::format("map '{}' asks for the pdfx format but has no 'print' block (in its own "
                                              "map or in defaults)",
                                              m.id),
                                  "give the printer's CMYK profile and its condition: print: {profile: "
                                  "profiles/printer.icc, condition: FOGRA39}");
            project.maps.push_back(std::move(m));
        }
    }
    // Cross-references: checks and geocodes name existing layers.
    for (const auto& [name, layer] : project.layers)
        if (layer.geocode && !layer.geocode->layer.empty() && !project.layers.count(layer.geocode->layer)) {
            std::vector<std::string> names;
            for (const auto& [n, _] : project.layers) names.push_back(n);
            diagnostics.error(layer.geocode->declared_at,
                              fmt::format("geocode of layer '{}' names an unknown layer '{}'", name, layer.geocode->layer),
                              suggest_name(layer.geocode->layer, names));
        } else if (layer.geocode && project.layers.count(layer.geocode->layer) &&
                   project.layers.at(layer.geocode->layer).geocode) {
            diagnostics.error(layer.geocode->declared_at,
                              fmt::format("layer '{}' is geocoded against layer '{}', which is itself geocoded: "
                                          "expected a layer of areas (polygons)",
                                          name, layer.geocode->layer));
        }
    // Derived layers: their inputs exist, and no layer is computed from itself.
    std::vector<std::string> names;
    for (const auto& [n, _] : project.layers) names.push_back(n);
    for (const auto& [name, layer] : project.layers) {
        if (layer.derived() && !project.layers.count(layer.from))
            diagnostics.error(layer.from_at,
                              fmt::format("layer '{}' is computed from an unknown layer '{}'", name, layer.from),
                              suggest_name(layer.from, names));
        for (const auto& step : layer.steps)
            if (step.kind == StepDecl::Kind::Clip && !step.clip_layer.empty() && !project.layers.count(step.clip_layer))
                diagnostics.error(step.declared_at,
                                  fmt::format("clip: no layer '{}' in the project", step.clip_layer),
                                  suggest_name(step.clip_layer, names));
    }
    {
        // Depth-first search over inputs_of(); each cycle reported once, from its first layer in name order.
        std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
        std::vector<std::string> trail;
        std::function<void(const std::string&)> visit = [&](const std::string& name) {
            state[name] = 1;
            trail.push_back(name);
            for (const auto& input : project.inputs_of(name)) {
                if (!project.layers.count(input)) continue;
                if (state[input] == 1) {
                    auto from = std::find(trail.begin(), trail.end(), input);
                    std::vector<std::string> cycle(from, trail.end());
                    cycle.push_back(input);
                    const LayerDecl& l = project.layers.at(input);
                    diagnostics.error(l.derived() ? l.from_at : l.spec.declared_at,
                                      fmt::format("layer '{}' is computed from itself: {}", input, fmt::join(cycle, " → ")),
                                      "a derived layer's 'from', clips and geocodes must lead back to layers read "
                                      "from files or databases");
                } else if (state[input] == 0) {
                    visit(input);
                }
            }
            trail.pop_back();
            state[name] = 2;
        };
        for (const auto& [name, _] : project.layers)
            if (state[name] == 0) visit(name);
    }
    for (const auto& [name, layer] : project.layers)
        for (const auto& check : layer.checks)
            if (!check.container.empty() && !project.layers.count(check.container)) {
                diagnostics.error(check.declared_at, fmt::format("check of layer '{}' names an unknown layer '{}'", name,
                                                                 check.container),
                                  suggest_name(check.container, names));
            }
    if (diagnostics.has_errors()) throw Error(diagnostics);
    return project;
}

}  // namespace cartelier::pipeline
