import FlowCore

/// The tutorial's flow-matching loss: the squared error summed over every
/// entry, divided by the number of samples n (not by the 2n entries).
///
/// ```
/// L = (1/n) · Σ_{i,j} (v_θ(t, x_t) − (x1 − x0))²_{ij}
/// ```
/// - Parameters:
///   - prediction: the network's output v_θ, 2×n.
///   - target: x1 − x0, 2×n.
public func flowMatchingLoss(prediction: Matrix, target: Matrix) -> Float {
  (prediction - target).squared().sum() / Float(prediction.cols)
}

/// The gradient of `flowMatchingLoss` with respect to the prediction.
///
/// ```
/// ∂L/∂v = (2/n) · (v − target)        2×n
/// ```
public func flowMatchingLossGradient(prediction: Matrix, target: Matrix) -> Matrix {
  (prediction - target) * (2 / Float(prediction.cols))
}
