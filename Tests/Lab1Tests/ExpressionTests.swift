import Foundation
import Testing
import FlowGrading
import Lab1
import _Differentiation

/// micrograd's relu, written with the operations of this lab: for x > 0 it is
/// x·1 (slope 1), otherwise x·0 (value 0, slope 0). The engine has no relu of
/// its own (the course uses elu); multiplying by the constant indicator gives
/// exactly relu's value and derivative.
func relu(_ x: Value) -> Value { x * (x.data > 0 ? 1 : 0) }

@Suite("Lab1 · Known expressions")
struct Lab1KnownExpressionTests {
  @Test("micrograd's README expression: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773")
  func micrograd() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // The expression from github.com/karpathy/micrograd's README, line by line
      // (Python's `c += x` makes a new node c + x, as here).
      let a = Value(-4.0)
      let b = Value(2.0)
      var c = a + b
      var d = a * b + b.pow(3)
      c = c + (c + 1)
      c = c + (1 + c + (-a))
      d = d + (d * 2 + relu(b + a))
      d = d + (3 * d + relu(b - a))
      let e = c - d
      let f = e.pow(2)
      var g = f / 2.0
      g = g + 10.0 / f
      g.backward()
      // The README prints 24.7041, 138.8338, 645.5773. More digits, from the same
      // expression in plain Python floats with central differences (h = 1e-6):
      // g = 24.7040816327, dg/da = 138.8338192605, dg/db = 645.5772595348.
      check(g.data, 24.7040816327, "g", abs: 1e-8, rel: 1e-9, hint: "check each operation's value: + − × ÷ and pow")
      check(
        a.grad, 138.8338192605, "dg/da", abs: 1e-5, rel: 1e-7,
        hint: "a is used in c, d, both relus and −a: its gradient adds up over all of them")
      check(b.grad, 645.5772595348, "dg/db", abs: 1e-5, rel: 1e-7, hint: "b is used in c, d (twice) and both relus")
    }
    try sandbox.conclude()
  }

  @Test("a tanh neuron (micrograd lecture): o = tanh(x₁w₁ + x₂w₂ + b) = 0.7071")
  func neuron() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // b is chosen so that n = 0.8813735870195432 = atanh(1/√2): o = 1/√2, do/dn = 1 − o² = 0.5.
      let x1 = Value(2), x2 = Value(0), w1 = Value(-3), w2 = Value(1)
      let b = Value(6.8813735870195432)
      let o = (x1 * w1 + x2 * w2 + b).tanh()
      o.backward()
      check(o.data, 1 / 2.0.squareRoot(), "o", abs: 1e-12)
      check(x1.grad, -1.5, "do/dx₁ = w₁ · 0.5", abs: 1e-9, hint: "∂(x₁w₁)/∂x₁ = w₁, times do/dn = 1 − tanh² n")
      check(w1.grad, 1.0, "do/dw₁ = x₁ · 0.5", abs: 1e-9)
      check(x2.grad, 0.5, "do/dx₂ = w₂ · 0.5", abs: 1e-9)
      check(w2.grad, 0.0, "do/dw₂ = x₂ · 0.5", abs: 1e-9)
      check(b.grad, 0.5, "do/db", abs: 1e-9, hint: "do/db = 1 − o²")
    }
    try sandbox.conclude()
  }
}

// MARK: - Random expressions

/// One step of a random program: a new register made from earlier ones.
struct Step {
  enum Op: CaseIterable { case add, sub, mul, div, neg, pow, exp, log, tanh, elu, addConst, constDiv }
  var op: Op
  var a: Int, b: Int
  var constant: Double
}

/// A random program over `inputs` variables: each step reads one or two earlier
/// registers (inputs included, often the latest ones, sometimes reused).
func randomProgram(steps: Int, inputs: Int, using rng: inout SplitMix64) -> [Step] {
  (0..<steps).map { k in
    let n = inputs + k
    func pick() -> Int { Double.random(in: 0..<1, using: &rng) < 0.5 ? n - 1 : Int.random(in: 0..<n, using: &rng) }
    let op = Step.Op.allCases.randomElement(using: &rng)!
    return Step(op: op, a: pick(), b: pick(), constant: [0.5, 2.0, 3.0, -1.0].randomElement(using: &rng)!)
  }
}

