#ifndef FLOWLAB_FLOWKERNELS_H
#define FLOWLAB_FLOWKERNELS_H
// FlowLab's numeric kernels, compiled with -O3 in every configuration.
// Matrices are column-major (element (i, j) of an m×n matrix with leading
// dimension ld is at a[i + j*ld]), as in BLAS.
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// C ← alpha · op(A) · op(B) + beta · C, where op(X) is X or Xᵀ.
/// op(A) is m×k, op(B) is k×n, C is m×n. Column-major, BLAS conventions.
void flowlab_sgemm(int transA, int transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                   float alpha, const float *a, ptrdiff_t lda,
                   const float *b, ptrdiff_t ldb,
                   float beta, float *c, ptrdiff_t ldc);

/// y[i] = e^x[i] for i < n (vectorized; within 2 ulp; NaN stays NaN).
void flowlab_vexp(ptrdiff_t n, const float *x, float *y);

/// y[i] = e^x[i] − 1 for i < n, accurate near 0 (vectorized; NaN stays NaN).
void flowlab_vexpm1(ptrdiff_t n, const float *x, float *y);

/// Keeps freed memory in the process (glibc), so that the many short-lived
/// matrices of a training loop do not cost a page fault each. No-op elsewhere.
void flowlab_tune_allocator(void);

/// Makes standard output line-buffered, so printed lines and the progress
/// bar on standard error interleave in order when both go to a file.
void flowlab_line_buffer_stdout(void);

/// How many threads a large product uses: 1, or 2 when the environment
/// variable FLOWLAB_THREADS=2 asks for it on a machine with two or more cores.
/// The result does not depend on it.
int flowlab_threads(void);

/// Sets the number of threads for products (1 or 2).
void flowlab_set_threads(int n);

/// The instruction set the kernels use: 0 baseline, 1 AVX2+FMA, 2 AVX-512 —
/// the best the CPU has, capped by FLOWLAB_ISA=generic|avx2 if set.
int flowlab_isa_level(void);

/// Name of the instruction set the kernels chose at run time ("avx512", "avx2", "generic", "neon").
const char *flowlab_kernel_isa(void);

#ifdef __cplusplus
}
#endif
#endif
