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
    hint: "(prediction − target).squared().sum() divided by the number of columns, prediction.cols")
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
    hint: "(prediction − target) * (2 / Float(prediction.cols)): the sign is prediction minus target")
}
