import FlowCore
import Foundation

/// A multilayer perceptron: Dense layers with elu between them and none after
/// the last, the tutorial's `Chain(Dense(3, 64, elu), …, Dense(64, 2))`.
public struct MLP: Sendable {
  /// The layers, input side first.
  public var layers: [Dense]

  /// An MLP from its layers.
  public init(layers: [Dense]) { self.layers = layers }

  /// The tutorial's shape: 3 → 64 → 64 → 64 → 2.
  public static let tutorialSizes = [3, 64, 64, 64, 2]

  /// A freshly initialised MLP with layer sizes `sizes` (input first).
  ///
  /// Weights **and** biases are drawn uniformly from ±1/√fan_in, PyTorch's
  /// default for `nn.Linear` (He et al. 2015's "kaiming uniform" with a = √5):
  ///
  /// ```
  /// layer k: fan_in = sizes[k], fan_out = sizes[k+1], a = 1/√fan_in
  /// W ~ U(−a, a)   fan_out×fan_in       Var W = a²/3 = 1/(3·fan_in)
  /// b ~ U(−a, a)   fan_out×1
  /// elu after every layer but the last (the output is a velocity: any real number)
  /// ```
  /// With Var W = 1/(3·fan_in), each pre-activation z = Σⱼ Wᵢⱼ hⱼ has a
  /// variance of about a third of the mean hⱼ²: it stays of order 1 however
  /// wide the layer, so elu works in its curved region at the start of
  /// training. (Glorot uniform, ±√(6/(fan_in + fan_out)), is the other common
  /// choice; it balances the forward and backward variances.) Draw W then b
  /// for each layer in order, from `rng` only, so a seed fixes the network.
  ///
  /// - Parameters:
  ///   - sizes: at least two sizes, each ≥ 1, e.g. `[3, 64, 64, 64, 2]`.
  ///   - rng: the seeded generator (same seed, same network).
  public init(sizes: [Int] = MLP.tutorialSizes, using rng: inout some RandomNumberGenerator) {
    precondition(sizes.count >= 2 && sizes.allSatisfy { $0 >= 1 }, "MLP: impossible sizes \(sizes)")
    todo(
      "Lab2 · MLP.init",
      hint:
        "layer k has fan_in = sizes[k] and bound 1/√fan_in; Matrix.uniform(_:_:in:_:using:) draws W (out×in) and then b (out×1) from rng, layer by layer, and only the last layer goes without elu."
    )
  }

  /// The layer sizes, input first.
  public var sizes: [Int] { [layers[0].inputSize] + layers.map(\.outputSize) }

  /// Number of trainable numbers (8 706 for 3 → 64 → 64 → 64 → 2).
  public var parameterCount: Int { layers.reduce(0) { $0 + $1.weight.count + $1.bias.count } }

  /// The network's output for a batch.
  public func callAsFunction(_ x: Matrix) -> Matrix { forward(x).output }

  /// Runs every layer, keeping each layer's cache for `backward`.
  ///
  /// ```
  /// h₀ = x,  hₖ = layerₖ(hₖ₋₁),  output = h_L
  /// ```
  /// - Parameter x: the batch, sizes[0]×n (one sample per column).
  /// - Returns: the output (sizes.last×n) and the caches, input side first.
  public func forward(_ x: Matrix) -> (output: Matrix, caches: [Dense.Cache]) {
    todo(
      "Lab2 · MLP.forward",
      hint:
        "thread the batch through the layers in order — each layer's output is the next one's input — and keep every cache, input side first."
    )
  }

  /// Backpropagates ∂L/∂output through every layer, last layer first.
  ///
  /// ```
  /// g = ∂L/∂output
  /// for k = L, L−1, …, 1:   (∂L/∂Wₖ, ∂L/∂bₖ, g) = layerₖ.backward(g, cacheₖ)
  /// ∂L/∂x = g
  /// ```
  /// Each layer's ∂L/∂input is the ∂L/∂output of the layer below it.
  /// - Parameters:
  ///   - gradOutput: ∂L/∂output, out×n.
  ///   - caches: what `forward` returned, one per layer, input side first.
  /// - Returns: the parameter gradients in `parameters` order
  ///   (W₁, b₁, W₂, b₂, …), and ∂L/∂x.
  public func backward(_ gradOutput: Matrix, caches: [Dense.Cache]) -> (
    parameters: [Matrix], input: Matrix
  ) {
    todo(
      "Lab2 · MLP.backward",
      hint:
        "walk the layers last to first, handing each layer's gradient .input to the layer below; the parameter gradients must still come out in `parameters` order (W₁, b₁, W₂, …), although you find them backwards."
    )
  }

  /// The parameters as a flat list, W₁, b₁, W₂, b₂, …, for an optimizer to
  /// walk over; setting it writes them back (shapes must match).
  public var parameters: [Matrix] {
    get { layers.flatMap { [$0.weight, $0.bias] } }
    set {
      precondition(
        newValue.count == 2 * layers.count,
        "MLP: expected \(2 * layers.count) parameter matrices, got \(newValue.count)")
      for k in layers.indices {
        precondition(
          newValue[2 * k].shape == layers[k].weight.shape
            && newValue[2 * k + 1].shape == layers[k].bias.shape,
          "MLP: parameter shapes of layer \(k + 1) changed")
        layers[k].weight = newValue[2 * k]
        layers[k].bias = newValue[2 * k + 1]
      }
    }
  }
}

/// Plain stochastic gradient descent: one step downhill for every parameter.
///
/// ```
/// θ ← θ − η · ∂L/∂θ        for θ = W₁, b₁, W₂, b₂, …
/// ```
/// "Stochastic" because ∂L/∂θ comes from a batch, not from all the data.
///
/// - Parameters:
///   - parameters: the model's parameters (updated in place).
///   - gradients: ∂L/∂θ, same order and shapes.
///   - learningRate: η.
public func sgdStep(_ parameters: inout [Matrix], gradients: [Matrix], learningRate: Float) {
  precondition(
    parameters.count == gradients.count,
    "sgdStep: \(parameters.count) parameters but \(gradients.count) gradients")
  todo(
    "Lab2 · sgdStep",
    hint:
      "θ ← θ − η·g for each pair of matrices; Matrix's add(_:scaledBy:) does it in place, so the only thing to get right is the sign."
  )
}
