import Foundation
import Testing
import FlowGrading

// The statistics lab 5 reports (Sources/FlowCore/Lab5Support.swift), checked
// against small cases worked by hand. They are not learner code: no sandbox,
// and they pass on both tracks.

@Suite("Lab5 · Statistics (core helpers)")
struct Lab5SupportTests {
  @Test("energyDistance: hand-worked cases; 0 for identical sets; symmetric")
  func energy() {
    // One point each, 5 apart: 2·5 − 0 − 0 = 10.
    #expect(abs(energyDistance(Matrix([[0], [0]]), Matrix([[3], [4]])) - 10) < 1e-9)
    // X = {(0,0), (2,0)}, Y = {(1,0)}: cross mean 1, X pairs (0,2,2,0)/4 = 1,
    // Y pairs 0: 2·1 − 1 − 0 = 1.
    let x = Matrix([[0, 2], [0, 0]]), y = Matrix([[1], [0]])
    #expect(abs(energyDistance(x, y) - 1) < 1e-9)
    #expect(abs(energyDistance(y, x) - 1) < 1e-9)
    // The same points in another order: 0.
    #expect(abs(energyDistance(Matrix([[0, 2, 5], [1, 0, 3]]), Matrix([[5, 0, 2], [3, 1, 0]]))) < 1e-6)
    // Two-point sets: X all at A, Y half at A and half at B, |AB| = d:
    // 2·d/2 − 0 − d/2 = d/2.
    let a = Matrix([[0, 0], [0, 0]]), b = Matrix([[0, 6], [0, 8]])
    #expect(abs(energyDistance(a, b) - 5) < 1e-9)
  }

  @Test("rmsDistance: √(mean over columns of the squared distance)")
  func rms() {
    // Column distances 5 and 0: √((25 + 0)/2).
    let a = Matrix([[0, 1], [0, 1]]), b = Matrix([[3, 1], [4, 1]])
    #expect(abs(rmsDistance(a, b) - (12.5).squareRoot()) < 1e-9)
    #expect(rmsDistance(a, a) == 0)
  }

  @Test("clusterReport: nearest-centre shares, means, stds, fractions within radii, balance")
  func clusters() {
    let centres = Matrix([[1, -1], [1, -1]])
    // Three points near (1,1): (1,1), (1.2,1), (1,0.6); one near (−1,−1): (−1,−0.7).
    let x = Matrix([[1, 1.2, 1, -1], [1, 1, 0.6, -0.7]])
    let r = clusterReport(x, centres: centres, radii: [0.25, 0.5])
    #expect(r.total == 4)
    let a = r.clusters[0], b = r.clusters[1]
    #expect(a.count == 3 && b.count == 1)
    #expect(abs(a.share - 0.75) < 1e-12 && abs(b.share - 0.25) < 1e-12)
    // Means (3.2/3, 2.6/3); population stds: x: values 1, 1.2, 1 → √(0.08/9·…)
    #expect(abs(a.mean[0] - 3.2 / 3) < 1e-6 && abs(a.mean[1] - 2.6 / 3) < 1e-6)
    let mx = 3.2 / 3, my = 2.6 / 3
    let sx = ((pow(1 - mx, 2) * 2 + pow(1.2 - mx, 2)) / 3).squareRoot()
    let sy = ((pow(1 - my, 2) * 2 + pow(0.6 - my, 2)) / 3).squareRoot()
    #expect(abs(a.std[0] - sx) < 1e-6 && abs(a.std[1] - sy) < 1e-6)
    #expect(abs(b.mean[0] + 1) < 1e-6 && abs(b.mean[1] + 0.7) < 1e-6 && b.std == [0, 0])
    // Distances to (1,1): 0, 0.2, 0.4; to (−1,−1): 0.3.
    #expect(a.within == [0.5, 0.75])
    #expect(b.within == [0, 0.25])
    #expect(abs(r.withinAny(0) - 0.5) < 1e-12 && abs(r.withinAny(1) - 1) < 1e-12)
    #expect(abs(r.balance - 1.0 / 3) < 1e-12)
  }

  @Test("observedOrder: the slope of exact power laws, and of a fit through noise")
  func order() {
    let steps = [4, 8, 16, 32]
    #expect(abs(observedOrder(steps: steps, errors: steps.map { 3 / Double($0) }) - 1) < 1e-12)
    #expect(abs(observedOrder(steps: steps, errors: steps.map { 0.5 / pow(Double($0), 2) }) - 2) < 1e-12)
    // Errors 1, 1/2, 1/2, 1/8 at steps 1, 2, 4, 8: u = 0, l, 2l, 3l (l = ln 2),
    // v = 0, −l, −l, −3l; slope = Σ(u−ū)(v−v̄)/Σ(u−ū)² = −4.5l²/5l² = −0.9.
    #expect(abs(observedOrder(steps: [1, 2, 4, 8], errors: [1, 0.5, 0.5, 0.125]) - 0.9) < 1e-12)
  }

  @Test("mixtureDraws: every point near one of the centres, both centres used")
  func draws() {
    var rng = SplitMix64(seed: 3)
    let x = mixtureDraws(centres: Matrix([[1, -1], [1, -1]]), std: 0.05, 2000, using: &rng)
    let r = clusterReport(x, centres: Matrix([[1, -1], [1, -1]]))
    #expect(r.withinAny(1) == 1)
    #expect(abs(r.clusters[0].share - 0.5) < 0.05)
  }
}
