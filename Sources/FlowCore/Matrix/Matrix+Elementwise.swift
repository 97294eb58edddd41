import CFlowKernels
import Foundation

// Elementwise arithmetic and maps. Shapes must match exactly; broadcasting is
// explicit (`addingToEachColumn`, `multiplyingEachColumn`) so that a shape
// mistake is an error, never a silent broadcast.

extension Matrix {
  /// Combines two matrices of the same shape entry by entry.
  @inlinable
  public func zipMap(
    _ other: Matrix, _ op: String = "zipMap", file: StaticString = #fileID, line: UInt = #line,
    _ f: (Float, Float) -> Float
  ) -> Matrix {
    if rows != other.rows || cols != other.cols {
      shapeFailure("\(op) needs equal shapes, got \(shapeText) and \(other.shapeText)", file: file, line: line)
    }
    return Matrix(rows: rows, cols: cols) { o in
      storage.withUnsafeBufferPointer { a in
        other.storage.withUnsafeBufferPointer { b in
          for k in 0..<o.count { o[k] = f(a[k], b[k]) }
        }
      }
    }
  }

  /// Applies `f` to every entry. Fast for the core's own functions; a
  /// closure from a debug build is called once per entry.
  @inlinable
  public func map(_ f: (Float) -> Float) -> Matrix {
    Matrix(rows: rows, cols: cols) { o in
      storage.withUnsafeBufferPointer { a in
        for k in 0..<o.count { o[k] = f(a[k]) }
      }
    }
  }

  /// A matrix whose entries `fill` writes (every one of them).
  @inlinable
  init(rows: Int, cols: Int, filling fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
    self.init(
      rows: rows, cols: cols,
      values: [Float](unsafeUninitializedCapacity: rows * cols) { buf, count in
        fill(buf)
        count = rows * cols
      })
  }

  /// `op` applied entry by entry, deferred (see `Matrix+Deferred.swift`).
  @usableFromInline
  func kernelMap(
    _ op: flowlab_map_op, _ other: Matrix? = nil, _ s: Float = 0, _ name: String = "",
    file: StaticString = #fileID, line: UInt = #line
  ) -> Matrix {
    if let other, op != FLOWLAB_ADD_COL, op != FLOWLAB_MUL_ROW, other.rows != rows || other.cols != cols {
      shapeFailure("\(name) needs equal shapes, got \(shapeText) and \(other.shapeText)", file: file, line: line)
    }
    if rows * cols <= Deferred.smallest { return now(op, other, s) }
    return Matrix(rows: rows, cols: cols, deferred: Deferred(op, self, other, s))
  }

