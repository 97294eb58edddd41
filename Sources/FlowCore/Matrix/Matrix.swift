import Foundation

/// A dense matrix of `Float`, stored column by column.
///
/// FlowLab follows the tutorial's convention: **a column is one sample**. A
/// batch of n points in the plane is a 2×n matrix, the network's input
/// `(t, x_t)` is 3×n, and a layer's weight W is out×in so that `W · x` maps a
/// batch to a batch.
///
/// ```
/// storage index of element (i, j) = i + j · rows      (column-major)
/// ```
///
/// Every operation checks shapes and, on a mismatch, stops with a message that
/// names both shapes and the place in *your* code that called it.
///
/// Elementwise results (`+`, `*`, `exp()`, `clamped`, …) are computed when
/// something first reads them (a product, a sum, `storage`), several
/// operations in one pass: see `Matrix+Deferred.swift`. This never changes a
/// number; it only saves passes over memory.
public struct Matrix: Equatable, Sendable {
  /// Number of rows (features).
  public let rows: Int
  /// Number of columns (samples).
  public let cols: Int
  /// The entries, or the pending operation that will compute them.
  @usableFromInline var entries: Entries

  @usableFromInline
  enum Entries: Sendable {
    case computed([Float])
    case deferred(Deferred)
  }

  /// The pending operation, if the entries are not computed yet.
  @inlinable var pending: Deferred? {
    if case .deferred(let d) = entries { return d }
    return nil
  }

  /// The entries, column-major: `storage[i + j * rows]` is element (i, j).
  public var storage: [Float] {
    @inlinable get {
      let v = kernelStorage
      Matrix.waitForWorker()
      return v
    }
    @inlinable _modify {
      var v = kernelStorage
      Matrix.waitForWorker()
      entries = .computed([])  // so that v is the only reference while it is modified
      defer { entries = .computed(v) }
      yield &v
    }
  }

  /// The entries, for a kernel of the core: inside a pipeline
  /// (`Matrix.pipelined`) the other core may still be computing some of
  /// them, and the kernels wait for exactly what they read
  /// (`flowlab_claim`); everything else reads `storage`, which waits for
  /// all of it.
  @usableFromInline var kernelStorage: [Float] {
    switch entries {
    case .computed(let v): return v
    case .deferred(let d): return d.value()
    }
  }

  /// A matrix with these entries (column-major, `rows * cols` of them).
  @inlinable
  init(rows: Int, cols: Int, values: [Float]) {
    self.rows = rows
    self.cols = cols
    self.entries = .computed(values)
  }

  /// A matrix whose entries `deferred` will compute.
  @usableFromInline
  init(rows: Int, cols: Int, deferred: Deferred) {
    self.rows = rows
    self.cols = cols
    self.entries = .deferred(deferred)
  }

  public static func == (a: Matrix, b: Matrix) -> Bool {
    a.rows == b.rows && a.cols == b.cols && a.storage == b.storage
  }

  /// A `rows`×`cols` matrix with every entry `value`.
  public init(rows: Int, cols: Int, repeating value: Float = 0) {
    precondition(rows >= 0 && cols >= 0, "Matrix: negative shape \(rows)×\(cols)")
    self.init(rows: rows, cols: cols, values: [Float](repeating: value, count: rows * cols))
  }

  /// A `rows`×`cols` matrix from entries listed column by column.
  public init(rows: Int, cols: Int, columnMajor values: [Float]) {
    precondition(
      values.count == rows * cols,
      "Matrix: \(values.count) values cannot fill a \(rows)×\(cols) matrix (needs \(rows * cols))")
    self.init(rows: rows, cols: cols, values: values)
  }

  /// A matrix written the way it is printed: one array per row.
  ///
  /// ```swift
  /// let w = Matrix([[1, 2, 3],
  ///                 [4, 5, 6]])   // 2×3
  /// ```
  public init(_ rowArrays: [[Float]]) {
    let r = rowArrays.count
    let c = rowArrays.first?.count ?? 0
    precondition(rowArrays.allSatisfy { $0.count == c }, "Matrix: rows of different lengths")
    self.init(rows: r, cols: c)
    for i in 0..<r { for j in 0..<c { storage[i + j * r] = rowArrays[i][j] } }
  }

  /// A column vector (n×1).
  public init(column values: [Float]) { self.init(rows: values.count, cols: 1, columnMajor: values) }

  /// A row vector (1×n).
  public init(row values: [Float]) { self.init(rows: 1, cols: values.count, columnMajor: values) }

  /// An all-zero matrix.
  public static func zeros(_ rows: Int, _ cols: Int) -> Matrix { Matrix(rows: rows, cols: cols) }

