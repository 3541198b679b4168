// The boxes already taken on the page (symbols, labels, legend, title, inset frames), indexed by a
// uniform grid so that a query looks only at the entries near its box: placing N labels among N
// symbols costs about N queries of a few entries each, not N².
//
// Every query answers exactly what a scan of all entries in insertion order would (the grid only skips
// entries that cannot match, and the candidates it returns are visited in insertion order), so
// results — including sums of costs over entries — do not depend on the grid. Queries keep a count,
// per-entry stamps and a result buffer: one index is used by one thread at a time.
#pragma once

#include <optional>
#include <utility>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "layout/view.hpp"

namespace cartelier::layout {

/// What took a place on the page. A Leader is a segment — a displaced label's leader line, or a drawn
/// outline such as a zoom box's edge (no feature id) — kept so that no later label or leader crosses it.
enum class ObstacleKind { Symbol, Label, Element, Leader };

class CollisionIndex {
public:
    struct Entry {
        Rect box;           ///< bounding box (of the circle, for circles)
        std::string owner;  ///< what took it, for reports ("label flash-pledran", "legend")
        double radius = 0;  ///< > 0: the entry is the circle inscribed in `box`
        ObstacleKind kind = ObstacleKind::Element;
        std::string feature_id;  ///< symbols, labels and leaders: the feature they belong to
        Point from, to;          ///< leaders: the segment (`box` is its bounding box)
        Point centre() const { return {box.x + box.w / 2, box.y + box.h / 2}; }
    };

    /// `cell_pt`: side of a grid cell, in points (about the size of a label).
    explicit CollisionIndex(double cell_pt = 32);

    void insert(const Rect& box, std::string owner, ObstacleKind kind = ObstacleKind::Element,
                std::string feature_id = {});
    void insert_circle(Point centre, double radius, std::string owner, std::string feature_id = {});
    /// A segment from `from` to `to` (kind Leader: a leader line, an outline's edge): an obstacle as a
    /// segment, not as its box.
    void insert_leader(Point from, Point to, std::string owner, std::string feature_id);

    /// True when `box` overlaps any entry.
    bool collides(const Rect& box) const;
    /// The first entry (in insertion order) `box` overlaps, if any.
    const Entry* first_collision(const Rect& box) const;
    /// Indices (into entries(), ascending) of every entry whose box may come within `reach` points of
    /// `box`: a superset of those that do, never missing one. Each returned entry counts as one
    /// comparison.
    std::vector<std::size_t> near(const Rect& box, double reach = 0) const;
    /// Calls `visit(i)` for each index near() would return, in the same (ascending) order, without
    /// allocating (unless `visit` queries the index itself, which it may).
    template <class Visit>
    void for_each_near(const Rect& box, double reach, Visit&& visit) const {
        collect_near(box, reach, true);
        visit_found(visit);
    }
    /// The same in no particular order (each index once), for visits whose result does not depend on
    /// the order (counts, or a caller sorting what it keeps).
    template <class Visit>
    void for_each_near_unordered(const Rect& box, double reach, Visit&& visit) const {
        collect_near(box, reach, false);
        visit_found(visit);
    }
    /// The first entry (in insertion order) the segment from `a` to `b` crosses or touches — a box, a
    /// circle, another leader — leaving out the entries of `feature_id` (a leader starts at its own
    /// symbol and ends at its own text).
    const Entry* first_crossing(Point a, Point b, const std::string& feature_id) const;
    const std::vector<Entry>& entries() const { return entries_; }

    /// Entries examined by queries so far (each exact test of a box against an entry, and each entry
    /// returned by near()): the measure of the index's work, for tests.
    std::size_t comparisons() const { return comparisons_; }

private:
    using Key = std::int64_t;
    /// A slot of the cell table (open addressing): a cell's key and its list in lists_.
    struct Slot {
        Key key = 0;
        std::uint32_t list = kNoList;
    };
    static constexpr std::uint32_t kNoList = 0xffffffff;
    struct CellRange {
        std::int64_t x0, y0, x1, y1;
        bool valid;  ///< false: too many cells (or not finite): the entry goes to the overflow list
    };
    CellRange cells_of(const Rect& box) const;
    static Key key(std::int64_t cx, std::int64_t cy) { return (cx << 32) ^ (cy & 0xffffffff); }
    void index_last();
    /// The entries of a cell (null: none).
    const std::vector<std::uint32_t>* cell(Key k) const;
    std::vector<std::uint32_t>& cell_to_fill(Key k);
    std::size_t slot_of(Key k) const;
    /// Fills scratch_ with what near() returns (`sorted` false: in no particular order).
    void collect_near(const Rect& box, double reach, bool sorted) const;
    /// Visits what collect_near found, holding it apart from scratch_ meanwhile (a query made by the
    /// visit fills a buffer of its own), then gives the buffer back for the next query.
    template <class Visit>
    void visit_found(Visit& visit) const {
        std::vector<std::size_t> found = std::move(scratch_);
        scratch_.clear();
        for (std::size_t i : found) visit(i);
        scratch_ = std::move(found);
    }

    double cell_;
    std::vector<Entry> entries_;
    std::vector<Slot> slots_;                         ///< a power of two of slots, at most half full
    int slot_bits_ = 0;                               ///< log2 of slots_.size()
    std::vector<std::vector<std::uint32_t>> lists_;  ///< each cell's entries, ascending
    std::vector<std::uint32_t> overflow_;  ///< entries spanning too many cells: checked by every query
    mutable std::size_t comparisons_ = 0;
    mutable std::vector<std::uint32_t> seen_;  ///< query stamp per entry (dedupes entries in several cells)
    mutable std::uint32_t stamp_ = 0;
    mutable std::vector<std::size_t> scratch_;  ///< the last query's result
};

/// True when the rectangle and the entry overlap (circle entries tested as circles, leaders as segments).
bool overlaps(const CollisionIndex::Entry& e, const Rect& box);
/// True when the segment a–b meets the rectangle (its inside or its edge).
bool segment_meets_rect(Point a, Point b, const Rect& r);
/// The part of the segment a–b inside the closed rectangle `r`, as the range [t0, t1] of its parameter
/// (a + t (b − a)); nullopt when they do not meet (Liang–Barsky clipping).
std::optional<std::pair<double, double>> clip_segment(Point a, Point b, const Rect& r);
/// True when the segments a–b and c–d meet (crossing, touching or overlapping).
bool segments_meet(Point a, Point b, Point c, Point d);
/// True when the segment from `a` to `b` meets the entry (as overlaps() tests a box).
bool crosses(const CollisionIndex::Entry& e, Point a, Point b);

}  // namespace cartelier::layout
