import FlowGrading
import Foundation
import Testing

@testable import Lab2

@Suite("Lab2 · Activation")
struct Lab2ActivationTests {
  @Test("elu is x for x > 0 and eˣ − 1 for x ≤ 0, entry by entry, keeping the shape")
  func eluValues() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let x = Matrix([[-2, -0.5, 0], [0.5, 3, -10]])
      // Python: math.expm1(-2), math.expm1(-0.5), math.expm1(-10)
      let expected = Matrix([
        [-0.8646647167633873, -0.3934693402873666, 0], [0.5, 3, -0.9999546000702375],
      ])
      check(
        elu(x), expected, "elu of a 2×3 matrix", abs: 1e-6, rel: 1e-5,
        hint:
          "elu(x) = x for x > 0, eˣ − 1 for x ≤ 0; compose core operations, e.g. x.clamped(min: 0) + x.clamped(max: 0).expm1()"
      )
    }
    try sandbox.conclude()
  }

  @Test("eluDerivative is 1 for x > 0 and eˣ for x ≤ 0, and matches central differences of elu")
  func eluDerivativeValues() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let points: [Float] = [-3, -1, -0.5, -0.1, 0, 0.1, 0.5, 2]
      let x = Matrix(row: points)
      let got = eluDerivative(x)
      // The derivative of eˣ − 1 is eˣ; of x it is 1. At 0 both sides give 1.
      let expected = Matrix(row: points.map { $0 > 0 ? 1 : Foundation.exp($0) })
      let hint =
        "elu′(x) = 1 for x > 0 and eˣ for x ≤ 0 (not eˣ − 1, which is elu itself): e.g. x.clamped(max: 0).exp()"
      check(got, expected, "eluDerivative at x = \(points)", abs: 1e-6, rel: 1e-5, hint: hint)
      // Central differences of the learner's own elu, away from the kink at 0.
      let h: Float = 1e-3
      let away = Matrix(row: points.filter { abs($0) > 0.05 })
      let numeric = (elu(away + h) - elu(away - h)) / (2 * h)
      check(
        eluDerivative(away), numeric, "eluDerivative against (elu(x + h) − elu(x − h)) / 2h",
        abs: 2e-3, rel: 1e-2, hint: hint)
    }
    try sandbox.conclude()
  }
}
