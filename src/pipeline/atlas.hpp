// Atlas: a map drawn as a series of pages, one per feature of a coverage layer (`maps.ID.atlas` in the
// project file; QGIS's print-layout atlas). Each page is an ordinary map of the build — id `ID/PAGE`,
// outputs `out/ID/PAGE.pdf|png`, its own recorded state — so the plan, the incremental rebuild, the
// shards, the parallel queue and the report take pages as they take maps; the series PDF `out/ID.pdf`
// is assembled from the pages' PDFs (pipeline/pdf_assemble.hpp) once they are all up to date.
//
// A page differs from its atlas map by:
//   - its extent, from its feature's bounds in the page's CRS: grown by `margin_pct` each side; or centred
//     at a fixed `scale`; or at the first of `scales` (ascending) whose main frame holds the whole feature;
//   - its CRS, by the value of a field of its feature (`crs: {field, values}`), else the map's;
//   - its texts: title and subtitle are token strings of the feature (`"{nom} ({code})"`, `{$id}` the
//     feature id, `{$page}` / `{$pages}` its number and the count);
//   - its global state, what ["global-state", NAME] reads in the style: `atlas_id` (the feature id),
//     `atlas_page` (the page name), `atlas_index` (1-based), `atlas_count`, and `atlas_FIELD` for each
//     attribute of the feature — so a style fills the page's territory, greys the others and marks it on a
//     locator inset;
//   - one input of its own in its recorded state: the digest of its feature's id, attributes and geometry
//     (AtlasPageOf::feature_digest), so that editing a feature rebuilds its page.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "pipeline/plan.hpp"
#include "pipeline/project.hpp"
#include "pipeline/shard.hpp"

namespace cartelier::pipeline {

class LayerStore;

/// The pages of `atlas` (a map with an `atlas` block), in page order: the features of its coverage layer
/// that pass its filter, sorted by its `sort` fields then by feature id (numbers as numbers, text by
/// bytes; nulls last). The layer is loaded through `store` (once per build, from its prepared cache when
/// it is there). Throws Error: the layer cannot be loaded; a sort field or a token names a field the
/// layer does not have; a page name is empty, has a '/' or starts with '.'; two features give the same
/// page name (both named). No page (an empty layer, or a filter that keeps none): a warning in
/// `warnings`, and no page.
std::vector<MapDecl> atlas_pages(const MapDecl& atlas, LayerStore& store, Diagnostics& warnings);

/// The maps of a command with each atlas replaced by its pages.
struct AtlasSelection {
    std::vector<std::unique_ptr<MapDecl>> pages;    ///< the pages made (owned here)
    std::vector<const MapDecl*> maps;               ///< plain maps and pages, in project then page order
    /// Each atlas selected and its pages (all of them, whatever the shard), in project order.
    std::vector<std::pair<const MapDecl*, std::vector<const MapDecl*>>> series;
    /// The atlases of which only some pages were asked for (--map ATLAS/PAGE).
    std::vector<const MapDecl*> partial;
    /// The atlases whose pages could not be made, and why.
    std::vector<std::pair<const MapDecl*, Diagnostics>> failed;
    Diagnostics warnings;                           ///< atlases without a page
};

/// Replaces each atlas of `selected` by its pages (atlas_pages), then keeps the share `shard` of the maps
/// and pages (pipeline/shard.hpp deals pages as it deals maps). `requested` (--map): where it names pages
/// of an atlas (`ATLAS/PAGE`) and not the atlas itself, only those pages of it are kept, and the atlas is
/// in `partial` (its series is not assembled); a page it does not have makes the atlas fail, with the
/// nearest page names.
AtlasSelection expand_atlases(const std::vector<const MapDecl*>& selected, LayerStore& store,
                              const std::optional<Shard>& shard, const std::vector<std::string>& requested = {});

/// The maps a command is about (--map, then --shard over maps and pages), each atlas replaced by its
/// pages: select_maps, then expand_atlases — what build, check and list all take.
AtlasSelection select_with_pages(const Project& project, const BuildOptions& options, LayerStore& store);

/// The atlas a map id names a page of (`fiches/flash-metz` → `fiches`), or "" for a plain map (or the
/// atlas itself, whose series is reported under the atlas's own id).
std::string atlas_of_page(const std::string& map_id);

/// `text` with each `{field}` replaced by the feature's value (numbers without a useless ".0"; null: "")
/// and `{$id}`, `{$page}`, `{$pages}` by the page's; `{{` and `}}` are braces. `missing` receives the
/// fields named that `fields` does not hold.
std::string fill_page_tokens(const std::string& text, const std::vector<std::string>& fields,
                             const std::vector<std::string>& values, const std::string& id, std::size_t page,
                             std::size_t pages, std::vector<std::string>* missing = nullptr);

}  // namespace cartelier::pipeline
