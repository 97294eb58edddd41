// A small, portable single-precision GEMM.
//
// The inner loops are written so that the compiler vectorizes them along the
// contiguous (column) dimension; on x86-64 the kernel is compiled several
// times (AVX-512, AVX2+FMA, baseline SSE2) and the best one for the running CPU
// is chosen once, at the first call. Other architectures get the baseline.
#include "flowkernels.h"
#include <string.h>

#define KERNEL_BODY                                                            \
  {                                                                            \
    for (ptrdiff_t j = 0; j < n; j++) {                                        \
      float *cj = c + j * ldc;                                                 \
      if (beta == 0.0f) {                                                      \
        for (ptrdiff_t i = 0; i < m; i++) cj[i] = 0.0f;                        \
      } else if (beta != 1.0f) {                                               \
        for (ptrdiff_t i = 0; i < m; i++) cj[i] *= beta;                       \
      }                                                                        \
    }                                                                          \
    if (!transA) {                                                             \
      /* C[:, j] += alpha * sum_p A[:, p] * op(B)[p, j] */                     \
      for (ptrdiff_t j = 0; j < n; j++) {                                      \
        float *restrict cj = c + j * ldc;                                      \
        for (ptrdiff_t p = 0; p < k; p++) {                                    \
          float bpj = alpha * (transB ? b[j + p * ldb] : b[p + j * ldb]);      \
          const float *restrict ap = a + p * lda;                              \
          for (ptrdiff_t i = 0; i < m; i++) cj[i] += ap[i] * bpj;              \
        }                                                                      \
      }                                                                        \
    } else {                                                                   \
      /* C[i, j] += alpha * dot(A[:, i], op(B)[:, j]) */                       \
      for (ptrdiff_t j = 0; j < n; j++) {                                      \
        for (ptrdiff_t i = 0; i < m; i++) {                                    \
          const float *restrict ai = a + i * lda;                              \
          float s = 0.0f;                                                      \
          if (!transB) {                                                       \
            const float *restrict bj = b + j * ldb;                            \
            for (ptrdiff_t p = 0; p < k; p++) s += ai[p] * bj[p];              \
          } else {                                                             \
            for (ptrdiff_t p = 0; p < k; p++) s += ai[p] * b[j + p * ldb];     \
          }                                                                    \
          c[i + j * ldc] += alpha * s;                                         \
        }                                                                      \
      }                                                                        \
    }                                                                          \
  }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define FLOWLAB_MULTIVERSION 1
#endif

#define SGEMM_ARGS                                                             \
  int transA, int transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,  \
      const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,            \
      float beta, float *c, ptrdiff_t ldc

static void sgemm_generic(SGEMM_ARGS) KERNEL_BODY

#ifdef FLOWLAB_MULTIVERSION
__attribute__((target("avx2,fma"))) static void sgemm_avx2(SGEMM_ARGS) KERNEL_BODY
__attribute__((target("avx512f,avx512vl,avx2,fma"))) static void sgemm_avx512(SGEMM_ARGS) KERNEL_BODY
#endif

typedef void (*sgemm_fn)(SGEMM_ARGS);
static sgemm_fn chosen = 0;
static const char *chosen_name = "generic";

static void choose(void) {
  sgemm_fn f = sgemm_generic;
  const char *name =
#if defined(__aarch64__)
      "neon";
#else
      "generic";
#endif
#ifdef FLOWLAB_MULTIVERSION
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) {
    f = sgemm_avx512; name = "avx512";
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    f = sgemm_avx2; name = "avx2";
  }
#endif
  chosen_name = name;
  chosen = f;
}

void flowlab_sgemm(SGEMM_ARGS) {
  if (!chosen) choose();
  if (m <= 0 || n <= 0) return;
  chosen(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

const char *flowlab_kernel_isa(void) {
  if (!chosen) choose();
  return chosen_name;
}
