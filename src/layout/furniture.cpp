#include "layout/furniture.hpp"

#include <algorithm>
#include <stdexcept>

namespace cartelier::layout {

namespace {

const std::vector<std::string> kOrder = {"bottom-left", "bottom-right", "top-left", "top-right",
                                         "bottom",      "top",          "left",     "right"};

/// What a box touching land counts as hiding at least (pt², 0.01 mm²): a sliver thinner than the
/// scanlines of LandCover::area_within still makes it not free.
constexpr double kNoLand = 0.08;

}  // namespace

std::vector<std::string> furniture_positions(const std::string& preferred, bool corners_only) {
    const std::size_t count = corners_only ? 4 : kOrder.size();
    std::vector<std::string> out;
    if (std::find(kOrder.begin(), kOrder.begin() + static_cast<std::ptrdiff_t>(count), preferred) !=
        kOrder.begin() + static_cast<std::ptrdiff_t>(count))
        out.push_back(preferred);
    for (std::size_t i = 0; i < count; ++i)
        if (kOrder[i] != preferred) out.push_back(kOrder[i]);
    return out;
}

Rect furniture_box(const Rect& frame, const std::string& position, double w, double h, double inset) {
    const bool left = position.find("left") != std::string::npos, right = position.find("right") != std::string::npos;
    const bool top = position.find("top") != std::string::npos, bottom = position.find("bottom") != std::string::npos;
    const double x = left ? frame.x + inset : right ? frame.right() - inset - w : frame.x + (frame.w - w) / 2;
    const double y = top ? frame.y + inset : bottom ? frame.bottom() - inset - h : frame.y + (frame.h - h) / 2;
    return Rect{x, y, w, h};
}

std::optional<Rect> band_box(const FurnitureBand& band, double w, double h) {
    if (w > band.room.w || h > band.room.h) return std::nullopt;
    return Rect{band.room.right() - w, band.room.y + (band.room.h - h) / 2, w, h};
}

namespace {

FurnitureChoice judge_box(std::string owner, std::size_t frame_index, const std::string& position, const Rect& box,
                          const LandCover& land, const CollisionIndex& taken, const std::vector<Rect>& blocked) {
    FurnitureChoice c;
    c.owner = std::move(owner);
    c.frame = frame_index;
    c.preferred = c.position = position;
    c.box = box;
    c.land_pt2 = land.land_within(c.box, kNoLand);
    c.obstructed = taken.collides(c.box) ||
                   std::any_of(blocked.begin(), blocked.end(), [&](const Rect& b) { return b.intersects(c.box); });
    c.free = !c.obstructed && c.land_pt2 == 0;
    return c;
}

}  // namespace

FurnitureChoice judge_furniture(std::string owner, std::size_t frame_index, const Rect& frame,
                                const std::string& position, double w, double h, double inset, const LandCover& land,
                                const CollisionIndex& taken, const std::vector<Rect>& blocked) {
    return judge_box(std::move(owner), frame_index, position, furniture_box(frame, position, w, h, inset), land, taken,
                     blocked);
}

FurnitureChoice choose_furniture(std::string owner, std::size_t frame_index, const Rect& frame,
                                 const std::string& preferred, double w, double h, double inset, const LandCover& land,
                                 const CollisionIndex& taken, const std::vector<Rect>& blocked, bool corners_only,
                                 double slack) {
    return choose_furniture(std::move(owner), frame_index, frame, preferred, std::vector<Rect>{Rect{0, 0, w, h}}, inset,
                            land, taken, blocked, corners_only, slack);
}

FurnitureChoice choose_furniture(std::string owner, std::size_t frame_index, const Rect& frame,
                                 const std::string& preferred, const std::vector<Rect>& sizes, double inset,
                                 const LandCover& land, const CollisionIndex& taken, const std::vector<Rect>& blocked,
                                 bool corners_only, double slack, const std::vector<FurnitureBand>& bands) {
    if (sizes.empty()) throw std::invalid_argument("choose_furniture: no size for " + owner);
    // Size by size, each size's positions in order: the order of every rule.
    std::vector<FurnitureChoice> candidates;
    for (std::size_t v = 0; v < sizes.size(); ++v) {
        for (const std::string& position : furniture_positions(preferred, corners_only)) {
            candidates.push_back(
                judge_furniture(owner, frame_index, frame, position, sizes[v].w, sizes[v].h, inset, land, taken, blocked));
            candidates.back().preferred = preferred;
            candidates.back().variant = v;
        }
        for (const FurnitureBand& band : bands)
            if (const auto box = band_box(band, sizes[v].w, sizes[v].h)) {
                candidates.push_back(judge_box(owner, frame_index, band.name, *box, land, taken, blocked));
                candidates.back().preferred = preferred;
                candidates.back().variant = v;
            }
    }
    // Rules 2 and 3: the preferred position first in the order, then the first free one.
    for (const auto& c : candidates)
        if (c.free) return c;
    // Rule 4: among the unobstructed (else among all), the first in order hiding at most `slack` times
    // the least land.
    auto first_near_least = [&](bool unobstructed_only) -> const FurnitureChoice* {
        const FurnitureChoice* least = nullptr;
        for (const auto& c : candidates)
            if ((!unobstructed_only || !c.obstructed) && (!least || c.land_pt2 < least->land_pt2)) least = &c;
        if (!least) return nullptr;
        for (const auto& c : candidates)
            if ((!unobstructed_only || !c.obstructed) && c.land_pt2 <= least->land_pt2 * slack) return &c;
        return least;
    };
    const FurnitureChoice* best = first_near_least(true);
    return best ? *best : *first_near_least(false);
}

}  // namespace cartelier::layout
