import FlowGrading
import Foundation
import Testing

@testable import Lab2

@Suite("Lab2 · MLP")
struct Lab2MLPTests {
  @Test(
    "forward of a fixed 2 → 2 → 1 net matches hand-computed values (elu between layers, none after the last)"
  )
  func forwardByHand() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let second = Dense(weight: Matrix([[1, -1]]), bias: Matrix(column: [0.5]), usesELU: false)
      let net = MLP(layers: [handLayer(usesELU: true), second])
      // By hand: the first layer gives h = elu(−2.9, 2.2) and elu(−1.9, −0.3) (see the Dense test);
      // the output is h₁ − h₂ + 0.5, with no elu after it. Python:
      //   math.expm1(-2.9) - 2.2 + 0.5               = −2.644976779943593
      //   math.expm1(-1.9) - math.expm1(-0.3) + 0.5  = −0.09124960145908279
      let expected = Matrix([[-2.644976779943593, -0.09124960145908279]])
      let (output, caches) = net.forward(handInput)
      check(
        output, expected, "MLP output for the samples (1, 2) and (−1, 0.5)", abs: 1e-5,
        hint:
          "h₀ = x, hₖ = layerₖ.forward(hₖ₋₁).output; the last layer has no elu, so outputs can be below −1"
      )
      check(
        caches.count == 2, "forward returns one cache per layer (2), got \(caches.count)",
        hint: "append each layer's cache, input side first")
      check(net(handInput), expected, "callAsFunction gives the forward output", abs: 1e-5)
    }
    try sandbox.conclude()
  }

  @Test("init(sizes:using:): shapes W out×in and b out×1, elu on every layer but the last")
  func initShapes() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      var rng = SplitMix64(seed: 5)
      let net = MLP(sizes: [3, 5, 4, 2], using: &rng)
      guard
        check(
          net.layers.count == 3, "3 → 5 → 4 → 2 has 3 layers, got \(net.layers.count)",
          hint: "one Dense per pair of neighbouring sizes")
      else { return }
      for (k, layer) in net.layers.enumerated() {
        let (fanIn, fanOut) = ([3, 5, 4][k], [5, 4, 2][k])
        check(
          layer.weight.rows == fanOut && layer.weight.cols == fanIn,
          "layer \(k + 1)'s weight is \(fanOut)×\(fanIn) (out×in), got \(layer.weight.shapeText)",
          hint:
            "W maps a column of \(fanIn) inputs to \(fanOut) outputs: Matrix.uniform(out, in, …)")
        check(
          layer.bias.rows == fanOut && layer.bias.cols == 1,
          "layer \(k + 1)'s bias is \(fanOut)×1, got \(layer.bias.shapeText)")
      }
      let flags = net.layers.map(\.usesELU)
      check(
        flags == [true, true, false],
        "elu after layers 1 and 2 but not after the last: usesELU = [true, true, false], got \(flags)",
        hint:
          "the output layer is linear (a velocity can be any real number); usesELU: k < sizes.count − 2"
      )
      check(net.sizes == [3, 5, 4, 2], "net.sizes == [3, 5, 4, 2], got \(net.sizes)")
    }
    try sandbox.conclude()
  }

  @Test("the tutorial shape 3 → 64 → 64 → 64 → 2 has 8 706 parameters in 8 matrices")
  func parameterCount() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      var rng = SplitMix64(seed: 1)
      let net = MLP(sizes: [3, 64, 64, 64, 2], using: &rng)
      // (3·64 + 64) + (64·64 + 64) + (64·64 + 64) + (64·2 + 2) = 256 + 4160 + 4160 + 130
      check(
        Double(net.parameterCount), 8706, "parameter count of 3 → 64 → 64 → 64 → 2", abs: 0,
        hint: "each layer has out·in weights and out biases")
      check(
        net.parameters.count == 8,
        "parameters lists W₁, b₁, …, W₄, b₄ (8 matrices), got \(net.parameters.count)")
    }
    try sandbox.conclude()
  }

  @Test(
    "init draws weights and biases uniformly in ±1/√fan_in: bounds, mean and variance (seed 2024)")
  func initStatistics() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      var rng = SplitMix64(seed: 2024)
      let net = MLP(sizes: [3, 64, 64, 64, 2], using: &rng)
      let hint =
        "PyTorch's nn.Linear default: weights and biases ~ U(−1/√fan_in, 1/√fan_in), fan_in = the layer's number of inputs; Matrix.uniform(rows, cols, in: −bound, bound, using: &rng)"
      for (k, layer) in net.layers.enumerated() {
        let bound = 1 / Double(layer.inputSize).squareRoot()
        for (name, m) in [("W", layer.weight), ("b", layer.bias)] {
          let values = m.storage.map(Double.init)
          let n = Double(values.count)
          let what =
            "layer \(k + 1) (\(layer.inputSize) → \(layer.outputSize)) \(name), \(values.count) numbers"
          let largest = values.map(abs).max() ?? 0
          check(
            largest <= bound * (1 + 1e-6),
            "\(what): every |entry| ≤ 1/√\(layer.inputSize) = \(show(bound)); largest is \(show(largest))",
            hint: hint)
          // Statistics only where they are sharp: 64 numbers or more (the last bias has only 2).
          guard values.count >= 64 else { continue }
          // For n ≥ 64 draws from U(−a, a) the largest |entry| is below 0.8a with probability 0.8ⁿ < 10⁻⁶.
          let smallestMax = 0.8
          check(
            largest >= smallestMax * bound,
            "\(what): the largest |entry| reaches near the bound \(show(bound)) (≥ \(show(smallestMax * bound))); got \(show(largest))",
            hint: hint)
          // U(−a, a): mean 0, variance a²/3. Tolerances: 5 standard errors.
          let mean = values.reduce(0, +) / n
          let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n
          let meanTolerance = 5 * (bound / 3.0.squareRoot()) / n.squareRoot()
          check(mean, 0, "\(what): mean", abs: meanTolerance, rel: 0, hint: hint)
          let expectedVariance = bound * bound / 3
          check(
            variance, expectedVariance, "\(what): variance (a²/3 for U(−a, a))", abs: 0,
            rel: 5 * (0.8 / n).squareRoot(), hint: hint)
        }
      }
      var again = SplitMix64(seed: 2024)
      let twin = MLP(sizes: [3, 64, 64, 64, 2], using: &again)
      check(
        twin.parameters == net.parameters, "the same seed gives the same network",
        hint: "draw every number from the `rng` passed in, nothing else")
    }
    try sandbox.conclude()
  }

  @Test(
    "backward of 3 → 5 → 4 → 2 on 7 samples: every parameter gradient and ∂L/∂x against Swift's _Differentiation"
  )
  func backwardAgainstDifferentiation() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let net = NetworkCase(sizes: [3, 5, 4, 2], samples: 7, seed: 31)
      var mlp = MLP(
        layers: (0..<3).map { k in
          Dense(weight: net.parameters[2 * k], bias: net.parameters[2 * k + 1], usesELU: k < 2)
        })
      mlp.parameters = net.parameters
      let (output, caches) = mlp.forward(net.input)
      check(
        Double(weightedSum(output, net.cotangent)), net.referenceValue(),
        "Σ c ⊙ output (forward, before backward)",
        abs: 1e-4, rel: 1e-4, hint: "forward runs every layer in order; elu on layers 1 and 2 only")
      let got = mlp.backward(net.cotangent, caches: caches)
      let reference = net.referenceGradients()
      guard
        check(
          got.parameters.count == 6,
          "backward returns 6 parameter gradients (W₁, b₁, W₂, b₂, W₃, b₃), got \(got.parameters.count)"
        )
      else { return }
      for (k, name) in parameterNames(layers: 3).enumerated() {
        check(
          got.parameters[k], reference.parameters[k], "\(name) (\(net.parameters[k].shapeText))",
          abs: 1e-4, rel: 1e-3,
          hint:
            "each gradient has its parameter's shape (∂Wₖ out×in, ∂bₖ out×1); go through the layers last to first, feeding each layer's ∂L/∂input to the layer below; store ∂Wₖ, ∂bₖ at 2k, 2k + 1"
        )
      }
      check(
        got.input, reference.input, "∂L/∂x (3×7)", abs: 1e-4, rel: 1e-3,
        hint: "the first layer's ∂L/∂input is the network's ∂L/∂x")
    }
    try sandbox.conclude()
  }

  @Test("backward of 3 → 5 → 4 → 2 matches central differences of your forward")
  func backwardAgainstCentralDifferences() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let net = NetworkCase(sizes: [3, 5, 4, 2], samples: 7, seed: 32)
      var mlp = MLP(
        layers: (0..<3).map { k in
          Dense(weight: net.parameters[2 * k], bias: net.parameters[2 * k + 1], usesELU: k < 2)
        })
      let (_, caches) = mlp.forward(net.input)
      let got = mlp.backward(net.cotangent, caches: caches)
      let numeric = centralDifferences(
        of: { p in
          mlp.parameters = Array(p.dropLast())
          return weightedSum(mlp.forward(p.last!).output, net.cotangent)
        }, at: net.parameters + [net.input])
      guard
        check(
          got.parameters.count == 6,
          "backward returns 6 parameter gradients, got \(got.parameters.count)")
      else { return }
      for (k, name) in parameterNames(layers: 3).enumerated() {
        check(
          got.parameters[k], numeric[k], "\(name) against central differences", abs: 2e-3,
          rel: 1e-2,
          hint:
            "∂ of Σ c ⊙ output: feed c as ∂L/∂output and chain the layers' backward passes, last layer first"
        )
      }
      check(got.input, numeric[6], "∂L/∂x against central differences", abs: 2e-3, rel: 1e-2)
    }
    try sandbox.conclude()
  }
}
