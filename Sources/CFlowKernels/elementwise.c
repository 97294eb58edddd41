// The core's elementwise work: each operation of a deferred program (see
// flowlab_run below), the fused chains of an elu and its derivative, the sums
// over a batch, and exp and expm1.
//
// libm's expf/expm1f are called once per number and do not vectorize; the
// loops here are branch-free so the compiler vectorizes them, and on x86-64
// they are compiled for AVX-512, AVX2+FMA and the baseline, chosen at run time
// like the GEMM (AVX-512 has its own exp and expm1, with vscalefps).
// Accuracy: within 2 ulp of the correctly rounded result wherever it is a
// normal float (checked against libm in the core's tests, on every
// instruction set); NaN gives NaN, +∞ gives +∞, −∞ gives 0 (exp) or −1 (expm1).
#include "flowkernels.h"
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LOG2E 1.44269504088896341f
#define LN2_HI 0.693359375f
#define LN2_LO -2.12194440e-4f
#define ROUND_MAGIC 12582912.0f /* 1.5·2²³: adding it rounds to an integer */

// A chain of program steps run as one (see "Fused chains" below).
struct fused_chain {
  int kind;        // FUSED_ELU or FUSED_SCALE
  int clamp_a, clamp_b, f;
  float s_a, s_b;
  int swap;        // FUSED_SCALE: f · g instead of g · f
};
enum { FUSED_ELU = 1, FUSED_SCALE };

// e^x for x in [−104, 88.72] (below, the result underflows to 0 anyway): x = n·ln2 + r, |r| ≤ ln2/2, e^r by a degree-7
// Taylor polynomial, then scaled by 2ⁿ through the exponent bits.
#define EXP_CORE(xc, out)                                                      \
  do {                                                                         \
    float t_ = (xc) * LOG2E + ROUND_MAGIC;                                     \
    float n_ = t_ - ROUND_MAGIC;                                               \
    float r_ = ((xc) - n_ * LN2_HI) - n_ * LN2_LO;                             \
    float p_ = 1.0f / 5040.0f;                                                 \
    p_ = p_ * r_ + 1.0f / 720.0f;                                              \
    p_ = p_ * r_ + 1.0f / 120.0f;                                              \
    p_ = p_ * r_ + 1.0f / 24.0f;                                               \
    p_ = p_ * r_ + 1.0f / 6.0f;                                                \
    p_ = p_ * r_ + 0.5f;                                                       \
    p_ = p_ * r_ + 1.0f;                                                       \
    p_ = p_ * r_ + 1.0f;                                                       \
    /* 2ⁿ as two factors, so n = 128 (x near 88.7) does not overflow */        \
    int32_t n1_ = (int32_t)n_ >> 1, n2_ = (int32_t)n_ - n1_;                   \
    int32_t b1_ = (n1_ + 127) << 23, b2_ = (n2_ + 127) << 23;                  \
    float s1_, s2_;                                                            \
    memcpy(&s1_, &b1_, 4);                                                     \
    memcpy(&s2_, &b2_, 4);                                                     \
    (out) = p_ * s1_ * s2_;                                                    \
  } while (0)

