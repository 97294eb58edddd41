// A small, portable single-precision GEMM for FlowLab's shapes (a few dozen
// rows, a few hundred columns).
//
// C (m×n) ← alpha · op(A) · op(B) + beta · C, column-major.
//
// Structure (the classic Goto/BLIS decomposition, reduced to one level):
// - C is computed in tiles of MR = 32 rows × NR = 4 columns. A tile's 32×4
//   partial sums stay in registers (8 vectors of 16 floats) while the loop
//   runs over k: each step loads 32 numbers of op(A) (one column slice) and
//   broadcasts 4 numbers of op(B), then does 8 vector multiply-adds.
// - op(A) is read in place when it is a plain column-major matrix with full
//   32-row panels; otherwise (transposed A, or the last, partial panel) the
//   panel is first copied into a small contiguous buffer ("packing").
// - op(B) is always read in place: element (p, j) is b[p·sp + j·sj], whatever
//   the transpose.
//
// The vectors are GCC/Clang vector extensions, so one source serves every
// target: on x86-64 it is compiled three times (AVX-512, AVX2+FMA, baseline
// SSE2) and the best version for the running CPU is chosen at the first
// call; arm64 gets NEON from the baseline build.
#include "flowkernels.h"
#include <stdlib.h>
#include <string.h>

#define MR 32
#define KC 256

typedef float v16 __attribute__((vector_size(64), aligned(4)));
typedef float v8 __attribute__((vector_size(32), aligned(4)));
typedef float v4 __attribute__((vector_size(16), aligned(4)));

#define LOADV(p)                                                               \
  ({                                                                           \
    v16 v_;                                                                    \
    memcpy(&v_, (p), sizeof v_);                                               \
    v_;                                                                        \
  })
#define STOREV(p, v)                                                           \
  do {                                                                         \
    v16 w_ = (v);                                                              \
    memcpy((p), &w_, sizeof w_);                                               \
  } while (0)

#define SGEMM_ARGS                                                             \
  int transA, int transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,  \
      const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,            \
      float beta, float *c, ptrdiff_t ldc

