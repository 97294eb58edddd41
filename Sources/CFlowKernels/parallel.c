// Two halves of a job, on two cores or one after the other.
//
// Every large operation of the core (a matrix product, an elementwise map over
// a batch) is written as two parts that touch disjoint outputs. With one
// thread the caller runs part 0 then part 1; with two, one worker thread runs
// part 1 while the caller runs part 0. The arithmetic is the same either way,
// so the numbers never depend on the number of threads.
//
// The split of a batch is always at the same column, so the columns a core
// produced in one operation are the columns it reads in the next: each half
// of the activations stays in its own core's cache through a whole forward
// and backward pass. A sum over the batch always splits at the middle
// (`flowlab_split`: its numbers depend on where); an operation that computes
// whole columns splits at `flowlab_column_split`, the middle too except in a
// pipeline.
//
// Parts for the worker go through a queue, in order. Normally the caller
// waits for its job's part 1 before returning. Inside a pipeline
// (`flowlab_pipeline_begin`, a training loop) it does not: it returns after
// its own part and goes on with the program (Swift's bookkeeping, the next
// operation's part 0) while the worker catches up; for a sum over the batch
// the worker also adds the two halves (part 2) once the caller's is done.
// Since the caller also does everything between operations, it takes 7/16
// of the columns there. Each queued job lists the memory its parts 1 and 2
// write; before the caller touches memory (its part of a later job) it waits
// for the jobs that write there (`flowlab_claim`), and before Swift reads
// any entries, for all of them (`flowlab_sync`). The caller's own writes
// happen before it posts anything that reads them, so the worker always sees
// them; the Swift side keeps every array a queued job uses allocated until
// the job is done (`flowlab_last_async_job`, `flowlab_jobs_done`).
//
// The worker spins for a while after each part (the parts of a training step
// come a microsecond or two apart), then sleeps on a condition variable. One
// thread at a time uses the worker (a pipeline keeps it for its whole
// length); another caller meanwhile runs both parts itself.
#include "flowkernels.h"

#if defined(__unix__) || defined(__APPLE__)
#define FLOWLAB_THREADS_AVAILABLE 1
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QCAP 32         // jobs in the queue at most
#define MAX_WRITES 4    // memory ranges a queued part may write
#define CTX_BYTES 3072  // a job's context, copied for the worker when the caller does not wait