#define DEFINE_ELEMENTWISE(NAME, ATTR, EXP, EXPM1)                                         \
  ATTR __attribute__((unused)) static void NAME##_exp(ptrdiff_t n, const float *restrict x,            \
                              float *restrict y) {                             \
    for (ptrdiff_t i = 0; i < n; i++) {                                        \
      float xi = x[i];                                                         \
      float xc = xi < -104.0f ? -104.0f : (xi > 88.72283f ? 88.72283f : xi);             \
      float e;                                                                 \
      EXP_CORE(xc, e);                                                         \
      e = xi > 88.72283f ? INFINITY : e;                                           \
      y[i] = xi != xi ? xi : e;                                                \
    }                                                                          \
  }                                                                            \
  ATTR __attribute__((unused)) static void NAME##_expm1(ptrdiff_t n, const float *restrict x,          \
                                float *restrict y) {                           \
    for (ptrdiff_t i = 0; i < n; i++) {                                        \
      float xi = x[i];                                                         \
      float xc = xi < -104.0f ? -104.0f : (xi > 88.72283f ? 88.72283f : xi);   \
      /* x = n·ln2 + r;  e^x − 1 = 2ⁿ·(e^r − 1) + (2ⁿ − 1), with e^r − 1 by  */ \
      /* its series up to r⁸/8!: no cancellation near 0, where n = 0.        */ \
      float t = xc * LOG2E + ROUND_MAGIC;                                      \
      float nf = t - ROUND_MAGIC;                                              \
      float r = (xc - nf * LN2_HI) - nf * LN2_LO;                              \
      float q = 1.0f / 40320.0f;                                               \
      q = q * r + 1.0f / 5040.0f;                                              \
      q = q * r + 1.0f / 720.0f;                                               \
      q = q * r + 1.0f / 120.0f;                                               \
      q = q * r + 1.0f / 24.0f;                                                \
      q = q * r + 1.0f / 6.0f;                                                 \
      q = q * r + 0.5f;                                                        \
      q = q * r * r + r;                                                       \
      /* 2ⁿ as two factors so n up to 128 does not overflow; for n ≤ −30   */ \
      /* the answer is −1 to float precision.                              */ \
      int32_t ni = nf < -30.0f ? -30 : (int32_t)nf;                            \
      int32_t n1 = ni >> 1, n2 = ni - n1;                                      \
      int32_t b1 = (n1 + 127) << 23, b2 = (n2 + 127) << 23;                    \
      float s1, s2;                                                            \
      memcpy(&s1, &b1, 4);                                                     \
      memcpy(&s2, &b2, 4);                                                     \
      float sc = s1 * s2;                                                      \
      float v = ni <= 24 ? sc * q + (sc - 1.0f) : ((q + 1.0f) * s1) * s2 - 1.0f; \
      v = ni <= -30 ? -1.0f : v;                                               \
      v = xi > 88.72283f ? INFINITY : v;                                       \
      y[i] = xi != xi ? xi : v;                                                \
    }                                                                          \
  }                                                                            \
  /* o = op(x, z, s) over nc columns (column j0 on) of a rows-row array; x, */ \
  /* z and o point at the chunk, except that the broadcast vector of       */ \
  /* ADD_COL (rows×1) and MUL_ROW (1×cols) is z whole.                     */ \
  ATTR static void NAME##_op(int op, ptrdiff_t rows, ptrdiff_t j0,             \
                             ptrdiff_t nc, const float *x, const float *z,     \
                             float s, float *o) {                              \
    ptrdiff_t n = nc * rows;                                                   \
    switch (op) {                                                              \
    case FLOWLAB_ADD: for (ptrdiff_t i = 0; i < n; i++) o[i] = x[i] + z[i]; break; \
    case FLOWLAB_SUB: for (ptrdiff_t i = 0; i < n; i++) o[i] = x[i] - z[i]; break; \
    case FLOWLAB_MUL: for (ptrdiff_t i = 0; i < n; i++) o[i] = x[i] * z[i]; break; \
    case FLOWLAB_DIV: for (ptrdiff_t i = 0; i < n; i++) o[i] = x[i] / z[i]; break; \
    case FLOWLAB_ADD_S: for (ptrdiff_t i = 0; i < n; i++) o[i] = x[i] + s; break; \
    case FLOWLAB_S_SUB: for (ptrdiff_t i = 0; i < n; i++) o[i] = s - x[i]; break; \
    case FLOWLAB_MUL_S: for (ptrdiff_t i = 0; i < n; i++) o[i] = x[i] * s; break; \
    case FLOWLAB_DIV_S: for (ptrdiff_t i = 0; i < n; i++) o[i] = x[i] / s; break; \
    case FLOWLAB_S_DIV: for (ptrdiff_t i = 0; i < n; i++) o[i] = s / x[i]; break; \
    case FLOWLAB_MIN_S: for (ptrdiff_t i = 0; i < n; i++) o[i] = s < x[i] ? s : x[i]; break; \
    case FLOWLAB_MAX_S: for (ptrdiff_t i = 0; i < n; i++) o[i] = s > x[i] ? s : x[i]; break; \
    case FLOWLAB_SQUARE: for (ptrdiff_t i = 0; i < n; i++) o[i] = x[i] * x[i]; break; \
    case FLOWLAB_SQRT: for (ptrdiff_t i = 0; i < n; i++) o[i] = __builtin_sqrtf(x[i]); break; \
    case FLOWLAB_EXP: EXP(n, x, o); break;                              \
    case FLOWLAB_EXPM1: EXPM1(n, x, o); break;                          \
    case FLOWLAB_AXPY: for (ptrdiff_t i = 0; i < n; i++) o[i] = x[i] + s * z[i]; break; \
    case FLOWLAB_ADD_COL:                                                      \
      for (ptrdiff_t j = 0; j < nc; j++)                                       \
        for (ptrdiff_t i = 0; i < rows; i++) o[i + j * rows] = x[i + j * rows] + z[i]; \
      break;                                                                   \
    case FLOWLAB_MUL_ROW:                                                      \
      for (ptrdiff_t j = 0; j < nc; j++)                                       \
        for (ptrdiff_t i = 0; i < rows; i++) o[i + j * rows] = x[i + j * rows] * z[j0 + j]; \
      break;                                                                   \
    }                                                                          \
  }                                                                            \
  /* y[i] = Σ_{j0 ≤ j < j1} a[i, j], added in order of j. The running sums */ \
  /* of a block of rows stay in registers (acc); summing into y directly    */ \
  /* would load and store y for every column, since y might alias a.        */ \
  ATTR static void NAME##_colsum(ptrdiff_t rows, ptrdiff_t j0, ptrdiff_t j1,   \
                                 const float *a, float *y) {                   \
    ptrdiff_t i0 = 0;                                                          \
    for (; i0 + 64 <= rows; i0 += 64) {                                        \
      float acc[64] = {0};                                                     \
      for (ptrdiff_t j = j0; j < j1; j++)                                      \
        for (int i = 0; i < 64; i++) acc[i] += a[i0 + i + j * rows];           \
      for (int i = 0; i < 64; i++) y[i0 + i] = acc[i];                         \
    }                                                                          \
    for (; i0 + 16 <= rows; i0 += 16) {                                        \
      float acc[16] = {0};                                                     \
      for (ptrdiff_t j = j0; j < j1; j++)                                      \
        for (int i = 0; i < 16; i++) acc[i] += a[i0 + i + j * rows];           \
      for (int i = 0; i < 16; i++) y[i0 + i] = acc[i];                         \
    }                                                                          \
    for (; i0 < rows; i0++) {                                                  \
      float acc = 0.0f;                                                        \
      for (ptrdiff_t j = j0; j < j1; j++) acc += a[i0 + j * rows];             \
      y[i0] = acc;                                                             \
    }                                                                          \
  }

