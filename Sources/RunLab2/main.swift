// lab2 — the MLP and batched backprop.
//
// 1. Gradient check: a small net's batched gradients (your Dense/MLP backward)
//    against lab 1's scalar engine on the same net, and against central
//    differences of your forward pass.
// 2. Plain SGD fits a known 2-D vector field (a spiral onto the unit circle).
// 3. Figures: the learned field beside the true one, the loss curve, the
//    gradient check. Summary: lab2.json.
// 4. Time of one forward + backward of the tutorial's MLP on 256 samples.

import FlowCore
import Foundation
import Lab1
import Lab2

let spec = LabSpec(
  name: "lab2", title: "the MLP and batched backprop",
  options: [
    LabOption("steps", .int(1...1_000_000), default: "6000", help: "SGD steps of the regression"),
    LabOption("learning-rate", .double(1e-6...10), default: "0.03", help: "SGD step size η"),
    LabOption(
      "batch", .int(1...100_000), default: "256", help: "fresh samples drawn for each SGD step"),
    LabOption(
      "hidden", .int(1...1024), default: "64",
      help: "width of the regression net's two hidden layers"),
  ])

/// The square the regression is trained and drawn on.
let domain: ClosedRange<Double> = -1.5...1.5

/// Relative error with small numbers compared absolutely: |a − b| / max(|a|, |b|, 10⁻³).
func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(a), abs(b), 1e-3) }

/// "∂L/∂W₂ (1, 3)" for entry k of parameter matrix m (or the input when m is past the parameters).
func entryName(_ m: Int, _ k: Int, shapes: [Matrix]) -> String {
  let sub = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
  let name =
    m == shapes.count - 1 ? "∂L/∂x" : (m % 2 == 0 ? "∂L/∂W" : "∂L/∂b") + sub[(m / 2 + 1) % 10]
  return "\(name) (\(k % shapes[m].rows), \(k / shapes[m].rows))"
}

func pad(_ s: String, _ width: Int) -> String {
  s + String(repeating: " ", count: max(0, width - s.count))
}