  /// `op` computed at once, by the same kernel as a deferred program's step
  /// (same numbers): for small matrices, where deferring costs more than
  /// the pass it would save.
  @usableFromInline
  func now(_ op: flowlab_map_op, _ other: Matrix?, _ s: Float) -> Matrix {
    let a = kernelStorage
    let b = other?.kernelStorage ?? []
    let (r, c) = (rows, cols)
    return Matrix(rows: rows, cols: cols) { o in
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          flowlab_apply(Int32(op.rawValue), r, c, pa.baseAddress, other == nil ? nil : pb.baseAddress, s, o.baseAddress)
        }
      }
    }
  }

  public static func + (a: Matrix, b: Matrix) -> Matrix { a.kernelMap(FLOWLAB_ADD, b, 0, "+") }
  public static func - (a: Matrix, b: Matrix) -> Matrix { a.kernelMap(FLOWLAB_SUB, b, 0, "-") }
  /// Entry-by-entry (Hadamard) product. For the matrix product use `dot`.
  public static func * (a: Matrix, b: Matrix) -> Matrix { a.kernelMap(FLOWLAB_MUL, b, 0, "* (elementwise)") }
  public static func / (a: Matrix, b: Matrix) -> Matrix { a.kernelMap(FLOWLAB_DIV, b, 0, "/") }
  public static prefix func - (a: Matrix) -> Matrix { a.kernelMap(FLOWLAB_MUL_S, nil, -1) }

  public static func + (a: Matrix, s: Float) -> Matrix { a.kernelMap(FLOWLAB_ADD_S, nil, s) }
  public static func + (s: Float, a: Matrix) -> Matrix { a.kernelMap(FLOWLAB_ADD_S, nil, s) }
  public static func - (a: Matrix, s: Float) -> Matrix { a.kernelMap(FLOWLAB_ADD_S, nil, -s) }
  public static func - (s: Float, a: Matrix) -> Matrix { a.kernelMap(FLOWLAB_S_SUB, nil, s) }
  public static func * (a: Matrix, s: Float) -> Matrix { a.kernelMap(FLOWLAB_MUL_S, nil, s) }
  public static func * (s: Float, a: Matrix) -> Matrix { a.kernelMap(FLOWLAB_MUL_S, nil, s) }
  public static func / (a: Matrix, s: Float) -> Matrix { a.kernelMap(FLOWLAB_DIV_S, nil, s) }
  public static func / (s: Float, a: Matrix) -> Matrix { a.kernelMap(FLOWLAB_S_DIV, nil, s) }

  public static func += (a: inout Matrix, b: Matrix) { a = a + b }
  public static func -= (a: inout Matrix, b: Matrix) { a = a - b }
  public static func *= (a: inout Matrix, s: Float) { a = a * s }

  /// Entries of e^x.
  public func exp() -> Matrix { kernelMap(FLOWLAB_EXP) }
  /// Entries of e^x − 1, accurate for small x.
  public func expm1() -> Matrix { kernelMap(FLOWLAB_EXPM1) }
  /// Entries of log x.
  public func log() -> Matrix { map { Foundation.log($0) } }
  /// Entries of tanh x.
  public func tanh() -> Matrix { map { Foundation.tanh($0) } }
  /// Entries of √x.
  public func squareRoot() -> Matrix { kernelMap(FLOWLAB_SQRT) }
  /// Entries squared.
  public func squared() -> Matrix { kernelMap(FLOWLAB_SQUARE) }
  /// Entries of min(x, m) (NaN stays NaN).
  public func clamped(max m: Float) -> Matrix { kernelMap(FLOWLAB_MIN_S, nil, m) }
  /// Entries of max(x, m) (NaN stays NaN).
  public func clamped(min m: Float) -> Matrix { kernelMap(FLOWLAB_MAX_S, nil, m) }
  /// 1 where `predicate` holds, 0 elsewhere (a mask to multiply with).
  public func mask(_ predicate: (Float) -> Bool) -> Matrix { map { predicate($0) ? 1 : 0 } }

  /// Adds the column vector `b` (rows×1) to every column: `W · x .+ b`.
  public func addingToEachColumn(_ b: Matrix, file: StaticString = #fileID, line: UInt = #line) -> Matrix {
    if b.cols != 1 || b.rows != rows {
      shapeFailure(
        "addingToEachColumn needs a \(rows)×1 column, got \(b.shapeText) for a \(shapeText) matrix", file: file,
        line: line)
    }
    return kernelMap(FLOWLAB_ADD_COL, b)
  }

  /// Multiplies column j by `s[0, j]`, for a 1×cols row `s` (one number per
  /// sample, such as the times t).
  public func multiplyingEachColumn(by s: Matrix, file: StaticString = #fileID, line: UInt = #line) -> Matrix {
    if s.rows != 1 || s.cols != cols {
      shapeFailure(
        "multiplyingEachColumn needs a 1×\(cols) row, got \(s.shapeText) for a \(shapeText) matrix", file: file,
        line: line)
    }
    return kernelMap(FLOWLAB_MUL_ROW, s)
  }

  /// `self += s · x`, in place (an optimizer's update).
  public mutating func add(_ x: Matrix, scaledBy s: Float, file: StaticString = #fileID, line: UInt = #line) {
    if x.rows != rows || x.cols != cols {
      shapeFailure("add(_:scaledBy:) needs equal shapes, got \(shapeText) and \(x.shapeText)", file: file, line: line)
    }
    self = kernelMap(FLOWLAB_AXPY, x, s)
  }

  /// True when every entry is finite (no NaN, no ±∞).
  public var isFinite: Bool { storage.allSatisfy { $0.isFinite } }

  /// Largest |a − b| over all entries.
  public func maxAbsDifference(_ other: Matrix, file: StaticString = #fileID, line: UInt = #line) -> Float {
    if rows != other.rows || cols != other.cols {
      shapeFailure(
        "maxAbsDifference needs equal shapes, got \(shapeText) and \(other.shapeText)", file: file, line: line)
    }
    var m: Float = 0
    for k in 0..<storage.count { m = Swift.max(m, abs(storage[k] - other.storage[k])) }
    return m
  }
}
