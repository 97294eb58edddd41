import FlowGrading
import Foundation
import Testing

@testable import Lab2

/// A 2 → 2 layer whose outputs were worked out by hand (see `forward`).
func handLayer(usesELU: Bool) -> Dense {
  Dense(
    weight: Matrix([[1, -2], [0.5, 1]]), bias: Matrix(column: [0.1, -0.3]), usesELU: usesELU)
}

/// Two samples, one per column: (1, 2) and (−1, 0.5).
let handInput = Matrix([[1, -1], [2, 0.5]])

@Suite("Lab2 · Dense layer")
struct Lab2DenseTests {
  @Test("forward: z = W·x + b on a hand-computed batch, then elu when the layer has it")
  func forward() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // By hand: z = W·x + b
      //   sample (1, 2):    (1·1 − 2·2 + 0.1,  0.5·1 + 1·2 − 0.3)  = (−2.9,  2.2)
      //   sample (−1, 0.5): (−1 − 1 + 0.1,     −0.5 + 0.5 − 0.3)   = (−1.9, −0.3)
      let z = Matrix([[-2.9, -1.9], [2.2, -0.3]])
      // elu(z), Python: math.expm1(-2.9), math.expm1(-1.9), math.expm1(-0.3)
      let y = Matrix([[-0.9449767799435927, -0.8504313807773649], [2.2, -0.2591817793182821]])

      let (linear, linearCache) = handLayer(usesELU: false).forward(handInput)
      check(
        linear, z, "output of a layer without elu (W·x + b)", abs: 1e-5,
        hint: "z = weight.dot(x).addingToEachColumn(bias): x is in×n, one sample per column")
      check(
        linearCache.input, handInput, "cache.input", abs: 0,
        hint: "backward needs the layer's input x")
      check(
        linearCache.preActivation, z, "cache.preActivation", abs: 1e-5,
        hint: "keep z = W·x + b (before elu) for backward")

      let (activated, cache) = handLayer(usesELU: true).forward(handInput)
      check(
        activated, y, "output of a layer with elu (elu(W·x + b))", abs: 1e-5,
        hint: "y = usesELU ? elu(z) : z")
      check(
        cache.preActivation, z, "cache.preActivation with elu", abs: 1e-5,
        hint: "the cache keeps z, before elu: elu′ is evaluated at z in backward")
    }
    try sandbox.conclude()
  }

  @Test(
    "backward: ∂L/∂W, ∂L/∂b, ∂L/∂x of a 4 → 3 layer on 5 samples against Swift's _Differentiation")
  func backwardAgainstDifferentiation() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      for usesELU in [true, false] {
        let net = NetworkCase(sizes: [4, 3], elu: [usesELU], samples: 5, seed: usesELU ? 21 : 22)
        let layer = Dense(weight: net.parameters[0], bias: net.parameters[1], usesELU: usesELU)
        let (_, cache) = layer.forward(net.input)
        let got = layer.backward(net.cotangent, cache: cache)
        let reference = net.referenceGradients()
        let which = usesELU ? "with elu" : "without elu"
        check(
          got.weight, reference.parameters[0], "∂L/∂W (out×in = 3×4) \(which)", abs: 1e-4,
          rel: 1e-3,
          hint: "∂L/∂W = δ · xᵀ with δ = ∂L/∂z: delta.dotTransposed(cache.input), out×n · n×in")
        check(
          got.bias, reference.parameters[1], "∂L/∂b (3×1) \(which)", abs: 1e-4, rel: 1e-3,
          hint: "b is added to every column, so ∂L/∂b sums δ over the batch: delta.sumOverColumns()"
        )
        check(
          got.input, reference.input, "∂L/∂x (in×n = 4×5) \(which)", abs: 1e-4, rel: 1e-3,
          hint: "∂L/∂x = Wᵀ · δ: weight.transposedDot(delta), in×out · out×n")
      }
    }
    try sandbox.conclude()
  }

  @Test("backward matches central differences of your forward (4 → 3 with elu, 5 samples)")
  func backwardAgainstCentralDifferences() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let net = NetworkCase(sizes: [4, 3], elu: [true], samples: 5, seed: 23)
      let layer = Dense(weight: net.parameters[0], bias: net.parameters[1], usesELU: true)
      let (_, cache) = layer.forward(net.input)
      let got = layer.backward(net.cotangent, cache: cache)
      // L(W, b, x) = Σ c ⊙ layer(x), differentiated numerically, entry by entry.
      let numeric = centralDifferences(
        of: { p in
          weightedSum(
            Dense(weight: p[0], bias: p[1], usesELU: true).forward(p[2]).output, net.cotangent)
        },
        at: [net.parameters[0], net.parameters[1], net.input])
      let hint = "δ = ∂L/∂y ⊙ elu′(z); ∂L/∂W = δ·xᵀ, ∂L/∂b = Σ_columns δ, ∂L/∂x = Wᵀ·δ"
      check(
        got.weight, numeric[0], "∂L/∂W against central differences", abs: 2e-3, rel: 1e-2,
        hint: hint)
      check(
        got.bias, numeric[1], "∂L/∂b against central differences", abs: 2e-3, rel: 1e-2, hint: hint)
      check(
        got.input, numeric[2], "∂L/∂x against central differences", abs: 2e-3, rel: 1e-2, hint: hint
      )
    }
    try sandbox.conclude()
  }
}