struct slot {
  flowlab_part_fn fn;
  void *ctx;  // the caller's (it waits) or `copy`
  int n_writes;
  struct flowlab_range writes[MAX_WRITES];
  int join;                // after part 1, the worker waits for the caller's part, then runs part 2
  atomic_int caller_done;  // the caller's part is finished
  _Alignas(64) unsigned char copy[CTX_BYTES];
};
static struct slot queue[QCAP];
// Per job, room for the worker's half of a sum (flowlab_async_scratch).
static float slot_scratch[QCAP][FLOWLAB_SCRATCH_FLOATS] __attribute__((aligned(64)));
// Jobs posted and jobs the worker has finished, each in its own cache line.
static struct { atomic_ulong n; } posted __attribute__((aligned(64)));
static struct { atomic_ulong n; } done __attribute__((aligned(64)));
static atomic_int worker_busy __attribute__((aligned(64))) = 0;
static atomic_int worker_sleeping = 0;
static pthread_mutex_t job_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cond = PTHREAD_COND_INITIALIZER;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;
static int worker_ok = 0;
static atomic_int threads_wanted = -1;
static atomic_int share_wanted = -1;  // the caller's columns in a pipeline, in 1/256ths
static _Thread_local int pipeline_depth = 0;  // > 0: this thread owns the worker and need not wait
static atomic_int pipeline_active = 0;        // some thread runs a pipeline
static atomic_int worker_delay_us = 0;        // tests: the worker starts each part this late
static _Thread_local unsigned long last_async = 0;  // 1 + the last job this thread left running

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static void *worker_main(void *unused) {
  (void)unused;
  unsigned long next = 0;
  for (;;) {
    int spins = 0;
    // Spin about a millisecond: long enough to stay awake between the
    // operations of a training step, short enough to cost nothing once the
    // program does something else.
    while (atomic_load(&posted.n) == next && ++spins < 200000) cpu_relax();
    if (atomic_load(&posted.n) == next) {
      pthread_mutex_lock(&job_mutex);
      atomic_store(&worker_sleeping, 1);
      while (atomic_load(&posted.n) == next) pthread_cond_wait(&job_cond, &job_mutex);
      atomic_store(&worker_sleeping, 0);
      pthread_mutex_unlock(&job_mutex);
    }
    struct slot *s = &queue[next % QCAP];
    int delay = atomic_load_explicit(&worker_delay_us, memory_order_relaxed);
    if (delay > 0) usleep((useconds_t)delay);
    s->fn(s->ctx, 1);
    if (s->join) {
      while (!atomic_load_explicit(&s->caller_done, memory_order_acquire)) cpu_relax();
      s->fn(s->ctx, 2);
    }
    next++;
    atomic_store_explicit(&done.n, next, memory_order_release);
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

// Waits until the worker has finished job `id`.
static void wait_for(unsigned long id) {
  while (atomic_load_explicit(&done.n, memory_order_acquire) <= id) cpu_relax();
}

// Queues part 1 of a job for the worker; returns its number. The caller
// holds the worker. With `copy_bytes` > 0 the context is copied (the caller
// will not wait), and `writes` lists what part 1 writes.
static unsigned long post(flowlab_part_fn fn, void *ctx, size_t copy_bytes, const struct flowlab_range *writes,
                          int n_writes, int join) {
  pthread_once(&worker_once, start_worker);
  unsigned long id = atomic_load_explicit(&posted.n, memory_order_relaxed);
  if (id >= QCAP) wait_for(id - QCAP);  // the slot's previous job is finished
  struct slot *s = &queue[id % QCAP];
  s->fn = fn;
  if (copy_bytes) {
    memcpy(s->copy, ctx, copy_bytes);
    s->ctx = s->copy;
  } else {
    s->ctx = ctx;
  }
  s->n_writes = n_writes;
  for (int i = 0; i < n_writes; i++) s->writes[i] = writes[i];
  s->join = join;
  atomic_store_explicit(&s->caller_done, 0, memory_order_relaxed);
  atomic_store(&posted.n, id + 1);  // sequentially consistent: pairs with the worker's
  if (atomic_load(&worker_sleeping)) {  // check of `posted` after it says it sleeps
    pthread_mutex_lock(&job_mutex);
    pthread_cond_signal(&job_cond);
    pthread_mutex_unlock(&job_mutex);
  }
  return id;
}

// Takes the worker for one job (or keeps it, inside a pipeline).
static int take_worker(void) {
  if (pipeline_depth > 0) return 1;
  int expected = 0;
  if (!atomic_compare_exchange_strong(&worker_busy, &expected, 1)) return 0;
  pthread_once(&worker_once, start_worker);
  if (!worker_ok) {
    atomic_store(&worker_busy, 0);
    return 0;
  }
  return 1;
}

static void give_back_worker(void) {
  if (pipeline_depth == 0) atomic_store(&worker_busy, 0);
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

ptrdiff_t flowlab_column_split(ptrdiff_t cols) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  if (pipeline_depth > 0) {
    // In a pipeline the caller also runs everything between the operations,
    // so it takes fewer columns than the worker: 112/256 (7/16) measured
    // best of 96 to 128 on the training step; FLOWLAB_CALLER_SHARE (in
    // 256ths) overrides it, for measuring.
    int share = atomic_load_explicit(&share_wanted, memory_order_relaxed);
    if (share < 0) {
      const char *env = getenv("FLOWLAB_CALLER_SHARE");
      share = env && *env ? atoi(env) : 112;
      if (share < 16 || share > 240) share = 112;
      atomic_store_explicit(&share_wanted, share, memory_order_relaxed);
    }
    ptrdiff_t h = (cols * share / 256 + 4) / 8 * 8;
    if (h < 8) h = 8;
    return h > cols ? cols : h;
  }
#endif
  return flowlab_split(cols);
}

void flowlab_halves(flowlab_part_fn fn, void *ctx, int worth_two) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  if (worth_two && threads_to_use() >= 2 && take_worker()) {
    unsigned long id = post(fn, ctx, 0, 0, 0, 0);
    fn(ctx, 0);
    wait_for(id);
    give_back_worker();
    return;
  }
#else
  (void)worth_two;
#endif
  fn(ctx, 0);
  fn(ctx, 1);
}

int flowlab_halves_async(flowlab_part_fn fn, void *ctx, size_t ctx_bytes, const struct flowlab_range *writes,
                         int n_writes, int join) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  if (pipeline_depth > 0 && threads_to_use() >= 2 && ctx_bytes <= CTX_BYTES && n_writes <= MAX_WRITES) {
    unsigned long id = post(fn, ctx, ctx_bytes, writes, n_writes, join);
    last_async = id + 1;
    fn(ctx, 0);
    if (join) atomic_store_explicit(&queue[id % QCAP].caller_done, 1, memory_order_release);
    return 1;
  }
#else
  (void)ctx_bytes;
  (void)writes;
  (void)n_writes;
#endif
  flowlab_halves(fn, ctx, 1);
  if (join) fn(ctx, 2);
  return 0;
}

