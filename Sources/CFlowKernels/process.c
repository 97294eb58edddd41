#include "flowkernels.h"
#include <stdio.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void flowlab_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

void flowlab_tune_allocator(void) {
#if defined(__GLIBC__)
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
  mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
  mallopt(M_TOP_PAD, 16 * 1024 * 1024);
#endif
}
