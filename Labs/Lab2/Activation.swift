import FlowCore

/// The exponential linear unit, entry by entry (Clevert et al. 2015,
/// arXiv:1511.07289), the tutorial's activation.
///
/// ```
/// elu(x) = x          for x > 0
///          eˣ − 1     for x ≤ 0
///        = max(x, 0) + (e^min(x, 0) − 1)
/// ```
/// - Parameter x: pre-activations, any shape.
public func elu(_ x: Matrix) -> Matrix {
  todo(
    "Lab2 · elu",
    hint:
      "no loops and no branches: elu(x) = max(x, 0) + (e^min(x, 0) − 1), and the core has clamped(min:), clamped(max:) and expm1() for the pieces."
  )
}

/// The derivative of `elu`, entry by entry.
///
/// ```
/// elu′(x) = 1     for x > 0
///           eˣ    for x ≤ 0
///         = e^min(x, 0)
/// ```
/// At x = 0 both sides give 1, so elu is continuously differentiable.
/// - Parameter x: the pre-activations that went into `elu`.
public func eluDerivative(_ x: Matrix) -> Matrix {
  todo(
    "Lab2 · eluDerivative",
    hint:
      "one expression, no branches: elu′(x) = e^min(x, 0) is 1 for x > 0 and eˣ below; clamped(max:) and exp() build it."
  )
}
