// Two halves of a job, on two cores or one after the other.
//
// Every large operation of the core (a matrix product, an elementwise map over
// a batch) is written as two parts that touch disjoint outputs. With one
// thread the caller runs part 0 then part 1; with two, one worker thread runs
// part 1 while the caller runs part 0. The arithmetic is the same either way,
// so the numbers never depend on the number of threads.
//
// The split of a batch is always at the same column (`flowlab_split`), so the
// columns a core produced in one operation are the columns it reads in the
// next: each half of the activations stays in its own core's cache through a
// whole forward and backward pass.
//
// The worker spins for a while after each part (the parts of a training step
// come a microsecond or two apart), then sleeps on a condition variable. One
// caller at a time uses the worker; a concurrent caller runs both parts itself.
#include "flowkernels.h"

#if defined(__unix__) || defined(__APPLE__)
#define FLOWLAB_THREADS_AVAILABLE 1
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

// What the worker reads to start a part, in one cache line (one transfer
// between the cores), and what the caller waits on, in another.
static struct {
  atomic_ulong posted;
  flowlab_part_fn fn;
  void *ctx;
} job __attribute__((aligned(64)));
static struct {
  atomic_ulong done;
} finished __attribute__((aligned(64)));
static atomic_int worker_busy __attribute__((aligned(64))) = 0;
static atomic_int worker_sleeping = 0;
static pthread_mutex_t job_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cond = PTHREAD_COND_INITIALIZER;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;
static int worker_ok = 0;
static atomic_int threads_wanted = -1;

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
    // Spin about a millisecond: long enough to stay awake between the
    // operations of a training step, short enough to cost nothing once the
    // program does something else.
    while ((posted = atomic_load(&job.posted)) == seen && ++spins < 200000) cpu_relax();
    if (posted == seen) {
      pthread_mutex_lock(&job_mutex);
      atomic_store(&worker_sleeping, 1);
      while ((posted = atomic_load(&job.posted)) == seen) pthread_cond_wait(&job_cond, &job_mutex);
      atomic_store(&worker_sleeping, 0);
      pthread_mutex_unlock(&job_mutex);
    }
    seen = posted;
    job.fn(job.ctx, 1);
    atomic_store_explicit(&finished.done, seen, memory_order_release);
  }
  return 0;
}

static void start_worker(void) {
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);  // the GEMM keeps ~110 KB of buffers on the stack
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  worker_ok = pthread_create(&t, &attr, worker_main, 0) == 0;
  pthread_attr_destroy(&attr);
}

static int threads_to_use(void) {
  int t = atomic_load_explicit(&threads_wanted, memory_order_relaxed);
  if (t < 0) {
    const char *env = getenv("FLOWLAB_THREADS");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    t = 1;  // opt in: a spinning helper thread hurts on a busy machine
    if (env && *env && cores >= 2) t = atoi(env) >= 2 ? 2 : 1;
    atomic_store_explicit(&threads_wanted, t, memory_order_relaxed);
  }
  return t;
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
  atomic_store(&threads_wanted, n >= 2 ? 2 : 1);
#else
  (void)n;
#endif
}

ptrdiff_t flowlab_split(ptrdiff_t cols) {
  // A multiple of 8 (the GEMM's column tile), so that splitting a product
  // does not change its tiles.
  ptrdiff_t h = (cols / 2 + 7) / 8 * 8;
  return h > cols ? cols : h;
}

void flowlab_halves(flowlab_part_fn fn, void *ctx, int worth_two) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  if (worth_two && threads_to_use() >= 2) {
    int expected = 0;
    if (atomic_compare_exchange_strong(&worker_busy, &expected, 1)) {
      pthread_once(&worker_once, start_worker);
      if (worker_ok) {
        job.fn = fn;
        job.ctx = ctx;
        unsigned long id = atomic_load(&job.posted) + 1;
        atomic_store(&job.posted, id);  // sequentially consistent: pairs with the worker's
        if (atomic_load(&worker_sleeping)) {  // check of job_posted after it says it sleeps
          pthread_mutex_lock(&job_mutex);
          pthread_cond_signal(&job_cond);
          pthread_mutex_unlock(&job_mutex);
        }
        fn(ctx, 0);
        while (atomic_load_explicit(&finished.done, memory_order_acquire) != id) cpu_relax();
        atomic_store(&worker_busy, 0);
        return;
      }
      atomic_store(&worker_busy, 0);
    }
  }
#else
  (void)worth_two;
#endif
  fn(ctx, 0);
  fn(ctx, 1);
}
