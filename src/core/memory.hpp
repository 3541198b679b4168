// Giving freed heap memory back to the system between pipeline stages.
#pragma once

namespace cartelier {

/// Returns the free pages of the heap to the system, whichever allocator the process runs on:
/// tcmalloc when the program is linked with it (CARTELIER_TCMALLOC), otherwise glibc's malloc.
/// Called after a large read, whose parser leaves millions of small blocks freed, so that the
/// renderer's large arrays do not add to them in the peak resident size.
void release_free_memory();

/// From now on, memory freed in large blocks goes back to the system at once (tcmalloc keeps it by
/// default, for reuse). Called after a large read: the arrays the renderer then builds and drops
/// (coverage, simplified arcs, page rasters) do not pile up in the peak resident size. On the national
/// benchmark: 224 MB instead of 251 MB. Not from the start: during GDAL's read it costs time.
void return_freed_memory_eagerly();

/// The allocator in use, for the build report and `--version`: "tcmalloc" or "glibc".
const char* allocator_name();

}  // namespace cartelier
