// lab1 — your scalar autodiff engine beside two oracles.
//
// For a few expressions of two variables it prints the value and the gradient
// from your `Value` engine, from central differences, and from Swift's own
// compiler autodiff (`_Differentiation`), with the relative errors. Then it
// draws elu and its derivative, and the gradient field of a 2-D function.

import FlowCore
import Foundation
import Lab1
import _Differentiation

// MARK: - Two more operations, made here from the public init

// Any function whose derivative you know becomes an operation of the engine:
// its value, and one edge per input carrying the local derivative.
extension Value {
  /// c = sin a,  ∂c/∂a = cos a
  fileprivate func sin() -> Value { Value(Foundation.sin(data), inputs: [(self, Foundation.cos(data))], op: "sin") }
  /// c = cos a,  ∂c/∂a = −sin a
  fileprivate func cos() -> Value { Value(Foundation.cos(data), inputs: [(self, -Foundation.sin(data))], op: "cos") }
}

// MARK: - The expressions, each written twice: on your engine and on Double

/// elu on Double, for `_Differentiation`.
@differentiable(reverse)
func eluDouble(_ x: Double) -> Double {
  if x > 0 { return x }
  return Foundation.exp(x) - 1
}

@differentiable(reverse) func f1(_ x: Double, _ y: Double) -> Double { x * y + Foundation.exp(x) }
@differentiable(reverse) func f2(_ x: Double, _ y: Double) -> Double { Foundation.tanh(x * y) / (1 + x * x) }
@differentiable(reverse) func f3(_ x: Double, _ y: Double) -> Double {
  Foundation.log(1 + x * x) * eluDouble(y) - y / x
}
@differentiable(reverse) func f4(_ x: Double, _ y: Double) -> Double { Foundation.pow(x - y, 3) - 2 * x / y }
@differentiable(reverse) func f5(_ x: Double, _ y: Double) -> Double {
  let u = x * y
  return u * u + u - (-u)
}
@differentiable(reverse) func field(_ x: Double, _ y: Double) -> Double {
  Foundation.sin(x) * Foundation.cos(y) + 0.1 * (x * x + y * y)
}

func fieldOnEngine(_ x: Value, _ y: Value) -> Value { x.sin() * y.cos() + 0.1 * (x * x + y * y) }

struct Expression {
  let name: String
  let at: (x: Double, y: Double)
  let engine: (Value, Value) -> Value
  let double: @differentiable(reverse) (Double, Double) -> Double
}

let expressions: [Expression] = [
  Expression(name: "x·y + eˣ", at: (0.5, -1.5), engine: { x, y in x * y + x.exp() }, double: f1),
  Expression(
    name: "tanh(x·y) / (1 + x²)", at: (0.8, 1.3), engine: { x, y in (x * y).tanh() / (1 + x * x) }, double: f2),
  Expression(
    name: "ln(1 + x²)·elu(y) − y/x", at: (1.5, -0.7), engine: { x, y in (1 + x * x).log() * y.elu() - y / x },
    double: f3),
  Expression(name: "(x − y)³ − 2x/y", at: (2.0, 0.5), engine: { x, y in (x - y).pow(3) - 2 * x / y }, double: f4),
  Expression(
    name: "u·u + u − (−u), u = x·y", at: (1.2, -0.4),
    engine: { x, y in
      let u = x * y  // one node, used four times: its gradient must add up over the uses
      return u * u + u - (-u)
    }, double: f5),
  Expression(
    name: "sin x·cos y + 0.1(x² + y²)", at: (1.0, 2.0), engine: fieldOnEngine, double: field),
]

/// Value and gradient from the engine.
func engineGradient(_ f: (Value, Value) -> Value, _ x: Double, _ y: Double) -> (value: Double, grad: [Double]) {
  let vx = Value(x), vy = Value(y)
  let out = f(vx, vy)
  out.backward()
  return (out.data, [vx.grad, vy.grad])
}

