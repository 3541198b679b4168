// A picture placed on the page (a logo, an icon): SVG through librsvg, drawn as vectors in the PDF and
// SVG outputs, or a PNG through Cairo. Loaded once, drawn into a box keeping its aspect ratio.
#pragma once

#include <memory>
#include <string>

#include "render/cairo_handles.hpp"
#include "render/view.hpp"

typedef struct _RsvgHandle RsvgHandle;

namespace cartelier::render {

class Picture {
public:
    /// Loads an .svg or .png file; throws Error naming the file and what went wrong. `what` names the
    /// picture in messages ("logo", "icon").
    static Picture load(const std::string& path, const std::string& what = "logo");

    /// Intrinsic size (SVG: its width/height or viewBox, in CSS px; PNG: pixels).
    double width() const { return width_; }
    double height() const { return height_; }
    /// The box of width `w` (points) with the picture's aspect ratio.
    double height_for_width(double w) const { return width_ > 0 ? w * height_ / width_ : 0; }
    /// Draws the picture scaled into `box` (aspect kept, centred), with an opacity (a transparency
    /// group for SVG, so overlapping shapes of the picture do not show through each other).
    void draw(cairo_t* cr, const Rect& box, double opacity = 1) const;
    bool is_svg() const { return svg_ != nullptr; }

private:
    std::shared_ptr<RsvgHandle> svg_;
    std::shared_ptr<cairo_surface_t> png_;
    std::string what_ = "logo";
    double width_ = 0, height_ = 0;
};

}  // namespace cartelier::render
