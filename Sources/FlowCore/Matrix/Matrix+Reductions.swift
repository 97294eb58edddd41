import CFlowKernels
// Sums and means along rows or columns.

extension Matrix {
  /// Sum of all entries (accumulated in Double).
  public func sum() -> Float {
    // Eight running sums in Double: accurate, and independent additions
    // that the CPU can overlap.
    storage.withUnsafeBufferPointer { a in
      var acc = SIMD8<Double>()
      var k = 0
      while k + 8 <= a.count {
        acc += SIMD8<Double>(SIMD8<Float>(a[k..<(k + 8)]))
        k += 8
      }
      var s = acc.sum()
      while k < a.count {
        s += Double(a[k])
        k += 1
      }
      return Float(s)
    }
  }

  /// Mean of all entries.
  public func mean() -> Float { count == 0 ? .nan : sum() / Float(count) }

  /// For each row, the sum over the columns (over the batch): rows×1.
  /// A bias gradient is `δ.sumOverColumns()`.
  /// The columns are summed in two halves (before and after the column where
  /// a batch is split, see `Matrix.threads`) that are then added.
  public func sumOverColumns() -> Matrix {
    let a = kernelStorage
    let before = flowlab_last_async_job()
    let y = Matrix(rows: rows, cols: 1) { o in
      a.withUnsafeBufferPointer { s in flowlab_sum_columns(rows, cols, s.baseAddress, o.baseAddress) }
    }
    let job = flowlab_last_async_job()
    if job != before { InFlight.hold(job, a, y.kernelStorage) }
    return y
  }

  /// For each column, the sum over its rows: 1×cols (a per-sample total,
  /// such as a squared norm).
  public func sumOverRows() -> Matrix {
    var out = Matrix(rows: 1, cols: cols)
    let r = rows
    storage.withUnsafeBufferPointer { s in
      out.storage.withUnsafeMutableBufferPointer { o in
        for j in 0..<cols {
          let col = s.baseAddress! + j * r
          var acc: Float = 0
          for i in 0..<r { acc += col[i] }
          o[j] = acc
        }
      }
    }
    return out
  }

  /// For each row, the mean over the columns: rows×1.
  public func meanOverColumns() -> Matrix { cols == 0 ? self : sumOverColumns() / Float(cols) }
}
