// lab4 — trains lab 2's MLP on lab 3's batches with the Adam of lab 4, then
// compares the learned vector field with the exact one.
//
//   swift run lab4                       fresh batch every step (the default)
//   swift run lab4 --fixed-batch         the tutorial's recipe: one batch, reused
//   swift run lab4 --compare             both, with a figure comparing them
//
// Writes into --out: lab4-params.bin (the trained parameters, read by lab 5),
// lab4-loss.png, lab4-field.png, (lab4-batches.png with --compare), lab4.json.

import Foundation
import FlowCore
import Lab2
import Lab3
import Lab4

let spec = LabSpec(
  name: "lab4", title: "training the vector field",
  options: [
    LabOption("steps", .int(1...10_000_000), default: "20000", help: "training steps (Adam updates)"),
    LabOption("batch", .int(2...100_000), default: "256", help: "samples per batch, n"),
    LabOption("lr", .double(1e-9...1e9), default: "0.001", help: "Adam's learning rate η"),
    LabOption(
      "fixed-batch", .flag, help: "reuse one batch every step, as the tutorial does (default: a fresh batch each step)"),
    LabOption("compare", .flag, help: "also train with the other batch recipe and draw lab4-batches.png"),
  ])

/// The times at which the learned field is compared with the exact one.
let fieldTimes: [Double] = [0, 0.5, 0.9]
let mixture = GaussianMixture.tutorial

// MARK: - Batches

/// The tutorial's batch: t ~ U(0, 1), x0 ~ N(0, I), x1 from the two clusters.
func drawBatch(_ n: Int, using rng: inout SplitMix64) -> FlowBatch {
  let t = times(n, using: &rng)
  let x0 = noise(n, using: &rng)
  let x1 = twoClusters(n, using: &rng)
  return trainingBatch(x0: x0, x1: x1, t: t)
}

/// Network input for one time t and points x (2×n): t stacked on x.
func networkInput(t: Double, x: Matrix) -> Matrix {
  Matrix.vcat([Matrix(rows: 1, cols: x.cols, repeating: Float(t)), x])
}

/// Points x_t drawn from the path at time t: where the data is at t.
func pathSamples(t: Double, count: Int, using rng: inout SplitMix64) -> Matrix {
  let x0 = noise(count, using: &rng)
  let x1 = twoClusters(count, using: &rng)
  return conditionalPath(x0: x0, x1: x1, t: Matrix(rows: 1, cols: count, repeating: Float(t)))
}

// MARK: - Measures

/// The smallest loss any network can reach: E‖(x1 − x0) − u_t(x_t)‖², the
/// spread of the target around its conditional mean, by Monte Carlo over
/// stratified times. Returns the estimate and its standard error.
func lossFloor(using rng: inout SplitMix64, times strata: Int = 200, perTime: Int = 2000) -> (value: Double, se: Double)
{
  var sum = 0.0, sumSquares = 0.0
  for k in 0..<strata {
    let t = (Double(k) + 0.5) / Double(strata)
    let x0 = noise(perTime, using: &rng)
    let x1 = twoClusters(perTime, using: &rng)
    let xt = conditionalPath(x0: x0, x1: x1, t: Matrix(rows: 1, cols: perTime, repeating: Float(t)))
    let residual = (x1 - x0) - exactField(mixture, t: t, x: xt)
    for e in residual.squared().sumOverRows().storage {
      sum += Double(e)
      sumSquares += Double(e) * Double(e)
    }
  }
  let count = Double(strata * perTime)
  let mean = sum / count
  return (mean, ((sumSquares / count - mean * mean) / count).squareRoot())
}

/// How far the learned field is from the exact one at time t, where the data
/// is: the RMS of ‖v_θ(t, x) − u_t(x)‖ over x ~ p_t (points on the path at t).
/// Also returns the RMS of ‖u_t(x)‖ there, for scale.
func fieldError(_ model: MLP, t: Double, samples: Matrix) -> (error: Double, scale: Double) {
  let exact = exactField(mixture, t: t, x: samples)
  let learned = model(networkInput(t: t, x: samples))
  let n = Double(samples.cols)
  let error = Double((learned - exact).squared().sum()) / n
  let scale = Double(exact.squared().sum()) / n
  return (error.squareRoot(), scale.squareRoot())
}

/// The loss on a large batch the model never trained on.
func heldOutLoss(_ model: MLP, batch: FlowBatch) -> Double {
  Double(flowMatchingLoss(prediction: model(batch.input), target: batch.target))
}

