import Foundation
import FlowCore

/// Adam: gradient descent with a step size of its own for every parameter,
/// from running averages of the gradient and of its square
/// (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization",
/// arXiv:1412.6980, Algorithm 1).
///
/// At step t (1, 2, 3, …), for every parameter matrix θ with gradient g,
/// entry by entry:
///
/// ```
/// m ← β₁·m + (1 − β₁)·g            first moment: running mean of g
/// v ← β₂·v + (1 − β₂)·g²           second moment: running mean of g²
/// m̂ = m / (1 − β₁ᵗ)                bias correction: m and v start at 0
/// v̂ = v / (1 − β₂ᵗ)
/// θ ← θ − η · m̂ / (√v̂ + ε)
/// ```
///
/// - m̂ / √v̂ is about ±1 when the gradient keeps its sign and near 0 when it
///   flips around: every parameter moves by at most about η per step,
///   whatever the scale of its gradient.
/// - Without bias correction the first steps are far off: at t = 1,
///   m = 0.1·g and v = 0.001·g², so m / √v = 3.16·sign(g), a step 3× too large;
///   dividing by 1 − β₁ᵗ and 1 − β₂ᵗ turns both back into averages of g and g².
public struct Adam: Sendable {
  /// η, the step size: 1e-3, as in the tutorial and the paper.
  public var learningRate: Float
  /// β₁, the decay of the first moment: 0.9 (an average over about 10 steps).
  public var beta1: Float
  /// β₂, the decay of the second moment: 0.999 (about 1000 steps).
  public var beta2: Float
  /// ε, added to √v̂ so that a zero gradient does not divide 0 by 0: 1e-8.
  public var epsilon: Float
  /// The first moments m, one matrix per parameter (empty until the first update).
  public var m: [Matrix] = []
  /// The second moments v, one matrix per parameter (empty until the first update).
  public var v: [Matrix] = []
  /// How many updates were made: t in the formulas.
  public var step: Int = 0

  /// An optimizer with the paper's defaults.
  ///
  /// - Parameters:
  ///   - learningRate: η > 0 (default 1e-3).
  ///   - beta1: β₁ in [0, 1) (default 0.9).
  ///   - beta2: β₂ in [0, 1) (default 0.999).
  ///   - epsilon: ε ≥ 0 (default 1e-8).
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
  /// ```
  /// on the first call: m, v = zeros shaped like the parameters
  /// t ← t + 1
  /// for each parameter k:
  ///     m[k] ← β₁·m[k] + (1 − β₁)·g[k]
  ///     v[k] ← β₂·v[k] + (1 − β₂)·g[k]²
  ///     θ[k] ← θ[k] − η · (m[k] / (1 − β₁ᵗ)) / (√(v[k] / (1 − β₂ᵗ)) + ε)
  /// ```
  /// Update the moments first, then use them: the step at t uses g of step t.
  /// - Parameters:
  ///   - parameters: θ, updated in place (e.g. `MLP.parameters`: W₁, b₁, W₂, b₂, …).
  ///   - gradients: ∂L/∂θ, in the same order and shapes.
  public mutating func update(_ parameters: inout [Matrix], gradients: [Matrix]) {
    todo(
      "Lab4 · Adam.update",
      hint:
        "follow the comment's box in order: create zero moments on the first call, count the step before using it (t starts at 1), and update m and v with this g before computing m̂ and v̂. Everything is entry by entry (squared(), squareRoot(), Matrix with Float)."
    )
  }
}