// The same program run three ways. Operands are kept in a safe range: log
// takes 1 + a², division divides by 1 + b², pow takes (1 + a²) to a constant
// exponent, exp takes tanh a; so every value stays finite and moderate.

func runOnEngine(_ program: [Step], _ x: [Value]) -> Value {
  var r = x
  for s in program {
    let a = r[s.a], b = r[s.b]
    let v: Value
    switch s.op {
    case .add: v = a + b
    case .sub: v = a - b
    case .mul: v = a * b
    case .div: v = a / (1 + b * b)
    case .neg: v = -a
    case .pow: v = (1 + a * a).pow(s.constant)
    case .exp: v = a.tanh().exp()
    case .log: v = (1 + a * a).log()
    case .tanh: v = a.tanh()
    case .elu: v = a.elu()
    case .addConst: v = a + s.constant
    case .constDiv: v = s.constant / (2 + a.tanh())
    }
    r.append(v)
  }
  return r[x.count + program.count - 1]
}

@differentiable(reverse)
func eluD(_ x: Double) -> Double {
  if x > 0 { return x }
  return Foundation.exp(x) - 1
}

@differentiable(reverse,wrt: (a, b))
func applyD(_ op: Step.Op, _ a: Double, _ b: Double, _ k: Double) -> Double {
  switch op {
  case .add: return a + b
  case .sub: return a - b
  case .mul: return a * b
  case .div: return a / (1 + b * b)
  case .neg: return -a
  case .pow: return Foundation.pow(1 + a * a, k)
  case .exp: return Foundation.exp(Foundation.tanh(a))
  case .log: return Foundation.log(1 + a * a)
  case .tanh: return Foundation.tanh(a)
  case .elu: return eluD(a)
  case .addConst: return a + k
  case .constDiv: return k / (2 + Foundation.tanh(a))
  }
}

@differentiable(reverse,wrt: x)
func runOnDouble(_ program: [Step], _ x: [Double]) -> Double {
  var r = x
  for k in 0..<program.count {
    let s = program[k]
    r = r + [applyD(s.op, r[s.a], r[s.b], s.constant)]
  }
  return r[withoutDerivative(at: x).count + program.count - 1]
}

/// ‖got − reference‖∞ / max(1, ‖reference‖∞).
func gradientError(_ got: [Double], _ reference: [Double]) -> Double {
  let diff = zip(got, reference).map { abs($0 - $1) }.max() ?? 0
  let scale = max(1, reference.map { abs($0) }.max() ?? 0)
  return diff.isNaN ? .infinity : diff / scale
}

/// The program as text, one register per step: "r3 = tanh(r1); r4 = r3 × r0; …".
func describe(_ program: [Step]) -> String {
  program.enumerated().map { k, s in
    let a = "r\(s.a)", b = "r\(s.b)", c = num(s.constant)
    let rhs: String
    switch s.op {
    case .add: rhs = "\(a) + \(b)"
    case .sub: rhs = "\(a) − \(b)"
    case .mul: rhs = "\(a) × \(b)"
    case .div: rhs = "\(a) / (1 + \(b)²)"
    case .neg: rhs = "−\(a)"
    case .pow: rhs = "(1 + \(a)²)^\(c)"
    case .exp: rhs = "exp(tanh \(a))"
    case .log: rhs = "log(1 + \(a)²)"
    case .tanh: rhs = "tanh \(a)"
    case .elu: rhs = "elu \(a)"
    case .addConst: rhs = "\(a) + \(c)"
    case .constDiv: rhs = "\(c) / (2 + tanh \(a))"
    }
    return "r\(k + 3) = \(rhs)"
  }.joined(separator: "; ")
}

func vector(_ v: [Double]) -> String { "(" + v.map(show).joined(separator: ", ") + ")" }

@Suite("Lab1 · Against oracles")
struct Lab1OracleTests {
  static let programs = 60
  static let steps = 12

