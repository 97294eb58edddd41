import Foundation
import FlowCore

/// A mixture of equally weighted isotropic Gaussians in the plane: the target
/// distribution of the data.
public struct GaussianMixture: Sendable {
  /// The component means, 2×K (one column per component).
  public var means: Matrix
  /// The standard deviation per coordinate, shared by all components.
  public var std: Double

  public init(means: Matrix, std: Double) {
    precondition(means.rows == 2 && means.cols >= 1, "GaussianMixture: means must be 2×K, got \(means.shapeText)")
    precondition(std >= 0, "GaussianMixture: std must be ≥ 0, got \(std)")
    self.means = means
    self.std = std
  }

  /// The tutorial's data: means (1, 1) and (−1, −1), std 0.05.
  public static let tutorial = GaussianMixture(means: Matrix([[1, -1], [1, -1]]), std: 0.05)
}

/// The exact marginal vector field that flow matching learns, for a Gaussian
/// mixture target and N(0, I) noise:
///
/// ```
/// u_t(x) = E[x1 − x0 | x_t = x]
/// ```
///
/// Given component k, x1 = m_k + s·ε1 and x0 = ε0 with ε0, ε1 ~ N(0, I), so
/// x_t ~ N(t·m_k, σ_t² I) with σ_t² = (1 − t)² + t² s², and per coordinate
/// Cov(x1 − x0, x_t) = t s² − (1 − t). (x1 − x0, x_t) is jointly Gaussian,
/// so the regression of one on the other is exact (E[a | b] = E[a] +
/// Cov(a, b)/Var(b) · (b − E[b])):
///
/// ```
/// E[x1 − x0 | x_t = x, k] = m_k + (t s² − (1 − t)) / σ_t² · (x − t m_k)
/// w_k(x) ∝ exp(−‖x − t m_k‖² / 2σ_t²)          (Bayes, equal weights)
/// u_t(x) = Σ_k w_k(x) · E[x1 − x0 | x_t = x, k]
/// ```
/// The weights w_k(x) are the responsibilities P(k | x_t = x). They are
/// computed with log-sum-exp (subtract the largest exponent before
/// exponentiating), so points far from every component do not give 0/0.
/// See Lipman et al., "Flow Matching for Generative Modeling", ICLR 2023,
/// arXiv:2210.02747 (u_t is their marginal field for the conditional OT path
/// with σ_min = 0).
///
/// At t = 0, x_t = x0 is independent of x1 and u_0(x) = E[x1] − x.
/// As t → 1 the slope tends to 1 and u_t(x) → x: the data point is x itself
/// and the noise it came from averages to 0. With s > 0 the formula holds on
/// all of [0, 1]; with s = 0 (point masses) σ_1 = 0 and the weights become a
/// hard assignment at t = 1, so the function is defined for t in [0, 1).
///
/// - Parameters:
///   - mixture: the target distribution.
///   - t: the time, 0 ≤ t < 1.
///   - x: points, 2×n.
/// - Returns: u_t at each point, 2×n.
public func exactField(_ mixture: GaussianMixture, t: Double, x: Matrix) -> Matrix {
  todo(
    "Lab3 · exactField",
    hint:
      "work in log space, one component at a time: log w_k = −‖x − t·m_k‖²/2σ_t² is 1×n (sumOverRows), and subtracting the largest over k before exp keeps far points from giving 0/0. Then weight each component's conditional mean by w_k (multiplyingEachColumn(by:), addingToEachColumn) and divide by Σ_k w_k — t is a Double, the matrices Float."
  )
}
