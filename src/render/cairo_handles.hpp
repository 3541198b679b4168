// RAII for the Cairo and Pango objects Cartelier creates.
#pragma once

#include <memory>

#include <cairo.h>
#include <glib-object.h>
#include <pango/pangocairo.h>

namespace cartelier::render {

struct SurfaceDeleter { void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); } };
struct ContextDeleter { void operator()(cairo_t* c) const { cairo_destroy(c); } };
struct FontOptionsDeleter { void operator()(cairo_font_options_t* o) const { cairo_font_options_destroy(o); } };
struct GObjectDeleter { void operator()(gpointer o) const { g_object_unref(o); } };
struct FontDescriptionDeleter { void operator()(PangoFontDescription* d) const { pango_font_description_free(d); } };

using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;
using FontOptionsPtr = std::unique_ptr<cairo_font_options_t, FontOptionsDeleter>;
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;
using FontDescriptionPtr = std::unique_ptr<PangoFontDescription, FontDescriptionDeleter>;

/// Saves the Cairo state and restores it at scope exit.
class SavedState {
public:
    explicit SavedState(cairo_t* cr) : cr_(cr) { cairo_save(cr_); }
    ~SavedState() { cairo_restore(cr_); }
    SavedState(const SavedState&) = delete;
    SavedState& operator=(const SavedState&) = delete;

private:
    cairo_t* cr_;
};

}  // namespace cartelier::render