DEFINE_ELEMENTWISE(ew_generic, , ew_generic_exp, ew_generic_expm1)
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define FLOWLAB_MULTIVERSION 1
#include <immintrin.h>
DEFINE_ELEMENTWISE(ew_avx2, __attribute__((target("avx2,fma"))), ew_avx2_exp, ew_avx2_expm1)

// AVX-512 has vscalefps, p·2ⁿ with the exponent's overflow, underflow and
// subnormal results handled by the instruction, which removes most of the
// range bookkeeping above: the same reduction and polynomials in about half
// the instructions.
#define AVX512 __attribute__((target("avx512f,avx512vl,avx2,fma")))

// x = n·ln2 + r, |r| ≤ ln2/2 (x already clamped; NaN passes through).
AVX512 static inline __m512 reduce512(__m512 x, __m512 *n) {
  *n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(*n, _mm512_set1_ps(LN2_HI), x);
  return _mm512_fnmadd_ps(*n, _mm512_set1_ps(LN2_LO), r);
}

AVX512 static inline __m512 exp512(__m512 x) {
  // Clamp to ±200 (e^±200 is ∞ or 0 after scaling); min/max keep NaN
  // because they return the second operand when either is NaN.
  x = _mm512_max_ps(_mm512_set1_ps(-200.0f), _mm512_min_ps(_mm512_set1_ps(200.0f), x));
  __m512 n, r = reduce512(x, &n);
  __m512 p = _mm512_set1_ps(1.0f / 5040.0f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

AVX512 static inline __m512 expm1_512(__m512 x) {
  // Below −30, e^x − 1 is −1 in float; above 100 it is ∞.
  x = _mm512_max_ps(_mm512_set1_ps(-30.0f), _mm512_min_ps(_mm512_set1_ps(100.0f), x));
  __m512 n, r = reduce512(x, &n);
  // e^r − 1 = r + r²·(1/2 + r/6 + … + r⁶/8!)
  __m512 q = _mm512_set1_ps(1.0f / 40320.0f);
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 5040.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 720.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 120.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 24.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 6.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(0.5f));
  q = _mm512_fmadd_ps(q, _mm512_mul_ps(r, r), r);
  // e^x − 1 = 2ⁿ·q + (2ⁿ − 1): exact near 0 (n = 0 gives q); for n > 24,
  // (q + 1)·2ⁿ − 1, which scalef keeps finite up to x = 88.72.
  // The second form only when a lane needs it (x > 16.6; never in elu).
  __m512 s = _mm512_scalef_ps(_mm512_set1_ps(1.0f), n);
  __m512 small = _mm512_fmadd_ps(q, s, _mm512_sub_ps(s, _mm512_set1_ps(1.0f)));
  __mmask16 large = _mm512_cmp_ps_mask(n, _mm512_set1_ps(24.0f), _CMP_GT_OQ);
  if (!large) return small;
  __m512 big = _mm512_sub_ps(_mm512_scalef_ps(_mm512_add_ps(q, _mm512_set1_ps(1.0f)), n), _mm512_set1_ps(1.0f));
  return _mm512_mask_blend_ps(large, small, big);
}

#define DEFINE_MAP512(NAME, F)                                                 \
  AVX512 static void NAME(ptrdiff_t n, const float *restrict x, float *restrict y) { \
    ptrdiff_t i = 0;                                                           \
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, F(_mm512_loadu_ps(x + i))); \
    if (i < n) {                                                               \
      __mmask16 m = (__mmask16)((1u << (n - i)) - 1);                          \
      _mm512_mask_storeu_ps(y + i, m, F(_mm512_maskz_loadu_ps(m, x + i)));     \
    }                                                                          \
  }
