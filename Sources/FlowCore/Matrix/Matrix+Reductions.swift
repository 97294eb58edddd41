// Sums and means along rows or columns.

extension Matrix {
  /// Sum of all entries (accumulated in Double).
  public func sum() -> Float {
    var s: Double = 0
    for v in storage { s += Double(v) }
    return Float(s)
  }

  /// Mean of all entries.
  public func mean() -> Float { count == 0 ? .nan : sum() / Float(count) }

  /// For each row, the sum over the columns (over the batch): rows×1.
  /// A bias gradient is `δ.sumOverColumns()`.
  public func sumOverColumns() -> Matrix {
    var out = Matrix(rows: rows, cols: 1)
    let r = rows
    storage.withUnsafeBufferPointer { s in
      out.storage.withUnsafeMutableBufferPointer { o in
        for j in 0..<cols { for i in 0..<r { o[i] += s[i + j * r] } }
      }
    }
    return out
  }

  /// For each column, the sum over its rows: 1×cols (a per-sample total,
  /// such as a squared norm).
  public func sumOverRows() -> Matrix {
    var out = Matrix(rows: 1, cols: cols)
    let r = rows
    storage.withUnsafeBufferPointer { s in
      out.storage.withUnsafeMutableBufferPointer { o in
        for j in 0..<cols {
          var acc: Float = 0
          for i in 0..<r { acc += s[i + j * r] }
          o[j] = acc
        }
      }
    }
    return out
  }

  /// For each row, the mean over the columns: rows×1.
  public func meanOverColumns() -> Matrix { cols == 0 ? self : sumOverColumns() / Float(cols) }
}
