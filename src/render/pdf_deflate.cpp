#include "render/pdf_deflate.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <dlfcn.h>
#include <libdeflate.h>
#include <zlib.h>

namespace {

/// The level that replaces Z_DEFAULT_COMPRESSION on this thread; Z_DEFAULT_COMPRESSION when none.
thread_local int level_override = Z_DEFAULT_COMPRESSION;

/// zlib's own functions, which the program's definitions below stand before (looked up once).
struct Zlib {
    template <typename F>
    static F find(const char* name) {
        return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
    }
    using Reset = int (*)(z_streamp);
    int (*init)(z_streamp, int, const char*, int) = find<decltype(init)>("deflateInit_");
    int (*init2)(z_streamp, int, int, int, int, int, const char*, int) = find<decltype(init2)>("deflateInit2_");
    int (*deflate)(z_streamp, int) = find<decltype(deflate)>("deflate");
    Reset end = find<Reset>("deflateEnd");
    Reset reset = find<Reset>("deflateReset");
};

const Zlib& zlib() {
    static const Zlib functions;
    return functions;
}

/// A stream opened at the default level inside a ScopedDeflateLevel: its input is kept whole, and
/// compressed at once by libdeflate at the chosen level when the caller finishes the stream; the
/// compressed bytes are then handed out as the caller's output buffer takes them.
struct WholeStream {
    int level = 0;
    std::string input;
    std::string output;
    std::size_t handed = 0;  ///< bytes of `output` handed out
    bool compressed = false;
};

/// The whole streams open, by their z_stream. `open_count` lets every other stream of the process
/// (libpng's, qpdf's, GDAL's) go straight to zlib without taking the lock.
std::mutex whole_mutex;
std::map<z_streamp, std::unique_ptr<WholeStream>> whole_streams;
std::atomic<int> open_count{0};

WholeStream* whole_stream(z_streamp stream) {
    if (open_count.load(std::memory_order_acquire) == 0) return nullptr;
    std::lock_guard lock(whole_mutex);
    const auto it = whole_streams.find(stream);
    return it == whole_streams.end() ? nullptr : it->second.get();
}

void forget(z_streamp stream) {
    if (open_count.load(std::memory_order_acquire) == 0) return;
    std::lock_guard lock(whole_mutex);
    if (whole_streams.erase(stream) > 0) open_count.fetch_sub(1, std::memory_order_release);
}

/// libdeflate's compressor for `level`, one per thread and level, kept for the thread's life.
libdeflate_compressor* compressor(int level) {
    struct Free {
        void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
    };
    thread_local std::map<int, std::unique_ptr<libdeflate_compressor, Free>> compressors;
    auto& c = compressors[level];
    if (!c) c.reset(libdeflate_alloc_compressor(level));
    return c.get();
}

}  // namespace

// zlib's deflateInit() macro calls this. Exported by the executable, it comes before libz.so in the
// lookup order, so Cairo's calls reach it; it opens zlib's own stream (what deflateEnd frees) and,
// inside a ScopedDeflateLevel, marks it as a whole stream.
extern "C" __attribute__((visibility("default"))) int deflateInit_(z_streamp stream, int level,
                                                                   const char* version, int stream_size) {
    const bool whole = level == Z_DEFAULT_COMPRESSION && level_override != Z_DEFAULT_COMPRESSION;
    if (level == Z_DEFAULT_COMPRESSION) level = level_override;
    const auto real = zlib().init;
    if (!real) return Z_VERSION_ERROR;
    if (stream) forget(stream);  // a stream never ended, whose memory is used again
    const int status = real(stream, level, version, stream_size);
    if (status == Z_OK && whole) {
        auto entry = std::make_unique<WholeStream>();
        entry->level = level;
        std::lock_guard lock(whole_mutex);
        if (whole_streams.insert_or_assign(stream, std::move(entry)).second) open_count.fetch_add(1, std::memory_order_release);
    }
    return status;
}

// deflateInit2() opens zlib's own stream at the caller's level; a stream never ended, whose memory is
// used again, is forgotten first.
extern "C" __attribute__((visibility("default"))) int deflateInit2_(z_streamp stream, int level, int method,
                                                                    int window_bits, int mem_level, int strategy,
                                                                    const char* version, int stream_size) {
    if (stream) forget(stream);
    const auto real = zlib().init2;
    return real ? real(stream, level, method, window_bits, mem_level, strategy, version, stream_size) : Z_VERSION_ERROR;
}

// zlib's deflate(), exported the same way: a whole stream keeps its input until Z_FINISH (any other
// flush only keeps it too: the bytes come out, all of them, when the caller finishes), then hands out
// libdeflate's zlib stream of it; every other stream is zlib's.
extern "C" __attribute__((visibility("default"))) int deflate(z_streamp stream, int flush) {
    WholeStream* whole = stream ? whole_stream(stream) : nullptr;
    if (!whole) {
        const auto real = zlib().deflate;
        return real ? real(stream, flush) : Z_STREAM_ERROR;
    }
    if (stream->avail_in > 0) {
        if (!stream->next_in) return Z_STREAM_ERROR;
        whole->input.append(reinterpret_cast<const char*>(stream->next_in), stream->avail_in);
        stream->next_in += stream->avail_in;
        stream->total_in += stream->avail_in;
        stream->avail_in = 0;
    }
    if (flush != Z_FINISH) return Z_OK;
    if (!whole->compressed) {
        libdeflate_compressor* c = compressor(whole->level);
        if (!c) return Z_MEM_ERROR;
        whole->output.resize(libdeflate_zlib_compress_bound(c, whole->input.size()));
        const std::size_t n = libdeflate_zlib_compress(c, whole->input.data(), whole->input.size(), whole->output.data(),
                                                       whole->output.size());
        if (n == 0) return Z_STREAM_ERROR;
        whole->output.resize(n);
        stream->adler = libdeflate_adler32(1, whole->input.data(), whole->input.size());
        std::string().swap(whole->input);
        whole->compressed = true;
    }
    if (!stream->next_out && stream->avail_out > 0) return Z_STREAM_ERROR;
    const std::size_t n = std::min<std::size_t>(stream->avail_out, whole->output.size() - whole->handed);
    if (n > 0) std::memcpy(stream->next_out, whole->output.data() + whole->handed, n);
    whole->handed += n;
    stream->next_out += n;
    stream->avail_out -= static_cast<uInt>(n);
    stream->total_out += n;
    if (whole->handed < whole->output.size()) return n > 0 ? Z_OK : Z_BUF_ERROR;
    return Z_STREAM_END;
}

extern "C" __attribute__((visibility("default"))) int deflateEnd(z_streamp stream) {
    if (stream) forget(stream);
    const auto real = zlib().end;
    return real ? real(stream) : Z_STREAM_ERROR;
}

// A stream reset starts again as zlib's own (its level kept).
extern "C" __attribute__((visibility("default"))) int deflateReset(z_streamp stream) {
    if (stream) forget(stream);
    const auto real = zlib().reset;
    return real ? real(stream) : Z_STREAM_ERROR;
}

namespace cartelier::render {

ScopedDeflateLevel::ScopedDeflateLevel(int level) : previous_(level_override) { level_override = level; }

ScopedDeflateLevel::~ScopedDeflateLevel() { level_override = previous_; }

}  // namespace cartelier::render