DEFINE_MAP512(ew_avx512_fast_exp, exp512)
DEFINE_MAP512(ew_avx512_fast_expm1, expm1_512)
DEFINE_ELEMENTWISE(ew_avx512, AVX512, ew_avx512_fast_exp, ew_avx512_fast_expm1)

// Fused chains (AVX-512). A program step stores its result and the next one
// loads it again; for a short chain of cheap steps those stores cost as much
// as the arithmetic. Two chains recur in every network with elu, and are run
// here in registers, one vector at a time:
//   elu       y = clampA(x) + f(clampB(x))    (4 steps: clamp, clamp, f, add)
//   elu′ · g  y = g · f(clamp(x))              (3 steps: clamp, f, multiply)
// where a clamp is MIN_S or MAX_S and f is EXP or EXPM1. Each lane gets the
// very instructions the steps one at a time give it (vmaxps/vminps with the
// scalar first, as the steps compile `s > x ? s : x`; the same exp512 and
// expm1_512), so fusing never changes a number; the tests compare both ways
// bit for bit. The other instruction sets run the steps one at a time.

AVX512 static inline __m512 clamp512(int op, __m512 s, __m512 x) {
  return op == FLOWLAB_MAX_S ? _mm512_max_ps(s, x) : _mm512_min_ps(s, x);
}
AVX512 static inline __m512 f512(int op, __m512 x) { return op == FLOWLAB_EXP ? exp512(x) : expm1_512(x); }

