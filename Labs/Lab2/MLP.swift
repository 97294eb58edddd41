import Foundation
import FlowCore

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
  /// Weights and biases are drawn uniformly from ±1/√fan_in, PyTorch's
  /// default for `nn.Linear` (He et al. 2015's "kaiming uniform" with a = √5):
  /// it keeps the pre-activations of order 1 at every depth, so elu works in
  /// its curved region at the start of training.
  ///
  /// - Parameters:
  ///   - sizes: at least two sizes, each ≥ 1, e.g. `[3, 64, 64, 64, 2]`.
  ///   - rng: the seeded generator (same seed, same network).
  public init(sizes: [Int] = MLP.tutorialSizes, using rng: inout some RandomNumberGenerator) {
    precondition(sizes.count >= 2 && sizes.allSatisfy { $0 >= 1 }, "MLP: impossible sizes \(sizes)")
    layers = []
    for k in 0..<(sizes.count - 1) {
      let bound = 1 / Float(sizes[k]).squareRoot()
      let w = Matrix.uniform(sizes[k + 1], sizes[k], in: -bound, bound, using: &rng)
      let b = Matrix.uniform(sizes[k + 1], 1, in: -bound, bound, using: &rng)
      layers.append(Dense(weight: w, bias: b, usesELU: k < sizes.count - 2))
    }
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
  /// h₀ = x,  hₖ = layerₖ(hₖ₋₁),  output = h_last
  /// ```
  public func forward(_ x: Matrix) -> (output: Matrix, caches: [Dense.Cache]) {
    var h = x
    var caches: [Dense.Cache] = []
    for layer in layers {
      let (y, cache) = layer.forward(h)
      caches.append(cache)
      h = y
    }
    return (h, caches)
  }

  /// Backpropagates ∂L/∂output through every layer, last layer first.
  ///
  /// - Returns: the parameter gradients in `parameters` order
  ///   (W₁, b₁, W₂, b₂, …), and ∂L/∂x.
  public func backward(_ gradOutput: Matrix, caches: [Dense.Cache]) -> (parameters: [Matrix], input: Matrix) {
    var g = gradOutput
    var grads = [Matrix](repeating: Matrix(rows: 0, cols: 0), count: 2 * layers.count)
    for k in stride(from: layers.count - 1, through: 0, by: -1) {
      let lg = layers[k].backward(g, cache: caches[k])
      grads[2 * k] = lg.weight
      grads[2 * k + 1] = lg.bias
      g = lg.input
    }
    return (grads, g)
  }

  /// The parameters as a flat list, W₁, b₁, W₂, b₂, …, for an optimizer to
  /// walk over; setting it writes them back (shapes must match).
  public var parameters: [Matrix] {
    get { layers.flatMap { [$0.weight, $0.bias] } }
    set {
      precondition(newValue.count == 2 * layers.count, "MLP: expected \(2 * layers.count) parameter matrices, got \(newValue.count)")
      for k in layers.indices {
        precondition(newValue[2 * k].shape == layers[k].weight.shape && newValue[2 * k + 1].shape == layers[k].bias.shape,
          "MLP: parameter shapes of layer \(k + 1) changed")
        layers[k].weight = newValue[2 * k]
        layers[k].bias = newValue[2 * k + 1]
      }
    }
  }
}

/// Plain stochastic gradient descent: θ ← θ − η·∇θ for every parameter.
///
/// - Parameters:
///   - parameters: the model's parameters (updated in place).
///   - gradients: ∂L/∂θ, same order and shapes.
///   - learningRate: η.
public func sgdStep(_ parameters: inout [Matrix], gradients: [Matrix], learningRate: Float) {
  precondition(parameters.count == gradients.count, "sgdStep: \(parameters.count) parameters but \(gradients.count) gradients")
  for k in parameters.indices {
    parameters[k].add(gradients[k], scaledBy: -learningRate)
  }
}
