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
      "elu(x) = max(x, 0) + (e^min(x, 0) − 1): try x.clamped(min: 0) + x.clamped(max: 0).expm1(), no loops"
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
    hint: "1 for x > 0 and eˣ for x ≤ 0 is e^min(x, 0): x.clamped(max: 0).exp()")
}