AVX512 static inline __m512 chain512(const struct fused_chain *c, __m512 x, __m512 g) {
  if (c->kind == FUSED_ELU) {
    __m512 a = clamp512(c->clamp_a, _mm512_set1_ps(c->s_a), x);
    __m512 b = f512(c->f, clamp512(c->clamp_b, _mm512_set1_ps(c->s_b), x));
    return _mm512_add_ps(a, b);
  }
  __m512 t = f512(c->f, clamp512(c->clamp_a, _mm512_set1_ps(c->s_a), x));
  return c->swap ? _mm512_mul_ps(t, g) : _mm512_mul_ps(g, t);
}

// y = chain(x, g) over n numbers (g only for FUSED_SCALE).
AVX512 static void fused_avx512(const struct fused_chain *c, ptrdiff_t n, const float *x, const float *g, float *y) {
  ptrdiff_t i = 0;
  __m512 zero = _mm512_setzero_ps();
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(y + i, chain512(c, _mm512_loadu_ps(x + i), g ? _mm512_loadu_ps(g + i) : zero));
  if (i < n) {
    __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
    __m512 gv = g ? _mm512_maskz_loadu_ps(m, g + i) : zero;
    _mm512_mask_storeu_ps(y + i, m, chain512(c, _mm512_maskz_loadu_ps(m, x + i), gv));
  }
}
#endif

typedef void (*op_fn)(int, ptrdiff_t, ptrdiff_t, ptrdiff_t, const float *, const float *, float, float *);
typedef void (*colsum_fn)(ptrdiff_t, ptrdiff_t, ptrdiff_t, const float *, float *);
static op_fn chosen_op = 0;
static colsum_fn chosen_colsum = 0;
static int can_fuse = 0;       // the chosen kernels have fused chains (AVX-512)
static atomic_int fusion_wanted = 1;  // flowlab_set_fusion

static void choose(void) {
  op_fn f = ew_generic_op;
  colsum_fn cs = ew_generic_colsum;
#ifdef FLOWLAB_MULTIVERSION
  int level = flowlab_isa_level();
  if (level == 2) {
    f = ew_avx512_op;
    cs = ew_avx512_colsum;
    can_fuse = 1;
  } else if (level == 1) {
    f = ew_avx2_op;
    cs = ew_avx2_colsum;
  }
#endif
  chosen_colsum = cs;
  chosen_op = f;
}

// MARK: fused elementwise programs
//
// A program is a list of steps over rows×cols arrays; step k computes value
// n_in + k from earlier values (0 ..< n_in are the inputs). It runs over
// chunks of whole columns (about CHUNK numbers), so that a step's result is
// still in the L1 cache when the next step reads it: a chain of elementwise
// operations costs one pass over memory instead of one per operation. A
// step's result is written to memory only when `out[k]` asks for it;
// otherwise it lives in a scratch slot for the chunk. Every entry gets
// exactly the operations, in the same order, that the steps one at a time
// would give it, so fusing never changes a number.

#define CHUNK 512
#define MAX_SLOTS 32

#define MAX_INPUTS 64

// A program and its arrays, self-contained (the worker may run its part
// after the caller has returned; see flowlab_halves_async).
struct run_job {
  ptrdiff_t rows, cols, split, chunk_cols;
  int n_in, n_steps, n_slots;
  const float *in[MAX_INPUTS];
  struct flowlab_step steps[MAX_SLOTS];
  float *out[MAX_SLOTS];
  int slot[MAX_SLOTS];       // scratch slot of each step (−1: written to out)
  int fused_len[MAX_SLOTS];  // steps k ..< k + fused_len[k] run as chain[k] (0: step k alone)
  struct fused_chain chain[MAX_SLOTS];
};

