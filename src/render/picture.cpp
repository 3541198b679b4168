#include "render/picture.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>

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

Picture Picture::load(const std::string& path, const std::string& what) {
    Picture p;
    p.what_ = what;
    std::error_code ec;  // a path the system rejects (a name over 255 bytes…) is an Error, not a filesystem_error
    if (!std::filesystem::exists(path, ec)) {
        if (ec) throw Error(SourceLocation{path, 0, 0, {}}, fmt::format("cannot use the {} path: {}", what, ec.message()));
        throw Error(SourceLocation{path, 0, 0, {}}, fmt::format("{} file not found", what),
                    what == "logo" ? "give an .svg or .png path relative to the project file" : "");
    }
    const std::string ext = lower_extension(path);
    if (ext == ".svg") {
        GError* error = nullptr;
        RsvgHandle* handle = rsvg_handle_new_from_file(path.c_str(), &error);
        if (!handle) {
            std::string message = error ? error->message : "unknown error";
            if (error) g_error_free(error);
            while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
            throw Error(SourceLocation{path, 0, 0, {}}, fmt::format("cannot read the SVG {}: {}", what, message));
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
            throw Error(SourceLocation{path, 0, 0, {}}, fmt::format("the SVG {} has no size", what),
                        "give the <svg> element a width and height or a viewBox");
        p.width_ = w;
        p.height_ = h;
        return p;
    }
    if (ext == ".png") {
        // Cairo reports a file that is not a PNG as "out of memory": look at the signature first.
        static const char signature[] = "\x89PNG\r\n\x1a\n";
        char head[8] = {};
        std::ifstream(path, std::ios::binary).read(head, sizeof head);
        if (std::memcmp(head, signature, sizeof head) != 0)
            throw Error(SourceLocation{path, 0, 0, {}},
                        fmt::format("cannot read the PNG {}: the file does not start with the PNG signature (not a PNG "
                                    "image)",
                                    what));
        cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
        p.png_.reset(s, [](cairo_surface_t* x) { cairo_surface_destroy(x); });
        if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
            throw Error(SourceLocation{path, 0, 0, {}},
                        fmt::format("cannot read the PNG {}: {}", what, cairo_status_to_string(cairo_surface_status(s))));
        p.width_ = cairo_image_surface_get_width(s);
        p.height_ = cairo_image_surface_get_height(s);
        return p;
    }
    throw Error(SourceLocation{path, 0, 0, {}}, fmt::format("unsupported {} format '{}'", what, ext),
                "expected an .svg or .png file");
}

void Picture::draw(cairo_t* cr, const Rect& box, double opacity) const {
    if (width_ <= 0 || height_ <= 0 || opacity <= 0) return;
    const double s = std::min(box.w / width_, box.h / height_);
    const double w = width_ * s, h = height_ * s;
    const double x = box.x + (box.w - w) / 2, y = box.y + (box.h - h) / 2;
    SavedState saved(cr);
    if (svg_) {
        const bool group = opacity < 1;
        if (group) cairo_push_group(cr);
        RsvgRectangle viewport{x, y, w, h};
        GError* error = nullptr;
        const bool drawn = rsvg_handle_render_document(svg_.get(), cr, &viewport, &error);
        if (group) {
            cairo_pop_group_to_source(cr);
            cairo_paint_with_alpha(cr, opacity);
        }
        if (!drawn) {
            std::string message = error ? error->message : "unknown error";
            if (error) g_error_free(error);
            throw Error(SourceLocation{}, fmt::format("cannot draw the SVG {}: {}", what_, message));
        }
        return;
    }
    if (png_) {
        cairo_translate(cr, x, y);
        cairo_scale(cr, s, s);
        cairo_set_source_surface(cr, png_.get(), 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
        if (opacity < 1) cairo_paint_with_alpha(cr, opacity);
        else cairo_paint(cr);
    }
}

}  // namespace cartelier::render