  /// Runs 60 random programs of 3 variables on the engine (in the child) and
  /// compares each gradient with `reference(program, x)`; reports at most two
  /// failures, each with the program, the point and both gradients.
  static func checkRandomPrograms(
    seed: UInt64, tolerance: Double, claim: String, checkValue: Bool,
    reference: ([Step], [Double]) -> [Double]
  ) {
    var rng = SplitMix64(seed: seed)
    var failures = 0
    for _ in 0..<programs {
      let program = randomProgram(steps: steps, inputs: 3, using: &rng)
      let x = (0..<3).map { _ in Double.random(in: -1.5...1.5, using: &rng) }
      let leaves = x.map { Value($0) }
      let out = runOnEngine(program, leaves)
      out.backward()
      let got = leaves.map(\.grad)
      let expected = reference(program, x)
      if checkValue {
        check(out.data, runOnDouble(program, x), "value of a random expression", abs: 1e-12, rel: 1e-12)
      }
      if gradientError(got, expected) > tolerance, failures < 2 {
        failures += 1
        check(
          false,
          """
          the gradient of a random expression \(claim)
            expression: \(describe(program)); output r\(steps + 2)
            at (r0, r1, r2) = \(vector(x))
            expected \(vector(expected)), got \(vector(got))
          """,
          hint:
            "the operation tests show which rule is off; if they pass, look at backward()'s accumulation and chain factor"
        )
      }
    }
  }

  @Test("60 random expressions of 3 variables: gradients equal Swift's _Differentiation")
  func againstDifferentiation() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      Lab1OracleTests.checkRandomPrograms(
        seed: 2024, tolerance: 1e-10, claim: "equals _Differentiation's", checkValue: true
      ) { program, x in
        gradient(at: x) { runOnDouble(program, $0) }.base
      }
    }
    try sandbox.conclude()
  }

  @Test("60 random expressions of 3 variables: gradients match central differences")
  func againstCentralDifferences() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // Central differences of the plain-Double program (elu's kink is crossed
      // only with probability ~ h, and then the tolerance still holds).
      Lab1OracleTests.checkRandomPrograms(
        seed: 7, tolerance: 1e-5, claim: "matches central differences", checkValue: false
      ) { program, x in
        (0..<3).map { i in
          centralDifference(
            { t in
              var y = x
              y[i] = t
              return runOnDouble(program, y)
            }, at: x[i], h: 1e-6)
        }
      }
    }
    try sandbox.conclude()
  }
}

@Suite("Lab1 · elu at its kink")
struct Lab1EluTests {
  @Test("elu and its derivative at 0 and just around it (±1e-12 … ±0.1)")
  func aroundZero() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let zero = Value(0)
      let e0 = zero.elu()
      e0.backward()
      check(e0.data, 0, "elu(0)", abs: 0, hint: "at a = 0 use the a ≤ 0 branch: e⁰ − 1 = 0")
      check(zero.grad, 1, "elu′(0)", abs: 1e-15, hint: "at a = 0 the slope is e⁰ = 1 (both branches agree)")
      for x in [1e-12, -1e-12, 1e-6, -1e-6, 1e-3, -1e-3, 0.1, -0.1] {
        let v = Value(x)
        let e = v.elu()
        e.backward()
        let value = x > 0 ? x : Foundation.expm1(x)
        let slope = x > 0 ? 1 : Foundation.exp(x)
        check(
          e.data, value, "elu(\(num(x)))", abs: 0, rel: 1e-9,
          hint: x > 0 ? "elu(a) = a for a > 0" : "eᵃ − 1 loses digits for tiny a: use Foundation.expm1(data)")
        check(
          v.grad, slope, "elu′(\(num(x)))", abs: 1e-15, rel: 1e-12,
          hint: x > 0 ? "slope 1 for a > 0" : "slope eᵃ for a ≤ 0")
      }
    }
    try sandbox.conclude()
  }

  @Test("elu′ from backward() matches central differences over [−3, 3]")
  func againstCentralDifferences() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      for k in 0...24 {
        let x = -3 + Double(k) / 4
        let v = Value(x)
        v.elu().backward()
        let fd = centralDifference({ Value($0).elu().data }, at: x, h: 1e-6)
        check(
          v.grad, fd, "elu′(\(num(x))) against the central difference", abs: 1e-6, rel: 1e-6,
          hint: "elu′(a) = 1 for a > 0, eᵃ for a ≤ 0")
      }
    }
    try sandbox.conclude()
  }
}
