// The zlib level of the PDF streams Cairo writes.
//
// Cairo compresses every PDF content stream at zlib's default level (6) and has no setting for it. On a
// page of many paths, deflate at level 6 costs several times what a lower level costs, for a file only a
// little smaller; the encode of the PDF is the longest task of a build, so the level is chosen here:
// while a ScopedDeflateLevel lives on a thread, every zlib stream that thread opens at the default level
// is opened at the given level instead. Nothing else changes: the output is still deterministic, and
// streams opened at an explicit level (libpng's) are left alone.
//
// How: the program defines zlib's deflateInit_ (exported from the executable, see src/CMakeLists.txt),
// which substitutes the level and calls the library's own deflateInit_.
#pragma once

namespace cartelier::render {

/// zlib level of the PDF streams (see above): 1 (fastest) … 9 (smallest); zlib's default is 6.
inline constexpr int pdf_deflate_level = 4;

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
