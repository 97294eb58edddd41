import Foundation
import Testing
import FlowGrading
import Lab2
import Lab3
import Lab5

// Grading of the samples the learner's solver makes: on lab 3's exact field
// and on a network trained by lab 4's code.
//
// Thresholds, and why (n = 512 noise points, midpoint, 8 steps, as the
// tutorial samples):
// - The target's clusters have std 0.05 per coordinate, so a true sample is
//   within 0.25 of its centre with probability 1 − e^(−0.25²/(2·0.05²)) =
//   1 − e^(−12.5) ≈ 1 − 4e-6: "near a centre" means within 0.25.
// - A cluster's share of 512 independent draws has standard deviation
//   √(0.25/512) ≈ 0.022, so a sampler that is right lands in [0.4, 0.6]
//   with probability > 0.99999 (4.5σ); a 60/40 sampler does not.
// - Means: each cluster's mean of ~256 points has standard error
//   0.05/√256 ≈ 0.003; 0.1 (twice the cluster's std) is a visible miss.
// - Energy distance (see Sources/FlowCore/Statistics/SampleStatistics.swift): independent
//   draws of 512 points from the target itself (`mixtureDraws`) measure
//   0.0003–0.011 against 512 target points (median 0.0017, 50 repetitions);
//   putting every sample into one cluster gives ≈ 1.37, a 60/40 split alone
//   2·2√2·0.1² ≈ 0.057, and the noise itself ≈ 0.41. The bound 0.03 is 2.7×
//   the largest floor and half of a 60/40 split. (Measured with the shipped
//   network: midpoint 8 steps 0.002, Euler 8 steps 0.008, midpoint 2 steps
//   0.035 — too few steps fails.)

/// The centres (1, 1) and (−1, −1), 2×2.
let tutorialCentres = Matrix([[1, -1], [1, -1]])

/// The parameter file the tests sample from: made by
/// `FLOWLAB_TRACK=solutions swift run lab5 --train --out DIR` (seed 777,
/// 20 000 Adam steps on fresh batches of 256, lab 4's training code), copied
/// from DIR/lab5-trained-params.bin. Final training loss ≈ 1.24.
let testParameterPath = packageRoot.appendingPathComponent("Tests/Lab5Tests/Resources/lab5-test-params.bin").path

@Suite("Lab5 · Samples")
struct Lab5SamplesTests {
  @Test(
    "midpoint, 8 steps, on the exact two-cluster field: ≥ 99% of 512 noise points land within 0.25 of a centre, both clusters fairly filled"
  )
  func exactFieldSamples() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // With the exact field the only error is the solver's. Midpoint with 8
      // steps moves points by an RMS 0.012 from the exact flow's end (lab5's
      // order study), and the exact flow ends on the target, where all but
      // 4e-6 of the points are within 0.25. 99% leaves room for the few
      // points that start on the boundary between the clusters, where the
      // field turns fastest. (Measured: 100% with the solutions.)
      var rng = SplitMix64(seed: 2024)
      let x0 = Matrix.normal(2, 512, using: &rng)
      let field: VectorField = { t, x in Lab3.exactField(.tutorial, t: Double(t), x: x) }
      let x1 = sample(field, from: x0, steps: 8, method: .midpoint).final
      guard
        check(x1.rows == 2 && x1.cols == 512 && x1.isFinite, "sample returns 2×512 finite points (got \(x1.shapeText))")
      else { return }
      let report = clusterReport(x1, centres: tutorialCentres)
      check(
        report.withinAny(0) >= 0.99,
        "≥ 99% of the points end within 0.25 of a centre (got \(show(100 * report.withinAny(0)))%)",
        hint: "check midpointStep (second evaluation at t + dt/2, x + k1) and the time grid t_k = k/steps")
      for c in report.clusters {
        check(
          c.share >= 0.4 && c.share <= 0.6,
          "the cluster at (\(show(c.centre[0])), \(show(c.centre[1]))) holds 40–60% of the points (got \(show(100 * c.share))%)",
          hint: "every column must be integrated")
      }
    }
    try sandbox.conclude()
  }

  @Test(
    "samples from a trained network form the two clusters: fair shares, means near (1, 1) and (−1, −1), small energy distance"
  )
  func trainedNetwork() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox, path = testParameterPath as String] in
      sandbox.enter()
      let file: (sizes: [Int], parameters: [Matrix])
      do {
        file = try ParameterFile.read(from: path, expectedSizes: MLP.tutorialSizes)
      } catch {
        check(false, "the test's parameter file can be read: \(error)")
        return
      }
      var initRNG = SplitMix64(seed: 1)
      var model = MLP(sizes: file.sizes, using: &initRNG)
      model.parameters = file.parameters

      var rng = SplitMix64(seed: 31)
      let x0 = Matrix.normal(2, 512, using: &rng)
      let x1 = sample(networkField(model), from: x0, steps: 8, method: .midpoint).final
      guard
        check(x1.rows == 2 && x1.cols == 512 && x1.isFinite, "sample returns 2×512 finite points (got \(x1.shapeText))")
      else { return }

      let report = clusterReport(x1, centres: tutorialCentres)
      for c in report.clusters {
        let name = "(\(show(c.centre[0])), \(show(c.centre[1])))"
        check(
          c.share >= 0.4 && c.share <= 0.6,
          "the cluster at \(name) holds 40–60% of the samples (got \(show(100 * c.share))%)",
          hint: "every column must be integrated, from t = 0 to t = 1")
        for r in 0..<2 {
          check(
            c.mean[r], c.centre[r], "coordinate \(r) of the mean of the samples nearest \(name)", abs: 0.1, rel: 0,
            hint: "the samples should end on the clusters: integrate all the way to t = 1 with steps t_k = k/steps")
        }
      }
      var targetRNG = SplitMix64(seed: 32)
      let target = twoClusters(512, using: &targetRNG)
      let energy = energyDistance(x1, target)
      check(
        energy < 0.03, "the energy distance to 512 target points is below 0.03 (got \(show(energy)))",
        hint: "independent draws from the target measure ≤ 0.012; the noise itself ≈ 0.4")
    }
    try sandbox.conclude()
  }
}
