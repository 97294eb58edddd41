import Foundation
import Testing
import FlowGrading
import Lab3

/// Mean and standard deviation (divisor n − 1) of one row over columns lo..<hi, in Double.
func rowStats(_ x: Matrix, row: Int, _ range: Range<Int>) -> (mean: Double, std: Double) {
  let v = range.map { Double(x[row, $0]) }
  let mean = v.reduce(0, +) / Double(v.count)
  let ss = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
  return (mean, (ss / Double(max(v.count - 1, 1))).squareRoot())
}

@Suite("Lab3 · Data")
struct Lab3DataTests {
  @Test("twoClusters: the first ⌈n/2⌉ columns lie near (1, 1), the rest near (−1, −1), for even and odd n")
  func clusterMembership() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      for n in [1, 2, 5, 7, 256, 1001] {
        var rng = SplitMix64(seed: 777)
        let x = twoClusters(n, using: &rng)
        guard
          check(
            x.rows == 2 && x.cols == n, "twoClusters(\(n)) is 2×\(n) (got \(x.shapeText))",
            hint: "one column per point, one row per coordinate")
        else { continue }
        let first = (n + 1) / 2
        // Points are within 0.05·6 of their centre; x + y is ≈ +2 or ≈ −2.
        let wrong = (0..<n).filter { j in
          let side = x[0, j] + x[1, j]
          return j < first ? !(abs(side - 2) < 0.6) : !(abs(side + 2) < 0.6)
        }
        if let j = wrong.first {
          check(
            false,
            "with n = \(n), column \(j) = (\(show(Double(x[0, j]))), \(show(Double(x[1, j])))) lies near \(j < first ? "(1, 1)" : "(−1, −1)") (\(wrong.count) columns misplaced)",
            hint:
              "columns 0 ..< ⌈n/2⌉ = 0 ..< \(first) belong to (1, 1), columns \(first) ..< \(n) to (−1, −1); ⌈n/2⌉ = (n + 1) / 2 in integer arithmetic"
          )
        }
      }
    }
    try sandbox.conclude()
  }

  // Tolerances. The test must accept any correct implementation, and those
  // may draw the random numbers in another order, so the data for a seed are
  // not fixed, only their distribution. Each cluster's sample mean has
  // standard error σ/√m and its sample standard deviation about σ/√(2m)
  // (m points per cluster, σ = 0.05); the tolerances are 5 standard errors,
  // so a correct implementation fails with probability below 1e-5 per number.
  @Test("twoClusters: per-cluster means and standard deviations for seed 777 (n = 256 and n = 4001)")
  func statistics() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      for (n, std) in [(256, 0.05), (4001, 0.05), (4001, 0.2)] {
        var rng = SplitMix64(seed: 777)
        let x = twoClusters(n, std: Float(std), using: &rng)
        guard check(x.rows == 2 && x.cols == n, "twoClusters(\(n)) is 2×\(n) (got \(x.shapeText))") else { continue }
        let first = (n + 1) / 2
        for (name, range, centre) in [("first", 0..<first, 1.0), ("second", first..<n, -1.0)] {
          let m = Double(range.count)
          let meanTol = 5 * std / m.squareRoot(), stdTol = 5 * std / (2 * m).squareRoot()
          for row in 0..<2 {
            let s = rowStats(x, row: row, range)
            check(
              s.mean, centre,
              "n = \(n), std = \(std): mean of coordinate \(row) over the \(name) cluster (5 standard errors: ±\(show(meanTol)))",
              abs: meanTol, rel: 0,
              hint:
                "the \(name) cluster sits at (\(Int(centre)), \(Int(centre))); add the centre to std·ε with ε ~ N(0, 1)"
            )
            check(
              s.std, std,
              "n = \(n): standard deviation of coordinate \(row) over the \(name) cluster (±\(show(stdTol)))",
              abs: stdTol, rel: 0,
              hint:
                "scale standard normal noise by `std` (use the parameter, not a constant): Matrix.normal(2, n, std: std, using: &rng)"
            )
          }
        }
      }
    }
    try sandbox.conclude()
  }

  @Test("twoClusters uses the generator: same seed, same data; another seed, other data")
  func seeded() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      var a = SplitMix64(seed: 777), b = SplitMix64(seed: 777), c = SplitMix64(seed: 778)
      let xa = twoClusters(64, using: &a), xb = twoClusters(64, using: &b), xc = twoClusters(64, using: &c)
      check(xa == xb, "two generators with seed 777 give the same data", hint: "draw every random number from `rng`")
      check(
        xa != xc, "seeds 777 and 778 give different data",
        hint: "draw the noise from `rng` (Matrix.normal(…, using: &rng)), not from a generator of your own")
    }
    try sandbox.conclude()
  }
}
