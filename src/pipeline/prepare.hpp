// Stage 2 of a map build, PREPARE: everything a render needs, loaded and checked — the style (read
// once, parsed once into an immutable Style), the layers it draws in the map's CRS and in each inset's,
// the icons it names, the fonts, the inputs and the date — with every problem reported here, before any
// drawing. `cartelier check` runs exactly this stage (pipeline/check.hpp), so what check accepts, build
// renders. See pipeline/pipeline.hpp for the stage order.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "layout/page_layout.hpp"
#include "pipeline/layer_store.hpp"
#include "pipeline/project.hpp"
#include "pipeline/state.hpp"
#include "render/icons.hpp"
#include "render/map_renderer.hpp"
#include "style/style.hpp"

namespace cartelier::pipeline {

/// What the prepare stage works with, shared by the maps of one command.
struct PrepareContext {
    const Project& project;
    LayerStore& layers;
    InputContext& inputs;
    render::IconCache& icons;                ///< each icon file read once per command
    std::optional<std::int64_t> date;        ///< fixed date of the outputs; nullopt: the newest input
};

/// A map ready to render: immutable once prepared, shared by the render tasks of its formats.
struct PreparedMap {
    const MapDecl* map = nullptr;
    std::shared_ptr<const style::Style> style;        ///< parsed from the bytes the state hashes (Style::source)
    /// The pdfx format's master (pipeline/pdfx.hpp): the same style with every page element's background
    /// opaque (PDF/X-3 has no transparency); null when the map has no pdfx format.
    std::shared_ptr<const style::Style> print_style;
    std::vector<std::string> source_layers;           ///< project layers the style draws, in first-use order
    std::vector<std::string> fonts;                   ///< font names the map uses
    std::vector<std::string> icons;                   ///< icon files that decide the names it draws
    /// The drawn layers per CRS: the map's and each inset's.
    std::map<std::string, std::unique_ptr<render::LayerSet>> layers;
    std::vector<InputRecord> inputs;
    std::int64_t date = 0;                            ///< the date the outputs carry
    layout::PageLayout page;                          ///< the map's page, credits filled in
    Diagnostics warnings;                             ///< what is worth telling but does not fail the map

    /// The layers in `crs` (the map's CRS, or an inset's).
    const render::LayerSet& layers_in(const std::string& crs) const;
};

/// Prepares `map`. Every problem of the map is collected — the style's, each layer's (a layer that
/// failed for an earlier map is named as such), the icons' — and thrown together as one Error; the
/// warnings are in the result (and the layer store's warnings(), for layers shared by several maps).
/// `previous`: the map's last recorded state, for content times. Throws Interrupted on a signal.
PreparedMap prepare_map(PrepareContext& ctx, const MapDecl& map, const MapState* previous = nullptr);

}  // namespace cartelier::pipeline
