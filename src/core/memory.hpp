// Giving freed heap memory back to the system between pipeline stages.
#pragma once

#include <cstddef>

namespace cartelier {

/// Called after a large read, whose parser (GDAL's GeoJSON driver) leaves millions of small blocks
/// freed: returns the heap's free pages to the system, whichever allocator the process runs on
/// (tcmalloc when the program is linked with it, CARTELIER_TCMALLOC; otherwise glibc's malloc).
/// Under tcmalloc, memory freed in large blocks also goes back at once from then on (it keeps it for
/// reuse by default), so that the arrays the renderer builds and drops (coverage, simplified arcs,
/// page rasters) do not pile up and the peak resident memory is lower. Not from the start of the
/// program: during GDAL's read, returning every large block at once costs time.
void release_memory_after_large_read();

/// Called once at the start of the program: under tcmalloc, caps the memory its threads keep cached
/// for themselves (freed small blocks held for reuse) at kThreadCacheBytes in all, unless the
/// environment sets TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES. tcmalloc's default (32 MB) was a tenth of
/// an atlas's peak resident memory, for no measurable gain in time; the README ("Performance") has the
/// figures. Does nothing under glibc's malloc.
void configure_allocator();
inline constexpr std::size_t kThreadCacheBytes = 2u << 20;

/// The allocator in use, for `--version`: "tcmalloc" or "glibc".
const char* allocator_name();

}  // namespace cartelier