/// ‖got − reference‖ / ‖reference‖ (absolute when the reference is 0).
func relativeError(_ got: [Double], _ reference: [Double]) -> Double {
  let diff = zip(got, reference).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
  let norm = reference.map { $0 * $0 }.reduce(0, +).squareRoot()
  return diff / max(norm, 1e-12)
}

/// A number with 10 significant digits, right-aligned in `width` columns.
func fmt(_ x: Double, _ width: Int = 0) -> String { fmt(String(format: "%.10g", x), width) }

func fmt(_ s: String, _ width: Int) -> String {
  s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}

func sci(_ x: Double) -> String { String(format: "%.1e", x) }

// MARK: - The run

Lab.main(
  LabSpec(
    name: "lab1", title: "scalar reverse-mode autodiff beside finite differences and Swift's _Differentiation",
    options: [
      LabOption("arrows", .int(5...41), default: "17", help: "arrows per side in the gradient-field figure"),
      LabOption("step", .double(1e-8...1e-2), default: "1e-5", help: "step h of the central differences"),
    ])
) { run in
  let h = run.double("step")

  // 1. Expressions: engine vs central differences vs _Differentiation.
  run.say()
  run.say("Gradients of f(x, y) from your engine, central differences (h = \(h)) and Swift's _Differentiation:")
  var rows: [JSONValue] = []
  var worstAD = 0.0, worstFD = 0.0
  for (k, e) in expressions.enumerated() {
    let (x, y) = e.at
    let (value, grad) = engineGradient(e.engine, x, y)
    let f = { (x: Double, y: Double) in e.engine(Value(x), Value(y)).data }
    let fd = [(f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)]
    let ad = gradient(at: x, y, of: e.double)
    let reference = [ad.0, ad.1]
    let errAD = relativeError(grad, reference), errFD = relativeError(grad, fd)
    worstAD = max(worstAD, errAD.isNaN ? .infinity : errAD)
    worstFD = max(worstFD, errFD.isNaN ? .infinity : errFD)
    run.say()
    run.say("  \(k + 1). f = \(e.name)   at (x, y) = (\(x), \(y))   f = \(fmt(value))")
    func row(_ label: String, _ a: String, _ b: String, _ err: String) -> String {
      let head: String = "     " + label + String(repeating: " ", count: max(0, 18 - label.count))
      return head + fmt(a, 18) + fmt(b, 18) + "   " + err
    }
    func row(_ label: String, _ g: [Double], _ err: String) -> String {
      row(label, String(format: "%.10g", g[0]), String(format: "%.10g", g[1]), err)
    }
    run.say(row("", "∂f/∂x", "∂f/∂y", "rel. error"))
    run.say(row("your engine", grad, ""))
    run.say(row("central diff.", fd, sci(errFD)))
    run.say(row("_Differentiation", reference, sci(errAD)))
    rows.append([
      "expression": .string(e.name), "at": JSONValue([x, y]), "value": JSONValue(value),
      "gradient": JSONValue(grad), "central_difference": JSONValue(fd), "differentiation": JSONValue(reference),
      "rel_error_vs_differentiation": JSONValue(errAD), "rel_error_vs_central_difference": JSONValue(errFD),
    ])
  }
  run.say()
  run.say(
    "  largest relative error: \(sci(worstAD)) against _Differentiation, \(sci(worstFD)) against central differences")
  if worstAD > 1e-10 {
    run.say("  ⚠ your gradients disagree with _Differentiation: run `swift test --filter Lab1` to find the operation")
  }
  run.summary["expressions"] = .array(rows)
  run.summary["max_rel_error_vs_differentiation"] = JSONValue(worstAD)
  run.summary["max_rel_error_vs_central_difference"] = JSONValue(worstFD)

  // 2. elu and its derivative over [−3, 3], with central-difference marks.
  let xs = (0...600).map { -3 + Double($0) / 100 }
  var elu: [Double] = [], slope: [Double] = []
  for x in xs {
    let v = Value(x)
    let out = v.elu()
    out.backward()
    elu.append(out.data)
    slope.append(v.grad)
  }
  let marks = (0...24).map { -3 + Double($0) / 4 }
  let eluOf = { (x: Double) in Value(x).elu().data }
  let markSlopes = marks.map { (eluOf($0 + h) - eluOf($0 - h)) / (2 * h) }
  var worstElu = 0.0
  for (x, fdSlope) in zip(marks, markSlopes) {
    let v = Value(x)
    v.elu().backward()
    worstElu = max(worstElu, abs(v.grad - fdSlope))
  }
  var pElu = Plot(title: "elu(x) from your engine", xLabel: "x", yLabel: "elu(x)", xRange: -3...3, yRange: -1.25...3.1)
  pElu.hline(-1, color: .gray, label: "y = −1 (limit as x → −∞)")
  pElu.line(xs, xs, color: .lightGray, dashed: true, label: "y = x")
  pElu.line(xs, elu, color: .blue, width: 2.5, label: "elu(x)")
  pElu.scatter(marks, marks.map(eluOf), color: .blue, radius: 3, label: "elu(x) at the marks")
  var pSlope = Plot(
    title: "its derivative from backward()", xLabel: "x", yLabel: "d elu / dx", xRange: -3...3, yRange: -0.05...1.15)
  pSlope.vline(0, color: .gray)
  pSlope.line(xs, slope, color: .orange, width: 2.5, label: "backward(): e^x for x ≤ 0, 1 for x > 0")
  pSlope.scatter(marks, markSlopes, color: .black, radius: 4, marker: .cross, label: "central difference")
  try run.save(
    Figure([pElu, pSlope], title: "elu and its derivative (crosses: finite differences, h = \(h))").render(),
    "lab1-elu.png")
  run.summary["elu_max_abs_error_derivative_vs_central_difference"] = JSONValue(worstElu)

  // 3. The gradient field of f(x, y) = sin x · cos y + 0.1(x² + y²).
  let n = run.int("arrows")
  let lo = -4.0, hi = 4.0
  let cells = 160
  let heat: [[Double]] = (0..<cells).map { r in
    let y = lo + (Double(r) + 0.5) * (hi - lo) / Double(cells)
    return (0..<cells).map { c in field(lo + (Double(c) + 0.5) * (hi - lo) / Double(cells), y) }
  }
  var ax: [Double] = [], ay: [Double] = [], au: [Double] = [], av: [Double] = []
  var worstField = 0.0
  for i in 0..<n {
    for j in 0..<n {
      let x = lo + (hi - lo) * (Double(i) + 0.5) / Double(n)
      let y = lo + (hi - lo) * (Double(j) + 0.5) / Double(n)
      let (_, g) = engineGradient(fieldOnEngine, x, y)
      let ad = gradient(at: x, y, of: field)
      let err = relativeError(g, [ad.0, ad.1])
      worstField = max(worstField, err.isNaN ? .infinity : err)
      ax.append(x); ay.append(y); au.append(g[0]); av.append(g[1])
    }
  }
  var pField = Plot(
    title: "∇f from your engine: arrows point uphill", xLabel: "x", yLabel: "y", xRange: lo...hi, yRange: lo...hi,
    equalAspect: true)
  pField.heatmap(xRange: lo...hi, yRange: lo...hi, values: heat, colormap: .viridis, colorbarLabel: "f(x, y)")
  pField.arrows(x: ax, y: ay, u: au, v: av, color: .white, label: "∇f = (∂f/∂x, ∂f/∂y)")
  try run.save(
    Figure([pField], panelWidth: 640, panelHeight: 600, title: "f(x, y) = sin x · cos y + 0.1(x² + y²)").render(),
    "lab1-gradient-field.png")
  run.say("  gradient field: \(n)×\(n) arrows, largest relative error against _Differentiation \(sci(worstField))")
  run.summary["gradient_field"] = [
    "function": "sin x · cos y + 0.1(x² + y²)", "range": JSONValue([lo, hi]), "arrows_per_side": JSONValue(n),
    "max_rel_error_vs_differentiation": JSONValue(worstField),
  ]
}