static void run_columns(const struct run_job *r, ptrdiff_t c0, ptrdiff_t c1) {
  ptrdiff_t rows = r->rows, cc = r->chunk_cols;
  float stack_scratch[MAX_SLOTS * CHUNK];
  float *scratch = stack_scratch;
  size_t need = (size_t)r->n_slots * (size_t)(cc * rows);
  if (need > MAX_SLOTS * CHUNK) scratch = malloc(need * sizeof(float));
  if (!scratch) abort();  // out of memory for a few kilobytes
  const float *val[MAX_SLOTS + MAX_INPUTS];
  for (ptrdiff_t j0 = c0; j0 < c1; j0 += cc) {
    ptrdiff_t nc = c1 - j0 < cc ? c1 - j0 : cc;
    for (int v = 0; v < r->n_in; v++) val[v] = r->in[v] + j0 * rows;  // broadcast inputs are read whole
    for (int k = 0; k < r->n_steps; k++) {
      int len = r->fused_len[k];
      int last = len ? k + len - 1 : k;  // the step whose value this computes
      float *o = r->slot[last] < 0 ? r->out[last] + j0 * rows : scratch + (size_t)r->slot[last] * (size_t)(cc * rows);
#ifdef FLOWLAB_MULTIVERSION
      if (len) {
        const struct fused_chain *c = &r->chain[k];
        // the chain's x is the first step's operand; g is the last step's other operand
        const struct flowlab_step *end = &r->steps[last];
        const float *g = c->kind == FUSED_SCALE ? val[c->swap ? end->b : end->a] : 0;
        fused_avx512(c, nc * rows, val[r->steps[k].a], g, o);
        val[r->n_in + last] = o;
        k = last;
        continue;
      }
#endif
      const struct flowlab_step *st = &r->steps[k];
      const float *z = 0;
      if (st->op == FLOWLAB_ADD_COL || st->op == FLOWLAB_MUL_ROW) z = r->in[st->b];
      else if (st->b >= 0) z = val[st->b];
      chosen_op(st->op, rows, j0, nc, val[st->a], z, st->s, o);
      val[r->n_in + k] = o;
    }
  }
  if (scratch != stack_scratch) free(scratch);
}

static void run_part(void *ctx, int part) {
  const struct run_job *r = ctx;
  if (part == 0) run_columns(r, 0, r->split);
  else run_columns(r, r->split, r->cols);
}

int flowlab_run_capacity(void) { return MAX_SLOTS; }

static atomic_long programs_fused = 0;

void flowlab_set_fusion(int on) { atomic_store_explicit(&fusion_wanted, on != 0, memory_order_relaxed); }

long flowlab_programs_fused(void) { return atomic_load_explicit(&programs_fused, memory_order_relaxed); }

int flowlab_fusion(void) {
  if (!chosen_op) choose();
  return can_fuse && atomic_load_explicit(&fusion_wanted, memory_order_relaxed);
}

static int is_clamp(int op) { return op == FLOWLAB_MIN_S || op == FLOWLAB_MAX_S; }
static int is_exp(int op) { return op == FLOWLAB_EXP || op == FLOWLAB_EXPM1; }

