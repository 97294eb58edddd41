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

// The body of one ISA's GEMM, expanded once per target below.
#define DEFINE_SGEMM(NAME, ATTR, NRV)                                               \
  /* acc(32×NRV) = panel(32×kc) · B(kc×NRV); C tile += alpha·acc (rows   */  \
  /* < mr, cols < nr). The panel's column p starts at panel + p·ps.       */  \
  ATTR static void NAME##_tile(ptrdiff_t kc, const float *panel, ptrdiff_t ps, \
                               const float *b, ptrdiff_t sp, ptrdiff_t sj,     \
                               float *c, ptrdiff_t ldc, ptrdiff_t mr,          \
                               ptrdiff_t nr, float alpha, int keep) {          \
    v16 acc[NRV][2];                                                           \
    for (int jj = 0; jj < NRV; jj++) acc[jj][0] = acc[jj][1] = (v16){0};       \
    for (ptrdiff_t p = 0; p < kc; p++) {                                       \
      v16 a0 = LOADV(panel + p * ps);                                          \
      v16 a1 = LOADV(panel + p * ps + 16);                                     \
      const float *bp = b + p * sp;                                            \
      for (int jj = 0; jj < NRV; jj++) {                                       \
        v16 x = bp[jj * sj] - (v16){0}; /* a splat; x − 0 = x exactly */        \
        acc[jj][0] += a0 * x;                                                  \
        acc[jj][1] += a1 * x;                                                  \
      }                                                                        \
    }                                                                          \
    if (mr == MR && nr == NRV) {                                               \
      for (int jj = 0; jj < NRV; jj++) {                                       \
        if (keep) {                                                            \
          STOREV(c + jj * ldc, LOADV(c + jj * ldc) + alpha * acc[jj][0]);      \
          STOREV(c + jj * ldc + 16, LOADV(c + jj * ldc + 16) + alpha * acc[jj][1]); \
        } else {                                                               \
          STOREV(c + jj * ldc, alpha * acc[jj][0]);                            \
          STOREV(c + jj * ldc + 16, alpha * acc[jj][1]);                       \
        }                                                                      \
      }                                                                        \
      return;                                                                  \
    }                                                                          \
    float t[NRV][MR];                                                          \
    for (int jj = 0; jj < NRV; jj++) {                                         \
      STOREV(t[jj], acc[jj][0]);                                               \
      STOREV(t[jj] + 16, acc[jj][1]);                                          \
    }                                                                          \
    for (ptrdiff_t jj = 0; jj < nr; jj++)                                      \
      for (ptrdiff_t ii = 0; ii < mr; ii++)                                    \
        c[ii + jj * ldc] = (keep ? c[ii + jj * ldc] : 0.0f) + alpha * t[jj][ii]; \
  }                                                                            \
  /* Few rows (m < 16) and op(B)'s columns contiguous: each entry is a dot  */ \
  /* product of a packed row of op(A) with a column of B.                 */  \
  ATTR static void NAME##_dots(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,          \
                               float alpha, const float *arows,                \
                               const float *b, ptrdiff_t ldb, float *c,        \
                               ptrdiff_t ldc) {                                \
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
        c[i + j * ldc] += alpha * s;                                           \
      }                                                                        \
    }                                                                          \
  }                                                                            \
  ATTR static void NAME(SGEMM_ARGS) {                                          \
    /* With beta = 0 the first pass over k writes C instead of adding to it, */ \
    /* so C is never cleared first (and may hold anything).                  */ \
    int zeroFirst = beta == 0.0f && !(k > 0 && alpha != 0.0f && m < 16 && !transB && k >= 16 && m * k <= 16 * 1024); \
    for (ptrdiff_t j = 0; j < n; j++) {                                        \
      float *cj = c + j * ldc;                                                 \
      if (beta == 0.0f) {                                                      \
        if (!zeroFirst || k <= 0 || alpha == 0.0f) memset(cj, 0, (size_t)m * sizeof(float)); \
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
        NAME##_dots(m, n, k, alpha, rows, b, ldb, c, ldc);                     \
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
        } else {                                                               \
          for (ptrdiff_t p = 0; p < kc; p++)                                   \
            for (ptrdiff_t ii = 0; ii < MR; ii++)                              \
              apack[p * MR + ii] =                                             \
                  ii >= mr ? 0.0f                                              \
                  : transA ? a[(p0 + p) + (i0 + ii) * lda]                     \
                           : a[(i0 + ii) + (p0 + p) * lda];                    \
          panel = apack;                                                       \
          ps = MR;                                                             \
        }                                                                      \
        ptrdiff_t j0 = 0;                                                      \
        for (; j0 + NRV <= n; j0 += NRV)                                       \
          NAME##_tile(kc, panel, ps, b + p0 * sp + j0 * sj, sp, sj,            \
                      c + i0 + j0 * ldc, ldc, mr, NRV, alpha,                  \
                      !zeroFirst || p0 > 0);                                   \
        if (j0 < n) { /* last columns: pad op(B) with zero columns */          \
          ptrdiff_t nr = n - j0;                                               \
          for (ptrdiff_t jj = 0; jj < NRV; jj++)                               \
            for (ptrdiff_t p = 0; p < kc; p++)                                 \
              bpack[p + jj * KC] =                                             \
                  jj < nr ? b[(p0 + p) * sp + (j0 + jj) * sj] : 0.0f;          \
          NAME##_tile(kc, panel, ps, bpack, 1, KC, c + i0 + j0 * ldc, ldc, mr, \
                      nr, alpha, !zeroFirst || p0 > 0);                        \
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

// MARK: two threads
//
// A large product is split by columns of C between the calling thread and one
// worker thread: each computes whole columns with exactly the same arithmetic,
// so the result does not depend on the split. The worker spins briefly after
// each job (products in a training step come a few microseconds apart), then
// sleeps on a condition variable. One caller at a time uses the worker; a
// concurrent caller simply computes alone.

#if defined(__unix__) || defined(__APPLE__)
#define FLOWLAB_THREADS_AVAILABLE 1
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

struct gemm_job {
  int transA, transB;
  ptrdiff_t m, n, k, lda, ldb, ldc;
  float alpha, beta;
  const float *a, *b;
  float *c;
};

static struct gemm_job job;
static atomic_ulong job_posted = 0, job_done = 0;
static atomic_int worker_busy = 0;
static pthread_mutex_t job_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cond = PTHREAD_COND_INITIALIZER;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;
static int worker_ok = 0;
static int threads_wanted = -1;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static void *worker_main(void *unused) {
  (void)unused;
  unsigned long seen = 0;
  for (;;) {
    unsigned long posted;
    int spins = 0;
    while ((posted = atomic_load_explicit(&job_posted, memory_order_acquire)) == seen) {
      if (++spins < 20000) {
        cpu_relax();
        continue;
      }
      pthread_mutex_lock(&job_mutex);
      while ((posted = atomic_load_explicit(&job_posted, memory_order_acquire)) == seen)
        pthread_cond_wait(&job_cond, &job_mutex);
      pthread_mutex_unlock(&job_mutex);
      break;
    }
    seen = posted;
    struct gemm_job j = job;
    chosen(j.transA, j.transB, j.m, j.n, j.k, j.alpha, j.a, j.lda, j.b, j.ldb, j.beta, j.c, j.ldc);
    atomic_store_explicit(&job_done, seen, memory_order_release);
  }
  return 0;
}

static void start_worker(void) {
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);  // the kernel keeps ~110 KB of buffers on the stack
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  worker_ok = pthread_create(&t, &attr, worker_main, 0) == 0;
  pthread_attr_destroy(&attr);
}

