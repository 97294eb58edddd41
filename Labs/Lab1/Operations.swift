import FlowCore
import Foundation

// The operations of the scalar engine. Each one computes its result and the
// local derivative with respect to each input; `backward()` does the rest.
//
// Every operation has the same shape: build the result with
//
//     Value(result, inputs: [(input₁, ∂result/∂input₁), (input₂, ∂result/∂input₂)], op: "name")
//
// where each ∂result/∂input is a plain number, computed now from the inputs'
// `data`. Nothing else: no gradients are touched here.

extension Value {
  /// Sum of two values.
  ///
  /// ```
  /// c = a + b      ∂c/∂a = 1      ∂c/∂b = 1
  /// ```
  /// - Parameters:
  ///   - a: the left term.
  ///   - b: the right term (may be the same node as `a`: `a + a` has two edges to `a`).
  public static func + (a: Value, b: Value) -> Value {
    todo(
      "Lab1 · a + b",
      hint:
        "worked example — read it, then use it as the pattern for every other operation: Value(a.data + b.data, inputs: [(a, 1), (b, 1)], op: \"+\")"
    )
  }

  /// Product of two values.
  ///
  /// ```
  /// c = a · b      ∂c/∂a = b      ∂c/∂b = a
  /// ```
  /// Each local derivative is the *other* factor's value.
  /// - Parameters:
  ///   - a: the left factor.
  ///   - b: the right factor.
  public static func * (a: Value, b: Value) -> Value {
    todo(
      "Lab1 · a × b",
      hint:
        "the a + b pattern with two edges; each local derivative is the other factor's data (a * a then gets two edges to a, which is right)."
    )
  }

  /// Negation.
  ///
  /// ```
  /// c = −a         ∂c/∂a = −1
  /// ```
  /// - Parameter a: the value to negate.
  public static prefix func - (a: Value) -> Value {
    todo("Lab1 · −a", hint: "the a + b pattern with a single edge: how far does c move when a grows by 1?")
  }

  /// Difference of two values.
  ///
  /// ```
  /// c = a − b      ∂c/∂a = 1      ∂c/∂b = −1
  /// ```
  /// - Parameters:
  ///   - a: the value subtracted from.
  ///   - b: the value subtracted.
  public static func - (a: Value, b: Value) -> Value {
    todo(
      "Lab1 · a − b",
      hint: "the a + b pattern, with ∂c/∂b from the formula above: the sign on b's edge is the classic slip.")
  }

  /// Quotient of two values.
  ///
  /// ```
  /// c = a / b      ∂c/∂a = 1/b    ∂c/∂b = −a/b²
  /// ```
  /// Undefined for b = 0 (the result and derivatives are then ±∞ or NaN, as for Double).
  /// - Parameters:
  ///   - a: the numerator.
  ///   - b: the denominator.
  public static func / (a: Value, b: Value) -> Value {
    todo("Lab1 · a ÷ b", hint: "two edges, one per formula above; in ∂(a/b)/∂b = −a/b² mind the sign and the square.")
  }

  /// A power with a constant exponent.
  ///
  /// ```
  /// c = aᵖ         ∂c/∂a = p · aᵖ⁻¹
  /// ```
  /// `p` is a plain number, not a node: it gets no gradient. For a non-integer
  /// `p` the base must be positive (as for `Foundation.pow`).
  /// - Parameter p: the exponent.
  public func pow(_ p: Double) -> Value {
    todo(
      "Lab1 · aᵖ",
      hint:
        "Foundation.pow gives the value (the prefix avoids calling this very method); for the local derivative, bring p down and lower the exponent by one. p is a constant: it has no edge."
    )
  }

  /// The exponential.
  ///
  /// ```
  /// c = eᵃ         ∂c/∂a = eᵃ
  /// ```
  /// The derivative is the result itself: compute `Foundation.exp(data)` once, use it twice.
  public func exp() -> Value {
    todo("Lab1 · exp", hint: "Foundation.exp gives eᵃ; which number is ∂eᵃ/∂a? Compute it once and use it for both.")
  }

  /// The natural logarithm (for a > 0).
  ///
  /// ```
  /// c = ln a       ∂c/∂a = 1/a
  /// ```
  public func log() -> Value {
    todo(
      "Lab1 · log",
      hint:
        "Foundation.log for the value (plain log(…) would find this method); the local derivative is the one in the formula above, computed from data."
    )
  }

  /// The hyperbolic tangent.
  ///
  /// ```
  /// c = tanh a     ∂c/∂a = 1 − tanh² a
  /// ```
  /// Like `exp`, the derivative is written with the result: t = tanh a, ∂c/∂a = 1 − t².
  public func tanh() -> Value {
    todo(
      "Lab1 · tanh",
      hint: "as with exp, write the derivative with the result: 1 − tanh² a needs only the tanh you already computed.")
  }

  /// The exponential linear unit, the tutorial's activation.
  ///
  /// ```
  /// elu(a) = a         for a > 0      ∂/∂a = 1
  ///          eᵃ − 1    for a ≤ 0      ∂/∂a = eᵃ
  /// ```
  /// Both pieces meet at a = 0 with value 0 and slope 1, so elu is smooth
  /// enough there: its derivative is continuous. For a ≤ 0, compute eᵃ − 1 with
  /// `Foundation.expm1(data)`: it keeps full precision for small |a|.
  public func elu() -> Value {
    todo(
      "Lab1 · elu",
      hint:
        "two cases split at 0; for data ≤ 0 get eᵃ − 1 from Foundation.expm1 (full precision near 0). Check that both pieces have slope 1 at the kink."
    )
  }
}

// Constants on either side: a constant becomes a leaf, and the operation above
// does the rest. These are given, not exercises.
extension Value {
  public static func + (a: Value, b: Double) -> Value { a + Value(b) }
  public static func + (a: Double, b: Value) -> Value { Value(a) + b }
  public static func - (a: Value, b: Double) -> Value { a - Value(b) }
  public static func - (a: Double, b: Value) -> Value { Value(a) - b }
  public static func * (a: Value, b: Double) -> Value { a * Value(b) }
  public static func * (a: Double, b: Value) -> Value { Value(a) * b }
  public static func / (a: Value, b: Double) -> Value { a / Value(b) }
  public static func / (a: Double, b: Value) -> Value { Value(a) / b }
}
