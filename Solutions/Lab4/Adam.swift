import Foundation
import FlowCore

/// Adam: gradient descent with per-parameter step sizes from running moment
/// estimates (Kingma & Ba 2015, arXiv:1412.6980, Algorithm 1).
///
/// ```
/// m ← β₁·m + (1 − β₁)·g            first moment (mean of g)
/// v ← β₂·v + (1 − β₂)·g²           second moment (mean of g²)
/// m̂ = m / (1 − β₁ᵗ)                 bias correction: m, v start at 0
/// v̂ = v / (1 − β₂ᵗ)
/// θ ← θ − η · m̂ / (√v̂ + ε)
/// ```
public struct Adam: Sendable {
  /// η, the step size: 1e-3 as in the tutorial and the paper.
  public var learningRate: Float
  /// β₁, the decay of the first moment: 0.9 (an average over ~10 steps).
  public var beta1: Float
  /// β₂, the decay of the second moment: 0.999 (~1000 steps).
  public var beta2: Float
  /// ε, added to √v̂ so a zero gradient does not divide by zero: 1e-8.
  public var epsilon: Float
  /// The first moments, one matrix per parameter (zeros until the first step).
  public var m: [Matrix] = []
  /// The second moments, one matrix per parameter.
  public var v: [Matrix] = []
  /// How many updates were made (t in the formulas).
  public var step: Int = 0

  /// An optimizer with the paper's defaults.
  public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
    precondition(learningRate > 0, "Adam: learning rate must be > 0, got \(learningRate)")
    precondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam: β₁ and β₂ must be in [0, 1)")
    precondition(epsilon >= 0, "Adam: ε must be ≥ 0")
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
  }

  /// One Adam update of every parameter.
  ///
  /// - Parameters:
  ///   - parameters: θ, updated in place.
  ///   - gradients: ∂L/∂θ, same order and shapes.
  public mutating func update(_ parameters: inout [Matrix], gradients: [Matrix]) {
    precondition(parameters.count == gradients.count, "Adam: \(parameters.count) parameters but \(gradients.count) gradients")
    if m.isEmpty {
      m = parameters.map { Matrix(rows: $0.rows, cols: $0.cols) }
      v = m
    }
    step += 1
    let correction1 = 1 - Foundation.pow(beta1, Float(step))
    let correction2 = 1 - Foundation.pow(beta2, Float(step))
    for k in parameters.indices {
      let g = gradients[k]
      m[k] = m[k] * beta1 + g * (1 - beta1)
      v[k] = v[k] * beta2 + g.squared() * (1 - beta2)
      let mHat = m[k] / correction1
      let vHat = v[k] / correction2
      parameters[k] -= learningRate * mHat / (vHat.squareRoot() + epsilon)
    }
  }
}
