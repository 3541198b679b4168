#include "render/pdf_deflate.hpp"

#include <dlfcn.h>
#include <zlib.h>

namespace {

/// The level that replaces Z_DEFAULT_COMPRESSION on this thread; Z_DEFAULT_COMPRESSION when none.
thread_local int level_override = Z_DEFAULT_COMPRESSION;

using DeflateInit = int (*)(z_streamp, int, const char*, int);

DeflateInit zlib_deflate_init() {
    static const DeflateInit real = reinterpret_cast<DeflateInit>(dlsym(RTLD_NEXT, "deflateInit_"));
    return real;
}

}  // namespace

// zlib's deflateInit() macro calls this. Exported by the executable, it comes before libz.so in the
// lookup order, so Cairo's calls reach it; it forwards to zlib's own.
extern "C" __attribute__((visibility("default"))) int deflateInit_(z_streamp stream, int level,
                                                                   const char* version, int stream_size) {
    if (level == Z_DEFAULT_COMPRESSION) level = level_override;
    DeflateInit real = zlib_deflate_init();
    if (!real) return Z_VERSION_ERROR;
    return real(stream, level, version, stream_size);
}

namespace cartelier::render {

ScopedDeflateLevel::ScopedDeflateLevel(int level) : previous_(level_override) { level_override = level; }

ScopedDeflateLevel::~ScopedDeflateLevel() { level_override = previous_; }

}  // namespace cartelier::render
