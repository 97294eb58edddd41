import CFlowKernels
import Foundation

// Matrix products, with either side transposed, through one GEMM kernel
// (CFlowKernels, compiled with -O3 and chosen for the CPU at run time).

extension Matrix {
  /// The matrix product `self · other`.
  ///
  /// ```
  /// (m×k) · (k×n) → m×n
  /// ```
  public func dot(_ other: Matrix, file: StaticString = #fileID, line: UInt = #line) -> Matrix {
    Matrix.product(self, false, other, false, file: file, line: line)
  }

  /// `selfᵀ · other` without forming the transpose (a weight's gradient
  /// flowing back to the input: `Wᵀ · δ`).
  public func transposedDot(_ other: Matrix, file: StaticString = #fileID, line: UInt = #line) -> Matrix {
    Matrix.product(self, true, other, false, file: file, line: line)
  }

  /// `self · otherᵀ` without forming the transpose (a weight's gradient:
  /// `δ · xᵀ`, summed over the batch).
  public func dotTransposed(_ other: Matrix, file: StaticString = #fileID, line: UInt = #line) -> Matrix {
    Matrix.product(self, false, other, true, file: file, line: line)
  }

  /// `op(a) · op(b)`, where op transposes when asked.
  public static func product(
    _ a: Matrix, _ transA: Bool, _ b: Matrix, _ transB: Bool,
    file: StaticString = #fileID, line: UInt = #line
  ) -> Matrix {
    let (m, ka) = transA ? (a.cols, a.rows) : (a.rows, a.cols)
    let (kb, n) = transB ? (b.cols, b.rows) : (b.rows, b.cols)
    if ka != kb {
      let la = transA ? "(\(a.shapeText))ᵀ" : a.shapeText
      let lb = transB ? "(\(b.shapeText))ᵀ" : b.shapeText
      shapeFailure("matrix product \(la) · \(lb): inner sizes \(ka) and \(kb) differ", file: file, line: line)
    }
    if ka == 0 || m == 0 || n == 0 { return Matrix(rows: m, cols: n) }
    // With beta = 0 the kernel writes every entry of C, so C starts uninitialized.
    let (ea, eb) = (a.kernelStorage, b.kernelStorage)
    let before = flowlab_last_async_job()
    let c = Matrix(rows: m, cols: n) { pc in
      ea.withUnsafeBufferPointer { pa in
        eb.withUnsafeBufferPointer { pb in
          flowlab_sgemm(
            transA ? 1 : 0, transB ? 1 : 0, m, n, ka, 1,
            pa.baseAddress, Swift.max(a.rows, 1), pb.baseAddress, Swift.max(b.rows, 1),
            0, pc.baseAddress, Swift.max(m, 1))
        }
      }
    }
    let job = flowlab_last_async_job()
    if job != before { InFlight.hold(job, ea, eb, c.kernelStorage) }
    return c
  }

  /// Threads the core's large operations use (1 or 2): 1 unless
  /// `FLOWLAB_THREADS=2` on a machine with two cores, or set here.
  ///
  /// With 2, every product and elementwise operation on a batch is done in
  /// two halves of its columns, one on each core, always split at the same
  /// column, so that each core keeps its half of the activations in its own
  /// cache from one operation to the next. Sums over the batch (a weight
  /// gradient δ·xᵀ, `sumOverColumns`) always add two half sums, on one thread
  /// or two: the numbers are the same either way.
  public static var threads: Int {
    get { Int(flowlab_threads()) }
    set { flowlab_set_threads(Int32(newValue)) }
  }

  /// Sets `threads` from a runner's `--threads` choice: "1", "2", or "auto"
  /// (the environment variable FLOWLAB_THREADS if set, else 2 on a machine
  /// with two or more cores).
  public static func useThreads(_ choice: String) {
    switch choice {
    case "1": threads = 1
    case "2": threads = 2
    default:
      let env = ProcessInfo.processInfo.environment["FLOWLAB_THREADS"] ?? ""
      threads = env.isEmpty ? (ProcessInfo.processInfo.activeProcessorCount >= 2 ? 2 : 1) : Int(flowlab_threads())
    }
  }

  /// The instruction set the product kernel runs with on this CPU.
  public static var kernelISA: String { String(cString: flowlab_kernel_isa()) }
}
