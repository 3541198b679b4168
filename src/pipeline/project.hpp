// The project file (cartelier.yaml): layers, joins, checks, page defaults and maps, read once and
// validated before any data is touched (PDAL's "prepared" step): every unknown key, missing file or
// wrong type is reported with its line and column.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/geometry.hpp"
#include "data/join.hpp"
#include "data/layer_reader.hpp"
#include "layout/page_layout.hpp"
#include "render/page_surface.hpp"

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

struct LayerDecl {
    data::LayerSpec spec;           ///< path made absolute against the project folder
    std::string attribution;        ///< credits text when the source does not say its edition
    SourceLocation attribution_at;  ///< where `attribution` is written (the layer's node when it is not)
    std::vector<JoinDecl> joins;
    std::vector<WithinCheck> checks;
    std::optional<GeocodeDecl> geocode;
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

struct MapDecl {
    std::string id;
    std::string style;              ///< absolute path
    std::string crs = "EPSG:2154";
    Box extent;                     ///< in `crs`
    double dpi = 300;
    std::vector<Format> formats{Format::Pdf, Format::Png};
    /// `georeference: false` turns off the georeference of the outputs: the files written beside the PNG
    /// and the one inside the TIF, a plain TIFF then (pipeline/georeference.hpp), and the viewports of the
    /// PDF (pipeline/pdf_georeference.hpp); on by default.
    bool georeference = true;
    std::optional<PrintDecl> print; ///< required by the pdfx format
    SourceLocation formats_at;      ///< where `formats` is written (the map's node when it is not)
    layout::PageLayout page;
    std::string credits_template;   ///< with {sources}, {producer}, {date}
    SourceLocation declared_at;
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
};

/// Reads and validates the project file; throws Error with every problem found.
Project load_project(const std::string& path);

}  // namespace cartelier::pipeline