static int threads_to_use(void) {
  if (threads_wanted < 0) {
    const char *env = getenv("FLOWLAB_THREADS");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int t = 1;  // opt in: a spinning helper thread hurts on a busy machine
    if (env && *env && cores >= 2) t = atoi(env) >= 2 ? 2 : 1;
    threads_wanted = t;
  }
  return threads_wanted;
}
#endif

int flowlab_threads(void) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  return threads_to_use();
#else
  return 1;
#endif
}

void flowlab_set_threads(int n) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  threads_wanted = n >= 2 ? 2 : 1;
#else
  (void)n;
#endif
}

void flowlab_sgemm(SGEMM_ARGS) {
  if (!chosen) choose();
  if (m <= 0 || n <= 0) return;
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
#ifdef FLOWLAB_THREADS_AVAILABLE
  // Worth a second thread: at least ~250 000 multiply-adds and 32 columns.
  if (n >= 32 && (double)m * (double)n * (double)k >= 250000.0 && threads_to_use() >= 2) {
    int expected = 0;
    if (atomic_compare_exchange_strong(&worker_busy, &expected, 1)) {
      pthread_once(&worker_once, start_worker);
      if (worker_ok) {
        // The caller takes the first n1 columns (a multiple of 8, so the
        // column tiles are the same as without the split), the worker the rest.
        ptrdiff_t n1 = ((n / 2) + 7) / 8 * 8;
        ptrdiff_t sj = transB ? 1 : ldb;
        job = (struct gemm_job){transA, transB, m, n - n1, k, lda, ldb, ldc, alpha, beta, a, b + n1 * sj, c + n1 * ldc};
        pthread_mutex_lock(&job_mutex);
        unsigned long id = atomic_load(&job_posted) + 1;
        atomic_store_explicit(&job_posted, id, memory_order_release);
        pthread_cond_signal(&job_cond);
        pthread_mutex_unlock(&job_mutex);
        chosen(transA, transB, m, n1, k, alpha, a, lda, b, ldb, beta, c, ldc);
        while (atomic_load_explicit(&job_done, memory_order_acquire) != id) cpu_relax();
        atomic_store(&worker_busy, 0);
        return;
      }
      atomic_store(&worker_busy, 0);
    }
  }
#endif
  chosen(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

const char *flowlab_kernel_isa(void) {
  if (!chosen) choose();
  return chosen_name;
}
