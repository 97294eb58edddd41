import FlowCore

/// The tutorial's flow-matching loss: the squared error summed over every
/// entry, divided by the number of samples n (not by the 2n entries).
///
/// ```
/// L = (1/n) · Σ_{i,j} (v_θ(t, x_t) − (x1 − x0))²_{ij}
/// ```
/// Each sample contributes the squared length of its error vector, and the
/// sum is averaged over the n samples (the columns). It is 0 only when every
/// prediction equals its target; for 2×n inputs it is twice the mean of
/// the squared entries.
/// - Parameters:
///   - prediction: the network's output v_θ, 2×n.
///   - target: x1 − x0, 2×n.
public func flowMatchingLoss(prediction: Matrix, target: Matrix) -> Float {
  todo(
    "Lab4 · flowMatchingLoss",
    hint:
      "lab 2's regression loss again: square every entry of the error and sum, then divide by n, the number of samples (columns), not by the 2n entries."
  )
}

/// The gradient of `flowMatchingLoss` with respect to the prediction.
///
/// ```
/// ∂L/∂v = (2/n) · (v − target)        2×n
/// ```
/// Each entry (v − target)²/n has derivative 2(v − target)/n; the gradient
/// has the prediction's shape and points towards larger errors.
/// - Parameters:
///   - prediction: the network's output v, 2×n.
///   - target: x1 − x0, 2×n.
public func flowMatchingLossGradient(prediction: Matrix, target: Matrix) -> Matrix {
  todo(
    "Lab4 · flowMatchingLossGradient",
    hint:
      "differentiate (v − target)²/n entry by entry; the result is 2×n like the prediction, and the sign is the classic slip (it must point towards larger errors)."
  )
}