/// Trailing moving average over `window` steps (the first window−1 steps average what there is).
func smoothed(_ xs: [Float], window: Int) -> [Double] {
  var out: [Double] = []
  out.reserveCapacity(xs.count)
  var sum = 0.0
  for (i, x) in xs.enumerated() {
    sum += Double(x)
    if i >= window { sum -= Double(xs[i - window]) }
    out.append(sum / Double(min(i + 1, window)))
  }
  return out
}

func fmt(_ x: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)g", x) }

// MARK: - One training run

struct Outcome {
  var model: MLP
  var losses: [Float]
  var seconds: Double
  var stepsPerSecond: Double { Double(losses.count) / max(seconds, 1e-9) }
}

func trainRun(_ run: LabRun, fixed: Bool, steps: Int, n: Int, lr: Float, label: String) throws -> Outcome {
  var initRng = run.rng("init")
  var model = MLP(sizes: MLP.tutorialSizes, using: &initRng)
  var optimizer = Adam(learningRate: lr)
  var batchRng = run.rng(fixed ? "data" : "batches")
  let fixedBatch = fixed ? drawBatch(n, using: &batchRng) : nil
  let bar = run.progress(steps, label)
  var reported = "loss …"
  let start = Date()
  do {
    let losses = try train(
      model: &model, optimizer: &optimizer, steps: steps,
      nextBatch: { _ in fixedBatch ?? drawBatch(n, using: &batchRng) },
      onStep: { step, loss in
        if step % 50 == 1 || step == steps { reported = "loss \(fmt(Double(loss)))" }  // the tutorial's report
        bar.update(step, reported)
      })
    let seconds = Date().timeIntervalSince(start)
    bar.finish(reported)
    return Outcome(model: model, losses: losses, seconds: seconds)
  } catch let error as NonFiniteLoss {
    bar.finish("stopped")
    throw LabError.failure("\(error) (\(label), lr \(lr))")
  }
}

// MARK: - Figures

let box = -3.0...3.0

func lossPlot(_ curves: [(name: String, losses: [Float], color: RGBA)], floor: Double, window: Int, title: String)
  -> Plot
{
  let all = curves.flatMap(\.losses).map(Double.init).filter { $0.isFinite && $0 > 0 }
  let low = min(all.min() ?? 0.1, floor) * 0.7, high = (all.max() ?? 10) * 1.4
  var p = Plot(
    title: title, xLabel: "step", yLabel: "loss (log scale)", xRange: 0...Double(curves.map(\.losses.count).max() ?? 1),
    yRange: low...high, yScale: .log10)
  for c in curves {
    let steps = (1...max(1, c.losses.count)).map(Double.init)
    p.line(
      steps, c.losses.map(Double.init), color: c.color.withAlpha(0.25), width: 1,
      label: curves.count == 1 ? "loss of each step" : nil)
    p.line(
      steps, smoothed(c.losses, window: window), color: c.color, width: 2.2,
      label: "\(c.name)mean of the last \(window) steps")
  }
  p.hline(
    floor, color: .red, dashed: true,
    label: "loss floor \(String(format: "%.2f", floor)): no network can go lower on fresh data")
  return p
}

/// Arrows of a field on a grid, with one length scale per time so that the
/// learned and exact panels compare; arrows longer than `cap` are shortened to it.
func fieldPlot(_ title: String, grid: Matrix, field: Matrix, cap: Double, scale: Double, color: RGBA, data: Matrix?)
  -> Plot
{
  var p = Plot(title: title, xLabel: "x₁", yLabel: "x₂", xRange: box, yRange: box, equalAspect: true)
  if let data {
    p.scatter(
      data.row(0).map(Double.init), data.row(1).map(Double.init), color: RGBA.gray.withAlpha(0.35), radius: 1.3,
      label: "x_t from the path")
  }
  var u: [Double] = [], v: [Double] = []
  for j in 0..<field.cols {
    let a = Double(field[0, j]), b = Double(field[1, j])
    let length = (a * a + b * b).squareRoot()
    let shrink = length > cap ? cap / length : 1
    u.append(a * shrink); v.append(b * shrink)
  }
  p.arrows(x: grid.row(0).map(Double.init), y: grid.row(1).map(Double.init), u: u, v: v, color: color, scale: scale)
  return p
}

