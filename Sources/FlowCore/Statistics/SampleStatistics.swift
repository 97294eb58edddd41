import Foundation

// Statistics lab 5 reports about its samples: how far two point sets are from
// each other (energy distance, RMS distance), how samples split between
// cluster centres, and the order of accuracy read off an error-versus-steps
// study. Not part of the lesson; lab 5's runner and tests use them.

// MARK: - Distances between point sets

/// The energy distance between two point sets (columns of `x` and `y`), the
/// empirical form of Székely & Rizzo's statistic (J. Stat. Plann. Inference
/// 143 (2013), doi:10.1016/j.jspi.2013.03.018):
///
/// ```
/// E(X, Y) = 2·mean_{i,j} ‖xᵢ − yⱼ‖ − mean_{i,i'} ‖xᵢ − xᵢ'‖ − mean_{j,j'} ‖yⱼ − yⱼ'‖
/// ```
/// Every mean runs over all pairs, i = i' included (the energy distance of the
/// two empirical distributions). It is ≥ 0, 0 only when the two sets are the
/// same points with the same multiplicities, and is measured in units of
/// length. Two independent samples of n points from one distribution give a
/// small positive value of order E‖X − X'‖/n: that is its noise floor.
/// - Parameters:
///   - x: d×n points.
///   - y: d×m points (same d).
public func energyDistance(_ x: Matrix, _ y: Matrix) -> Double {
  precondition(x.rows == y.rows, "energyDistance: points of dimension \(x.rows) and \(y.rows)")
  precondition(x.cols > 0 && y.cols > 0, "energyDistance: needs at least one point in each set")
  let cross = meanPairDistance(x, y)
  return 2 * cross - meanPairDistance(x, x) - meanPairDistance(y, y)
}

/// mean over all pairs (i, j) of ‖aᵢ − bⱼ‖, accumulated in Double.
func meanPairDistance(_ a: Matrix, _ b: Matrix) -> Double {
  let d = a.rows
  var total = 0.0
  a.storage.withUnsafeBufferPointer { pa in
    b.storage.withUnsafeBufferPointer { pb in
      for i in 0..<a.cols {
        for j in 0..<b.cols {
          var s: Float = 0
          for r in 0..<d {
            let diff = pa[r + i * d] - pb[r + j * d]
            s += diff * diff
          }
          total += Double(s.squareRoot())
        }
      }
    }
  }
  return total / Double(a.cols * b.cols)
}

/// The root-mean-square distance between matching columns of `a` and `b`:
/// how far a solver's end points are from a reference solution's.
///
/// ```
/// rms(a, b) = √( (1/n) Σⱼ ‖aⱼ − bⱼ‖² )
/// ```
public func rmsDistance(_ a: Matrix, _ b: Matrix) -> Double {
  precondition(a.rows == b.rows && a.cols == b.cols, "rmsDistance: shapes \(a.shapeText) and \(b.shapeText) differ")
  precondition(a.cols > 0, "rmsDistance: no points")
  var total = 0.0
  for k in 0..<a.count {
    let diff = Double(a.storage[k]) - Double(b.storage[k])
    total += diff * diff
  }
  return (total / Double(a.cols)).squareRoot()
}

// MARK: - Clusters

/// How a set of 2-D samples splits between known cluster centres.
public struct ClusterReport: Sendable {
  /// One centre's share of the samples.
  public struct Cluster: Sendable {
    /// The centre (x, y).
    public var centre: [Double]
    /// Samples whose nearest centre is this one.
    public var count: Int
    /// count / all samples: the cluster balance.
    public var share: Double
    /// Mean of those samples, per coordinate (NaN when count is 0).
    public var mean: [Double]
    /// Their standard deviation per coordinate (population, divide by count).
    public var std: [Double]
    /// Fraction of **all** samples within each radius of this centre, in
    /// the order of `ClusterReport.radii`.
    public var within: [Double]
  }

  /// The radii `within` was measured at.
  public var radii: [Double]
  /// One entry per centre.
  public var clusters: [Cluster]
  /// Number of samples.
  public var total: Int

  /// Fraction of all samples within `radii[r]` of some centre.
  public func withinAny(_ r: Int) -> Double { clusters.reduce(0) { $0 + $1.within[r] } }

  /// Smallest share divided by largest share: 1 for a perfect balance, 0 when
  /// a cluster is empty.
  public var balance: Double {
    let shares = clusters.map(\.share)
    guard let hi = shares.max(), hi > 0 else { return 0 }
    return shares.min()! / hi
  }
}