  /// The shape as `(rows, cols)`.
  public var shape: (rows: Int, cols: Int) { (rows, cols) }

  /// Number of entries.
  public var count: Int { rows * cols }

  /// Element (i, j).
  @inlinable
  public subscript(i: Int, j: Int) -> Float {
    get {
      precondition(i >= 0 && i < rows && j >= 0 && j < cols, "Matrix: index (\(i), \(j)) outside \(rows)×\(cols)")
      return storage[i + j * rows]
    }
    set {
      precondition(i >= 0 && i < rows && j >= 0 && j < cols, "Matrix: index (\(i), \(j)) outside \(rows)×\(cols)")
      storage[i + j * rows] = newValue
    }
  }

  /// Column j as an array (one sample).
  public func column(_ j: Int) -> [Float] {
    precondition(j >= 0 && j < cols, "Matrix: column \(j) outside \(rows)×\(cols)")
    return Array(storage[(j * rows)..<((j + 1) * rows)])
  }

  /// Row i as an array (one feature over all samples).
  public func row(_ i: Int) -> [Float] {
    precondition(i >= 0 && i < rows, "Matrix: row \(i) outside \(rows)×\(cols)")
    return (0..<cols).map { storage[i + $0 * rows] }
  }

  /// The rows in `range`, as a new matrix (the tutorial's `x[1:2, :]`).
  public func rows(_ range: Range<Int>) -> Matrix {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= rows,
      "Matrix: rows \(range) outside a matrix with \(rows) rows")
    var out = Matrix(rows: range.count, cols: cols)
    let n = range.count
    storage.withUnsafeBufferPointer { src in
      out.storage.withUnsafeMutableBufferPointer { dst in
        for j in 0..<cols {
          for i in 0..<n { dst[i + j * n] = src[range.lowerBound + i + j * rows] }
        }
      }
    }
    return out
  }

  /// The columns in `range`, as a new matrix (a slice of the batch).
  public func columns(_ range: Range<Int>) -> Matrix {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= cols,
      "Matrix: columns \(range) outside a matrix with \(cols) columns")
    return Matrix(
      rows: rows, cols: range.count,
      columnMajor: Array(storage[(range.lowerBound * rows)..<(range.upperBound * rows)]))
  }

  /// Stacks matrices with the same number of columns on top of each other:
  /// the tutorial's `cat(t, x_t, dims=1)`.
  public static func vcat(_ parts: [Matrix], file: StaticString = #fileID, line: UInt = #line) -> Matrix {
    guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
    for p in parts where p.cols != first.cols {
      shapeFailure(
        "vcat needs the same number of columns, got \(parts.map { $0.shapeText }.joined(separator: ", "))",
        file: file, line: line)
    }
    let total = parts.reduce(0) { $0 + $1.rows }
    var out = Matrix(rows: total, cols: first.cols)
    var offset = 0
    for p in parts {
      for j in 0..<p.cols {
        for i in 0..<p.rows { out.storage[offset + i + j * total] = p.storage[i + j * p.rows] }
      }
      offset += p.rows
    }
    return out
  }

  /// Places matrices with the same number of rows side by side (more samples).
  public static func hcat(_ parts: [Matrix], file: StaticString = #fileID, line: UInt = #line) -> Matrix {
    guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
    for p in parts where p.rows != first.rows {
      shapeFailure(
        "hcat needs the same number of rows, got \(parts.map { $0.shapeText }.joined(separator: ", "))",
        file: file, line: line)
    }
    return Matrix(rows: first.rows, cols: parts.reduce(0) { $0 + $1.cols }, columnMajor: parts.flatMap(\.storage))
  }

  /// The transpose.
  public var transposed: Matrix {
    var out = Matrix(rows: cols, cols: rows)
    for j in 0..<cols { for i in 0..<rows { out.storage[j + i * cols] = storage[i + j * rows] } }
    return out
  }

  /// "3×256", for messages.
  public var shapeText: String { "\(rows)×\(cols)" }
}

extension Matrix: CustomStringConvertible {
  public var description: String {
    let shown = min(rows, 6)
    var lines = ["Matrix \(shapeText)"]
    for i in 0..<shown {
      let vals = (0..<min(cols, 8)).map { j in String(format: "% .4f", Double(self[i, j])) }
      lines.append("  [" + vals.joined(separator: " ") + (cols > 8 ? " …" : "") + "]")
    }
    if rows > shown { lines.append("  …") }
    return lines.joined(separator: "\n")
  }
}

/// Stops with a shape error that names the caller's file and line.
@usableFromInline
func shapeFailure(_ message: String, file: StaticString, line: UInt) -> Never {
  fatalError("shape mismatch: \(message)", file: file, line: line)
}
