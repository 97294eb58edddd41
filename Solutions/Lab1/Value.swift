/// One number in a computation graph, remembering how it was made.
///
/// A `Value` holds its number (`data`), the gradient of the final output with
/// respect to it (`grad`, filled in by `backward()`), and the edges to the
/// values it was computed from, each with its **local derivative**:
///
/// ```
/// c = f(a, b)   ⇒   c.inputs = [(a, ∂c/∂a), (b, ∂c/∂b)]
/// ```
///
/// Every operation computes its result and these local derivatives once, in
/// the forward pass. The backward pass then needs only the chain rule:
///
/// ```
/// input.grad += (∂c/∂input) · c.grad
/// ```
///
/// This is micrograd's design (Karpathy, 2020), with the local derivatives
/// stored as numbers instead of closures.
public final class Value {
  /// The number this node holds.
  public let data: Double
  /// ∂(output)/∂(this node), after `backward()` on the output.
  public var grad: Double = 0
  /// The nodes this one was computed from, each with ∂self/∂input.
  public private(set) var inputs: [(value: Value, localDerivative: Double)]
  /// The operation that made this node ("+", "×", "exp", … or "" for a leaf).
  public let op: String

  /// A leaf: a number that is not computed from others (an input or a parameter).
  public init(_ data: Double) {
    self.data = data
    self.inputs = []
    self.op = ""
  }

  /// A node computed from `inputs` by `op`.
  ///
  /// - Parameters:
  ///   - data: the result of the operation.
  ///   - inputs: each input with the local derivative ∂data/∂input.
  ///   - op: a short name for printing.
  public init(_ data: Double, inputs: [(value: Value, localDerivative: Double)], op: String) {
    self.data = data
    self.inputs = inputs
    self.op = op
  }

  // Given code, not an exercise. Releasing a node releases its inputs, which
  // release theirs, and so on: for a graph 100 000 nodes deep that chain of
  // releases would overflow the call stack when the output goes away. So a
  // node takes apart, one at a time, the inputs that only it still holds.
  deinit {
    var pending = inputs.map(\.value)
    inputs = []
    while var node = pending.popLast() {
      if isKnownUniquelyReferenced(&node) {
        pending.append(contentsOf: node.inputs.map(\.value))
        node.inputs = []
      }
    }
  }
}

extension Value: CustomStringConvertible {
  public var description: String { "Value(data: \(data), grad: \(grad))" }
}

extension Value: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
  public convenience init(floatLiteral value: Double) { self.init(value) }
  public convenience init(integerLiteral value: Int) { self.init(Double(value)) }
}