/// Assigns each sample (a column of `samples`, 2×n) to its nearest centre
/// (a column of `centres`, 2×K) and measures each cluster.
///
/// ```
/// cluster(j) = argmin_k ‖xⱼ − c_k‖
/// share_k    = #{j : cluster(j) = k} / n
/// within_k(r) = #{j : ‖xⱼ − c_k‖ ≤ r} / n
/// ```
/// - Parameters:
///   - samples: 2×n points (n ≥ 1).
///   - centres: 2×K centres (K ≥ 1).
///   - radii: the radii for `within` (default 0.25 and 0.5).
public func clusterReport(_ samples: Matrix, centres: Matrix, radii: [Double] = [0.25, 0.5]) -> ClusterReport {
  precondition(samples.rows == centres.rows, "clusterReport: samples are \(samples.rows)-D, centres \(centres.rows)-D")
  precondition(samples.cols > 0 && centres.cols > 0, "clusterReport: needs samples and centres")
  let d = samples.rows, n = samples.cols, k = centres.cols
  var members = [[Int]](repeating: [], count: k)
  var within = [[Int]](repeating: [Int](repeating: 0, count: radii.count), count: k)
  for j in 0..<n {
    var best = 0
    var bestDistance = Double.infinity
    for c in 0..<k {
      var s = 0.0
      for r in 0..<d {
        let diff = Double(samples[r, j]) - Double(centres[r, c])
        s += diff * diff
      }
      let dist = s.squareRoot()
      for (q, radius) in radii.enumerated() where dist <= radius { within[c][q] += 1 }
      if dist < bestDistance { bestDistance = dist; best = c }
    }
    members[best].append(j)
  }
  let clusters = (0..<k).map { c -> ClusterReport.Cluster in
    let idx = members[c]
    let mean = (0..<d).map { r in
      idx.isEmpty ? .nan : idx.reduce(0.0) { $0 + Double(samples[r, $1]) } / Double(idx.count)
    }
    let std = (0..<d).map { r -> Double in
      guard !idx.isEmpty else { return .nan }
      let v =
        idx.reduce(0.0) {
          let e = Double(samples[r, $1]) - mean[r]; return $0 + e * e
        } / Double(idx.count)
      return v.squareRoot()
    }
    return ClusterReport.Cluster(
      centre: (0..<d).map { Double(centres[$0, c]) }, count: idx.count, share: Double(idx.count) / Double(n),
      mean: mean, std: std, within: within[c].map { Double($0) / Double(n) })
  }
  return ClusterReport(radii: radii, clusters: clusters, total: n)
}

// MARK: - Order of accuracy

/// The observed order of accuracy of a solver: minus the least-squares slope
/// of log(error) against log(steps).
///
/// ```
/// error ≈ C · steps^(−p)   ⇒   log error = log C − p · log steps
/// p = −Σ (uᵢ − ū)(vᵢ − v̄) / Σ (uᵢ − ū)²,   u = log steps, v = log error
/// ```
/// A first-order method gives p ≈ 1 (twice the steps, half the error), a
/// second-order one p ≈ 2 (twice the steps, a quarter of the error).
/// - Parameters:
///   - steps: step counts (at least two different ones).
///   - errors: the error at each step count, all > 0.
public func observedOrder(steps: [Int], errors: [Double]) -> Double {
  precondition(
    steps.count == errors.count && steps.count >= 2, "observedOrder: needs at least two (steps, error) pairs")
  precondition(
    steps.allSatisfy { $0 > 0 } && errors.allSatisfy { $0 > 0 }, "observedOrder: steps and errors must be > 0")
  let u = steps.map { Foundation.log(Double($0)) }
  let v = errors.map { Foundation.log($0) }
  let uMean = u.reduce(0, +) / Double(u.count)
  let vMean = v.reduce(0, +) / Double(v.count)
  var num = 0.0, den = 0.0
  for (a, b) in zip(u, v) {
    num += (a - uMean) * (b - vMean)
    den += (a - uMean) * (a - uMean)
  }
  precondition(den > 0, "observedOrder: the step counts are all the same")
  return -num / den
}

// MARK: - Independent draws from a mixture

/// n independent draws from an equal-weight mixture of isotropic Gaussians:
/// each column picks a centre at random (so the cluster sizes vary from draw
/// to draw, as they do for a sampler's output), then adds std·ε.
///
/// Two such draws give the noise floor of `energyDistance` for samples that
/// are exactly right.
/// - Parameters:
///   - centres: d×K component means.
///   - std: the standard deviation per coordinate.
///   - n: number of points.
public func mixtureDraws(
  centres: Matrix, std: Float, _ n: Int, using rng: inout some RandomNumberGenerator
) -> Matrix {
  var x = Matrix.normal(centres.rows, n, std: std, using: &rng)
  for j in 0..<n {
    let k = min(Int(rng.uniform() * Float(centres.cols)), centres.cols - 1)
    for r in 0..<centres.rows { x[r, j] += centres[r, k] }
  }
  return x
}