func gridPoints(_ k: Int) -> Matrix {
  var values: [Float] = []
  for i in 0..<k {
    for j in 0..<k {
      let x = box.lowerBound + (box.upperBound - box.lowerBound) * Double(j) / Double(k - 1)
      let y = box.lowerBound + (box.upperBound - box.lowerBound) * Double(i) / Double(k - 1)
      values += [Float(x), Float(y)]
    }
  }
  return Matrix(rows: 2, cols: k * k, columnMajor: values)
}

/// The density of x_t at time t (up to a constant): the mixture's components
/// moved to t·m_k with variance σ_t² = (1 − t)² + t²s².
func mixtureDensity(t: Double, x: Matrix) -> [Double] {
  let variance = (1 - t) * (1 - t) + t * t * mixture.std * mixture.std
  return (0..<x.cols).map { j in
    (0..<mixture.means.cols).reduce(0.0) { sum, k in
      let dx = Double(x[0, j]) - t * Double(mixture.means[0, k]), dy = Double(x[1, j]) - t * Double(mixture.means[1, k])
      return sum + Foundation.exp(-(dx * dx + dy * dy) / (2 * variance)) / variance
    }
  }
}

func percentile(_ xs: [Double], _ q: Double) -> Double {
  let s = xs.sorted()
  return s.isEmpty ? 0 : s[min(s.count - 1, Int(q * Double(s.count - 1)))]
}

func fieldFigure(_ model: MLP, samples: [Matrix], errors: [Double], recipe: String) -> Image {
  let arrowGrid = gridPoints(15)
  let cells = 60
  let heatGrid: Matrix = {
    var values: [Float] = []
    for i in 0..<cells {
      for j in 0..<cells {
        let w = (box.upperBound - box.lowerBound) / Double(cells)
        values += [Float(box.lowerBound + (Double(j) + 0.5) * w), Float(box.lowerBound + (Double(i) + 0.5) * w)]
      }
    }
    return Matrix(rows: 2, cols: cells * cells, columnMajor: values)
  }()
  var exactRow: [Plot] = [], learnedRow: [Plot] = [], differenceRow: [Plot] = []
  let spacing = (box.upperBound - box.lowerBound) / 14
  for (k, t) in fieldTimes.enumerated() {
    let exact = exactField(mixture, t: t, x: arrowGrid)
    let learned = model(networkInput(t: t, x: arrowGrid))
    let lengths = (0..<exact.cols).map { Double(hypot(exact[0, $0], exact[1, $0])) }
    let cap = max(percentile(lengths, 0.9), 1e-6)
    let scale = 0.9 * spacing / cap
    let tText = String(format: "t = %.1f", t)
    exactRow.append(
      fieldPlot(
        "exact u_t, \(tText)", grid: arrowGrid, field: exact, cap: cap, scale: scale, color: .darkGray, data: samples[k]
      ))
    learnedRow.append(
      fieldPlot(
        "learned v_θ, \(tText)", grid: arrowGrid, field: learned, cap: cap, scale: scale, color: .blue, data: samples[k]
      ))

    let difference = (model(networkInput(t: t, x: heatGrid)) - exactField(mixture, t: t, x: heatGrid)).squared()
      .sumOverRows().squareRoot()
    // Only where the data is: cells where p_t is below 0.1% of its peak are left blank.
    let density = mixtureDensity(t: t, x: heatGrid)
    let peak = density.max() ?? 1
    var values: [[Double]] = []
    for i in 0..<cells {
      values.append(
        (0..<cells).map { density[i * cells + $0] >= 1e-3 * peak ? Double(difference[0, i * cells + $0]) : .nan })
    }
    var p = Plot(
      title: "‖v_θ − u_t‖, \(tText): RMS over p_t \(fmt(errors[k], 3))", xLabel: "x₁", yLabel: "x₂", xRange: box,
      yRange: box, equalAspect: true)
    p.heatmap(
      xRange: box, yRange: box, values: values, colormap: .magnitude, valueRange: 0...1,
      colorbarLabel: "‖learned − exact‖ (blank: no data there)")
    let s = samples[k]
    let every = Array(stride(from: 0, to: s.cols, by: max(1, s.cols / 400)))  // both clusters, not the first 400
    p.scatter(
      every.map { Double(s[0, $0]) }, every.map { Double(s[1, $0]) }, color: RGBA.darkGray.withAlpha(0.5), radius: 1.2,
      label: "x_t ~ p_t")
    differenceRow.append(p)
  }
  return Figure(
    exactRow + learnedRow + differenceRow, columns: 3, panelWidth: 460, panelHeight: 440,
    title:
      "Lab 4: the learned field beside the exact field (\(recipe); arrows: direction and speed, longest ones capped)"
  ).render()
}

