import FlowCore

/// The conditional "optimal transport" path: the straight line from a noise
/// point x0 to a data point x1, walked at constant speed.
///
/// ```
/// x_t = (1 − t)·x0 + t·x1        (t is one number per column)
/// ```
/// - Parameters:
///   - x0: noise, 2×n.
///   - x1: data, 2×n.
///   - t: times, 1×n.
/// - Returns: x_t, 2×n.
public func conditionalPath(x0: Matrix, x1: Matrix, t: Matrix) -> Matrix {
  todo(
    "Lab3 · conditionalPath",
    hint:
      "t is 1×n, one number per column, so `*` will not match a 2×n matrix: multiplyingEachColumn(by:) scales column j by t's entry j, and 1 − t is a 1×n matrix too."
  )
}

/// The conditional vector field, the regression target: the velocity of the
/// straight path, the same at every t.
///
/// ```
/// u_t(x_t | x0, x1) = d x_t / dt = x1 − x0
/// ```
public func conditionalTarget(x0: Matrix, x1: Matrix) -> Matrix {
  todo(
    "Lab3 · conditionalTarget",
    hint: "differentiate (1 − t)·x0 + t·x1 with respect to t; the answer does not depend on t.")
}

/// What the network sees and what it should answer, for one batch.
public struct FlowBatch: Sendable {
  /// The network input: t stacked on x_t, 3×n (row 0 is t).
  public var input: Matrix
  /// The regression target x1 − x0, 2×n.
  public var target: Matrix
  public init(input: Matrix, target: Matrix) {
    self.input = input
    self.target = target
  }
}

/// The tutorial's training batch: `cat(t, x_t, dims=1)` and `x1 − x0`.
///
/// ```
/// input  = [ t   ]   1×n
///          [ x_t ]   2×n      → 3×n
/// target = x1 − x0            → 2×n
/// ```
public func trainingBatch(x0: Matrix, x1: Matrix, t: Matrix) -> FlowBatch {
  todo(
    "Lab3 · trainingBatch",
    hint:
      "the input is t stacked on top of x_t, 3×n with t in row 0 (Matrix.vcat stacks rows); reuse your conditionalPath and conditionalTarget rather than writing them again."
  )
}
