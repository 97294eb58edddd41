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
    todo("Lab1 · a + b", hint: "Value(a.data + b.data, inputs: [(a, 1), (b, 1)], op: \"+\")")
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
    todo("Lab1 · a × b", hint: "the edge to a carries b.data and the edge to b carries a.data")
  }

  /// Negation.
  ///
  /// ```
  /// c = −a         ∂c/∂a = −1
  /// ```
  /// - Parameter a: the value to negate.
  public static prefix func - (a: Value) -> Value {
    todo("Lab1 · −a", hint: "one input, a, with local derivative −1")
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
    todo("Lab1 · a − b", hint: "like a + b, but the edge to b carries −1")
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
    todo("Lab1 · a ÷ b", hint: "∂(a/b)/∂b = −a/b²: mind the sign and the square")
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
      "Lab1 · aᵖ", hint: "Foundation.pow(data, p) is the value; the local derivative is p · Foundation.pow(data, p − 1)"
    )
  }

  /// The exponential.
  ///
  /// ```
  /// c = eᵃ         ∂c/∂a = eᵃ
  /// ```
  /// The derivative is the result itself: compute `Foundation.exp(data)` once, use it twice.
  public func exp() -> Value {
    todo("Lab1 · exp", hint: "let e = Foundation.exp(data); the result is e and so is the local derivative")
  }

  /// The natural logarithm (for a > 0).
  ///
  /// ```
  /// c = ln a       ∂c/∂a = 1/a
  /// ```
  public func log() -> Value {
    todo("Lab1 · log", hint: "Foundation.log(data), local derivative 1 / data")
  }

  /// The hyperbolic tangent.
  ///
  /// ```
  /// c = tanh a     ∂c/∂a = 1 − tanh² a
  /// ```
  /// Like `exp`, the derivative is written with the result: t = tanh a, ∂c/∂a = 1 − t².
  public func tanh() -> Value {
    todo("Lab1 · tanh", hint: "let t = Foundation.tanh(data); local derivative 1 − t·t")
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
      hint: "if data > 0 { return a copy with local derivative 1 }; else expm1(data) with local derivative exp(data)")
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
