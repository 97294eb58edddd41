import Foundation
import FlowGrading

// Reference computations for the Lab 3 grading. None of them calls lab code:
// they sample the target distribution themselves and condition by Bayes'
// rule on the samples, so a test compares the learner's closed form with
// plain Monte Carlo. The heavy parts are core matrix operations, so they are
// fast in a debug build.

/// A Gaussian mixture as the tests know it (not the lab's type).
struct MixtureSpec {
  /// Component means, one (x, y) per component; equal weights.
  var means: [(Double, Double)]
  /// Standard deviation per coordinate.
  var std: Double

  /// The tutorial's data: (1, 1) and (−1, −1), std 0.05.
  static let tutorial = MixtureSpec(means: [(1, 1), (-1, -1)], std: 0.05)
  /// A lopsided three-component mixture with no symmetry, so that mistakes a
  /// symmetric target hides (a sign, the mean of the means) show up.
  static let lopsided = MixtureSpec(means: [(2, 0), (-1, 1), (0, -2)], std: 0.3)

  /// The same means as a 2×K matrix (for building the lab's `GaussianMixture`).
  var meansMatrix: Matrix {
    Matrix([means.map { Float($0.0) }, means.map { Float($0.1) }])
  }

  /// The mean of the means, E[x1].
  var centre: (Double, Double) {
    (means.map(\.0).reduce(0, +) / Double(means.count), means.map(\.1).reduce(0, +) / Double(means.count))
  }

  /// n samples, 2×n: a component drawn uniformly for each column, plus N(0, std²I).
  func sample(_ n: Int, using rng: inout SplitMix64) -> Matrix {
    let u = Matrix.uniform(1, n, using: &rng)
    let k = Float(means.count)
    var centres = Matrix(rows: 2, cols: n)
    for (c, m) in means.enumerated() {
      let lo = Float(c) / k, hi = Float(c + 1) / k
      let pick = u.mask { $0 >= lo && $0 < hi }  // 1×n
      centres += Matrix(column: [Float(m.0), Float(m.1)]).dot(pick)
    }
    return centres + Matrix.normal(2, n, std: Float(std), using: &rng)
  }
}

/// A Monte-Carlo estimate of E[x1 − x0 | x_t = x] and its standard error,
/// per coordinate, from `n` fresh samples x1 of the mixture.
///
/// Given x_t = x and a data point x1, the noise is fixed:
/// x0 = (x − t·x1)/(1 − t), and x1's weight is the likelihood of x_t = x
/// under x0 ~ N(0, I), i.e. exp(−‖x − t·x1‖² / 2(1 − t)²) (Bayes' rule on
/// samples: self-normalised importance sampling). No Gaussian algebra about
/// the mixture is used, only samples of it.
func monteCarloField(
  _ mixture: MixtureSpec, t: Double, x: (Double, Double), samples n: Int, using rng: inout SplitMix64
) -> (mean: (Double, Double), standardError: (Double, Double)) {
  precondition(t >= 0 && t < 1)
  let x1 = mixture.sample(n, using: &rng)
  let point = Matrix(column: [Float(x.0), Float(x.1)])
  let diff = (x1 * Float(t)).addingToEachColumn(-point)  // t·x1 − x, 2×n
  let a = 1 - t
  var logw = diff.squared().sumOverRows() * Float(-1 / (2 * a * a))  // 1×n
  logw = logw - (logw.storage.max() ?? 0)
  let w = logw.exp().storage
  let d = (x1 + diff * Float(1 / a)).storage  // x1 − x0, with x0 = (x − t·x1)/(1 − t)
  // Weighted mean and its standard error, accumulated in Double.
  var sw = 0.0, s0 = 0.0, s1 = 0.0
  for j in 0..<n {
    let wj = Double(w[j])
    sw += wj; s0 += wj * Double(d[2 * j]); s1 += wj * Double(d[2 * j + 1])
  }
  let m0 = s0 / sw, m1 = s1 / sw
  var v0 = 0.0, v1 = 0.0
  for j in 0..<n {
    let wj = Double(w[j]) / sw
    let e0 = Double(d[2 * j]) - m0, e1 = Double(d[2 * j + 1]) - m1
    v0 += wj * wj * e0 * e0; v1 += wj * wj * e1 * e1
  }
  return ((m0, m1), (v0.squareRoot(), v1.squareRoot()))
}

/// E[x1 − x0 | x_t = x, component k], written out in Double for one point.
/// Used where one component's weight is 1 to machine precision (points far
/// from all others), where the field must equal it.
func componentField(_ mixture: MixtureSpec, k: Int, t: Double, x: (Double, Double)) -> (Double, Double) {
  let s2 = mixture.std * mixture.std
  let slope = (t * s2 - (1 - t)) / ((1 - t) * (1 - t) + t * t * s2)
  let m = mixture.means[k]
  return (m.0 + slope * (x.0 - t * m.0), m.1 + slope * (x.1 - t * m.1))
}
