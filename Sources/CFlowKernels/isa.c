// Which instruction set the kernels use: the best the CPU has, or a lower one
// named by the environment variable FLOWLAB_ISA (generic, avx2, avx512), so
// that the other kernels can be tested on a machine that has them all.
#include "flowkernels.h"
#include <stdlib.h>
#include <string.h>

int flowlab_isa_level(void) {
  int level = 0;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) level = 2;
  else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = 1;
#endif
  const char *cap = getenv("FLOWLAB_ISA");
  if (cap && strcmp(cap, "generic") == 0) level = 0;
  else if (cap && strcmp(cap, "avx2") == 0 && level > 1) level = 1;
  return level;
}
