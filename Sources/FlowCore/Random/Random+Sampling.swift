import Foundation

// Portable samplers on top of any RandomNumberGenerator. Swift's own
// `Float.random(in:)` is not specified to give the same numbers across
// versions, so FlowLab uses these.

extension RandomNumberGenerator {
  /// Uniform in [0, 1): the top 24 bits of one draw, scaled by 2⁻²⁴, so every
  /// value is an exact multiple of 2⁻²⁴ and 1 is never returned.
  public mutating func uniform() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// Uniform in [0, 1) with 53 bits, for the normal sampler.
  public mutating func uniformDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A standard normal N(0, 1) by the Box–Muller transform, one value per
  /// call (the second value of the pair is not kept, so each draw depends on
  /// exactly two uniforms and streams are easy to reason about).
  ///
  /// ```
  /// u₁ ∈ (0, 1], u₂ ∈ [0, 1):  z = √(−2 ln u₁) · cos(2π u₂)
  /// ```
  ///
  /// Computed in Double and rounded to Float. Box & Muller, "A Note on the
  /// Generation of Random Normal Deviates", Ann. Math. Statist. 29 (1958).
  public mutating func normal() -> Float {
    let u1 = 1 - uniformDouble()  // (0, 1]: log never sees 0
    let u2 = uniformDouble()
    return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
  }
}

extension Matrix {
  /// Entries drawn from N(mean, std²), filled column by column.
  public static func normal(
    _ rows: Int, _ cols: Int, mean: Float = 0, std: Float = 1, using rng: inout some RandomNumberGenerator
  ) -> Matrix {
    var m = Matrix(rows: rows, cols: cols)
    for k in 0..<m.count { m.storage[k] = mean + std * rng.normal() }
    return m
  }

  /// Entries drawn uniformly from [low, high), filled column by column.
  public static func uniform(
    _ rows: Int, _ cols: Int, in low: Float = 0, _ high: Float = 1, using rng: inout some RandomNumberGenerator
  ) -> Matrix {
    var m = Matrix(rows: rows, cols: cols)
    for k in 0..<m.count { m.storage[k] = low + (high - low) * rng.uniform() }
    return m
  }
}