// Marks the chains of steps that run fused (fused_len[k] > 0 at a chain's
// first step). A chain's inner values must be scratch (not written out) and
// read only inside the chain, so that nothing else misses them.
static int find_chains(int n_in, const float *const *in, int n_steps, const struct flowlab_step *st, float *const *out,
                       const int *last_use, int *fused_len, struct fused_chain *chain) {
  int found = 0;
  for (int k = 0; k < n_steps; k++) fused_len[k] = 0;
  if (!flowlab_fusion()) return 0;
  // inner(k, end): step k's value is scratch and read by no step after `end`
#define INNER(k, end) (!out[k] && last_use[k] <= (end))
  // the same value: one step's, or an input listed twice (a matrix used twice)
#define SAME(u, w) ((u) == (w) || ((u) < n_in && (w) < n_in && in[u] == in[w]))
  for (int k = 0; k < n_steps; k++) {
    int v = n_in + k;  // value number of step k
    // elu: clampA(x), clampB(x), f(clampB), clampA + f
    if (k + 3 < n_steps && is_clamp(st[k].op) && is_clamp(st[k + 1].op) && SAME(st[k + 1].a, st[k].a) &&
        is_exp(st[k + 2].op) && st[k + 2].a == v + 1 && st[k + 3].op == FLOWLAB_ADD &&
        st[k + 3].a == v && st[k + 3].b == v + 2 && INNER(k, k + 3) && INNER(k + 1, k + 2) &&
        INNER(k + 2, k + 3)) {
      // (A program lists an operation's first operand's steps first, so the
      // add is always clampA + f here.)
      chain[k] = (struct fused_chain){FUSED_ELU, st[k].op, st[k + 1].op, st[k + 2].op, st[k].s, st[k + 1].s, 0};
      fused_len[k] = 4;
      found++;
      k += 3;
      continue;
    }
    // elu′ · g: clamp(x), f(clamp), g · f
    if (k + 2 < n_steps && is_clamp(st[k].op) && is_exp(st[k + 1].op) && st[k + 1].a == v &&
        st[k + 2].op == FLOWLAB_MUL && (st[k + 2].a == v + 1) != (st[k + 2].b == v + 1) &&
        INNER(k, k + 1) && INNER(k + 1, k + 2)) {
      chain[k] = (struct fused_chain){FUSED_SCALE, st[k].op, 0, st[k + 1].op, st[k].s, 0, st[k + 2].a == v + 1};
      fused_len[k] = 3;
      found++;
      k += 2;
    }
  }
#undef INNER
#undef SAME
  return found;
}

void flowlab_apply(int op, ptrdiff_t rows, ptrdiff_t cols, const float *a, const float *b, float s, float *y) {
  if (!chosen_op) choose();
  if (rows <= 0 || cols <= 0) return;
  size_t n = (size_t)(rows * cols) * sizeof(float);
  // (y, like every result, is a new array: no queued job writes there; see flowlab_sgemm)
  flowlab_claim(a, n);
  flowlab_claim(b, op == FLOWLAB_ADD_COL ? (size_t)rows * sizeof(float)
                   : op == FLOWLAB_MUL_ROW ? (size_t)cols * sizeof(float) : n);
  chosen_op(op, rows, 0, cols, a, b, s, y);
}

