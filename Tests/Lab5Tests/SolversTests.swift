import Foundation
import Testing
import FlowGrading
import Lab5

// Grading for Labs/Lab5/Solvers.swift. Every reference value comes from a
// field whose solution (or whose one-step answer) is known in closed form;
// the derivations are in the comments beside each check.

/// A 2×3 batch used by the one-step tests.
let startPoints = Matrix([[1, -2, 0.5], [3, 0.25, -1]])

/// dx/dt = λx, the same λ for every entry.
func linearField(_ lambda: Float) -> VectorField { { _, x in x * lambda } }

/// dx/dt = 3t² in every entry, whatever x is: x(1) − x(0) = ∫₀¹ 3t² dt = 1.
var cubeRateField: VectorField { { t, x in Matrix(rows: x.rows, cols: x.cols, repeating: 3 * t * t) } }

@Suite("Lab5 · One step")
struct Lab5StepTests {
  @Test("eulerStep: one step of dx/dt = λx is (1 + λΔt)·x; the field is read at t, the start of the step")
  func euler() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // λ = −2, Δt = 0.1: x ← x + Δt·λx = (1 + λΔt)·x = 0.8·x.
      let got = eulerStep(linearField(-2), t: 0.3, dt: 0.1, x: startPoints)
      check(
        got, startPoints * 0.8, "eulerStep on dx/dt = −2x, Δt = 0.1", abs: 1e-6,
        hint: "x + dt * v(t, x): one evaluation of the field, a whole step along it")
      // dx/dt = 3t² from x = 0 at t = 0.5, Δt = 0.1: Δt·3·0.5² = 0.075.
      // (Reading the field at t + Δt = 0.6 would give 0.108.)
      let timed = eulerStep(cubeRateField, t: 0.5, dt: 0.1, x: Matrix.zeros(2, 3))
      check(
        timed, Matrix(rows: 2, cols: 3, repeating: 0.075), "eulerStep on dx/dt = 3t² at t = 0.5, Δt = 0.1", abs: 1e-6,
        hint: "Euler uses the field at the START of the step: v(t, x), not v(t + dt, x)")
      var calls = 0
      _ = eulerStep(
        { t, x in
          calls += 1; return x
        }, t: 0, dt: 0.1, x: startPoints)
      check(
        Double(calls), 1, "field evaluations in one Euler step", abs: 0, hint: "Euler evaluates the field once per step"
      )
    }
    try sandbox.conclude()
  }

  @Test("midpointStep: one step of dx/dt = λx is (1 + λΔt + (λΔt)²/2)·x; the second evaluation is at t + Δt/2")
  func midpoint() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // k₁ = Δt/2·λx; x + Δt·λ(x + k₁) = (1 + λΔt + (λΔt)²/2)·x.
      // λ = −2, Δt = 0.1: 1 − 0.2 + 0.02 = 0.82. (Two half Euler steps give
      // (1 + λΔt/2)² = 0.81; a whole Euler step 0.8.)
      let got = midpointStep(linearField(-2), t: 0.3, dt: 0.1, x: startPoints)
      check(
        got, startPoints * 0.82, "midpointStep on dx/dt = −2x, Δt = 0.1", abs: 1e-6,
        hint: "k1 = (dt/2)·v(t, x) is only a probe; move x by the WHOLE dt with v(t + dt/2, x + k1)")
      // λ = 3, Δt = 0.5: 1 + 1.5 + 1.125 = 3.625 (a large λΔt shows the quadratic term clearly).
      let big = midpointStep(linearField(3), t: 0, dt: 0.5, x: startPoints)
      check(
        big, startPoints * 3.625, "midpointStep on dx/dt = 3x, Δt = 0.5", abs: 1e-5,
        hint: "x + dt·v(t + dt/2, x + (dt/2)·v(t, x)) gives (1 + λΔt + (λΔt)²/2)·x for v = λx")
      // dx/dt = 3t² from x = 0 at t = 0.5, Δt = 0.1: Δt·3·0.55² = 0.09075.
      // (Reading it at t instead of t + Δt/2 gives 0.075.)
      let timed = midpointStep(cubeRateField, t: 0.5, dt: 0.1, x: Matrix.zeros(2, 3))
      check(
        timed, Matrix(rows: 2, cols: 3, repeating: 0.09075), "midpointStep on dx/dt = 3t² at t = 0.5, Δt = 0.1",
        abs: 1e-6,
        hint: "the second evaluation is at the middle of the step in time too: v(t + dt/2, x + k1)")
      var calls = 0
      _ = midpointStep(
        { t, x in
          calls += 1; return x
        }, t: 0, dt: 0.1, x: startPoints)
      check(
        Double(calls), 2, "field evaluations in one midpoint step", abs: 0,
        hint: "one evaluation for k1 at (t, x), one at (t + dt/2, x + k1)")
    }
    try sandbox.conclude()
  }
}

