// Giving freed heap memory back to the system between pipeline stages.
#pragma once

namespace cartelier {

/// Called after a large read, whose parser (GDAL's GeoJSON driver) leaves millions of small blocks
/// freed: returns the heap's free pages to the system, whichever allocator the process runs on
/// (tcmalloc when the program is linked with it, CARTELIER_TCMALLOC; otherwise glibc's malloc).
/// Under tcmalloc, memory freed in large blocks also goes back at once from then on (it keeps it for
/// reuse by default), so that the arrays the renderer builds and drops (coverage, simplified arcs,
/// page rasters) do not pile up and the peak resident memory is lower. Not from the start of the
/// program: during GDAL's read, returning every large block at once costs time.
void release_memory_after_large_read();

/// The allocator in use, for `--version`: "tcmalloc" or "glibc".
const char* allocator_name();

}  // namespace cartelier
