import Foundation
import Testing
import FlowGrading
import Lab4

// The first two Adam steps, worked out by hand (and re-checked with a few
// lines of plain Python, no libraries, applying the paper's Algorithm 1):
//
//   η = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8
//   θ = (1, −2) and a second parameter 0.5 whose gradient is always 0
//   g₁ = (0.5, −1),  g₂ = (0.1, 2)
//
// step 1:  m = 0.1·g₁ = (0.05, −0.1),  v = 0.001·g₁² = (0.00025, 0.001)
//          m̂ = m / 0.1 = g₁,  v̂ = v / 0.001 = g₁²,  m̂ / √v̂ = sign(g₁)
//          θ = (1 − 0.1, −2 + 0.1) = (0.9, −1.9)
// step 2:  m = 0.9·m + 0.1·g₂ = (0.055, 0.11)
//          v = 0.999·v + 0.001·g₂² = (0.00025975, 0.004999)
//          m̂ = m / (1 − 0.9²) = m / 0.19 = (0.2894737, 0.5789474)
//          v̂ = v / (1 − 0.999²) = v / 0.001999 = (0.1299400, 2.5007504)
//          θ −= 0.1 · m̂ / (√v̂ + ε) = (0.0803041, 0.0366103)
//          θ = (0.8196959, −1.9366103)
// The zero-gradient parameter: m = v = 0, so its step is 0 / (0 + ε) = 0.
//
// Without bias correction step 1 would move θ by 0.1·0.05/√0.00025 = 0.316;
// updating θ with the moments of the step before would not move it at step 1.

@Suite("Lab4 · Adam")
struct Lab4AdamTests {
  @Test("the defaults are the paper's: η 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-8")
  func defaults() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      var adam = Adam()
      var p = [Matrix(column: [1])]
      adam.update(&p, gradients: [Matrix(column: [1])])  // graded once update is written
      check(Double(adam.learningRate), 1e-3, "default learning rate", abs: 0, rel: 1e-6)
      check(Double(adam.beta1), 0.9, "default β₁", abs: 0, rel: 1e-6)
      check(Double(adam.beta2), 0.999, "default β₂", abs: 0, rel: 1e-6)
      check(Double(adam.epsilon), 1e-8, "default ε", abs: 0, rel: 1e-6)
      check(
        Double(p[0][0, 0]), 1 - 1e-3, "θ = 1, g = 1 after one default step (moves by η)", abs: 1e-6,
        hint: "the first step moves each parameter by η·sign(g)")
    }
    try sandbox.conclude()
  }

  @Test("the first two steps match the hand computation, bias correction included")
  func firstTwoSteps() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      var adam = Adam(learningRate: 0.1)
      var parameters = [Matrix(column: [1, -2]), Matrix(column: [0.5])]
      adam.update(&parameters, gradients: [Matrix(column: [0.5, -1]), Matrix(column: [0])])
      check(
        Double(adam.step), 1, "Adam.step after one update",
        hint: "count the updates: step += 1 before the bias correction")
      check(
        parameters[0], Matrix(column: [0.9, -1.9]), "θ after step 1 (η = 0.1, g = (0.5, −1))", abs: 1e-6,
        hint:
          "at step 1 bias correction makes m̂ = g and v̂ = g², so every entry moves by η·sign(g); update m and v with this step's gradient before using them"
      )
      check(
        parameters[1], Matrix(column: [0.5]), "a parameter with gradient 0, after step 1", abs: 0,
        hint: "0 / (√0 + ε) = 0: add ε to √v̂")
      if check(adam.m.count == 2 && adam.v.count == 2, "Adam keeps one m and one v per parameter matrix") {
        check(
          adam.m[0], Matrix(column: [0.05, -0.1]), "first moment m after step 1: 0.1·g₁", abs: 1e-7,
          hint: "m ← β₁·m + (1 − β₁)·g, starting from zeros; store m itself, not m̂")
        check(
          adam.v[0], Matrix(column: [0.00025, 0.001]), "second moment v after step 1: 0.001·g₁²", abs: 1e-9,
          hint: "v ← β₂·v + (1 − β₂)·g², starting from zeros; store v itself, not v̂")
      }
      adam.update(&parameters, gradients: [Matrix(column: [0.1, 2]), Matrix(column: [0])])
      check(
        parameters[0], Matrix(column: [0.8196959, -1.9366103]), "θ after step 2 (g₂ = (0.1, 2))", abs: 2e-6,
        hint:
          "at step 2, m̂ = m / (1 − β₁²) = m / 0.19 and v̂ = v / (1 − β₂²) = v / 0.001999: the powers use the step count")
      check(parameters[1], Matrix(column: [0.5]), "a parameter with gradient 0, after step 2", abs: 0)
      check(Double(adam.step), 2, "Adam.step after two updates")
    }
    try sandbox.conclude()
  }
}
