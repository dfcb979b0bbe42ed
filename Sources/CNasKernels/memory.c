#include <malloc.h>

/* Training allocates and frees the same large activation buffers every step. glibc would
   serve them with mmap and return them to the kernel each time, paying a page fault per 4 KB
   on every step; keeping them in the heap makes the next step reuse warm pages. */
__attribute__((constructor))
static void nas_keep_buffers_in_heap(void) {
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
}
