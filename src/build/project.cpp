#include "build/project.hpp"

#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "core/document.hpp"

namespace cartelier::build {

namespace fs = std::filesystem;

const MapDecl* Project::find_map(const std::string& id) const {
    auto it = std::find_if(maps.begin(), maps.end(), [&](const MapDecl& m) { return m.id == id; });
    return it == maps.end() ? nullptr : &*it;
}

namespace {

const std::vector<std::string> kRootKeys = {"version", "producer", "layers", "defaults", "maps"};
const std::vector<std::string> kLayerKeys = {"source", "layer", "crs", "id", "x", "y", "attribution", "joins", "checks",
                                             "geocode"};
const std::vector<std::string> kJoinKeys = {"table", "on", "key", "fields", "required", "ignore_case", "normalise"};
const std::vector<std::string> kGeocodeKeys = {"layer", "code", "match", "tolerance_m", "normalise"};
const std::vector<std::string> kCheckKeys = {"within", "codes", "match", "separator", "tolerance_m"};
const std::vector<std::string> kMapKeys = {"title",     "subtitle", "style",   "crs",
                                           "extent",    "paper",    "orientation", "margin_mm",
                                           "dpi",       "formats",  "legend_position", "scale_bar",
                                           "credits",   "font",     "legend_title"};

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
            auto near = nearest_name(key, allowed);
            d_.error(at(it->first, doc::key(path, key)), fmt::format("unknown key '{}'", key),
                     near.empty() ? fmt::format("expected one of: {}", fmt::join(allowed, ", "))
                                  : fmt::format("did you mean '{}'?", near));
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
        if (must_exist && !fs::exists(p))
            d_.error(at(obj[key], doc::key(path, key)), fmt::format("file not found: {}", *v), hint);
        return p.lexically_normal().string();
    }

    Diagnostics& diagnostics() { return d_; }
    const std::string& file() const { return file_; }

private:
    std::string file_;
    Diagnostics& d_;
};

JoinDecl read_join(Reader& r, const fs::path& root, const YAML::Node& n, const std::string& path) {
    JoinDecl j;
    if (!r.expect_object(n, path)) return j;
    r.check_keys(n, path, kJoinKeys);
    j.table = r.path_value(root, n, "table", path, true);
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
    c.declared_at = r.at(n, path);
    return c;
}

