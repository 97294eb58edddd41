import CFlowKernels

// Pipelines: on two cores, the caller of an operation does not wait for the
// other core's half (see `Sources/CFlowKernels/parallel.c`).
//
// Inside `Matrix.pipelined { … }` a product, an elementwise program or a sum
// over the batch posts the other core's half to a queue, does its own half
// and returns. What keeps the numbers right:
// - a kernel waits for the queued halves that write what it reads
//   (`flowlab_claim`, inside the kernels; they get the entries through
//   `kernelStorage`, which does not wait);
// - any other read of the entries (`storage`, so subscripts, sums, `==`,
//   printing) waits for every queued half first (`waitForWorker`);
// - every array a queued half reads or writes stays allocated until the
//   other core is done with it (`InFlight`), so that its memory is not freed
//   and handed to a new matrix under the other core's feet.

extension Matrix {
  /// Runs `body` as a pipeline: on two cores, an operation's caller does not
  /// wait for the other core to finish its half, and goes on with the next
  /// one; anything that reads entries (`storage`, a sum, printing) waits for
  /// the work behind them. The numbers are the same as without; a training
  /// loop runs faster, since the other core catches up while this one does
  /// the bookkeeping between operations. With one thread, or when another
  /// thread runs a pipeline, `body` simply runs. Every lab runner runs in one.
  public static func pipelined<T>(_ body: () throws -> T) rethrows -> T {
    let began = flowlab_pipeline_begin() != 0
    defer {
      if began {
        flowlab_pipeline_end()
        InFlight.release()
      }
    }
    return try body()
  }

  /// Whether this thread runs a pipeline now (`pipelined`).
  public static var isPipelining: Bool { flowlab_pipelining() != 0 }

  /// Waits for the other core's work behind any entries (inside a pipeline,
  /// or on another thread while one runs).
  @usableFromInline static func waitForWorker() { flowlab_sync() }
}

/// Arrays that halves left running on the other core still read or write:
/// kept alive until the worker is done with them. Only the thread that runs
/// the pipeline adds to it (after a kernel call that left a half running:
/// `flowlab_last_async_job()` changed).
enum InFlight {
  /// Each array with 1 + the number of the last job that uses it.
  nonisolated(unsafe) private static var arrays: [(job: UInt, array: [Float])] = []

  static func hold(_ job: UInt, _ list: [Float]...) { hold(job, list) }

  static func hold(_ job: UInt, _ list: [[Float]]) {
    release()
    for a in list { arrays.append((job, a)) }
  }

  /// Lets go of the arrays whose jobs are finished.
  static func release() {
    let done = flowlab_jobs_done()
    var k = 0
    while k < arrays.count && arrays[k].job <= done { k += 1 }
    if k > 0 { arrays.removeFirst(k) }
  }
}
