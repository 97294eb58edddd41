import FlowCore
import Lab2
import Lab3

/// Training stopped because the loss stopped being a number.
public struct NonFiniteLoss: Error, CustomStringConvertible {
  /// The step (1-based) whose loss was NaN or infinite.
  public let step: Int
  /// That loss.
  public let loss: Float
  public var description: String {
    "the loss became \(loss) at step \(step); training stopped. Try a smaller learning rate (--lr)."
  }
}

/// One training step: forward, loss, backward, update.
///
/// ```
/// v      = model(batch.input)                  2×n
/// L      = flowMatchingLoss(v, batch.target)
/// ∂L/∂v  = flowMatchingLossGradient(v, batch.target)
/// ∇θ     = model.backward(∂L/∂v)
/// θ      ← Adam(θ, ∇θ)
/// ```
/// - Returns: the loss **before** the update.
public func trainStep(model: inout MLP, optimizer: inout Adam, batch: FlowBatch) -> Float {
  let (prediction, caches) = model.forward(batch.input)
  let loss = flowMatchingLoss(prediction: prediction, target: batch.target)
  let grad = flowMatchingLossGradient(prediction: prediction, target: batch.target)
  let gradients = model.backward(grad, caches: caches).parameters
  var parameters = model.parameters
  optimizer.update(&parameters, gradients: gradients)
  model.parameters = parameters
  return loss
}

/// The training loop, with the tutorial's guard against a loss that is not
/// a number.
///
/// ```
/// for step in 1...steps:
///     loss = trainStep(model, optimizer, nextBatch(step))
///     if loss is NaN or ±∞: stop and report the step
/// ```
/// - Parameters:
///   - steps: how many updates.
///   - nextBatch: the batch for a step (the same one every time reproduces the
///     tutorial; a fresh one each step samples the path anew).
///   - onStep: called after every step with (step, loss), e.g. for a progress bar.
/// - Returns: the loss of every step.
/// - Throws: `NonFiniteLoss` naming the first step whose loss was not finite;
///   the model is left as it was before that step's update.
public func train(
  model: inout MLP, optimizer: inout Adam, steps: Int,
  nextBatch: (Int) -> FlowBatch, onStep: (Int, Float) -> Void = { _, _ in }
) throws -> [Float] {
  var losses: [Float] = []
  losses.reserveCapacity(steps)
  for step in 1...max(steps, 1) where step <= steps {
    let before = model
    let loss = trainStep(model: &model, optimizer: &optimizer, batch: nextBatch(step))
    guard loss.isFinite else {
      model = before
      throw NonFiniteLoss(step: step, loss: loss)
    }
    losses.append(loss)
    onStep(step, loss)
  }
  return losses
}
