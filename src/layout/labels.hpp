// Label placement, separate from drawing (as MapLibre keeps its collision index apart): candidate
// positions around each point in a cartographic order of preference, a collision index over every
// label, leader, symbol and page element, and a displaced position with a leader line when no direct
// candidate is free.
//
// Each free candidate gets a cost: its rank in the order of preference, plus a penalty when the text
// sits as close to (or closer to) another site's symbol than to its own — a reader would attach it to
// the wrong point — a smaller one for crowding (hiding the surroundings of) other symbols, and one for
// the drawn lines it hides (borders, coasts, the edges of coloured areas: layout/drawn_lines.hpp), at
// most three ranks, so that a name moves off a border to a nearby free position but is never displaced
// for it. The cheapest free candidate wins; displaced positions cost more than any unambiguous direct
// one, but less than an ambiguous one.
//
// Displaced positions are searched in growing rings around the point (as QGIS PAL's and Mapnik's
// placement searches do): sixteen directions per ring, each ring further by about half a text height,
// up to PlacementSettings::max_displacement_pt from the point (the distance from the point to the
// nearest point of the text). A displaced label stays on its own side: its leader points into the
// half-plane facing away from the neighbouring symbols (weighted by nearness; its text is then on that
// side of the point, or centred on the dividing line), so that a site south-east of a cluster keeps
// its label south-east; it costs more the further it is and the more it turns from straight away. Its leader
// runs from the edge of its own symbol to the nearest point of the text and never crosses (nor
// touches) another label, another leader, another symbol or a page element.
//
// When no position exists, the label is Unplaced (reported by the build), or — when the settings ask
// for it (style metadata "cartelier:labels": {"overflow": "number"}) — Numbered: its point gets a
// number beside the symbol (on it when nothing beside is free and unambiguous) and its text goes to a
// numbered list (plan_numbered_list); when even the number finds no place, the label is Unplaced. A label is never dropped
// silently and never given a misleading leader.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "layout/collision_index.hpp"
#include "layout/drawn_lines.hpp"
#include "layout/text_style.hpp"
#include "layout/view.hpp"