LayerDecl read_layer(Reader& r, const fs::path& root, const std::string& name, const YAML::Node& n,
                     const std::string& path) {
    LayerDecl l;
    l.spec.name = name;
    l.spec.declared_at = r.at(n, path);
    if (!r.expect_object(n, path)) return l;
    r.check_keys(n, path, kLayerKeys);
    l.spec.path = r.path_value(root, n, "source", path, false);
    l.spec.ogr_layer = r.text(n, "layer", path, false).value_or("");
    l.spec.crs = r.text(n, "crs", path, false).value_or("");
    l.spec.id_field = r.text(n, "id", path, false).value_or("");
    l.spec.x_field = r.text(n, "x", path, false).value_or("");
    l.spec.y_field = r.text(n, "y", path, false).value_or("");
    if (l.spec.x_field.empty() != l.spec.y_field.empty())
        r.diagnostics().error(r.at(n, path), "a point table needs both 'x' and 'y' columns");
    l.attribution = r.text(n, "attribution", path, false).value_or("");
    if (YAML::Node joins = n["joins"]; joins.IsDefined()) {
        if (!joins.IsSequence())
            r.diagnostics().error(r.at(joins, doc::key(path, "joins")),
                                  fmt::format("expected a list of joins, found {}", doc::describe(joins)));
        else
            for (std::size_t i = 0; i < joins.size(); ++i)
                l.joins.push_back(read_join(r, root, joins[i], doc::index(doc::key(path, "joins"), i)));
    }
    if (YAML::Node checks = n["checks"]; checks.IsDefined()) {
        if (!checks.IsSequence())
            r.diagnostics().error(r.at(checks, doc::key(path, "checks")),
                                  fmt::format("expected a list of checks, found {}", doc::describe(checks)));
        else
            for (std::size_t i = 0; i < checks.size(); ++i)
                l.checks.push_back(read_check(r, checks[i], doc::index(doc::key(path, "checks"), i)));
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

/// Applies the keys present in `n` (defaults or one map) over `m`.
void apply_map_keys(Reader& r, const fs::path& root, const YAML::Node& n, const std::string& path, MapDecl& m) {
    r.check_keys(n, path, kMapKeys);
    if (auto v = r.text(n, "title", path, false)) m.page.title = *v;
    if (auto v = r.text(n, "subtitle", path, false)) m.page.subtitle = *v;
    if (n["style"].IsDefined()) m.style = r.path_value(root, n, "style", path, true);
    if (auto v = r.text(n, "crs", path, false)) m.crs = *v;
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
    }
    std::string paper = r.text(n, "paper", path, false).value_or("");
    std::string orientation = r.text(n, "orientation", path, false).value_or("");
    if (!orientation.empty() && orientation != "landscape" && orientation != "portrait")
        r.diagnostics().error(r.at(n["orientation"], doc::key(path, "orientation")),
                              fmt::format("expected landscape or portrait, found '{}'", orientation));
    if (!paper.empty()) {
        if (auto p = layout::Paper::named(paper, orientation.empty() ? "landscape" : orientation))
            m.page.paper = *p;
        else
            r.diagnostics().error(r.at(n["paper"], doc::key(path, "paper")),
                                  fmt::format("unknown paper size '{}': expected A5, A4, A3, A2 or letter", paper));
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
    }
    if (n["formats"].IsDefined()) {
        m.formats.clear();
        for (const auto& f : r.strings(n, "formats", path)) {
            if (f == "pdf") m.formats.push_back(Format::Pdf);
            else if (f == "png") m.formats.push_back(Format::Png);
            else if (f == "svg") m.formats.push_back(Format::Svg);
            else
                r.diagnostics().error(r.at(n["formats"], doc::key(path, "formats")),
                                      fmt::format("unknown format '{}': expected pdf, png or svg", f));
        }
    }
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
    if (auto v = r.text(n, "font", path, false)) m.page.font = *v;
    if (auto v = r.text(n, "legend_title", path, false)) m.page.legend_title = *v;
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

    if (YAML::Node layers = root["layers"]; !layers.IsDefined()) {
        diagnostics.error(r.at(root, ""), "missing key 'layers'");
    } else if (r.expect_object(layers, "layers")) {
        for (auto it = layers.begin(); it != layers.end(); ++it) {
            std::string name = it->first.Scalar();
            project.layers.emplace(name, read_layer(r, project.root, name, it->second, doc::key("layers", name)));
        }
    }

    MapDecl defaults;
    defaults.credits_template = "Sources : {sources}. Réalisation : {producer}, {date}.";
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
            if (m.extent.empty())
                diagnostics.error(m.declared_at, fmt::format("map '{}' has no 'extent' (in its own map or in defaults)", m.id));
            project.maps.push_back(std::move(m));
        }
    }
    // Cross-references: checks and geocodes name existing layers.
    for (const auto& [name, layer] : project.layers)
        if (layer.geocode && !layer.geocode->layer.empty() && !project.layers.count(layer.geocode->layer)) {
            std::vector<std::string> names;
            for (const auto& [n, _] : project.layers) names.push_back(n);
            auto near = nearest_name(layer.geocode->layer, names);
            diagnostics.error(layer.geocode->declared_at,
                              fmt::format("geocode of layer '{}' names an unknown layer '{}'", name, layer.geocode->layer),
                              near.empty() ? "" : fmt::format("did you mean '{}'?", near));
        } else if (layer.geocode && project.layers.count(layer.geocode->layer) &&
                   project.layers.at(layer.geocode->layer).geocode) {
            diagnostics.error(layer.geocode->declared_at,
                              fmt::format("layer '{}' is geocoded against layer '{}', which is itself geocoded: "
                                          "expected a layer of areas (polygons)",
                                          name, layer.geocode->layer));
        }
    for (const auto& [name, layer] : project.layers)
        for (const auto& check : layer.checks)
            if (!check.container.empty() && !project.layers.count(check.container)) {
                std::vector<std::string> names;
                for (const auto& [n, _] : project.layers) names.push_back(n);
                auto near = nearest_name(check.container, names);
                diagnostics.error(check.declared_at, fmt::format("check of layer '{}' names an unknown layer '{}'", name,
                                                                 check.container),
                                  near.empty() ? "" : fmt::format("did you mean '{}'?", near));
            }
    if (diagnostics.has_errors()) throw Error(diagnostics);
    return project;
}

}  // namespace cartelier::build
