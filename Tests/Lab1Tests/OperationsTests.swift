import Foundation
import Testing
import FlowGrading
import Lab1

/// Each operation's value and local derivatives against the calculus,
/// read off the graph the operation builds (no `backward()` needed yet).
@Suite("Lab1 · Operations")
struct Lab1OperationsTests {
  @Test("a + b: values add; ∂/∂a = ∂/∂b = 1; a + a counts a twice")
  func add() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let a = Value(1.7), b = Value(-0.6)
      let c = a + b
      check(c.data, 1.1, "(1.7) + (−0.6)", hint: "the result's data is a.data + b.data")
      check(
        pathDerivative(of: c, wrt: a), 1, "∂(a + b)/∂a",
        hint: "Value(a.data + b.data, inputs: [(a, 1), (b, 1)], op: \"+\")")
      check(pathDerivative(of: c, wrt: b), 1, "∂(a + b)/∂b", hint: "the edge to b carries 1")
      check(pathDerivative(of: a + a, wrt: a), 2, "∂(a + a)/∂a", hint: "a + a has two edges to a, each carrying 1")
      let k = 2.5 + a
      check(k.data, 4.2, "2.5 + a", hint: "a constant on the left becomes a leaf Value(2.5)")
      check(pathDerivative(of: k, wrt: a), 1, "∂(2.5 + a)/∂a")
    }
    try sandbox.conclude()
  }

  @Test("a × b: values multiply; ∂/∂a = b, ∂/∂b = a; a × a gives 2a")
  func multiply() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let a = Value(1.7), b = Value(-0.6)
      let c = a * b
      check(c.data, -1.02, "(1.7) × (−0.6)", hint: "the result's data is a.data * b.data")
      check(
        pathDerivative(of: c, wrt: a), -0.6, "∂(a·b)/∂a at a = 1.7, b = −0.6", hint: "∂(a·b)/∂a is the other factor, b")
      check(
        pathDerivative(of: c, wrt: b), 1.7, "∂(a·b)/∂b at a = 1.7, b = −0.6", hint: "∂(a·b)/∂b is the other factor, a")
      check(pathDerivative(of: a * a, wrt: a), 3.4, "∂(a·a)/∂a at a = 1.7", hint: "two edges to a, each carrying a: 2a")
      check(pathDerivative(of: 3 * b, wrt: b), 3, "∂(3·b)/∂b")
    }
    try sandbox.conclude()
  }

  @Test("−a: value −a; ∂/∂a = −1")
  func negate() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let a = Value(1.7)
      let c = -a
      check(c.data, -1.7, "−(1.7)", hint: "the result's data is −a.data")
      check(pathDerivative(of: c, wrt: a), -1, "∂(−a)/∂a", hint: "one edge to a carrying −1")
    }
    try sandbox.conclude()
  }

  @Test("a − b: values subtract; ∂/∂a = 1, ∂/∂b = −1; constants on either side")
  func subtract() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let a = Value(1.7), b = Value(-0.6)
      let c = a - b
      check(c.data, 2.3, "(1.7) − (−0.6)", hint: "the result's data is a.data − b.data")
      check(pathDerivative(of: c, wrt: a), 1, "∂(a − b)/∂a", hint: "the edge to a carries 1")
      check(pathDerivative(of: c, wrt: b), -1, "∂(a − b)/∂b", hint: "the edge to b carries −1: mind the sign")
      check(pathDerivative(of: a - a, wrt: a), 0, "∂(a − a)/∂a", hint: "the two edges to a carry 1 and −1")
      let k = 2 - b
      check(k.data, 2.6, "2 − b at b = −0.6")
      check(pathDerivative(of: k, wrt: b), -1, "∂(2 − b)/∂b", hint: "the edge to b carries −1")
    }
    try sandbox.conclude()
  }

  @Test("a ÷ b: value a/b; ∂/∂a = 1/b, ∂/∂b = −a/b²; constants on either side")
  func divide() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let a = Value(1.5), b = Value(-0.5)
      let c = a / b
      check(c.data, -3, "1.5 / (−0.5)", hint: "the result's data is a.data / b.data")
      check(pathDerivative(of: c, wrt: a), -2, "∂(a/b)/∂a at a = 1.5, b = −0.5", hint: "∂(a/b)/∂a = 1/b")
      check(
        pathDerivative(of: c, wrt: b), -6, "∂(a/b)/∂b at a = 1.5, b = −0.5",
        hint: "∂(a/b)/∂b = −a/b²: mind the sign and the square")
      let k = 3 / b
      check(k.data, -6, "3 / b at b = −0.5")
      check(pathDerivative(of: k, wrt: b), -12, "∂(3/b)/∂b at b = −0.5", hint: "∂(3/b)/∂b = −3/b²")
      check(pathDerivative(of: a / 4, wrt: a), 0.25, "∂(a/4)/∂a", hint: "∂(a/4)/∂a = 1/4")
    }
    try sandbox.conclude()
  }

  @Test("aᵖ: value aᵖ; ∂/∂a = p·aᵖ⁻¹ for p = 3, 2, 0.5, −1, 0")
  func power() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let a = Value(1.5)
      for p in [3.0, 2.0, 0.5, -1.0, 0.0] {
        let c = a.pow(p)
        check(c.data, Foundation.pow(1.5, p), "1.5^\(num(p))", hint: "Foundation.pow(data, p)")
        check(
          pathDerivative(of: c, wrt: a), p * Foundation.pow(1.5, p - 1), "∂(a^\(num(p)))/∂a at a = 1.5",
          hint: "∂(aᵖ)/∂a = p · aᵖ⁻¹: the factor p and the exponent p − 1")
      }
      let n = Value(-2)
      check(n.pow(3).data, -8, "(−2)³", hint: "Foundation.pow(data, p)")
      check(pathDerivative(of: n.pow(3), wrt: n), 12, "∂(a³)/∂a at a = −2", hint: "3 · (−2)² = 12")
    }
    try sandbox.conclude()
  }

  @Test("exp, log, tanh: values and derivatives eᵃ, 1/a, 1 − tanh²a")
  func exponentials() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      for x in [-1.3, 0.0, 0.4, 2.2] {
        let a = Value(x)
        let e = a.exp()
        check(e.data, Foundation.exp(x), "exp(\(num(x)))", hint: "Foundation.exp(data)")
        check(
          pathDerivative(of: e, wrt: a), Foundation.exp(x), "∂eᵃ/∂a at a = \(num(x))",
          hint: "the derivative of eᵃ is eᵃ itself")
        let t = a.tanh()
        let tx = Foundation.tanh(x)
        check(t.data, tx, "tanh(\(num(x)))", hint: "Foundation.tanh(data)")
        check(
          pathDerivative(of: t, wrt: a), 1 - tx * tx, "∂tanh(a)/∂a at a = \(num(x))",
          hint: "1 − tanh²(a), with t = tanh(a): 1 − t·t")
      }
      for x in [0.3, 1.0, 5.0] {
        let a = Value(x)
        let l = a.log()
        check(l.data, Foundation.log(x), "log(\(num(x)))", hint: "Foundation.log(data), the natural logarithm")
        check(pathDerivative(of: l, wrt: a), 1 / x, "∂ln(a)/∂a at a = \(num(x))", hint: "∂ln(a)/∂a = 1/a")
      }
    }
    try sandbox.conclude()
  }

  @Test("elu: a for a > 0 (slope 1), eᵃ − 1 for a ≤ 0 (slope eᵃ)")
  func elu() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      for x in [-3.0, -0.8, 0.5, 1.3] {
        let a = Value(x)
        let c = a.elu()
        let value = x > 0 ? x : Foundation.exp(x) - 1
        let slope = x > 0 ? 1 : Foundation.exp(x)
        check(c.data, value, "elu(\(num(x)))", hint: x > 0 ? "elu(a) = a for a > 0" : "elu(a) = eᵃ − 1 for a ≤ 0")
        check(
          pathDerivative(of: c, wrt: a), slope, "∂elu(a)/∂a at a = \(num(x))",
          hint: x > 0 ? "slope 1 for a > 0" : "slope eᵃ for a ≤ 0")
      }
    }
    try sandbox.conclude()
  }
}
