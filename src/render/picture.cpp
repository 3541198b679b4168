#include "render/picture.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <librsvg/rsvg.h>

#include "core/diagnostic.hpp"

namespace cartelier::render {

namespace {

std::string lower_extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

}  // namespace

Picture Picture::load(const std::string& path) {
    Picture p;
    std::error_code ec;  // a path the system rejects (a name over 255 bytes…) is an Error, not a filesystem_error
    if (!std::filesystem::exists(path, ec)) {
        if (ec) throw Error(SourceLocation{path, 0, 0, {}}, fmt::format("cannot use the logo path: {}", ec.message()));
        throw Error(SourceLocation{path, 0, 0, {}}, "logo file not found", "give an .svg or .png path relative to the project file");
    }
    const std::string ext = lower_extension(path);
    if (ext == ".svg") {
        GError* error = nullptr;
        RsvgHandle* handle = rsvg_handle_new_from_file(path.c_str(), &error);
        if (!handle) {
            std::string message = error ? error->message : "unknown error";
            if (error) g_error_free(error);
            throw Error(SourceLocation{path, 0, 0, {}}, fmt::format("cannot read the SVG logo: {}", message));
        }
        p.svg_.reset(handle, [](RsvgHandle* h) { g_object_unref(h); });
        gdouble w = 0, h = 0;
        if (!rsvg_handle_get_intrinsic_size_in_pixels(handle, &w, &h) || w <= 0 || h <= 0) {
            RsvgRectangle viewport{0, 0, 100, 100}, ink{}, logical{};
            if (rsvg_handle_get_geometry_for_layer(handle, nullptr, &viewport, &ink, &logical, nullptr)) {
                w = logical.width;
                h = logical.height;
            }
        }
        if (w <= 0 || h <= 0)
            throw Error(SourceLocation{path, 0, 0, {}}, "the SVG logo has no size",
                        "give the <svg> element a width and height or a viewBox");
        p.width_ = w;
        p.height_ = h;
        return p;
    }
    if (ext == ".png") {
        cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
        p.png_.reset(s, [](cairo_surface_t* x) { cairo_surface_destroy(x); });
        if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
            throw Error(SourceLocation{path, 0, 0, {}},
                        fmt::format("cannot read the PNG logo: {}", cairo_status_to_string(cairo_surface_status(s))));
        p.width_ = cairo_image_surface_get_width(s);
        p.height_ = cairo_image_surface_get_height(s);
        return p;
    }
    throw Error(SourceLocation{path, 0, 0, {}}, fmt::format("unsupported logo format '{}'", ext),
                "expected an .svg or .png file");
}

void Picture::draw(cairo_t* cr, const Rect& box) const {
    if (width_ <= 0 || height_ <= 0) return;
    const double s = std::min(box.w / width_, box.h / height_);
    const double w = width_ * s, h = height_ * s;
    const double x = box.x + (box.w - w) / 2, y = box.y + (box.h - h) / 2;
    SavedState saved(cr);
    if (svg_) {
        RsvgRectangle viewport{x, y, w, h};
        GError* error = nullptr;
        if (!rsvg_handle_render_document(svg_.get(), cr, &viewport, &error)) {
            std::string message = error ? error->message : "unknown error";
            if (error) g_error_free(error);
            throw Error(SourceLocation{}, fmt::format("cannot draw the SVG logo: {}", message));
        }
        return;
    }
    if (png_) {
        cairo_translate(cr, x, y);
        cairo_scale(cr, s, s);
        cairo_set_source_surface(cr, png_.get(), 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
        cairo_paint(cr);
    }
}

}  // namespace cartelier::render
