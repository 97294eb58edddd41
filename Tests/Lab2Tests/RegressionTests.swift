import FlowGrading
import Foundation
import Testing

@testable import Lab2

@Suite("Lab2 · SGD regression")
struct Lab2RegressionTests {
  @Test("sgdStep moves every parameter by −η · gradient")
  func sgdStepByHand() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      var parameters = [Matrix([[1, 2], [3, 4]]), Matrix(column: [0.5, -0.5])]
      let gradients = [Matrix([[10, -10], [0, 2]]), Matrix(column: [1, -4])]
      sgdStep(&parameters, gradients: gradients, learningRate: 0.1)
      // By hand: θ − 0.1·∇θ
      check(
        parameters[0], Matrix([[0, 3], [3, 3.8]]), "W after one step with η = 0.1", abs: 1e-6,
        hint:
          "θ ← θ − η·∇θ for every matrix: parameters[k].add(gradients[k], scaledBy: −learningRate)")
      check(
        parameters[1], Matrix(column: [0.4, -0.1]), "b after one step with η = 0.1", abs: 1e-6,
        hint: "update every parameter matrix, biases too")
    }
    try sandbox.conclude()
  }

  @Test("regressionLoss: (1/n)·Σ(ŷ − y)² and its gradient (2/n)·(ŷ − y) on a hand-computed batch")
  func lossByHand() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let prediction = Matrix([[1, 0, 2], [2, -1, 0]])
      let target = Matrix([[0, 0, 1], [0, 1, 0]])
      // By hand: residuals (1, 2), (0, −2), (1, 0); squares sum to 1 + 4 + 0 + 4 + 1 + 0 = 10; n = 3 samples.
      let (loss, gradient) = regressionLoss(prediction: prediction, target: target)
      check(
        loss, 10.0 / 3, "loss of a 2×3 batch", abs: 1e-6,
        hint:
          "sum the squared residuals over every entry, then divide by the number of samples n = cols (not by rows·cols)"
      )
      check(
        gradient, Matrix([[2, 0, 2], [4, -4, 0]]) / 3, "∂L/∂ŷ", abs: 1e-6,
        hint: "∂L/∂ŷ = (2/n)·(ŷ − y)")
      // Central differences of the learner's own loss.
      let numeric = centralDifferences(
        of: { p in regressionLoss(prediction: p[0], target: target).loss }, at: [prediction],
        h: 1e-2)
      check(
        gradient, numeric[0], "∂L/∂ŷ against central differences of your loss", abs: 1e-3, rel: 1e-3
      )
    }
    try sandbox.conclude()
  }

  @Test(
    "SGD fits the rotation field (−y, x) with a 2 → 32 → 32 → 2 net: loss below 0.01 within 1 500 steps"
  )
  func fitsRotation() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      var rng = SplitMix64(seed: 42)
      var net = MLP(sizes: [2, 32, 32, 2], using: &rng)
      let x = Matrix.uniform(2, 128, in: -1, 1, using: &rng)
      let target = Matrix.vcat([-x.rows(1..<2), x.rows(0..<1)])  // (−y, x)
      // The loss of predicting 0 everywhere is E[x² + y²] = 2/3.
      let first = regressionStep(&net, input: x, target: target, learningRate: 0.1)
      check(
        first.isFinite && first > 0.2 && first < 3,
        "the first loss is of the order of E|v|² = 2/3, got \(show(Double(first)))",
        hint: "regressionStep returns the loss before the update")
      var loss = first
      for _ in 1..<1500 {
        loss = regressionStep(&net, input: x, target: target, learningRate: 0.1)
        if !loss.isFinite { break }
      }
      let final = regressionLoss(prediction: net(x), target: target).loss
      check(
        final < 0.01,
        "after 1 500 SGD steps with η = 0.1 the loss is below 0.01; it is \(show(Double(final))) (started at \(show(Double(first))))",
        hint:
          "regressionStep: forward, regressionLoss, backward, then sgdStep(&model.parameters, …); a loss that stalls often means a gradient with the wrong sign or a missing term"
      )
    }
    try sandbox.conclude()
  }
}
