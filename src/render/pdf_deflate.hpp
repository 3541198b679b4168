// The compression of the PDF streams Cairo writes.
//
// Cairo compresses every PDF content stream with zlib at its default level (6) and has no setting for
// it. On a page of many paths that deflate is a large part of the page's encode, the longest task of a
// build. So while a ScopedDeflateLevel lives on a thread, every zlib stream that thread opens at the
// default level is compressed by libdeflate at the given level instead, in one call when the stream is
// finished: on a map page's content stream, libdeflate at level 1 is about three times as fast as zlib
// at level 4 for a stream of the same size. The output is still a zlib stream (RFC 1950, its FLEVEL
// saying the level's class) and deterministic; streams opened at an explicit level (libpng's, qpdf's),
// or outside the scope, are zlib's own.
//
// How: the program defines zlib's deflateInit_, deflateInit2_, deflate, deflateEnd and deflateReset
// (exported from the executable, see src/CMakeLists.txt); every stream they do not keep goes to the
// library's own functions.
#pragma once

namespace cartelier::render {

/// libdeflate level of the PDF streams (see above): 1 (fastest) … 12 (smallest).
inline constexpr int pdf_deflate_level = 1;

class ScopedDeflateLevel {
public:
    explicit ScopedDeflateLevel(int level);
    ~ScopedDeflateLevel();
    ScopedDeflateLevel(const ScopedDeflateLevel&) = delete;
    ScopedDeflateLevel& operator=(const ScopedDeflateLevel&) = delete;

private:
    int previous_;
};

}  // namespace cartelier::render