namespace cartelier::layout {

/// A point symbol as drawn (an obstacle for labels): a circle, or an icon's box.
struct DrawnSymbol {
    Point centre;       ///< the point symbolised
    double radius = 0;  ///< circles: outer radius, stroke included
    std::string feature_id;
    std::optional<Rect> box;  ///< icons: the box the icon covers (radius 0)
};

struct LabelRequest {
    std::string text;        ///< plain: what messages, reports and numbered lists show
    /// What is shaped and drawn: `text`, or its Pango markup when the style formats it in sections
    /// (then style.markup is set).
    std::string markup;
    const std::string& shaped() const { return markup.empty() ? text : markup; }
    TextStyle style;
    Point anchor;            ///< the labelled point on the page
    double clearance_pt = 0; ///< gap between the point and the text (symbol radius + offset)
    std::string preferred;   ///< MapLibre text-anchor the style asks for first ("bottom-left" = right-above)
    /// The style's text-variable-anchor: the only direct positions tried, in this order (`preferred` is
    /// then not used). Empty: `preferred`, then every position of candidate_order.
    std::vector<std::string> anchors;
    std::string layer_id;
    std::string feature_id;
    /// The box of the feature's own icon, when it has one: candidates sit around the box, at
    /// `clearance_pt` from its edges, rather than around the point.
    std::optional<Rect> symbol_box;
    /// The style layer's symbol-sort-key for the feature, when the layer has one: among the labels of
    /// one layer, a lower key is placed first (place_labels).
    std::optional<double> sort_key;
};

enum class LabelStatus { Placed, Displaced, Numbered, Unplaced };
/// "placed", "displaced", "numbered", "unplaced".
const char* status_name(LabelStatus s);

/// How far placement may go (from the style's metadata "cartelier:labels", README "Labels").
struct PlacementSettings {
    /// The furthest a displaced label's text may be from its point, in points (default 10 mm).
    double max_displacement_pt = 10 * 72.0 / 25.4;
    /// A label with no position gets a number and a row in a numbered list instead of being unplaced.
    bool number_unplaced = false;
    /// The lines the frame's map drew, which candidates are scored by (null: none counted). Not a
    /// style setting: the page plan sets it per frame.
    const DrawnLines* drawn_lines = nullptr;
};

struct PlacedLabel {
    LabelRequest request;
    LabelStatus status = LabelStatus::Unplaced;
    Rect box;                 ///< text box on the page (with its halo)
    std::string position;     ///< the text-anchor used ("bottom-left", …)
    double cost = 0;          ///< of the chosen candidate
    std::optional<std::pair<Point, Point>> leader;  ///< for displaced labels: from the symbol's edge to the text
    double displacement_pt = 0;  ///< displaced labels: distance from the point to the nearest point of the text
    /// Numbered labels: the number (1, 2, … in reading order of the points, top to bottom) and its text
    /// beside the symbol, centred in `box` (an obstacle in the index like a label).
    int number = 0;
    std::optional<PlacedText> number_text;
};

/// The numbered list of one frame: "1  Fontenay-sous-Bois", one row per Numbered label in number order,
/// in a white box inside the frame (or, for an inset, beside it on the main map) where it covers no
/// symbol, label or page element (place_numbered_list).
struct NumberedList {
    Rect box;
    std::vector<PlacedText> rows;
};

/// What the build reports of a page's placement (and the tests assert).
struct LabelQuality {
    std::size_t placed = 0, displaced = 0, numbered = 0, unplaced = 0;
    /// Leaders crossing or touching anything but their own symbol and text (labels, other leaders,
    /// symbols, page elements); each pair of leaders counts once. Must be 0.
    std::size_t leader_crossings = 0;
    /// Label texts (placed or displaced) overlapping any symbol, their own included. Must be 0.
    std::size_t symbol_overlaps = 0;
    /// Mean and largest distance from a displaced label's point to its text, in mm (0 without any).
    double mean_displacement_mm = 0, max_displacement_mm = 0;
    /// The drawn lines (borders, coasts, edges of coloured areas) under the label texts: their length
    /// × width, in mm² (DrawnLines' weighted length); set by the page plan, which knows each frame's
    /// lines.
    double lines_hidden_mm2 = 0;
};

/// The positions in order of preference: right-above, right-below, left-above, left-below, right,
/// left, above, below — as text-anchor names of the text box ("bottom-left" puts the text right-above) —
/// then below and above slid along the point ("top:0.15": below, 15 % of the text left of the point).
const std::vector<std::string>& candidate_order();

/// The direct positions a label tries, in order: its variable anchors when it has any, else its
/// preferred anchor and then the rest of candidate_order.
std::vector<std::string> direct_anchors(const LabelRequest& request);

/// The text box for a text-anchor at `gap` from the point (diagonals at 45°).
Rect candidate_box(const std::string& anchor, Point p, double gap, double w, double h);
/// The same around a symbol's box (an icon): `gap` from its edges, diagonals from its corners; a box
/// of no size at `p` gives candidate_box's result.
Rect candidate_box_around(const std::string& anchor, Point p, const Rect& symbol, double gap, double w, double h);

/// Cost of a free candidate box for a label of the feature at `anchor`: `rank` plus the proximity
/// penalties against the other features' symbols in `index` and the penalty for the `lines` it hides
/// (see the file comment). The text is ambiguous when another symbol is as near to it as
/// `own_distance` (default: the box's distance to `anchor`; displaced labels pass their direct
/// clearance, their leader line ties them to the point).
double candidate_cost(const Rect& box, Point anchor, const std::string& feature_id, double rank,
                      const CollisionIndex& index, double own_distance = -1, const DrawnLines* lines = nullptr);

/// Places every label inside `bounds`, taking space in `index` (texts and number marks as Label
/// entries, leaders as Leader entries); the most crowded points choose first, except that the labels of
/// a layer with a symbol-sort-key take their layer's turns in ascending key (ties: the most crowded first). Text is sized by
/// `measure`. The result is in the order of `requests`. Each label looks only at the index entries near
/// its candidates, so the work grows about linearly with the number of labels. Deterministic.
///
/// Numbering (settings.number_unplaced): a label with no position is Numbered when its number mark
/// (a fifth smaller than the text, sized for the largest number) finds a free, unambiguous direct
/// position beside its symbol, or else room centred on the symbol (over nothing but symbols) — else
/// Unplaced; the mark takes its place in the index at once. Requests flagged in `numbered_before` (a
/// previous placement numbered them) are numbered first, before any label, so that no leader crosses
/// their marks. Numbers follow the points' reading order (top to bottom, then left to right) from
/// `first_number` (a page numbers its frames in turn); a Numbered label's `box` is its mark's box.
std::vector<PlacedLabel> place_labels(const TextMeasurer& measure, const std::vector<LabelRequest>& requests,
                                      CollisionIndex& index, const Rect& bounds,
                                      const PlacementSettings& settings = {},
                                      const std::vector<bool>& numbered_before = {}, int first_number = 1);

/// The size of a numbered list of `rows` rows of the longest of `labels`' texts (at the origin), each
/// row's number as wide as the last one's (`first_number` + `rows` - 1: numbers run on from frame to
/// frame), for reserving its place before the labels are placed. `rows` 0: an empty box.
Rect numbered_list_size(const TextMeasurer& measure, const std::vector<PlacedLabel>& labels, std::size_t rows,
                        int first_number = 1);
/// Where a list box of `size` goes for the frame `bounds`: the first of the corners inside it
/// (bottom-right, bottom-left, top-right, top-left, 4 pt in), then points along its edges, then — when
/// `outside` is given (an inset's list may go on the main map) — boxes beside the frame lying in
/// `outside`, that overlaps nothing in `index`; else the one overlapping the fewest entries, a page
/// element counting more than any number of symbols and labels. Deterministic.
Rect place_numbered_list(const Rect& size, const Rect& bounds, const CollisionIndex& index,
                         const std::optional<Rect>& outside = std::nullopt);
/// The list of the Numbered labels among `labels`, in number order, laid out from the top-left of `at`
/// (none: no Numbered label).
std::optional<NumberedList> plan_numbered_list(const TextMeasurer& measure, const std::vector<PlacedLabel>& labels,
                                               const Rect& at);

/// The quality of a placement (labels of every frame) against the index it was made in.
LabelQuality measure_quality(const std::vector<PlacedLabel>& labels, const CollisionIndex& index);

}  // namespace cartelier::layout
