// Icons of symbol layers (icon-image): each file loaded once per build into a small shared cache, drawn
// through librsvg (SVG: vectors in PDF and SVG output) or Cairo (PNG), sized, anchored and offset as
// the MapLibre style specification says, and taking space in label placement like circles do.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "render/picture.hpp"
#include "render/view.hpp"
#include "style/style.hpp"

namespace cartelier::render {

class LayerSet;

/// One icon file, loaded. Its natural size is its intrinsic size in CSS pixels (an SVG's width and
/// height, a PNG's pixels), 1 px = 0.75 pt, times icon-size. Drawing is serialised: a librsvg handle
/// is not drawn from two threads at once.
class Icon {
public:
    explicit Icon(Picture picture) : picture_(std::move(picture)) {}
    double width_pt() const { return picture_.width() * 0.75; }
    double height_pt() const { return picture_.height() * 0.75; }
    bool is_svg() const { return picture_.is_svg(); }
    void draw(cairo_t* cr, const Rect& box, double opacity) const;

private:
    Picture picture_;
    mutable std::mutex mutex_;
};

/// Icons by file, loaded once, shared by every map and format of a build. Thread-safe.
class IconCache {
public:
    /// The icon of a file; throws Error naming the file and what is wrong with it.
    std::shared_ptr<const Icon> get(const std::string& path);
    /// "" when the file can be drawn, else what was expected and found (StyleEnvironment::check_icon).
    std::string check(const std::string& path);
    /// Files read so far (each once).
    std::size_t files_read() const;
    /// A style environment whose icons are checked through this cache, inside `project_root`.
    style::StyleEnvironment environment(const std::string& project_root);

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<const Icon>> icons_;
    std::map<std::string, std::string> failures_;  ///< file → the error message
    std::size_t reads_ = 0;
};

/// The icon paint of one feature: icon-image's name, icon-size, icon-anchor, icon-offset, icon-opacity.
struct IconPaint {
    std::string name;             ///< empty: no icon
    double size = 1;              ///< icon-size: a factor of the icon's natural size
    std::string anchor = "center";
    double offset_x_pt = 0;       ///< icon-offset × icon-size, in points (right)
    double offset_y_pt = 0;       ///< (down)
    double opacity = 1;
};

/// The box an icon covers on the page when drawn for the point `at`.
Rect icon_box(const Icon& icon, const IconPaint& paint, Point at);

/// The icon a feature's name stands for: resolved against the style's icons folder and loaded through
/// `cache`; throws Error at the value of `property` (icon-image, or fill-pattern: file, line, column,
/// path) naming the feature.
std::shared_ptr<const Icon> load_icon(const style::Style& style, const style::Layer& layer, const std::string& name,
                                      const std::string& feature_id, IconCache& cache,
                                      style::Prop property = style::Prop::IconImage);

/// Every icon the style's symbol layers draw (icon-image, at any feature: a point, or an area's or a
/// line's label point) and every pattern its fill layers fill areas with (fill-pattern) for the
/// features of `layers`, at each of `zooms` (the
/// zooms of the page's frames): names evaluated per feature, resolved and read through `cache`.
/// Problems name the style file, line, column, JSON path (layers[N].layout.icon-image), the feature id,
/// what was expected and found; each missing name once. `files` receives the files that decide each
/// name used (NAME.svg and NAME.png): they are inputs of the map for incremental builds.
Diagnostics check_icons(const style::Style& style, const LayerSet& layers, const std::vector<double>& zooms,
                        IconCache& cache, std::set<std::string>* files = nullptr);
/// The same over the map's copies of its layers in each of its CRSs (main frame first, then the insets'),
/// which hold the same features one for one: a feature whose point one of them holds is checked (a
/// build holds each copy only inside the frames drawn in its CRS, pipeline::LayerStore::drawn).
Diagnostics check_icons(const style::Style& style, const std::vector<const LayerSet*>& sets,
                        const std::vector<double>& zooms, IconCache& cache, std::set<std::string>* files = nullptr);

}  // namespace cartelier::render
