// Independent references for grading lab 2. Nothing here calls Solutions/:
// the network is written again, in Double, as one function Swift's compiler
// can differentiate (`_Differentiation`), and central differences are taken
// of the learner's own forward pass.

import FlowGrading
import Foundation
import _Differentiation

// MARK: - A differentiable reference network

/// elu in Double, differentiated by the compiler.
@differentiable(reverse)
func referenceELU(_ z: Double) -> Double {
  if z > 0 { return z }
  return exp(z) - 1
}

/// Σ_{i,j} c_ij · y_ij for the output y of a dense network, as a function of
/// every number that goes in: θ = (W₁, b₁, W₂, b₂, …, x), each matrix
/// column-major, one layer after another, the input batch last.
///
/// The cotangent c makes the objective a scalar whose gradient with respect
/// to y is exactly c, so ∂objective/∂θ is what a backward pass fed with
/// ∂L/∂y = c must return.
@differentiable(reverse,wrt: theta)
func referenceObjective(
  _ theta: [Double], sizes: [Int], elu: [Bool], samples n: Int, cotangent c: [Double]
) -> Double {
  var total: Double = 0
  var inputOffset = 0
  for k in 0..<(sizes.count - 1) { inputOffset += sizes[k + 1] * sizes[k] + sizes[k + 1] }
  for s in 0..<n {
    var h: [Double] = []
    for i in 0..<sizes[0] { h.append(theta[inputOffset + i + s * sizes[0]]) }
    var offset = 0
    for k in 0..<(sizes.count - 1) {
      let fanIn = sizes[k]
      let fanOut = sizes[k + 1]
      var next: [Double] = []
      for i in 0..<fanOut {
        var z = theta[offset + fanOut * fanIn + i]  // b_i
        for j in 0..<fanIn { z = z + theta[offset + i + j * fanOut] * h[j] }  // W_ij · h_j
        if elu[k] { next.append(referenceELU(z)) } else { next.append(z) }
      }
      h = next
      offset += fanOut * fanIn + fanOut
    }
    for i in 0..<sizes[sizes.count - 1] { total = total + c[i + s * sizes[sizes.count - 1]] * h[i] }
  }
  return total
}

/// A small network's numbers, kept as Float matrices for the learner's code
/// and as a flat Double vector for the reference.
struct NetworkCase {
  var sizes: [Int]
  var elu: [Bool]
  /// W₁, b₁, W₂, b₂, … (weights out×in, biases out×1).
  var parameters: [Matrix]
  /// The batch, sizes[0]×n.
  var input: Matrix
  /// ∂L/∂y, sizes.last×n.
  var cotangent: Matrix

  /// Random parameters in ±1/√fan_in, inputs and cotangent N(0, 1), from a fixed seed.
  init(sizes: [Int], elu: [Bool]? = nil, samples n: Int, seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    self.sizes = sizes
    self.elu = elu ?? (0..<(sizes.count - 1)).map { $0 < sizes.count - 2 }
    parameters = []
    for k in 0..<(sizes.count - 1) {
      let b = 1 / Float(sizes[k]).squareRoot()
      parameters.append(Matrix.uniform(sizes[k + 1], sizes[k], in: -b, b, using: &rng))
      parameters.append(Matrix.uniform(sizes[k + 1], 1, in: -b, b, using: &rng))
    }
    input = Matrix.normal(sizes[0], n, using: &rng)
    cotangent = Matrix.normal(sizes.last!, n, using: &rng)
  }

  var samples: Int { input.cols }

  var theta: [Double] { (parameters + [input]).flatMap { $0.storage.map(Double.init) } }

  /// The objective Σ c ⊙ y in Double.
  func referenceValue() -> Double {
    referenceObjective(
      theta, sizes: sizes, elu: elu, samples: samples, cotangent: cotangent.storage.map(Double.init)
    )
  }

  /// ∂(Σ c ⊙ y)/∂(W₁, b₁, …) and ∂/∂x from `_Differentiation`, shaped like the parameters and the input.
  func referenceGradients() -> (parameters: [Matrix], input: Matrix) {
    let (s, e, n, c) = (sizes, elu, samples, cotangent.storage.map(Double.init))
    let g = gradient(at: theta) {
      referenceObjective($0, sizes: s, elu: e, samples: n, cotangent: c)
    }.base
    var offset = 0
    var shaped: [Matrix] = []
    for m in parameters + [input] {
      shaped.append(
        Matrix(
          rows: m.rows, cols: m.cols, columnMajor: g[offset..<(offset + m.count)].map(Float.init)))
      offset += m.count
    }
    return (Array(shaped.dropLast()), shaped.last!)
  }
}

// MARK: - Central differences of the learner's forward

/// ∂f/∂(every entry of every matrix) by central differences, in Float:
/// (f(θ + h) − f(θ − h)) / 2h for each entry in turn.
func centralDifferences(of f: ([Matrix]) -> Float, at point: [Matrix], h: Float = 1e-2) -> [Matrix] {
  var grads: [Matrix] = []
  for m in point.indices {
    var g = Matrix(rows: point[m].rows, cols: point[m].cols)
    for k in 0..<point[m].count {
      var plus = point
      var minus = point
      plus[m].storage[k] += h
      minus[m].storage[k] -= h
      g.storage[k] = (f(plus) - f(minus)) / (2 * h)
    }
    grads.append(g)
  }
  return grads
}

/// Σ_{i,j} c_ij · y_ij in Float.
func weightedSum(_ y: Matrix, _ c: Matrix) -> Float { (y * c).sum() }

/// The names of the parameters of an L-layer net: "∂L/∂W₁", "∂L/∂b₁", ….
func parameterNames(layers: Int) -> [String] {
  let sub = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
  return (1...layers).flatMap { k in ["∂L/∂W\(sub[k % 10])", "∂L/∂b\(sub[k % 10])"] }
}