Lab.main(spec) { run in
  // MARK: 1. Gradient check
  let checkSizes = [3, 5, 4, 2]
  let checkSamples = 7
  var checkRng = run.rng("gradient check")
  let small = MLP(sizes: checkSizes, using: &checkRng)
  let x = Matrix.normal(3, checkSamples, using: &checkRng)
  let y = Matrix.normal(2, checkSamples, using: &checkRng)

  // Batched: one forward, one backward, every sample at once.
  let (prediction, caches) = small.forward(x)
  let (batchedLoss, gradOutput) = regressionLoss(prediction: prediction, target: y)
  let batched = small.backward(gradOutput, caches: caches)
  let batchedGrads = batched.parameters + [batched.input]
  let point = small.parameters + [x]

  // Scalar: the same net built out of lab 1's Values, one number per node.
  let leaves = point.map { m in m.storage.map { Value(Double($0)) } }
  var squares: [Value] = []
  for s in 0..<checkSamples {
    var h = (0..<checkSizes[0]).map { leaves.last![$0 + s * checkSizes[0]] }
    for k in 0..<(checkSizes.count - 1) {
      let (fanIn, fanOut) = (checkSizes[k], checkSizes[k + 1])
      let (w, b) = (leaves[2 * k], leaves[2 * k + 1])
      h = (0..<fanOut).map { i in
        var z = b[i]
        for j in 0..<fanIn { z = z + w[i + j * fanOut] * h[j] }
        return k < checkSizes.count - 2 ? z.elu() : z
      }
    }
    for i in 0..<checkSizes.last! {
      let d = h[i] - Double(y[i, s])
      squares.append(d * d)
    }
  }
  let scalarLoss = squares.dropFirst().reduce(squares[0], +) / Double(checkSamples)
  scalarLoss.backward()

  // Central differences of the batched forward, in Float.
  let h: Float = 1e-2
  func lossAt(_ p: [Matrix]) -> Float {
    var net = small
    net.parameters = Array(p.dropLast())
    return regressionLoss(prediction: net(p.last!), target: y).loss
  }

  var worstScalar = (error: 0.0, at: "")
  var worstNumeric = (error: 0.0, at: "")
  var scatterPoints: [(reference: Double, batched: Double, numeric: Double)] = []
  for m in point.indices {
    for k in 0..<point[m].count {
      let mine = Double(batchedGrads[m].storage[k])
      let scalar = leaves[m][k].grad
      var plus = point
      var minus = point
      plus[m].storage[k] += h
      minus[m].storage[k] -= h
      let numeric = Double((lossAt(plus) - lossAt(minus)) / (2 * h))
      scatterPoints.append((scalar, mine, numeric))
      let e1 = relativeError(mine, scalar)
      let e2 = relativeError(mine, numeric)
      if !(e1 <= worstScalar.error) { worstScalar = (e1, entryName(m, k, shapes: point)) }
      if !(e2 <= worstNumeric.error) { worstNumeric = (e2, entryName(m, k, shapes: point)) }
    }
  }
  let checkedCount = point.reduce(0) { $0 + $1.count }
  let scalarOK = worstScalar.error < 1e-4
  let numericOK = worstNumeric.error < 2e-2
  run.say("")
  run.say(
    "gradient check · \(checkSizes.map(String.init).joined(separator: " → ")) on \(checkSamples) samples, "
      + "\(small.parameterCount) parameters + \(x.count) inputs, loss \(String(format: "%.5f", batchedLoss)) "
      + "(lab 1: \(String(format: "%.5f", scalarLoss.data)))")
  run.say("  \(pad("your batched gradients against", 44)) worst rel. error   at")
  run.say(
    "  \(pad("lab 1's scalar engine (Double)", 44)) \(pad(String(format: "%.1e", worstScalar.error), 17)) \(worstScalar.at)  \(scalarOK ? "✓" : "✗ (expected < 1e-4)")"
  )
  run.say(
    "  \(pad("central differences (Float, h = 10⁻²)", 44)) \(pad(String(format: "%.1e", worstNumeric.error), 17)) \(worstNumeric.at)  \(numericOK ? "✓" : "✗ (expected < 2e-2)")"
  )
  run.say(
    "  (relative error |a − b| / max(|a|, |b|, 10⁻³); Float keeps ~7 digits, a central difference about half of them)"
  )
  if !scalarOK || !numericOK {
    run.say(
      "  ✗ the batched gradients disagree: check Dense.backward (shapes: ∂W out×in, ∂b out×1, ∂x in×n) and MLP.backward"
    )
  }
  run.summary["gradient_check"] = [
    "sizes": JSONValue(checkSizes.map(Double.init)), "samples": JSONValue(checkSamples),
    "numbers_checked": JSONValue(checkedCount),
    "worst_relative_error_vs_lab1": JSONValue(worstScalar.error),
    "worst_relative_error_vs_central_differences": JSONValue(worstNumeric.error),
    "central_difference_step": 0.01,
  ]

  // MARK: 2. SGD regression of a known field
  let steps = run.int("steps")
  let batch = run.int("batch")
  let hidden = run.int("hidden")
  let learningRate = Float(run.double("learning-rate"))
  let sizes = [2, hidden, hidden, 2]
  var initRng = run.rng("init")
  var dataRng = run.rng("data")
  var evalRng = run.rng("evaluation")
  var model = MLP(sizes: sizes, using: &initRng)
  let (lo, hi) = (Float(domain.lowerBound), Float(domain.upperBound))
  let evalPoints = Matrix.uniform(2, 2048, in: lo, hi, using: &evalRng)
  let evalTarget = spiralField(evalPoints)
  func evalLoss() -> Float {
    regressionLoss(prediction: model(evalPoints), target: evalTarget).loss
  }

  run.say("")
  run.say(
    "regression · v(x, y) = (−y, x) + ½(1 − x² − y²)(x, y) on [−1.5, 1.5]², net \(sizes.map(String.init).joined(separator: " → ")) "
      + "(\(model.parameterCount) parameters), SGD η = \(run.string("learning-rate")), \(batch) fresh samples per step"
  )
  let initialLoss = evalLoss()
  var trainCurve: [(Int, Float)] = []
  var evalCurve: [(Int, Float)] = [(0, initialLoss)]
  let evalEvery = max(1, steps / 200)
  let bar = run.progress(steps, "training")
  for step in 1...steps {
    let xb = Matrix.uniform(2, batch, in: lo, hi, using: &dataRng)
    let loss = regressionStep(
      &model, input: xb, target: spiralField(xb), learningRate: learningRate)
    guard loss.isFinite else {
      bar.finish()
      throw LabError.failure(
        "the loss became \(loss) at step \(step); try a smaller --learning-rate (now \(run.string("learning-rate")))"
      )
    }
    trainCurve.append((step, loss))
    if step % evalEvery == 0 || step == steps { evalCurve.append((step, evalLoss())) }
    bar.update(step, String(format: "loss %.4f", loss))
  }
  let finalLoss = evalLoss()
  bar.finish(String(format: "loss %.4f", finalLoss))
  run.say("  \(pad("", 22)) loss on 2 048 held-out points")
  run.say("  \(pad("before training", 22)) \(String(format: "%.5f", initialLoss))")
  run.say("  \(pad("after \(steps) steps", 22)) \(String(format: "%.5f", finalLoss))")

  // MARK: 3. Figures
  let n = 17
  let ticks = (0..<n).map {
    domain.lowerBound + (domain.upperBound - domain.lowerBound) * Double($0) / Double(n - 1)
  }
  let grid = Matrix(
    rows: 2, cols: n * n,
    columnMajor: ticks.flatMap { gy in ticks.flatMap { gx in [Float(gx), Float(gy)] } })
  let spacing = ticks[1] - ticks[0]
  let circle = (0...120).map { 2 * Double.pi * Double($0) / 120 }

  func fieldPanel(_ field: (Matrix) -> Matrix, _ title: String) -> Plot {
    var p = Plot(
      title: title, xLabel: "x", yLabel: "y", xRange: domain, yRange: domain, equalAspect: true)
    // Speed as colour, direction as arrows of one length.
    let m = 160
    let cells = (0..<m).map { r -> [Double] in
      let yv = domain.lowerBound + (Double(r) + 0.5) * 3 / Double(m)
      let row = Matrix(
        rows: 2, cols: m,
        columnMajor: (0..<m).flatMap { c in
          [Float(domain.lowerBound + (Double(c) + 0.5) * 3 / Double(m)), Float(yv)]
        })
      let f = field(row)
      return (f * f).sumOverRows().squareRoot().storage.map(Double.init)
    }
    p.heatmap(
      xRange: domain, yRange: domain, values: cells, colormap: .magnitude, valueRange: 0...4.5,
      colorbarLabel: "speed |v|")
    let v = field(grid)
    var us: [Double] = []
    var vs: [Double] = []
    for j in 0..<v.cols {
      let (a, b) = (Double(v[0, j]), Double(v[1, j]))
      let len = max((a * a + b * b).squareRoot(), 1e-9)
      us.append(a / len)
      vs.append(b / len)
    }
    p.arrows(
      x: grid.row(0).map(Double.init), y: grid.row(1).map(Double.init), u: us, v: vs, color: .blue,
      scale: 0.75 * spacing)
    p.line(
      circle.map { cos($0) }, circle.map { sin($0) }, color: .darkGray, width: 1.5, dashed: true,
      label: "unit circle (the limit cycle)")
    return p
  }
  let fieldFigure = Figure(
    [
      fieldPanel(spiralField, "true field v(x, y)"),
      fieldPanel({ model($0) }, "learned field v_θ(x, y) after \(steps) SGD steps"),
    ],
    columns: 2, panelWidth: 560, panelHeight: 520,
    title: "lab 2 · the spiral field and the MLP's fit (arrows: direction, colour: speed)")
  try run.save(fieldFigure.render(), "lab2-field.png")

  var lossPlot = Plot(
    title: "SGD on the spiral field, learning rate \(run.string("learning-rate")), batch \(batch)",
    xLabel: "step",
    yLabel: "loss = mean over samples of |v_θ − v|²", xRange: 0...Double(steps), yScale: .log10)
  lossPlot.line(
    trainCurve.map { Double($0.0) }, trainCurve.map { Double($0.1) },
    color: RGBA.blue.withAlpha(0.35), width: 1,
    label: "training batch (fresh samples each step)")
  lossPlot.line(
    evalCurve.map { Double($0.0) }, evalCurve.map { Double($0.1) }, color: .orange, width: 2.5,
    label: "held-out points (2 048)")
  lossPlot.hline(
    Double(finalLoss), color: .gray, dashed: true, label: String(format: "final %.4f", finalLoss))
  try run.save(Figure([lossPlot], panelWidth: 720, panelHeight: 460).render(), "lab2-loss.png")

  var agree = Plot(
    title: "your gradient against the references", xLabel: "reference gradient",
    yLabel: "your batched gradient", equalAspect: true)
  let gMin = scatterPoints.map { min($0.reference, $0.batched) }.min() ?? -1
  let gMax = scatterPoints.map { max($0.reference, $0.batched) }.max() ?? 1
  agree.line(
    [gMin, gMax], [gMin, gMax], color: .gray, width: 1, dashed: true, label: "equal (y = x)")
  agree.scatter(
    scatterPoints.map(\.reference), scatterPoints.map(\.batched), color: .blue, radius: 4,
    label: "vs lab 1's scalar engine")
  agree.scatter(
    scatterPoints.map(\.numeric), scatterPoints.map(\.batched), color: .orange, radius: 3,
    marker: .cross,
    label: "vs central differences")
  var errors = Plot(
    title: "relative error of each of the \(checkedCount) numbers",
    xLabel: "entry: W1 | b1 | W2 | b2 | W3 | b3 | x  (dotted lines between blocks)",
    yLabel: "relative error", yScale: .log10)
  let idx = scatterPoints.indices.map(Double.init)
  var boundary = 0
  for m in point.dropLast() {
    boundary += m.count
    errors.vline(Double(boundary) - 0.5, color: .lightGray, dashed: true)
  }
  errors.scatter(
    idx, scatterPoints.map { max(relativeError($0.batched, $0.reference), 1e-12) }, color: .blue,
    radius: 3,
    label: "vs lab 1 (Double)")
  errors.scatter(
    idx, scatterPoints.map { max(relativeError($0.batched, $0.numeric), 1e-12) }, color: .orange,
    radius: 3,
    marker: .cross, label: "vs central differences (Float)")
  try run.save(
    Figure(
      [agree, errors], columns: 2, panelWidth: 560, panelHeight: 480,
      title: "lab 2 · gradient check on 3 → 5 → 4 → 2, 7 samples"
    ).render(), "lab2-gradient-check.png")

  // MARK: 4. Speed of the tutorial's MLP
  var benchRng = run.rng("benchmark")
  let tutorial = MLP(sizes: MLP.tutorialSizes, using: &benchRng)
  let benchInput = Matrix.normal(3, 256, using: &benchRng)
  let benchGrad = Matrix.normal(2, 256, using: &benchRng)
  var times: [Double] = []
  var sink: Float = 0
  let start = Date()
  while times.count < 400 && (times.count < 20 || Date().timeIntervalSince(start) < 1.0) {
    let t0 = Date()
    let (out, cs) = tutorial.forward(benchInput)
    let g = tutorial.backward(benchGrad, caches: cs)
    sink += out[0, 0] + g.input[0, 0]
    times.append(Date().timeIntervalSince(t0))
  }
  times.sort()
  let median = times[times.count / 2]
  let flops =
    3.0 * 2 * 256
    * Double(zip(MLP.tutorialSizes, MLP.tutorialSizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 })
  #if DEBUG
    let build = "debug build"
  #else
    let build = "release build"
  #endif
  run.say("")
  run.say(
    "speed · forward + backward of 3 → 64 → 64 → 64 → 2 (\(tutorial.parameterCount) parameters) on 256 samples, \(build), kernel \(Matrix.kernelISA)"
  )
  run.say(
    String(
      format: "  %.3f ms per forward + backward (median of %d), %.1f MFLOP → %.2f GFLOP/s%@",
      median * 1e3, times.count,
      flops / 1e6, flops / median / 1e9, sink.isNaN ? " (NaN seen)" : ""))

  run.summary["parameter_count"] = JSONValue(tutorial.parameterCount)
  run.summary["regression"] = [
    "field": "(−y, x) + ½(1 − x² − y²)(x, y) on [−1.5, 1.5]²",
    "sizes": JSONValue(sizes.map(Double.init)),
    "parameter_count": JSONValue(model.parameterCount), "steps": JSONValue(steps),
    "batch": JSONValue(batch),
    "learning_rate": JSONValue(run.double("learning-rate")), "initial_loss": JSONValue(initialLoss),
    "final_loss": JSONValue(finalLoss),
  ]
  run.summary["final_loss"] = JSONValue(finalLoss)
}
