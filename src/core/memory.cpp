#include "core/memory.hpp"

#include <malloc.h>

// Declared weak: present only when the program is linked with tcmalloc_minimal (gperftools).
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));

namespace cartelier {

void release_free_memory() {
    if (MallocExtension_ReleaseFreeMemory)
        MallocExtension_ReleaseFreeMemory();
    else
        malloc_trim(0);
}

const char* allocator_name() { return MallocExtension_ReleaseFreeMemory ? "tcmalloc" : "glibc"; }

}  // namespace cartelier
