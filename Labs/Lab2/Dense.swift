import FlowCore
import Foundation

/// A fully connected layer over a batch: y = W·x + b, then an optional elu.
///
/// ```
/// x: in×n (one column per sample)   W: out×in   b: out×1
/// z = W·x + b        (b added to every column)
/// y = elu(z)  or  y = z
/// ```
public struct Dense: Sendable {
  /// Weights, out×in.
  public var weight: Matrix
  /// Biases, out×1.
  public var bias: Matrix
  /// Whether elu follows the affine map (every layer but the last).
  public var usesELU: Bool

  /// A layer with the given parameters.
  public init(weight: Matrix, bias: Matrix, usesELU: Bool) {
    precondition(
      bias.rows == weight.rows && bias.cols == 1,
      "Dense: bias must be \(weight.rows)×1, got \(bias.shapeText)")
    self.weight = weight
    self.bias = bias
    self.usesELU = usesELU
  }

  /// Number of inputs (rows of x).
  public var inputSize: Int { weight.cols }
  /// Number of outputs (rows of y).
  public var outputSize: Int { weight.rows }

  /// What `forward` keeps for `backward`.
  public struct Cache: Sendable {
    /// The layer's input x (in×n).
    public var input: Matrix
    /// The pre-activation z = W·x + b (out×n).
    public var preActivation: Matrix
    public init(input: Matrix, preActivation: Matrix) {
      self.input = input
      self.preActivation = preActivation
    }
  }

  /// The gradients `backward` returns.
  public struct Gradients: Sendable {
    /// ∂L/∂x (in×n), passed on to the layer below.
    public var input: Matrix
    /// ∂L/∂W (out×in), summed over the batch.
    public var weight: Matrix
    /// ∂L/∂b (out×1), summed over the batch.
    public var bias: Matrix
    public init(input: Matrix, weight: Matrix, bias: Matrix) {
      self.input = input
      self.weight = weight
      self.bias = bias
    }
  }

  /// The layer's output for a batch, with what backward needs.
  ///
  /// ```
  /// z = W·x + b
  /// y = elu(z) if usesELU, else z
  /// ```
  /// - Parameter x: the batch, in×n.
  /// - Returns: y (out×n) and the cache (x, z).
  public func forward(_ x: Matrix) -> (output: Matrix, cache: Cache) {
    todo(
      "Lab2 · Dense.forward",
      hint:
        "z = W·x + b is one product (dot) and a broadcast of the out×1 bias over the n columns (addingToEachColumn); the Cache keeps x and z from before the elu, and only layers with usesELU apply it."
    )
  }

  /// Backpropagates ∂L/∂y through the layer.
  ///
  /// ```
  /// δ = ∂L/∂z = ∂L/∂y ⊙ elu′(z)     (or ∂L/∂y without elu)
  /// ∂L/∂W = δ · xᵀ                   out×n · n×in → out×in
  /// ∂L/∂b = Σ_columns δ              out×1
  /// ∂L/∂x = Wᵀ · δ                   in×out · out×n → in×n
  /// ```
  /// - Parameters:
  ///   - gradOutput: ∂L/∂y, out×n.
  ///   - cache: what `forward` returned for this batch.
  public func backward(_ gradOutput: Matrix, cache: Cache) -> Gradients {
    todo(
      "Lab2 · Dense.backward",
      hint:
        "first δ = ∂L/∂z (times elu′ of the cached z, only when usesELU), then one core operation per line of the README's shape table (transposedDot, dotTransposed, sumOverColumns). A gradient has the shape of what it differentiates."
    )
  }
}
