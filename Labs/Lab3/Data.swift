import Foundation
import FlowCore

/// The tutorial's target data: two tight clusters, at (1, 1) and (−1, −1).
///
/// ```
/// columns 0 ..< ⌈n/2⌉ :   (1, 1)  + 0.05·ε     ε ~ N(0, I)
/// columns ⌈n/2⌉ ..< n :  (−1, −1) + 0.05·ε
/// ```
/// For odd n the first cluster gets the extra point: it has ⌈n/2⌉ = (n + 1) / 2
/// points, the second ⌊n/2⌋. The noise ε is drawn as one 2×n matrix, column by
/// column.
/// - Parameters:
///   - n: number of points (columns), n ≥ 1.
///   - std: the clusters' standard deviation per coordinate (0.05 in the tutorial).
///   - rng: the seeded generator.
/// - Returns: a 2×n matrix.
public func twoClusters(_ n: Int, std: Float = 0.05, using rng: inout some RandomNumberGenerator) -> Matrix {
  todo(
    "Lab3 · twoClusters",
    hint:
      "noise plus centres, both 2×n: draw all the noise in one Matrix.normal call, and build the centres from two constant blocks side by side (Matrix.hcat), the first ⌈n/2⌉ columns wide."
  )
}

/// Noise: n points from the standard normal N(0, I) in the plane (2×n).
public func noise(_ n: Int, using rng: inout some RandomNumberGenerator) -> Matrix {
  Matrix.normal(2, n, using: &rng)
}

/// Times: n numbers uniform in [0, 1), one per sample (1×n).
public func times(_ n: Int, using rng: inout some RandomNumberGenerator) -> Matrix {
  Matrix.uniform(1, n, using: &rng)
}
