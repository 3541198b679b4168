#include "geo/wkt.hpp"

#include <geos_c.h>

#include "core/diagnostic.hpp"

namespace cartelier::geo {

namespace {

std::string shortened(std::string_view text) {
    constexpr std::size_t kShown = 60;
    if (text.size() <= kShown) return std::string(text);
    return std::string(text.substr(0, kShown)) + "…";
}

}  // namespace

GeosGeometry geos_from_wkt(const GeosContext& ctx, std::string_view wkt) {
    auto h = ctx.get();
    const std::string text(wkt);  // GEOS reads a NUL-terminated string
    GEOSWKTReader* reader = GEOSWKTReader_create_r(h);
    GEOSGeometry* g = GEOSWKTReader_read_r(h, reader, text.c_str());
    GEOSWKTReader_destroy_r(h, reader);
    if (!g)
        throw Error(SourceLocation{}, "not well-known text (WKT): '" + shortened(wkt) + "'",
                    ctx.last_error().empty() ? std::string{} : "GEOS: " + ctx.last_error());
    return GeosGeometry(ctx, g);
}

Geometry from_wkt(const GeosContext& ctx, std::string_view wkt) {
    GeosGeometry g = geos_from_wkt(ctx, wkt);
    return from_geos(ctx, g.get());
}

std::string to_wkt(const GeosContext& ctx, const GEOSGeometry* g) {
    if (!g) return "GEOMETRYCOLLECTION EMPTY";
    auto h = ctx.get();
    GEOSWKTWriter* writer = GEOSWKTWriter_create_r(h);
    GEOSWKTWriter_setTrim_r(h, writer, 1);
    GEOSWKTWriter_setOutputDimension_r(h, writer, 2);
    char* text = GEOSWKTWriter_write_r(h, writer, g);
    GEOSWKTWriter_destroy_r(h, writer);
    std::string out = text ? text : "";
    GEOSFree_r(h, text);
    return out;
}

std::string to_wkt(const GeosContext& ctx, const Geometry& g) {
    if (g.empty()) return "GEOMETRYCOLLECTION EMPTY";
    GeosGeometry geom = to_geos(ctx, g);
    return to_wkt(ctx, geom.get());
}

}  // namespace cartelier::geo
