// glibc's allocator settings (malloc.h has no Swift module of its own).
#include "ember_kernels.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void ember_keep_large_blocks_in_heap(int64_t mmap_threshold, int64_t trim_threshold) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, (int)trim_threshold);
#else
    (void)mmap_threshold;
    (void)trim_threshold;
#endif
}
