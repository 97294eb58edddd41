import FlowCore
import Lab2
import Lab3

/// Training stopped because the loss stopped being a number.
public struct NonFiniteLoss: Error, CustomStringConvertible {
  /// The step (1-based) whose loss was NaN or infinite.
  public let step: Int
  /// That loss.
  public let loss: Float
  public init(step: Int, loss: Float) {
    self.step = step
    self.loss = loss
  }
  public var description: String {
    "the loss became \(loss) at step \(step); training stopped. Try a smaller learning rate (--lr)."
  }
}

/// One training step: forward, loss, backward, update.
///
/// ```
/// v      = model(batch.input)                       2×n
/// L      = flowMatchingLoss(v, batch.target)
/// ∂L/∂v  = flowMatchingLossGradient(v, batch.target)  2×n
/// ∇θ     = model.backward(∂L/∂v)                     W₁, b₁, W₂, b₂, …
/// θ      ← Adam(θ, ∇θ)
/// ```
/// - Parameters:
///   - model: the network, updated in place.
///   - optimizer: its Adam state (moments and step count), updated in place.
///   - batch: input (t stacked on x_t, 3×n) and target (x1 − x0, 2×n).
/// - Returns: the loss **before** the update.
public func trainStep(model: inout MLP, optimizer: inout Adam, batch: FlowBatch) -> Float {
  todo(
    "Lab4 · trainStep",
    hint:
      "the five lines of the comment above, in order, with the functions of Loss.swift and lab 2's forward and backward; optimizer.update changes the parameter list you pass inout, and you return the loss from before the update."
  )
}

/// The training loop, with the tutorial's guard against a loss that is not
/// a number.
///
/// ```
/// for step in 1...steps:
///     loss = trainStep(model, optimizer, nextBatch(step))
///     if loss is NaN or ±∞: undo this step's update, throw NonFiniteLoss(step, loss)
///     record loss; onStep(step, loss)
/// ```
/// Once the loss is NaN, every later step is NaN too (the parameters are
/// poisoned), so stopping at the first one names the step where it went wrong.
/// - Parameters:
///   - model: the network, updated in place.
///   - optimizer: its Adam state.
///   - steps: how many updates (≥ 0).
///   - nextBatch: the batch for a step, given the step number (1-based). The
///     same batch every time reproduces the tutorial; a fresh one each step
///     samples the path anew.
///   - onStep: called after every finite step with (step, loss), e.g. for a
///     progress bar.
/// - Returns: the loss of every step, in order.
/// - Throws: `NonFiniteLoss` naming the first step whose loss was not finite;
///   the model is left as it was before that step.
public func train(
  model: inout MLP, optimizer: inout Adam, steps: Int,
  nextBatch: (Int) -> FlowBatch, onStep: (Int, Float) -> Void = { _, _ in }
) throws -> [Float] {
  todo(
    "Lab4 · train",
    hint:
      "steps may be 0 (1...0 traps, a stride does not); keep the model from before each step so that a non-finite loss can be undone before you throw NonFiniteLoss, and only finite steps reach onStep and the result."
  )
}
