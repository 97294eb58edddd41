import Foundation
import Testing
import FlowGrading
import Lab3

/// (1 − t_j)·x0 + t_j·x1, column by column, written out as loops (the reference).
func referencePath(x0: Matrix, x1: Matrix, t: Matrix) -> Matrix {
  var out = Matrix(rows: x0.rows, cols: x0.cols)
  for j in 0..<x0.cols {
    for i in 0..<x0.rows { out[i, j] = (1 - t[0, j]) * x0[i, j] + t[0, j] * x1[i, j] }
  }
  return out
}

/// Fixed test inputs: 2×7 noise and data, and 7 different times.
func pathInputs() -> (x0: Matrix, x1: Matrix, t: Matrix) {
  var rng = SplitMix64(seed: 31)
  let x0 = Matrix.normal(2, 7, using: &rng)
  let x1 = Matrix.normal(2, 7, mean: 0.5, std: 1.5, using: &rng)
  let t = Matrix(row: [0.05, 0.2, 0.33, 0.5, 0.61, 0.8, 0.97])
  return (x0, x1, t)
}

@Suite("Lab3 · Path and target")
struct Lab3PathTests {
  @Test("conditionalPath: x_t at t = 0 is x0 and at t = 1 is x1")
  func endpoints() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let (x0, x1, _) = pathInputs()
      check(
        conditionalPath(x0: x0, x1: x1, t: Matrix(rows: 1, cols: 7)), x0, "x_t at t = 0", abs: 1e-6,
        hint: "x_t = (1 − t)·x0 + t·x1: at t = 0 it is the noise x0")
      check(
        conditionalPath(x0: x0, x1: x1, t: Matrix(rows: 1, cols: 7, repeating: 1)), x1, "x_t at t = 1", abs: 1e-6,
        hint: "x_t = (1 − t)·x0 + t·x1: at t = 1 it is the data x1")
    }
    try sandbox.conclude()
  }

  @Test("conditionalPath: each column uses its own t")
  func perColumnTimes() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let (x0, x1, t) = pathInputs()
      check(
        conditionalPath(x0: x0, x1: x1, t: t), referencePath(x0: x0, x1: x1, t: t), "x_t for t = \(t.row(0))",
        abs: 1e-5,
        hint: "scale column j of x0 by 1 − t[0, j] and of x1 by t[0, j]: x0.multiplyingEachColumn(by: 1 − t) + …")
    }
    try sandbox.conclude()
  }

  @Test("conditionalTarget is x1 − x0")
  func target() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let (x0, x1, _) = pathInputs()
      var expected = x1
      for k in 0..<expected.count { expected.storage[k] -= x0.storage[k] }
      check(
        conditionalTarget(x0: x0, x1: x1), expected, "conditional target", abs: 1e-6,
        hint: "the velocity points from the noise to the data: x1 − x0")
    }
    try sandbox.conclude()
  }

  @Test("∂x_t/∂t (central differences of conditionalPath) equals conditionalTarget")
  func velocityIsTarget() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let (x0, x1, t) = pathInputs()
      // The path is linear in t, so the central difference is exact up to
      // Float rounding (~1e-7·|x| / h); h = 0.01 keeps that below 1e-4.
      let h: Float = 0.01
      let ahead = conditionalPath(x0: x0, x1: x1, t: t + h)
      let behind = conditionalPath(x0: x0, x1: x1, t: t - h)
      var slope = ahead
      for k in 0..<slope.count { slope.storage[k] = (ahead.storage[k] - behind.storage[k]) / (2 * h) }
      check(
        conditionalTarget(x0: x0, x1: x1), slope,
        "conditionalTarget against the finite-difference velocity of conditionalPath",
        abs: 1e-3,
        hint:
          "d/dt [(1 − t)·x0 + t·x1] = x1 − x0; if this fails but the endpoint test passes, look at the target's sign")
    }
    try sandbox.conclude()
  }
}

@Suite("Lab3 · Training batch")
struct Lab3BatchTests {
  @Test("trainingBatch: input is 3×n with t in row 0 and x_t in rows 1–2; target is x1 − x0 (2×n)")
  func batch() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let (x0, x1, t) = pathInputs()
      let b = trainingBatch(x0: x0, x1: x1, t: t)
      guard
        check(
          b.input.rows == 3 && b.input.cols == 7, "input is 3×7 (got \(b.input.shapeText))",
          hint: "stack t (1×n) on x_t (2×n): Matrix.vcat([t, x_t])")
      else { return }
      check(
        b.input.rows(0..<1), t, "input row 0 (the time)", abs: 0,
        hint: "the network reads t first: row 0 is t, rows 1–2 are x_t (the tutorial's cat(t, x_t, dims=1))")
      check(
        b.input.rows(1..<3), referencePath(x0: x0, x1: x1, t: t), "input rows 1–2 (x_t)", abs: 1e-5,
        hint: "rows 1–2 are the point on the path, x_t = (1 − t)·x0 + t·x1 — not x0 and not x1")
      var expected = x1
      for k in 0..<expected.count { expected.storage[k] -= x0.storage[k] }
      check(b.target, expected, "target", abs: 1e-6, hint: "the target is the conditional velocity x1 − x0 (2×n)")
    }
    try sandbox.conclude()
  }
}