@Suite("Lab5 · Sampler")
struct Lab5SamplerTests {
  @Test("sample on dx/dt = 3t²: Euler gives the left Riemann sum, midpoint 1 − Δt²/4, for every column")
  func timeOnlyField() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // With N steps of Δt = 1/N starting at t_k = kΔt:
      //   Euler    Σ_k Δt·3(kΔt)²       = (N − 1)(2N − 1)/(2N²)  (left Riemann sum of ∫₀¹ 3t²)
      //   midpoint Σ_k Δt·3((k + ½)Δt)² = 1 − Δt²/4               (the midpoint rule's error is −Δt²·f''/24, f'' = 6)
      // Each column starts somewhere else and must move by the same amount.
      let x0 = Matrix([[0, 1, -2, 0.5, 3], [0, -1, 2, 4, -0.25]])
      for n in [1, 5, 8] {
        let N = Double(n)
        let euler = (N - 1) * (2 * N - 1) / (2 * N * N)
        let midpoint = 1 - 1 / (4 * N * N)
        let e = sample(cubeRateField, from: x0, steps: n, method: .euler).final
        check(
          e, x0 + Float(euler), "sample(.euler, steps: \(n)) on dx/dt = 3t² from x0", abs: 2e-6,
          hint:
            "steps start at t_k = k/steps for k = 0 … steps−1; the last one starts at 1 − dt, not at 1. Every column must move."
        )
        let m = sample(cubeRateField, from: x0, steps: n, method: .midpoint).final
        check(
          m, x0 + Float(midpoint), "sample(.midpoint, steps: \(n)) on dx/dt = 3t² from x0", abs: 2e-6,
          hint:
            "use midpointStep for .midpoint; steps start at t_k = k/steps (k = 0 … steps−1). Every column must move.")
      }
    }
    try sandbox.conclude()
  }

  @Test("sample moves the whole batch: a rotating field turns all 6 points by 1.5 radians")
  func rotation() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // dx/dt = (1 + t)·J x with J the quarter turn: the points turn by
      // θ = ∫₀¹ (1 + t) dt = 1.5 radians, each column on its own circle.
      let x0 = Matrix([[1, 0, -2, 0.5, 3, -1], [0, 1, 0.5, -1.5, 1, -1]])
      let got = sample(rotatingField, from: x0, steps: 128, method: .midpoint).final
      let expected = rotate(x0, by: 1.5)
      // Midpoint's global error with 128 steps here is about 1e-5·|x| (it is
      // second order; see the order test): 1e-3 leaves room for Float rounding.
      check(
        got, expected, "sample(.midpoint, steps: 128) on the rotating field", abs: 1e-3,
        hint: "sample must move every column (the whole 2×n matrix) at every step")
    }
    try sandbox.conclude()
  }

  @Test("record: true keeps x0, then x after every step (steps + 1 matrices); record: false keeps none")
  func trajectory() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // Euler on 3t² with N = 4: after k steps x = x0 + Δt³·(k − 1)k(2k − 1)/2.
      let x0 = Matrix([[0, 1], [2, -1]])
      let n = 4
      let run = sample(cubeRateField, from: x0, steps: n, method: .euler, record: true)
      guard
        check(
          run.trajectory.count == n + 1,
          "the trajectory of \(n) steps has \(n + 1) matrices (got \(run.trajectory.count))",
          hint: "append x0 before the loop and x after each step")
      else { return }
      let dt = 1 / Double(n)
      for k in 0...n {
        let K = Double(k)
        let moved = dt * dt * dt * (K - 1) * K * (2 * K - 1) / 2
        check(
          run.trajectory[k], x0 + Float(moved), "trajectory[\(k)] (t = \(Double(k) * dt))", abs: 2e-6,
          hint: "trajectory[k] is x at t = k·dt: x0 first, then the result of each step")
      }
      check(run.final, run.trajectory[n], "final equals the last trajectory entry", abs: 0)
      let quiet = sample(cubeRateField, from: x0, steps: n, method: .euler, record: false)
      check(
        quiet.trajectory.isEmpty, "record: false returns an empty trajectory (got \(quiet.trajectory.count) matrices)")
      check(quiet.final, run.final, "the same final points with and without record", abs: 0)
    }
    try sandbox.conclude()
  }
}

/// dx/dt = (1 + t)·J x, J = [[0, −1], [1, 0]]: a rotation that speeds up with t.
var rotatingField: VectorField { { t, x in Matrix([[0, -1], [1, 0]]).dot(x) * (1 + t) } }

/// Points turned by θ radians about the origin (computed in Double).
func rotate(_ x: Matrix, by theta: Double) -> Matrix {
  let c = Float(cos(theta)), s = Float(sin(theta))
  return Matrix([[c, -s], [s, c]]).dot(x)
}

@Suite("Lab5 · Order of accuracy")
struct Lab5OrderTests {
  @Test("on a smooth field Euler's error falls like 1/steps (order 1) and midpoint's like 1/steps² (order 2)")
  func orders() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // The rotating field has the exact solution rotate(x0, 1.5). Errors at
      // 8…64 steps are well above Float rounding (≥ 1e-5) and in the
      // asymptotic regime, so the fitted slopes land within ±0.1 of the
      // theory (Euler measures ≈ 1.0, midpoint ≈ 2.0 in Double). A method
      // that reads the field at the wrong time, or halves a step twice,
      // drops to order 1; ±0.2 separates 1 from 2 with room to spare.
      var rng = SplitMix64(seed: 5)
      let x0 = Matrix.normal(2, 64, using: &rng)
      let exact = rotate(x0, by: 1.5)
      let counts = [8, 16, 32, 64]
      for (method, order) in [(ODEMethod.euler, 1.0), (.midpoint, 2.0)] {
        let errors = counts.map { rmsDistance(sample(rotatingField, from: x0, steps: $0, method: method).final, exact) }
        guard
          check(
            errors.allSatisfy { $0.isFinite && $0 > 0 }, "\(method) errors are positive numbers: \(errors)",
            hint: "the solver returned NaN, ∞ or exactly the solution")
        else { continue }
        let p = observedOrder(steps: counts, errors: errors)
        check(
          p, order, "observed order of \(method) (errors \(errors.map { show($0) }) at steps \(counts))", abs: 0.2,
          rel: 0,
          hint: method == .euler
            ? "Euler: one evaluation at (t, x) per step, steps starting at t = k·dt"
            : "midpoint must be second order: evaluate at (t + dt/2, x + (dt/2)·v(t, x)) and move the whole dt")
      }
    }
    try sandbox.conclude()
  }
}
