// Insets: one general mechanism for every secondary map frame on the page. An inset is any extent,
// in any CRS, at a fixed scale or fitted to its frame, drawn in a frame with its name and its own scale
// bar, with the same style and the same project layers as the main map. The overseas départements are
// a preset (a column beside the metropole); an Île-de-France zoom box is another (a box in a corner of
// the main frame, at about four times the main scale).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/geometry.hpp"
#include "layout/view.hpp"

namespace cartelier::layout {

struct InsetSpec {
    std::string name;          ///< shown in the frame ("Guadeloupe")
    std::string crs;           ///< the inset's map CRS ("EPSG:5490")
    Box extent;                ///< area to show, in `extent_crs`
    std::string extent_crs;    ///< empty: the inset's `crs`
    std::optional<double> scale;    ///< fixed 1:N at the inset centre; nullopt: fit the extent to the frame
    std::optional<double> magnify;  ///< fixed scale as a multiple of the main map's (4 → four times larger)
    /// Empty: in the inset band (column or row beside the main frame). Otherwise a corner of the main
    /// frame ("top-left", "top-right", "bottom-left", "bottom-right"), with `size_mm`.
    std::string position;
    double width_mm = 0;       ///< for a positioned inset (0: 55 mm)
    double height_mm = 0;      ///< for a positioned inset (0: 45 mm)
    bool outline_on_main = false;  ///< draw the inset's extent as a box on the main map (zoom boxes)
    /// The zoom box and the inset's name carry a letter (A, B, … in the order of the lettered insets
    /// whose box is drawn): letters, so that they are never taken for the numbers of numbered labels.
    bool lettered = false;
};

/// How the band of insets sits beside the main frame.
struct InsetBand {
    std::string side = "left";  ///< left or right (a column), top or bottom (a row)
    double size_mm = 40;        ///< column width or row height
    double gap_mm = 3;          ///< between frames
};

/// Guadeloupe (971, EPSG:5490), Martinique (972, EPSG:5490), Guyane (973, EPSG:2972),
/// La Réunion (974, EPSG:2975), Mayotte (976, EPSG:4471), in that order, each fitted to its frame.
std::vector<InsetSpec> overseas_insets();
/// Paris and the petite couronne (75, 92, 93, 94) in Lambert-93, four times the main scale,
/// in the top-left corner of the main frame, its extent outlined on the main map.
InsetSpec ile_de_france_inset();
/// A preset by name ("overseas", "ile-de-france"); empty if unknown.
std::vector<InsetSpec> inset_preset(const std::string& name);
/// Names accepted by inset_preset, for messages.
const std::vector<std::string>& inset_preset_names();

/// The frames on the page: `area` is split into the main frame and the band (for band insets), and
/// positioned insets take their corner of the main frame. Result: main frame, then one frame per inset.
struct InsetFrames {
    Rect main;
    std::vector<Rect> insets;
};
InsetFrames arrange_insets(const Rect& area, const std::vector<InsetSpec>& insets, const InsetBand& band);

/// The extent in the inset's CRS (the declared extent reprojected when given in another CRS: its
/// boundary densified, then bounded).
Box inset_extent(const InsetSpec& inset);

}  // namespace cartelier::layout