void flowlab_run(ptrdiff_t rows, ptrdiff_t cols, int n_in, const float *const *in, int n_steps,
                 const struct flowlab_step *steps, float *const *out) {
  if (!chosen_op) choose();
  if (rows <= 0 || cols <= 0 || n_steps <= 0) return;
  if (n_in > MAX_INPUTS || n_steps > MAX_SLOTS) abort();  // the caller keeps programs within flowlab_run_capacity()
  struct run_job job;
  job.rows = rows;
  job.cols = cols;
  job.n_in = n_in;
  job.n_steps = n_steps;
  memcpy(job.in, in, (size_t)n_in * sizeof *in);
  memcpy(job.steps, steps, (size_t)n_steps * sizeof *steps);
  memcpy(job.out, out, (size_t)n_steps * sizeof *out);
  // Scratch slots for the steps not written out, reused once a value is dead.
  int last_use[MAX_SLOTS], slot_free_at[MAX_SLOTS], n_slots = 0;
  int *slot = job.slot;
  for (int k = 0; k < n_steps; k++) last_use[k] = k;
  for (int k = 0; k < n_steps; k++) {
    int a = steps[k].a - n_in, b = steps[k].b - n_in;
    if (a >= 0) last_use[a] = k;
    if (b >= 0 && steps[k].op != FLOWLAB_ADD_COL && steps[k].op != FLOWLAB_MUL_ROW) last_use[b] = k;
  }
  for (int k = 0; k < n_steps; k++) {
    if (out[k]) {
      slot[k] = -1;
      continue;
    }
    int s = -1;
    for (int t = 0; t < n_slots; t++)
      if (slot_free_at[t] < k) {  // its value was last read by an earlier step
        s = t;
        break;
      }
    if (s < 0) s = n_slots++;
    slot[k] = s;
    slot_free_at[s] = last_use[k];
  }
  job.n_slots = n_slots;
  if (find_chains(n_in, in, n_steps, steps, out, last_use, job.fused_len, job.chain))
    atomic_fetch_add_explicit(&programs_fused, 1, memory_order_relaxed);
  ptrdiff_t cc = CHUNK / rows;
  job.chunk_cols = cc < 1 ? 1 : cc;
  // Two threads for a batch-sized array (a 64×256 activation), or a smaller
  // one with a long program (an optimizer's update of a 64×64 weight).
  double work = (double)rows * (double)cols * (double)(n_steps + 1);
  int two = rows * cols >= 8192 || (rows * cols >= 2048 && work >= 32768);
  job.split = two ? flowlab_column_split(cols) : cols;
  // What the caller's part reads: its columns of every full input, the
  // broadcast vectors whole (inside a pipeline, the worker may still be
  // writing the inputs).
  char broadcast[MAX_INPUTS] = {0};
  for (int k = 0; k < n_steps; k++)
    if (steps[k].op == FLOWLAB_ADD_COL || steps[k].op == FLOWLAB_MUL_ROW) broadcast[steps[k].b] = (char)steps[k].op + 1;
  for (int v = 0; v < n_in; v++) {
    if (broadcast[v] == FLOWLAB_ADD_COL + 1) flowlab_claim(in[v], (size_t)rows * sizeof(float));
    else if (broadcast[v] == FLOWLAB_MUL_ROW + 1) flowlab_claim(in[v], (size_t)cols * sizeof(float));
    else flowlab_claim(in[v], (size_t)(job.split * rows) * sizeof(float));
  }
  if (!two) {
    run_columns(&job, 0, cols);
    return;
  }
  // What the worker's part writes: its columns of every written value.
  struct flowlab_range writes[MAX_SLOTS];
  int n_writes = 0;
  for (int k = 0; k < n_steps; k++)
    if (out[k])
      writes[n_writes++] = (struct flowlab_range){(const char *)(out[k] + job.split * rows),
                                                  (const char *)(out[k] + cols * rows)};
  flowlab_halves_async(run_part, &job, sizeof job, writes, n_writes, 0);
}

struct colsum_job {
  ptrdiff_t rows, cols, split;
  const float *a;
  float *y, *tmp;
};

static void colsum_part(void *ctx, int part) {
  const struct colsum_job *j = ctx;
  if (part == 0) chosen_colsum(j->rows, 0, j->split, j->a, j->y);
  else if (part == 1) chosen_colsum(j->rows, j->split, j->cols, j->a, j->tmp);
  else
    for (ptrdiff_t i = 0; i < j->rows; i++) j->y[i] += j->tmp[i];
}

void flowlab_sum_columns(ptrdiff_t rows, ptrdiff_t cols, const float *a, float *y) {
  if (!chosen_op) choose();
  if (rows <= 0) return;
  float small[1024];
  float *tmp = rows <= 1024 ? small : malloc((size_t)rows * sizeof(float));
  if (!tmp) {  // out of memory (a matrix with over 1024 rows): one pass
    chosen_colsum(rows, 0, cols, a, y);
    return;
  }
  struct colsum_job job = {rows, cols, flowlab_split(cols), a, y, tmp};
  int two = rows * cols >= 8192;
  flowlab_claim(a, (size_t)((two ? job.split : cols) * rows) * sizeof(float));
  float *scratch = two ? flowlab_async_scratch((size_t)rows) : 0;
  if (scratch) {  // in a pipeline: the worker adds the halves; y is its to write until then
    job.tmp = scratch;
    struct flowlab_range w = {(const char *)y, (const char *)(y + rows)};
    flowlab_halves_async(colsum_part, &job, sizeof job, &w, 1, 1);
  } else {
    flowlab_halves(colsum_part, &job, two);
    colsum_part(&job, 2);
  }
  if (tmp != small) free(tmp);
}
