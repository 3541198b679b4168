// The project file (cartelier.yaml): layers, joins, checks, page defaults and maps, read once and
// validated before any data is touched (PDAL's "prepared" step): every unknown key, missing file or
// wrong type is reported with its line and column.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/geometry.hpp"
#include "data/join.hpp"
#include "data/layer_reader.hpp"
#include "geo/dissolve.hpp"
#include "layout/page_layout.hpp"
#include "render/page_surface.hpp"
#include "style/expression/expression.hpp"


namespace cartelier::pipeline {

struct JoinDecl {
    std::string table;       ///< CSV file (project-relative)
    data::JoinSpec spec;
};

/// "every feature of the layer lies in the container feature(s) its field names".
struct WithinCheck {
    std::string container;   ///< project layer name
    std::string codes_field; ///< field of the checked layer listing container ids
    std::string match_field; ///< field of the container layer holding the id
    std::string separator = ";";
    double tolerance_m = 0;  ///< allowed distance outside, in metres
    bool missing_is_warning = false;  ///< `missing: warning`: a code no container has is a warning
    SourceLocation declared_at;
};

/// `geocode: {layer: communes, code: insee, match: code, tolerance_m: 0, normalise: insee}`: rows without
/// coordinates are placed at the point on the surface of their area; rows with both are checked.
struct GeocodeDecl {
    std::string layer;       ///< project layer of areas (polygons)
    std::string code_field;  ///< field of this layer giving the area code
    std::string match_field; ///< field of the area layer holding the code
    double tolerance_m = 0;  ///< allowed distance outside the area, in metres
    bool insee = false;      ///< `normalise: insee`
    SourceLocation declared_at;
};

/// One processing step of a derived layer (`steps:` in the project file), validated when the project is
/// read (PDAL's model: options checked before any I/O). pipeline/steps.hpp runs them.
struct StepDecl {
    enum class Kind { Filter, Join, Dissolve, PointOnSurface, Centroid, Clip, Buffer };
    Kind kind = Kind::Filter;
    std::string name;               ///< the step's key ("dissolve")
    std::string path;               ///< its document path, "layers.epci.steps[2].dissolve" (messages)
    SourceLocation declared_at;
    std::shared_ptr<const style::expr::Expression> filter;  ///< filter: a MapLibre filter, compiled
    JoinDecl join;                  ///< join: as a layer's joins (plus `unmatched`)
    geo::DissolveSpec dissolve;     ///< dissolve: by, fields
    std::string clip_layer;         ///< clip: {layer: NAME} (its polygons' union, in the steps' CRS)
    std::optional<Box> clip_extent; ///< clip: {extent: [minx, miny, maxx, maxy], crs: …}
    std::string clip_extent_crs;    ///< the extent's CRS (empty: the steps' CRS)
    double buffer_distance_m = 0;   ///< buffer: {distance_m: …, segments: …}
    int buffer_segments = 8;        ///< segments per quarter circle
};

struct LayerDecl {
    /// Read layers: the file or database (path made absolute against the project folder). Derived
    /// layers: `spec.name`, `spec.crs` (the CRS their steps run in; empty: the input's), `spec.id_field`
    /// unused, no path.
    data::LayerSpec spec;
    std::string attribution;        ///< credits text when the source does not say its edition
    SourceLocation attribution_at;  ///< where `attribution` is written (the layer's node when it is not)
    std::vector<JoinDecl> joins;
    std::vector<WithinCheck> checks;
    std::optional<GeocodeDecl> geocode;
    /// A derived layer (`from: communes` and `steps:`): computed from the project layer `from` (as read
    /// and joined, or itself derived) by `steps`, in order; empty for a layer read from its source.
    std::string from;
    SourceLocation from_at;
    std::vector<StepDecl> steps;
    /// `optional: true`: when a file the layer needs (its source, a join table, a step's table) is
    /// missing, the layer is empty with a warning saying which file, instead of an error.
    bool optional = false;
    /// The layer's declaration as canonical JSON text (the prepared cache of derived layers keys on it).
    std::string canonical;
    bool derived() const { return !from.empty(); }
};

/// An output format of a map: the renderer's (PDF, PNG, SVG), one enum for the whole program.
using Format = render::OutputFormat;

/// `print: {profile, condition, bleed_mm, crop_marks}`: how the print PDF (`formats: [pdfx]`,
/// pipeline/pdfx.hpp) is made. Checked when the project is read: the profile exists and is a CMYK
/// output (printer) ICC profile.
struct PrintDecl {
    std::string profile;            ///< the printer's ICC profile (absolute path)
    std::string condition;          ///< the output condition identifier (FOGRA39, CGATS TR 001…)
    double bleed_mm = 0;            ///< the bleed around the trimmed page
    bool crop_marks = false;        ///< crop marks outside the bleed
    SourceLocation declared_at;     ///< the `print` node
};

/// `atlas: {layer, filter, sort, page_name, extent, crs}`: the map is a series of pages, one per feature of
/// the coverage layer `layer` (pipeline/atlas.hpp makes them). Checked when the project is read: the
/// keys, the filter compiled, one extent mode; the layer and the fields when its data is read.
struct AtlasDecl {
    std::string layer;              ///< the coverage layer (any project layer, derived ones included)
    SourceLocation layer_at;
    std::shared_ptr<const style::expr::Expression> filter;  ///< a MapLibre filter on its features; null: all
    SourceLocation filter_at;
    std::vector<std::string> sort;  ///< fields, in order of precedence; then the feature id
    /// Per field of `sort`: its values in descending order (`{field: F, order: descending}`), nulls still last.
    std::vector<bool> sort_descending;
    SourceLocation sort_at;
    std::string page_name = "{$id}";  ///< token string: `{field}`, `{$id}` (the feature id)
    SourceLocation page_name_at;
    enum class Extent { Margin, Scale, BestScale };
    Extent extent = Extent::Margin;
    double margin_pct = 10;         ///< Margin: the feature's bounds grown by this share of their size, each side
    std::vector<double> scales;     ///< Scale: one; BestScale: ascending, the first whose page shows the feature
    SourceLocation extent_at;       ///< the `extent` node (the atlas node when absent)
    /// A page's CRS by the value of a field of its feature (`crs: {field: code, values: {"971": EPSG:5490}}`);
    /// other values, or no rule: the map's CRS.
    std::string crs_field;
    SourceLocation crs_field_at;    ///< the rule's `field` (empty without a rule)
    std::map<std::string, std::string> crs_values;
    SourceLocation declared_at;
};

/// A page of an atlas (pipeline/atlas.hpp): a map whose id is `ATLAS/PAGE_NAME`.
struct AtlasPageOf {
    std::string atlas;              ///< the atlas map's id
    std::string layer;              ///< its coverage layer
    std::string name;               ///< the page name (its file name in out/ATLAS/)
    std::size_t index = 0;          ///< 0-based, in page order
    std::size_t count = 0;          ///< pages in the series
    std::string feature_id;         ///< the coverage feature
    std::string feature_digest;     ///< its attributes and geometry, hashed: the page's own input
    /// Its texts, CRS, extent, scale and place in the series (index and count: `{$page} sur {$pages}`),
    /// hashed: a page whose number changes when a feature is added before it is drawn again.
    std::string page_digest;
    /// What the page draws of each layer, frame by frame: ("LAYER", "FRAME" — "" for the main map, else the
    /// inset's name —, the digest of the layer's features whose bounds reach into the frame's extent, in
    /// the frame's CRS). The page's state records these instead of the data files (a change elsewhere in a
    /// file does not rebuild it); empty when they could not be computed (then the files are recorded).
    std::vector<std::tuple<std::string, std::string, std::string>> drawn;
    /// The copies of layers the page draws, (LAYER, CRS), in the order it draws them: loaded ahead for
    /// the pages a build draws again (LayerStore::draw_ahead). Empty when `drawn` could not be computed.
    std::vector<std::pair<std::string, std::string>> copies;
    /// What the expansion found wrong with this page that still draws it (its feature cut at the frame
    /// by an extent's list of scales): the page's own warnings, added by its prepare stage (so in its
    /// report entry, and errors under strict mode).
    Diagnostics warnings;
};

struct MapDecl {
    std::string id;
    std::string style;              ///< absolute path
    std::string crs = "EPSG:2154";
    Box extent;                     ///< in `crs` (converted from `extent_crs` when the project is read)
    /// The CRS `extent` is written in (empty: `crs`); the project reader converts the extent to `crs`.
    std::string extent_crs;
    SourceLocation extent_at;       ///< where `extent` is written (empty when it is not)
    double dpi = 300;
    std::vector<Format> formats{Format::Pdf, Format::Png};
    /// `georeference: false` turns off the georeference of the outputs: the files written beside the PNG
    /// and the one inside the TIF, a plain TIFF then (pipeline/georeference.hpp), and the viewports of the
    /// PDF (pipeline/pdf_georeference.hpp); on by default.
    bool georeference = true;
    std::optional<PrintDecl> print; ///< required by the pdfx format
    SourceLocation formats_at;      ///< where `formats` is written (the map's node when it is not)
    SourceLocation dpi_at;          ///< where `dpi` is written (empty when it is not)
    SourceLocation font_at;         ///< where `font` (the page's texts) is written (empty when it is not)
    layout::PageLayout page;
    std::string credits_template;   ///< with {sources}, {producer}, {date}
    SourceLocation declared_at;
    std::optional<AtlasDecl> atlas; ///< a series of pages (the map itself is never drawn)
    std::optional<AtlasPageOf> page_of;  ///< one page of an atlas
    /// What ["global-state", name] reads when the map is drawn (an atlas page: its feature's).
    style::expr::Object global_state;
};

struct Project {
    std::string file;               ///< as given
    std::filesystem::path root;     ///< folder of the project file
    std::string producer;
    /// `strict: true` (for nightly builds): every warning of a map is an error (as `--strict`).
    bool strict = false;
    SourceLocation strict_at;       ///< where `strict` is written
    std::map<std::string, LayerDecl> layers;
    std::vector<MapDecl> maps;      ///< in file order

    const MapDecl* find_map(const std::string& id) const;
    /// The layers `name` is computed from or needs to be made: its `from`, the layers its steps clip to,
    /// its geocode's layer (not its checks' containers: a check does not change the layer). Direct only.
    std::vector<std::string> inputs_of(const std::string& name) const;
    /// The layers derived layer `name` is computed from, transitively through the derived ones (each
    /// once, nearest first); empty for a layer read from its source.
    std::vector<std::string> computed_from(const std::string& name) const;
};

/// Reads and validates the project file; throws Error with every problem found.
Project load_project(const std::string& path);

}  // namespace cartelier::pipeline
