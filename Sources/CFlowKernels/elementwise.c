// Vectorizable exp and expm1 for whole arrays.
//
// libm's expf/expm1f are called once per number and do not vectorize; these
// loops are branch-free so the compiler vectorizes them, and on x86-64 they
// are compiled for AVX-512, AVX2+FMA and the baseline, chosen at run time
// like the GEMM. Accuracy: within 2 ulp of the correctly rounded result over
// the whole float range (checked against libm in the core's tests);
// NaN gives NaN, +∞ gives +∞, −∞ gives 0 (exp) or −1 (expm1).
#include "flowkernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#define LOG2E 1.44269504088896341f
#define LN2_HI 0.693359375f
#define LN2_LO -2.12194440e-4f
#define ROUND_MAGIC 12582912.0f /* 1.5·2²³: adding it rounds to an integer */

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

#define DEFINE_ELEMENTWISE(NAME, ATTR)                                         \
  ATTR static void NAME##_exp(ptrdiff_t n, const float *restrict x,            \
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
  ATTR static void NAME##_expm1(ptrdiff_t n, const float *restrict x,          \
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
  }

DEFINE_ELEMENTWISE(ew_generic, )
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define FLOWLAB_MULTIVERSION 1
DEFINE_ELEMENTWISE(ew_avx2, __attribute__((target("avx2,fma"))))
DEFINE_ELEMENTWISE(ew_avx512, __attribute__((target("avx512f,avx512vl,avx2,fma"))))
#endif

typedef void (*ew_fn)(ptrdiff_t, const float *restrict, float *restrict);
static ew_fn chosen_exp = 0, chosen_expm1 = 0;

static void choose(void) {
  ew_fn e = ew_generic_exp, m = ew_generic_expm1;
#ifdef FLOWLAB_MULTIVERSION
  int level = flowlab_isa_level();
  if (level == 2) {
    e = ew_avx512_exp;
    m = ew_avx512_expm1;
  } else if (level == 1) {
    e = ew_avx2_exp;
    m = ew_avx2_expm1;
  }
#endif
  chosen_expm1 = m;
  chosen_exp = e;
}

void flowlab_vexp(ptrdiff_t n, const float *x, float *y) {
  if (!chosen_exp) choose();
  chosen_exp(n, x, y);
}

void flowlab_vexpm1(ptrdiff_t n, const float *x, float *y) {
  if (!chosen_exp) choose();
  chosen_expm1(n, x, y);
}
