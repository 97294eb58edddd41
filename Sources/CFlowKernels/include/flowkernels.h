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

/// Keeps freed memory in the process (glibc), so that the many short-lived
/// matrices of a training loop do not cost a page fault each. No-op elsewhere.
void flowlab_tune_allocator(void);

/// Makes standard output line-buffered, so printed lines and the progress
/// bar on standard error interleave in order when both go to a file.
void flowlab_line_buffer_stdout(void);

/// How many threads the core's large operations use: 1, or 2 when the
/// environment variable FLOWLAB_THREADS=2 asks for it on a machine with two or
/// more cores (or `flowlab_set_threads(2)`). The results do not depend on it.
int flowlab_threads(void);

/// Sets the number of threads for the core's operations (1 or 2).
void flowlab_set_threads(int n);

/// One half of a job: part is 0 or 1.
typedef void (*flowlab_part_fn)(void *ctx, int part);

/// Runs fn(ctx, 0) and fn(ctx, 1): on two threads at once when two are in use
/// and worth_two is nonzero, otherwise one after the other. The two parts
/// must write disjoint memory.
void flowlab_halves(flowlab_part_fn fn, void *ctx, int worth_two);

/// The column where a batch of `cols` columns is split into halves (a
/// multiple of 8, at most cols): the same for every operation on the batch.
/// Sums over the batch always split here.
ptrdiff_t flowlab_split(ptrdiff_t cols);

/// Where an operation that computes whole columns (no sum over the batch)
/// splits them: flowlab_split, or inside a pipeline a smaller share for the
/// caller, who also runs everything between the operations.
ptrdiff_t flowlab_column_split(ptrdiff_t cols);

/// Memory [lo, hi).
struct flowlab_range {
  const char *lo, *hi;
};

/// Like flowlab_halves (worth two), but inside a pipeline the caller does
/// not wait for part 1: the context (ctx_bytes, self-contained) is copied
/// for the worker and `writes` lists all that parts 1 and 2 write. With
/// `join`, part 2 runs once parts 0 and 1 are both finished (on the worker,
/// or on the caller when it waits): adding two half sums. Returns 1 if the
/// job was left running.
int flowlab_halves_async(flowlab_part_fn fn, void *ctx, size_t ctx_bytes, const struct flowlab_range *writes,
                         int n_writes, int join);

/// The most floats flowlab_async_scratch gives.
#define FLOWLAB_SCRATCH_FLOATS 4096

/// Inside a pipeline, memory for the worker's half of a sum, owned by the
/// next job this thread posts (until the worker finishes it); NULL outside a
/// pipeline or for more than FLOWLAB_SCRATCH_FLOATS.
float *flowlab_async_scratch(size_t floats);

/// Before the caller reads or writes memory: waits for the jobs left running
/// that write there. On another thread than the pipeline's, while one runs,
/// it waits for every job posted so far (it cannot know what they write);
/// otherwise it does nothing.
void flowlab_claim(const void *p, size_t bytes);

/// Waits for every job left running (before Swift reads any entries): in a
/// pipeline, or on another thread while one runs; otherwise does nothing.
void flowlab_sync(void);

/// A pipeline on the calling thread: until the matching end, the thread keeps
/// the worker and column-split jobs do not wait for it. Returns 0 (and does
/// nothing) with one thread or when another thread has the worker. Ends nest.
int flowlab_pipeline_begin(void);
void flowlab_pipeline_end(void);

/// Whether the calling thread runs a pipeline now.
int flowlab_pipelining(void);

/// For tests: the worker waits this long before each part, so that it is
/// always behind the caller and a missing wait shows as wrong numbers.
void flowlab_set_worker_delay(int microseconds);

/// 1 + the number of the last job this thread left running (0: none), and
/// the number of jobs the worker has finished: memory a job uses must stay
/// allocated until flowlab_jobs_done() reaches its number + 1.
unsigned long flowlab_last_async_job(void);
unsigned long flowlab_jobs_done(void);

/// The elementwise operations a program step (flowlab_run) can do.
enum flowlab_map_op {
  FLOWLAB_ADD,      // a + b
  FLOWLAB_SUB,      // a − b
  FLOWLAB_MUL,      // a · b
  FLOWLAB_DIV,      // a / b
  FLOWLAB_ADD_S,    // a + s
  FLOWLAB_S_SUB,    // s − a
  FLOWLAB_MUL_S,    // a · s
  FLOWLAB_DIV_S,    // a / s
  FLOWLAB_S_DIV,    // s / a
  FLOWLAB_MIN_S,    // min(a, s), NaN stays NaN
  FLOWLAB_MAX_S,    // max(a, s), NaN stays NaN
  FLOWLAB_SQUARE,   // a²
  FLOWLAB_SQRT,     // √a
  FLOWLAB_EXP,      // eᵃ, within 2 ulp; NaN stays NaN, +∞ → +∞, −∞ → 0
  FLOWLAB_EXPM1,    // eᵃ − 1, accurate near 0, within 2 ulp; −∞ → −1
  FLOWLAB_AXPY,     // a + s · b
  FLOWLAB_ADD_COL,  // a + b, b one column (rows×1) added to every column
  FLOWLAB_MUL_ROW,  // a · b, column j multiplied by b[j] (b 1×cols)
};

/// One step of an elementwise program: value = op(values[a], values[b], s).
/// For FLOWLAB_ADD_COL and FLOWLAB_MUL_ROW, b is an input holding the
/// broadcast vector; for one-operand ops b is −1.
struct flowlab_step {
  int op, a, b;
  float s;
};

/// One step on its own, on the calling thread: y = op(a, b, s) over a
/// rows×cols array (b: a's shape, the broadcast vector, or NULL), with the
/// same kernel and so the same numbers as a program's step.
void flowlab_apply(int op, ptrdiff_t rows, ptrdiff_t cols, const float *a, const float *b, float s, float *y);

/// Whether programs run the chains of steps an elu and its derivative make
/// as one fused loop (AVX-512 only; the numbers are the same either way).
/// On by default; off for tests and measurements.
void flowlab_set_fusion(int on);
int flowlab_fusion(void);

/// How many programs so far ran at least one fused chain (for tests).
long flowlab_programs_fused(void);

/// The most steps a program may have.
int flowlab_run_capacity(void);

/// Runs an elementwise program over rows×cols arrays: inputs in[0 ..< n_in]
/// (column-major rows×cols, or the broadcast vectors), steps[k] computing
/// value n_in + k. out[k] is where step k's result is written (rows×cols),
/// or NULL for a value needed only by later steps. Works through chunks of
/// whole columns, in two halves split at flowlab_column_split(cols) (two
/// threads when in use and the arrays are large; inside a pipeline the
/// caller does not wait for the second); the numbers are exactly those of
/// the steps done one at a time.
void flowlab_run(ptrdiff_t rows, ptrdiff_t cols, int n_in, const float *const *in, int n_steps,
                 const struct flowlab_step *steps, float *const *out);

/// y (rows×1) = the sum of a's columns, in two halves (columns before and
/// after flowlab_split(cols)) added at the end, whatever the threads.
void flowlab_sum_columns(ptrdiff_t rows, ptrdiff_t cols, const float *a, float *y);

/// The instruction set the kernels use: 0 baseline, 1 AVX2+FMA, 2 AVX-512 —
/// the best the CPU has, capped by FLOWLAB_ISA=generic|avx2 if set.
int flowlab_isa_level(void);

/// Name of the instruction set the kernels chose at run time ("avx512", "avx2", "generic", "neon").
const char *flowlab_kernel_isa(void);

#ifdef __cplusplus
}
#endif
#endif
