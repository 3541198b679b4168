// Where page furniture goes: every decoration (legend, scale bar, north arrow, logo in a corner, an
// inset's name and scale bar) has candidate positions in its frame — the four corners, then the middle
// of each edge — and takes the one that hides the least of the land drawn in that frame
// (layout/land.hpp), and no symbol and no decoration placed before it.
//
// The rule, which README "Page furniture" states for users:
//   1. a candidate is free when it hides no land, no point symbol, no decoration already placed and
//      no inset frame lying over the frame;
//   2. the preferred position (the one the project names, or the default) is kept when it is free;
//   3. else the first free candidate in the fixed order: the preferred position, then bottom-left,
//      bottom-right, top-left, top-right, bottom, top, left, right;
//   4. else, among the candidates that take no symbol, decoration or inset frame (if every candidate
//      takes one: among all), the first in that order hiding at most `slack` times the least land any
//      of them hides: slack 1 is the least land (ties: the order); the main map's furniture uses 2, so
//      that a corner is not given up for a little less land on a map that is land all over.
// Outside the frame: the main map's decorations may also go in a band of the page that has room for
// them (the title band right of the title, the credits band right of the credits: a `FurnitureBand`).
// A band position comes after the frame's own positions of the same size, and hides no land: on a map
// that is land all over, the scale bar leaves the frame for the title band rather than hide land.
// So a named corner is honoured unless it hides something and a free position exists. An inset's name
// and scale bar are chosen as a pair (plan_page): the pair hiding the least land, free pairs first,
// ties in the name's order. Deterministic: the same frame, land and obstacles give the same choice.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "layout/collision_index.hpp"
#include "layout/land.hpp"
#include "layout/view.hpp"

namespace cartelier::layout {

/// The candidate positions, in the order of rule 3 with `preferred` first (a position not in the list,
/// such as "title-right", is not a candidate of the frame).
std::vector<std::string> furniture_positions(const std::string& preferred, bool corners_only = false);

/// A box of size (w, h) at `position` of `frame` ("top-left"… corners, "top", "bottom", "left",
/// "right": the middle of that edge), `inset` points in from its edges.
Rect furniture_box(const Rect& frame, const std::string& position, double w, double h, double inset);

/// Free room of the page outside a frame (a band above or below it) where a decoration may go.
struct FurnitureBand {
    std::string name;  ///< the position's name in the choice and the report: "title band", "credits band"
    Rect room;         ///< a decoration goes at its right end, centred in its height, when it fits
};

/// One decoration placed.
struct FurnitureChoice {
    std::string owner;      ///< "legend", "scale bar", "north arrow", "logo", "inset name Guadeloupe"…
    std::size_t frame = 0;  ///< into PagePlan::frames
    std::string preferred;  ///< the position asked for
    std::string position;   ///< the position taken (a corner or edge of the frame, or a band's name)
    Rect box;
    double land_pt2 = 0;    ///< area of land it hides (pt²)
    bool obstructed = false;  ///< takes (part of) a symbol, a decoration placed before or an inset frame
    bool free = false;        ///< hides no land and is not obstructed
    std::size_t variant = 0;  ///< which of the sizes offered was taken (0: the first)
};

/// One candidate judged: the box at `position` with the land it hides and whether it is free (rule 1).
FurnitureChoice judge_furniture(std::string owner, std::size_t frame_index, const Rect& frame,
                                const std::string& position, double w, double h, double inset, const LandCover& land,
                                const CollisionIndex& taken, const std::vector<Rect>& blocked);

/// Chooses, by the rule above, among the positions of furniture_positions(preferred, corners_only) for
/// a box of size (w, h) `inset` points inside `frame`: `taken` holds the symbols and the decorations
/// placed so far, `blocked` the inset frames lying over this frame.
FurnitureChoice choose_furniture(std::string owner, std::size_t frame_index, const Rect& frame,
                                 const std::string& preferred, double w, double h, double inset, const LandCover& land,
                                 const CollisionIndex& taken, const std::vector<Rect>& blocked,
                                 bool corners_only = false, double slack = 1);
/// The same with several sizes of the decoration (`sizes`: w and h of each, the preferred first, such
/// as scale bars of 20, then 10 km): the first size that has a free position takes it (rules 2–3 size
/// by size; after the frame's positions of a size, each of `bands` it fits in, at the band's right
/// end); when none has, rule 4 over every size and position (ties: the earlier size).
/// FurnitureChoice::variant says which size was taken.
FurnitureChoice choose_furniture(std::string owner, std::size_t frame_index, const Rect& frame,
                                 const std::string& preferred, const std::vector<Rect>& sizes, double inset,
                                 const LandCover& land, const CollisionIndex& taken, const std::vector<Rect>& blocked,
                                 bool corners_only = false, double slack = 1,
                                 const std::vector<FurnitureBand>& bands = {});

/// The box a decoration of size (w, h) takes in `band`: at its right end, centred in its height;
/// nullopt when it does not fit.
std::optional<Rect> band_box(const FurnitureBand& band, double w, double h);

}  // namespace cartelier::layout
