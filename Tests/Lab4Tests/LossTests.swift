import Foundation
import Testing
import FlowGrading
import Lab4

// Reference values are worked out by hand in the comments beside them.

@Suite("Lab4 · Loss")
struct Lab4LossTests {
  /// prediction − target = [[1, 0, −1], [−1, −2, 2]]: squares 1 + 0 + 1 + 1 + 4 + 4 = 11, n = 3.
  static let prediction = Matrix([[1, 2, 0], [0, -1, 3]])
  static let target = Matrix([[0, 2, 1], [1, 1, 1]])

  @Test("the loss is the sum of squared errors divided by n, the number of columns")
  func loss() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let hint =
        "L = (1/n)·Σ (prediction − target)², summed over all 2n entries, divided by n = prediction.cols (not by 2n)"
      check(
        flowMatchingLoss(prediction: Self.prediction, target: Self.target), 11.0 / 3.0,
        "loss of [[1,2,0],[0,−1,3]] against [[0,2,1],[1,1,1]] (squares add to 11, n = 3)", abs: 1e-5, hint: hint)
      // One sample: the squared length of (3, 4) is 25.
      check(
        flowMatchingLoss(prediction: Matrix(column: [3, 4]), target: Matrix(column: [0, 0])), 25,
        "loss of one sample (3, 4) against (0, 0)", abs: 1e-5, hint: hint)
      check(
        flowMatchingLoss(prediction: Self.target, target: Self.target), 0,
        "loss of a perfect prediction", abs: 0, hint: hint)
    }
    try sandbox.conclude()
  }

  @Test("the gradient is (2/n)·(prediction − target)")
  func gradient() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let hint = "∂L/∂v = (2/n)·(v − target): prediction minus target, times 2 / prediction.cols"
      // (2/3)·[[1, 0, −1], [−1, −2, 2]]
      let expected = Matrix([[2.0 / 3, 0, -2.0 / 3], [-2.0 / 3, -4.0 / 3, 4.0 / 3]])
      check(
        flowMatchingLossGradient(prediction: Self.prediction, target: Self.target), expected,
        "gradient for [[1,2,0],[0,−1,3]] against [[0,2,1],[1,1,1]]", abs: 1e-5, hint: hint)
      check(
        flowMatchingLossGradient(prediction: Matrix(column: [3, 4]), target: Matrix(column: [0, 0])),
        Matrix(column: [6, 8]), "gradient for one sample (3, 4) against (0, 0)", abs: 1e-5, hint: hint)
    }
    try sandbox.conclude()
  }

  @Test("the gradient agrees with central differences of the loss")
  func gradientMatchesDifferences() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      var rng = SplitMix64(seed: 4)
      let prediction = Matrix.normal(2, 5, using: &rng), target = Matrix.normal(2, 5, using: &rng)
      let gradient = flowMatchingLossGradient(prediction: prediction, target: target)
      var numeric = Matrix(rows: 2, cols: 5)
      let h: Float = 1e-2  // the loss is quadratic: the central difference is exact up to rounding
      for k in 0..<prediction.count {
        var up = prediction, down = prediction
        up.storage[k] += h
        down.storage[k] -= h
        numeric.storage[k] =
          (flowMatchingLoss(prediction: up, target: target) - flowMatchingLoss(prediction: down, target: target))
          / (2 * h)
      }
      check(
        gradient, numeric, "gradient vs (L(v + h) − L(v − h)) / 2h, h = 0.01, for a 2×5 batch", abs: 2e-3,
        hint: "the gradient must be the derivative of your loss, entry by entry: (2/n)·(v − target)")
    }
    try sandbox.conclude()
  }
}
