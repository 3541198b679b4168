#include "core/memory.hpp"

#include <cstddef>
#include <cstdlib>

#include <malloc.h>

// Declared weak: present only when the program is linked with tcmalloc_minimal (gperftools).
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));
extern "C" int MallocExtension_SetNumericProperty(const char* property, std::size_t value) __attribute__((weak));

namespace cartelier {

void release_memory_after_large_read() {
    if (MallocExtension_ReleaseFreeMemory) {
        MallocExtension_ReleaseFreeMemory();
        if (MallocExtension_SetNumericProperty)
            MallocExtension_SetNumericProperty("tcmalloc.aggressive_memory_decommit", 1);
    } else {
        malloc_trim(0);  // glibc's malloc already returns large blocks (mmap) at once
    }
}

void configure_allocator() {
    if (!MallocExtension_SetNumericProperty || std::getenv("TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES")) return;
    MallocExtension_SetNumericProperty("tcmalloc.max_total_thread_cache_bytes", kThreadCacheBytes);
}

const char* allocator_name() { return MallocExtension_ReleaseFreeMemory ? "tcmalloc" : "glibc"; }

}  // namespace cartelier