// apack[p·MR + ii] = a[p + ii·lda] for p < kc, ii < mr, and 0 for mr ≤ ii < MR:
// a transposed panel (op(A) = Aᵀ, a weight's transpose in Wᵀ·δ), in 8×8
// blocks transposed in registers (a plain loop writes one float per cache line).
typedef float v8u __attribute__((vector_size(32), aligned(4)));
static void pack_transposed(const float *a, ptrdiff_t lda, ptrdiff_t kc, ptrdiff_t mr, float *apack) {
  ptrdiff_t p = 0;
  if (mr == MR) {
    for (; p + 8 <= kc; p += 8)
      for (ptrdiff_t i = 0; i < MR; i += 8) {
        v8u r0, r1, r2, r3, r4, r5, r6, r7;  // rows i..i+7 of the panel = columns of A
        memcpy(&r0, a + p + (i + 0) * lda, 32);
        memcpy(&r1, a + p + (i + 1) * lda, 32);
        memcpy(&r2, a + p + (i + 2) * lda, 32);
        memcpy(&r3, a + p + (i + 3) * lda, 32);
        memcpy(&r4, a + p + (i + 4) * lda, 32);
        memcpy(&r5, a + p + (i + 5) * lda, 32);
        memcpy(&r6, a + p + (i + 6) * lda, 32);
        memcpy(&r7, a + p + (i + 7) * lda, 32);
        v8u t0 = __builtin_shufflevector(r0, r1, 0, 8, 1, 9, 4, 12, 5, 13);
        v8u t1 = __builtin_shufflevector(r0, r1, 2, 10, 3, 11, 6, 14, 7, 15);
        v8u t2 = __builtin_shufflevector(r2, r3, 0, 8, 1, 9, 4, 12, 5, 13);
        v8u t3 = __builtin_shufflevector(r2, r3, 2, 10, 3, 11, 6, 14, 7, 15);
        v8u t4 = __builtin_shufflevector(r4, r5, 0, 8, 1, 9, 4, 12, 5, 13);
        v8u t5 = __builtin_shufflevector(r4, r5, 2, 10, 3, 11, 6, 14, 7, 15);
        v8u t6 = __builtin_shufflevector(r6, r7, 0, 8, 1, 9, 4, 12, 5, 13);
        v8u t7 = __builtin_shufflevector(r6, r7, 2, 10, 3, 11, 6, 14, 7, 15);
        v8u u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);
        v8u u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
        v8u u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);
        v8u u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
        v8u u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13);
        v8u u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
        v8u u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13);
        v8u u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
        // column q of the block (p + q) gathers element q of every row
        v8u c0 = __builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11);
        v8u c1 = __builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11);
        v8u c2 = __builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11);
        v8u c3 = __builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11);
        v8u c4 = __builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15);
        v8u c5 = __builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15);
        v8u c6 = __builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15);
        v8u c7 = __builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15);
        memcpy(apack + (p + 0) * MR + i, &c0, 32);
        memcpy(apack + (p + 1) * MR + i, &c1, 32);
        memcpy(apack + (p + 2) * MR + i, &c2, 32);
        memcpy(apack + (p + 3) * MR + i, &c3, 32);
        memcpy(apack + (p + 4) * MR + i, &c4, 32);
        memcpy(apack + (p + 5) * MR + i, &c5, 32);
        memcpy(apack + (p + 6) * MR + i, &c6, 32);
        memcpy(apack + (p + 7) * MR + i, &c7, 32);
      }
  }
  for (ptrdiff_t ii = 0; ii < MR; ii++) {  // what the blocks left: the last p, or a partial panel
    const float *src = a + ii * lda;
    if (ii < mr)
      for (ptrdiff_t q = p; q < kc; q++) apack[q * MR + ii] = src[q];
    else
      for (ptrdiff_t q = p; q < kc; q++) apack[q * MR + ii] = 0.0f;
  }
}

// One tile of C, W columns wide, expanded for each width an ISA uses.
#define DEFINE_TILE(FN, ATTR, W)                                                \
  /* acc(32×W) = panel(32×kc) · B(kc×W); C tile += alpha·acc (rows     */       \
  /* < mr, cols < nr). The panel's column p starts at panel + p·ps.       */    \
  ATTR static void FN(ptrdiff_t kc, const float *panel, ptrdiff_t ps,           \
                               const float *b, ptrdiff_t sp, ptrdiff_t sj,      \
                               float *c, ptrdiff_t ldc, ptrdiff_t mr,           \
                               ptrdiff_t nr, float alpha, int keep) {           \
    v16 acc[W][2];                                                              \
    for (int jj = 0; jj < W; jj++) acc[jj][0] = acc[jj][1] = (v16){0};          \
    for (ptrdiff_t p = 0; p < kc; p++) {                                        \
      v16 a0 = LOADV(panel + p * ps);                                           \
      v16 a1 = LOADV(panel + p * ps + 16);                                      \
      const float *bp = b + p * sp;                                             \
      for (int jj = 0; jj < W; jj++) {                                          \
        v16 x = bp[jj * sj] - (v16){0}; /* a splat; x − 0 = x exactly */        \
        acc[jj][0] += a0 * x;                                                   \
        acc[jj][1] += a1 * x;                                                   \
      }                                                                         \
    }                                                                           \
    if (mr == MR && nr == W) {                                                  \
      for (int jj = 0; jj < W; jj++) {                                          \
        if (keep) {                                                             \
          STOREV(c + jj * ldc, LOADV(c + jj * ldc) + alpha * acc[jj][0]);       \
          STOREV(c + jj * ldc + 16, LOADV(c + jj * ldc + 16) + alpha * acc[jj][1]); \
        } else {                                                                \
          STOREV(c + jj * ldc, alpha * acc[jj][0]);                             \
          STOREV(c + jj * ldc + 16, alpha * acc[jj][1]);                        \
        }                                                                       \
      }                                                                         \
      return;                                                                   \
    }                                                                           \
    float t[W][MR];                                                             \
    for (int jj = 0; jj < W; jj++) {                                            \
      STOREV(t[jj], acc[jj][0]);                                                \
      STOREV(t[jj] + 16, acc[jj][1]);                                           \
    }                                                                           \
    for (ptrdiff_t jj = 0; jj < nr; jj++)                                       \
      for (ptrdiff_t ii = 0; ii < mr; ii++)                                     \
        c[ii + jj * ldc] = (keep ? c[ii + jj * ldc] : 0.0f) + alpha * t[jj][ii]; \
  }

