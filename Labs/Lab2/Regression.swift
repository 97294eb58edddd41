import FlowCore

/// The squared-error loss of a batch and its gradient: the tutorial's loss
/// (lab 4 uses the same formula for flow matching).
///
/// ```
/// L     = (1/n) · Σ_{i,j} (ŷ − y)²ᵢⱼ      summed over every entry, divided by the n samples
/// ∂L/∂ŷ = (2/n) · (ŷ − y)                 same shape as ŷ
/// ```
/// - Parameters:
///   - prediction: the network's output ŷ, d×n (one column per sample).
///   - target: the values to fit, d×n.
/// - Returns: L and ∂L/∂ŷ.
public func regressionLoss(prediction: Matrix, target: Matrix) -> (loss: Float, gradient: Matrix) {
  todo(
    "Lab2 · regressionLoss",
    hint:
      "the residual ŷ − y serves both answers: square and sum every entry for L, and divide by n = the number of columns (samples), not the number of entries."
  )
}

/// One step of plain SGD on a regression batch: forward, loss, backward, update.
///
/// ```
/// ŷ, caches = model.forward(x)
/// L, ∂L/∂ŷ  = regressionLoss(ŷ, y)
/// ∇θ        = model.backward(∂L/∂ŷ, caches).parameters
/// θ        ← θ − η · ∇θ
/// ```
/// - Parameters:
///   - model: the network (updated in place).
///   - input: the batch x, in×n.
///   - target: the values to fit y, out×n.
///   - learningRate: η.
/// - Returns: the loss L **before** the update.
@discardableResult
public func regressionStep(_ model: inout MLP, input: Matrix, target: Matrix, learningRate: Float)
  -> Float
{
  todo(
    "Lab2 · regressionStep",
    hint:
      "the four lines of the comment above, each one call to something you wrote (MLP.forward, regressionLoss, MLP.backward, sgdStep); return the loss from before the update."
  )
}

/// The known field the lab's regression learns: a rotation that spirals onto
/// the unit circle (the normal form of a Hopf bifurcation, damped by ½).
///
/// ```
/// v(x, y) = (−y, x) + ½ (1 − x² − y²) · (x, y)
/// ```
/// Points inside the unit circle spiral outward, points outside spiral
/// inward, and on the circle the field is the pure rotation (−y, x).
/// Given, not an exercise.
/// - Parameter points: 2×n, one point (x, y) per column.
/// - Returns: 2×n, the field at each point.
public func spiralField(_ points: Matrix) -> Matrix {
  precondition(points.rows == 2, "spiralField: points must be 2×n, got \(points.shapeText)")
  let x = points.rows(0..<1)
  let y = points.rows(1..<2)
  let radial = (1 - (x.squared() + y.squared())) * 0.5
  return Matrix.vcat([-y + radial * x, x + radial * y])
}