float *flowlab_async_scratch(size_t floats) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  if (pipeline_depth > 0 && threads_to_use() >= 2 && floats <= FLOWLAB_SCRATCH_FLOATS) {
    unsigned long id = atomic_load_explicit(&posted.n, memory_order_relaxed);
    if (id >= QCAP) wait_for(id - QCAP);  // the job that last used it is finished
    return slot_scratch[id % QCAP];
  }
#else
  (void)floats;
#endif
  return 0;
}

// Another thread than the pipeline's (given a matrix the pipeline made)
// cannot know which jobs write what: it waits for all posted so far.
static void wait_for_posted(void) {
  unsigned long end = atomic_load(&posted.n);
  if (end) wait_for(end - 1);
}

void flowlab_claim(const void *p, size_t bytes) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  if (pipeline_depth == 0) {
    if (atomic_load_explicit(&pipeline_active, memory_order_acquire)) wait_for_posted();
    return;
  }
  if (!p || !bytes) return;
  unsigned long first = atomic_load_explicit(&done.n, memory_order_acquire);
  unsigned long end = atomic_load_explicit(&posted.n, memory_order_relaxed);
  const char *lo = p, *hi = lo + bytes;
  for (unsigned long id = end; id-- > first;) {  // newest first: waiting for it covers the older ones
    const struct slot *s = &queue[id % QCAP];
    for (int i = 0; i < s->n_writes; i++)
      if (s->writes[i].lo < hi && lo < s->writes[i].hi) {
        wait_for(id);
        return;
      }
  }
#else
  (void)p;
  (void)bytes;
#endif
}

void flowlab_sync(void) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  if (pipeline_depth > 0 || atomic_load_explicit(&pipeline_active, memory_order_acquire)) wait_for_posted();
#endif
}

int flowlab_pipeline_begin(void) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  if (pipeline_depth > 0) {
    pipeline_depth++;
    return 1;
  }
  static int off = -1;  // FLOWLAB_PIPELINE=0 turns pipelines off (to measure what they bring)
  if (off < 0) {
    const char *env = getenv("FLOWLAB_PIPELINE");
    off = env && strcmp(env, "0") == 0;
  }
  if (off || threads_to_use() < 2) return 0;
  // Another thread's single job holds the worker for microseconds: wait for
  // it. Another thread's pipeline holds it for its whole length: run without.
  while (!take_worker()) {
    if (atomic_load(&pipeline_active) || !worker_ok) return 0;
    cpu_relax();
  }
  pipeline_depth = 1;
  atomic_store(&pipeline_active, 1);
  return 1;
#else
  return 0;
#endif
}

void flowlab_pipeline_end(void) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  if (pipeline_depth == 0) return;
  if (pipeline_depth == 1) {
    wait_for_posted();
    atomic_store(&pipeline_active, 0);
  }
  if (--pipeline_depth == 0) atomic_store(&worker_busy, 0);
#endif
}

void flowlab_set_worker_delay(int microseconds) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  atomic_store(&worker_delay_us, microseconds > 0 ? microseconds : 0);
#else
  (void)microseconds;
#endif
}

int flowlab_pipelining(void) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  return pipeline_depth > 0;
#else
  return 0;
#endif
}

unsigned long flowlab_last_async_job(void) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  return last_async;
#else
  return 0;
#endif
}

unsigned long flowlab_jobs_done(void) {
#ifdef FLOWLAB_THREADS_AVAILABLE
  return atomic_load_explicit(&done.n, memory_order_acquire);
#else
  return 0;
#endif
}