// The body of one ISA's GEMM, expanded once per target below. Full tiles
// are NRV columns wide; the last, narrower columns of C use a tile of 1, 2
// or 4 columns (a product with 3 columns does not compute 8). The width
// changes no number: each entry is the same sum in the same order.
#define DEFINE_SGEMM(NAME, ATTR, NRV)                                               \
  DEFINE_TILE(NAME##_tile, ATTR, NRV)                                          \
  DEFINE_TILE(NAME##_tile1, ATTR, 1)                                           \
  DEFINE_TILE(NAME##_tile2, ATTR, 2)                                           \
  DEFINE_TILE(NAME##_tile4, ATTR, 4)                                           \
  /* Few rows (m < 16) and op(B)'s columns contiguous: each entry is a dot  */ \
  /* product of a packed row of op(A) with a column of B.                 */  \
  ATTR static void NAME##_dots(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,          \
                               float alpha, const float *arows,                \
                               const float *b, ptrdiff_t ldb, float *c,        \
                               ptrdiff_t ldc, int keep) {                      \
    for (ptrdiff_t j = 0; j < n; j++) {                                        \
      const float *bj = b + j * ldb;                                           \
      for (ptrdiff_t i = 0; i < m; i++) {                                      \
        const float *ai = arows + i * k;                                       \
        v16 s0 = {0}, s1 = {0};                                                \
        ptrdiff_t p = 0;                                                       \
        for (; p + 32 <= k; p += 32) {                                         \
          s0 += LOADV(ai + p) * LOADV(bj + p);                                 \
          s1 += LOADV(ai + p + 16) * LOADV(bj + p + 16);                       \
        }                                                                      \
        s0 += s1;                                                              \
        /* add the 16 lanes pairwise: 16 → 8 → 4 → 2 → 1 */                    \
        v8 h8 = __builtin_shufflevector(s0, s0, 0, 1, 2, 3, 4, 5, 6, 7) +      \
                __builtin_shufflevector(s0, s0, 8, 9, 10, 11, 12, 13, 14, 15); \
        v4 h4 = __builtin_shufflevector(h8, h8, 0, 1, 2, 3) +                  \
                __builtin_shufflevector(h8, h8, 4, 5, 6, 7);                   \
        float s = (h4[0] + h4[2]) + (h4[1] + h4[3]);                           \
        for (; p < k; p++) s += ai[p] * bj[p];                                 \
        c[i + j * ldc] = (keep ? c[i + j * ldc] : 0.0f) + alpha * s;           \
      }                                                                        \
    }                                                                          \
  }                                                                            \
  ATTR static void NAME(SGEMM_ARGS) {                                          \
    /* With beta = 0 the first pass over k writes C instead of adding to it, */ \
    /* so C is never cleared first (and may hold anything).                  */ \
    int zeroFirst = beta == 0.0f;                                              \
    for (ptrdiff_t j = 0; j < n; j++) {                                        \
      float *cj = c + j * ldc;                                                 \
      if (beta == 0.0f) {                                                      \
        if (k <= 0 || alpha == 0.0f) memset(cj, 0, (size_t)m * sizeof(float)); \
      } else if (beta != 1.0f)                                                 \
        for (ptrdiff_t i = 0; i < m; i++) cj[i] *= beta;                       \
    }                                                                          \
    if (k <= 0 || alpha == 0.0f) return;                                       \
    /* op(B)(p, j) = b[p·sp + j·sj] */                                         \
    ptrdiff_t sp = transB ? ldb : 1, sj = transB ? 1 : ldb;                    \
    if (m < 16 && !transB && k >= 16) {                                        \
      /* pack the rows of op(A) contiguously, then dot products */             \
      float rows[16 * 1024];                                                   \
      if (m * k <= 16 * 1024) {                                                \
        for (ptrdiff_t i = 0; i < m; i++)                                      \
          for (ptrdiff_t p = 0; p < k; p++)                                    \
            rows[i * k + p] = transA ? a[p + i * lda] : a[i + p * lda];        \
        NAME##_dots(m, n, k, alpha, rows, b, ldb, c, ldc, !zeroFirst);         \
        return;                                                                \
      }                                                                        \
    }                                                                          \
    float apack[KC * MR];                                                      \
    float bpack[KC * NRV];                                                     \
    for (ptrdiff_t i0 = 0; i0 < m; i0 += MR) {                                 \
      ptrdiff_t mr = m - i0 < MR ? m - i0 : MR;                                \
      for (ptrdiff_t p0 = 0; p0 < k; p0 += KC) {                               \
        ptrdiff_t kc = k - p0 < KC ? k - p0 : KC;                              \
        const float *panel;                                                    \
        ptrdiff_t ps;                                                          \
        if (!transA && mr == MR) {                                             \
          panel = a + i0 + p0 * lda;                                           \
          ps = lda;                                                            \
        } else if (transA) { /* row ii of the panel is column i0+ii of A */   \
          pack_transposed(a + p0 + i0 * lda, lda, kc, mr, apack);              \
          panel = apack;                                                       \
          ps = MR;                                                             \
        } else {                                                               \
          for (ptrdiff_t p = 0; p < kc; p++)                                   \
            for (ptrdiff_t ii = 0; ii < MR; ii++)                              \
              apack[p * MR + ii] = ii >= mr ? 0.0f : a[(i0 + ii) + (p0 + p) * lda]; \
          panel = apack;                                                       \
          ps = MR;                                                             \
        }                                                                      \
        ptrdiff_t j0 = 0;                                                      \
        for (; j0 + NRV <= n; j0 += NRV)                                       \
          NAME##_tile(kc, panel, ps, b + p0 * sp + j0 * sj, sp, sj,            \
                      c + i0 + j0 * ldc, ldc, mr, NRV, alpha,                  \
                      !zeroFirst || p0 > 0);                                   \
        if (j0 < n) { /* last columns: the narrowest tile that holds them, */ \
          /* op(B) packed and padded with zero columns to its width */         \
          ptrdiff_t nr = n - j0;                                               \
          ptrdiff_t w = nr <= 1 ? 1 : nr <= 2 ? 2 : nr <= 4 ? 4 : NRV;         \
          for (ptrdiff_t jj = 0; jj < w; jj++)                                 \
            for (ptrdiff_t p = 0; p < kc; p++)                                 \
              bpack[p + jj * KC] =                                             \
                  jj < nr ? b[(p0 + p) * sp + (j0 + jj) * sj] : 0.0f;          \
          int keep = !zeroFirst || p0 > 0;                                     \
          float *ct = c + i0 + j0 * ldc;                                       \
          if (w == 1) NAME##_tile1(kc, panel, ps, bpack, 1, KC, ct, ldc, mr, nr, alpha, keep); \
          else if (w == 2) NAME##_tile2(kc, panel, ps, bpack, 1, KC, ct, ldc, mr, nr, alpha, keep); \
          else if (w == 4) NAME##_tile4(kc, panel, ps, bpack, 1, KC, ct, ldc, mr, nr, alpha, keep); \
          else NAME##_tile(kc, panel, ps, bpack, 1, KC, ct, ldc, mr, nr, alpha, keep); \
        }                                                                      \
      }                                                                        \
    }                                                                          \
  }

DEFINE_SGEMM(sgemm_generic, , 4)

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define FLOWLAB_MULTIVERSION 1
DEFINE_SGEMM(sgemm_avx2, __attribute__((target("avx2,fma"))), 4)
DEFINE_SGEMM(sgemm_avx512, __attribute__((target("avx512f,avx512vl,avx2,fma"))), 8)
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
  int level = flowlab_isa_level();
  if (level == 2) {
    f = sgemm_avx512;
    name = "avx512";
  } else if (level == 1) {
    f = sgemm_avx2;
    name = "avx2";
  }
#endif
  chosen_name = name;
  chosen = f;
}

// MARK: two halves
//
// A large product is computed in two halves (`flowlab_halves`: on two cores,
// or one after the other):
// - by columns of C, split where every batch is split (`flowlab_split`): each
//   half is whole columns with exactly the arithmetic of the unsplit product;
// - over k, when k is long and C small (a weight gradient δ·xᵀ sums over the
//   batch): each half sums over its own samples, C = A₀·B₀ᵀ + A₁·B₁ᵀ. This is
//   done for such shapes whether or not a second thread runs, so the result
//   depends on the shapes only, never on the number of threads.

struct gemm_job {
  int transA, transB;
  ptrdiff_t m, n, k, lda, ldb, ldc, split;
  float alpha, beta;
  const float *a, *b;
  float *c, *tmp;
};

// The product on the calling core.
static void one_core(SGEMM_ARGS) {
  if (m < 16 && transB && n >= 16 && k > 0 && m * n <= 4096) {
    // Few rows and op(B) transposed (a last layer's weight gradient δ·hᵀ):
    // compute the transpose Cᵀ = op(B)ᵀ·op(A)ᵀ, which has many rows, then
    // transpose it into C.
    float t[4096];
    chosen(!transB, !transA, n, m, k, alpha, b, ldb, a, lda, 0.0f, t, n);
    for (ptrdiff_t j = 0; j < n; j++)
      for (ptrdiff_t i = 0; i < m; i++)
        c[i + j * ldc] = (beta == 0.0f ? 0.0f : beta * c[i + j * ldc]) + t[j + i * n];
    return;
  }
  chosen(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static void gemm_columns(void *ctx, int part) {
  const struct gemm_job *j = ctx;
  ptrdiff_t j0 = part ? j->split : 0, j1 = part ? j->n : j->split;
  if (j1 <= j0) return;
  ptrdiff_t sj = j->transB ? 1 : j->ldb;
  one_core(j->transA, j->transB, j->m, j1 - j0, j->k, j->alpha, j->a, j->lda, j->b + j0 * sj, j->ldb, j->beta,
           j->c + j0 * j->ldc, j->ldc);
}

static void gemm_depth(void *ctx, int part) {
  const struct gemm_job *j = ctx;
  if (part == 2) {  // C = first half's sum + second half's
    for (ptrdiff_t jj = 0; jj < j->n; jj++)
      for (ptrdiff_t i = 0; i < j->m; i++) j->c[i + jj * j->ldc] += j->tmp[i + jj * j->m];
    return;
  }
  ptrdiff_t p0 = part ? j->split : 0, p1 = part ? j->k : j->split;
  // op(A)(i, p) and op(B)(p, j) from p0 on
  const float *a = j->a + (j->transA ? p0 : p0 * j->lda);
  const float *b = j->b + (j->transB ? p0 * j->ldb : p0);
  if (part == 0)
    one_core(j->transA, j->transB, j->m, j->n, p1 - p0, j->alpha, a, j->lda, b, j->ldb, 0.0f, j->c, j->ldc);
  else
    one_core(j->transA, j->transB, j->m, j->n, p1 - p0, j->alpha, a, j->lda, b, j->ldb, 0.0f, j->tmp, j->m);
}

void flowlab_sgemm(SGEMM_ARGS) {
  if (!chosen) choose();
  if (m <= 0 || n <= 0) return;
  // Worth a second thread: at least ~250 000 multiply-adds, or a batch-sized
  // operand (a 64×256 activation or its gradient), whose halves live in the
  // two cores' caches: each core then reads and writes only its own half,
  // even for a cheap product such as the first layer's W·x (3 inputs) or
  // the input gradient Wᵀ·δ with 3 rows.
  int big = (double)m * (double)n * (double)k >= 250000.0;
  int batch_b = k * n >= 8192, batch_c = m * n >= 8192, batch_a = m * k >= 8192;
  struct gemm_job job = {transA, transB, m, n, k, lda, ldb, ldc, 0, alpha, beta, a, b, c, 0};
  // Memory of A and B whole, for flowlab_claim (what the caller reads). C
  // is not claimed: the core always passes a new array (beta = 0), and an
  // array a queued job writes stays allocated until that job is done, so
  // no job can be writing where a new one lies. With beta ≠ 0 C is read.
  if (beta != 0.0f) flowlab_claim(c, (size_t)(n * ldc) * sizeof(float));
  size_t a_bytes = (size_t)lda * (size_t)(transA ? m : k) * sizeof(float);
  size_t b_bytes = (size_t)ldb * (size_t)(transB ? k : n) * sizeof(float);
  if (beta == 0.0f && alpha != 0.0f && k >= 128 && k >= 2 * m && k >= 2 * n) {
    job.split = flowlab_split(k);
    // the caller's part reads op(A)'s and op(B)'s first `split` steps of k
    flowlab_claim(a, transA ? a_bytes : (size_t)(job.split * lda) * sizeof(float));
    flowlab_claim(b, transB ? (size_t)(job.split * ldb) * sizeof(float) : b_bytes);
    float *scratch = flowlab_async_scratch((size_t)(m * n));
    if (scratch) {
      // In a pipeline: the worker adds the halves (part 2) after its own
      // half, so nobody waits; C is the worker's to write until then.
      job.tmp = scratch;
      struct flowlab_range w = {(const char *)c, (const char *)(c + n * ldc)};
      flowlab_halves_async(gemm_depth, &job, sizeof job, &w, 1, 1);
      return;
    }
    // The second half's partial sums go to a buffer of the calling
    // thread's own that nothing else writes (not its stack, which it keeps
    // writing), so that the worker writing it finds the lines in its cache.
    static _Thread_local float second_half[4096] __attribute__((aligned(64)));
    float *tmp = m * n > 4096 ? malloc((size_t)(m * n) * sizeof(float)) : second_half;
    if (tmp) {
      job.tmp = tmp;
      flowlab_halves(gemm_depth, &job, big || batch_a || batch_b);
      gemm_depth(&job, 2);
      if (m * n > 4096) free(tmp);
      return;
    }
  }
  if (n >= 32 && (big || batch_b || batch_c)) {
    job.split = flowlab_column_split(n);
    // The caller's part reads A and its columns of B and C; the worker's
    // part writes the other columns of C.
    ptrdiff_t sj = transB ? 1 : ldb;
    flowlab_claim(a, a_bytes);
    flowlab_claim(b, transB ? b_bytes : (size_t)(job.split * sj) * sizeof(float));
    struct flowlab_range w = {(const char *)(c + job.split * ldc), (const char *)(c + n * ldc)};
    flowlab_halves_async(gemm_columns, &job, sizeof job, &w, 1, 0);
    return;
  }
  flowlab_claim(a, a_bytes);
  flowlab_claim(b, b_bytes);
  one_core(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

const char *flowlab_kernel_isa(void) {
  if (!chosen) choose();
  return chosen_name;
}