// MARK: - The run

Lab.main(spec) { run in
  let steps = run.int("steps")
  let n = run.int("batch")
  let lr = Float(run.double("lr"))
  let fixed = run.flag("fixed-batch")
  let recipe = fixed ? "one fixed batch of \(n), reused every step (the tutorial)" : "a fresh batch of \(n) every step"
  run.say("training 3 → 64 → 64 → 64 → 2 with Adam (η = \(run.string("lr"))) for \(steps) steps on \(recipe)")

  var evalRng = run.rng("evaluation")
  let samples = fieldTimes.map { pathSamples(t: $0, count: 4000, using: &evalRng) }
  let heldOut = drawBatch(20_000, using: &evalRng)
  var initRng = run.rng("init")
  let untrained = MLP(sizes: MLP.tutorialSizes, using: &initRng)
  let errorsBefore = zip(fieldTimes, samples).map { fieldError(untrained, t: $0, samples: $1).error }

  let main = try trainRun(run, fixed: fixed, steps: steps, n: n, lr: lr, label: fixed ? "fixed batch" : "fresh batches")
  let window = min(1000, max(1, steps / 10))  // for the reported "smoothed" loss
  let drawnWindow = min(200, max(1, steps / 50))  // for the drawn curve: short enough not to lag
  let smoothedLoss = smoothed(main.losses, window: window).last!
  var floorRng = run.rng("floor")
  let floor = lossFloor(using: &floorRng)
  let measured = zip(fieldTimes, samples).map { fieldError(main.model, t: $0, samples: $1) }
  let heldOutMain = heldOutLoss(main.model, batch: heldOut)

  // The parameters, for lab 5.
  let paramsURL = run.path("lab4-params.bin")
  do {
    try ParameterFile.write(sizes: main.model.sizes, parameters: main.model.parameters, to: paramsURL.path)
  } catch {
    throw LabError.failure("\(error)")
  }
  run.say(
    "  wrote \(paramsURL.lastPathComponent) in --out (\(main.model.parameterCount) parameters, sizes \(main.model.sizes.map(String.init).joined(separator: "→")))"
  )

  // The numbers.
  run.say("")
  run.say(
    "  steps \(steps), batch \(n), lr \(run.string("lr")), \(fixed ? "fixed batch" : "fresh batches"): \(fmt(main.stepsPerSecond, 4)) steps/s (\(fmt(main.seconds, 3)) s)"
  )
  run.say(
    "  loss  first step \(fmt(Double(main.losses.first!)))   last step \(fmt(Double(main.losses.last!)))   mean of last \(window) \(fmt(smoothedLoss))"
  )
  run.say("  loss on 20 000 fresh samples \(fmt(heldOutMain))   loss floor \(fmt(floor.value)) ± \(fmt(floor.se, 2))")
  run.say("")
  run.say("  field error RMS over p_t   before    after    (RMS ‖u_t‖)")
  for (k, t) in fieldTimes.enumerated() {
    run.say(
      String(
        format: "  t = %.1f                   %7.3f  %7.3f    (%.3f)", t, errorsBefore[k], measured[k].error,
        measured[k].scale))
  }

  try run.save(
    Figure(
      [
        lossPlot(
          [(name: "", losses: main.losses, color: .blue)], floor: floor.value, window: drawnWindow,
          title: "Lab 4: training loss, \(fixed ? "fixed batch" : "fresh batches") (n = \(n), lr = \(run.string("lr")))"
        )
      ],
      panelWidth: 760, panelHeight: 460
    ).render(),
    "lab4-loss.png")
  try run.save(
    fieldFigure(
      main.model, samples: samples, errors: measured.map(\.error), recipe: fixed ? "fixed batch" : "fresh batches"),
    "lab4-field.png")

  run.summary["steps"] = JSONValue(steps)
  run.summary["batch"] = JSONValue(n)
  run.summary["lr"] = JSONValue(run.double("lr"))
  run.summary["fixed_batch"] = .bool(fixed)
  run.summary["final_loss"] = JSONValue(main.losses.last!)
  run.summary["smoothed_loss"] = JSONValue(smoothedLoss)
  run.summary["smoothing_window"] = JSONValue(window)
  run.summary["held_out_loss"] = JSONValue(heldOutMain)
  run.summary["loss_floor"] = JSONValue(floor.value)
  run.summary["loss_floor_se"] = JSONValue(floor.se)
  run.summary["field_error_note"] = "RMS of ‖v_θ(t, x) − u_t(x)‖ over x ~ p_t (4000 points from the path at t)"
  run.summary["field_error"] = .object(zip(fieldTimes, measured).map { ("t=\($0)", JSONValue($1.error)) })
  run.summary["field_error_untrained"] = .object(zip(fieldTimes, errorsBefore).map { ("t=\($0)", JSONValue($1)) })
  run.summary["field_scale"] = .object(zip(fieldTimes, measured).map { ("t=\($0)", JSONValue($1.scale)) })
  run.summary["steps_per_second"] = JSONValue(main.stepsPerSecond)
  run.summary["train_seconds"] = JSONValue(main.seconds)
  run.summary["parameters_file"] = "lab4-params.bin"

  // Both recipes side by side: the evidence for the default.
  guard run.flag("compare") else { return }
  run.say("")
  run.say("comparing with \(fixed ? "fresh batches" : "one fixed batch (the tutorial)") …")
  let other = try trainRun(
    run, fixed: !fixed, steps: steps, n: n, lr: lr, label: fixed ? "fresh batches" : "fixed batch")
  let (fresh, tutorial) = fixed ? (other, main) : (main, other)
  let curveTimes = (0...18).map { Double($0) / 20 }
  var curveRng = run.rng("comparison")
  let curveSamples = curveTimes.map { pathSamples(t: $0, count: 2000, using: &curveRng) }
  let freshErrors = zip(curveTimes, curveSamples).map { fieldError(fresh.model, t: $0, samples: $1).error }
  let fixedErrors = zip(curveTimes, curveSamples).map { fieldError(tutorial.model, t: $0, samples: $1).error }
  var errorPlot = Plot(
    title: "learned − exact field, RMS over p_t", xLabel: "t", yLabel: "RMS ‖v_θ − u_t‖ where the data is",
    xRange: 0...1, yRange: 0...(max(freshErrors.max()!, fixedErrors.max()!) * 1.15))
  errorPlot.line(curveTimes, freshErrors, color: .blue, width: 2, label: "fresh batches")
  errorPlot.line(curveTimes, fixedErrors, color: .orange, width: 2, label: "one fixed batch")
  let heldOutFixed = heldOutLoss(tutorial.model, batch: heldOut)
  let heldOutFresh = heldOutLoss(fresh.model, batch: heldOut)
  let comparisonWindow = drawnWindow
  var losses = lossPlot(
    [
      (name: "fresh batches: ", losses: fresh.losses, color: .blue),
      (name: "fixed batch: ", losses: tutorial.losses, color: .orange),
    ],
    floor: floor.value, window: comparisonWindow, title: "training loss: fixed batch vs fresh batches")
  losses.text(
    "loss on fresh data after training: fixed \(fmt(heldOutFixed, 3)), fresh \(fmt(heldOutFresh, 3))",
    x: Double(steps) * 0.03, y: max(floor.value, 0.01) * 0.45, color: .darkGray)
  try run.save(
    Figure(
      [losses, errorPlot], columns: 2, panelWidth: 640, panelHeight: 460,
      title: "Lab 4: a fixed batch is memorised; fresh batches learn the field"
    ).render(), "lab4-batches.png")
  run.say(
    "  fixed batch: last-\(window) training loss \(fmt(smoothed(tutorial.losses, window: window).last!)), on fresh data \(fmt(heldOutFixed))"
  )
  run.say(
    "  fresh:       last-\(window) training loss \(fmt(smoothed(fresh.losses, window: window).last!)), on fresh data \(fmt(heldOutFresh))"
  )
  run.summary["comparison"] = [
    "fixed_smoothed_loss": JSONValue(smoothed(tutorial.losses, window: window).last!),
    "fixed_held_out_loss": JSONValue(heldOutFixed),
    "fresh_smoothed_loss": JSONValue(smoothed(fresh.losses, window: window).last!),
    "fresh_held_out_loss": JSONValue(heldOutFresh),
    "times": JSONValue(curveTimes),
    "fixed_field_error": JSONValue(fixedErrors),
    "fresh_field_error": JSONValue(freshErrors),
  ]
}
