// lab5 — sampling by solving the ODE.
//
// Loads the network lab 4 trained (or trains one with --train), moves fresh
// noise from t = 0 to t = 1 along the learned field with your solver, and
// shows the two clusters appear. Then measures the order of accuracy of your
// Euler and midpoint steps on lab 3's exact field.

import Foundation
import FlowCore
import Lab2
import Lab3
import Lab4
import Lab5

let spec = LabSpec(
  name: "lab5", title: "sampling by solving the ODE dx/dt = v(t, x) from noise to data",
  options: [
    LabOption("params", .path, default: "figures/yours/lab4-params.bin", help: "lab 4's trained parameters"),
    LabOption("train", .flag, help: "train a network with lab 4's code first (ignores --params)"),
    LabOption("train-steps", .int(1...200_000), default: "20000", help: "training steps with --train"),
    LabOption("samples", .int(2...100_000), default: "256", help: "noise points to move"),
    LabOption("steps", .int(1...4096), default: "8", help: "solver steps over [0, 1]"),
    LabOption("method", .choice(["euler", "midpoint"]), default: "midpoint", help: "the solver"),
  ])

/// The target's cluster centres, 2×2: (1, 1) and (−1, −1).
let centres = GaussianMixture.tutorial.means
/// Colours of the points that end near (1, 1) and near (−1, −1).
let clusterColours: [RGBA] = [.blue, .orange]
let exact: VectorField = { t, x in exactField(.tutorial, t: Double(t), x: x) }

// MARK: - Training (--train)

func trainNetwork(_ run: LabRun) throws -> MLP {
  let steps = run.int("train-steps")
  var initRNG = run.rng("init")
  var dataRNG = run.rng("train-data")
  var model = MLP(sizes: MLP.tutorialSizes, using: &initRNG)
  var optimizer = Adam()
  let bar = run.progress(steps, "training")
  var last: Float = .nan
  do {
    _ = try train(
      model: &model, optimizer: &optimizer, steps: steps,
      nextBatch: { _ in
        // A fresh batch every step: new noise, data and times.
        let x0 = noise(256, using: &dataRNG)
        let x1 = twoClusters(256, using: &dataRNG)
        let t = times(256, using: &dataRNG)
        return trainingBatch(x0: x0, x1: x1, t: t)
      },
      onStep: { step, loss in
        last = loss
        if step % 50 == 0 { bar.update(step, String(format: "loss %.3f", loss)) }
      })
  } catch let e as NonFiniteLoss {
    throw LabError.failure("\(e)")
  }
  bar.finish(String(format: "loss %.3f", last))
  let path = run.path("lab5-trained-params.bin").path
  do {
    try ParameterFile.write(sizes: model.sizes, parameters: model.parameters, to: path)
  } catch {
    throw LabError.failure("\(error)")
  }
  run.say("  wrote \(run.displayPath(path)) (reuse it with --params)")
  return model
}

extension LabRun {
  func displayPath(_ path: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath + "/"
    return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
  }
}

// MARK: - Figures

func nearestCentre(_ x: Float, _ y: Float) -> Int {
  let d0 = (x - 1) * (x - 1) + (y - 1) * (y - 1)
  let d1 = (x + 1) * (x + 1) + (y + 1) * (y + 1)
  return d0 <= d1 ? 0 : 1
}

func doubles(_ m: Matrix, row: Int) -> [Double] { m.row(row).map(Double.init) }

func markCentres(_ p: inout Plot, label: String? = "true centres") {
  p.scatter([1, -1], [1, -1], color: .red, radius: 7, marker: .plus, label: label)
}

func samplesFigure(samples: Matrix, target: Matrix, method: ODEMethod, steps: Int, report: ClusterReport) -> Figure {
  var p = Plot(
    title: "Samples at t = 1 (\(method.rawValue), \(steps) steps)", xLabel: "x₁", yLabel: "x₂",
    xRange: -3...3, yRange: -3...3, equalAspect: true)
  p.scatter(doubles(target, row: 0), doubles(target, row: 1), color: .lightGray, radius: 3, label: "target data")
  p.scatter(
    doubles(samples, row: 0), doubles(samples, row: 1), color: RGBA.blue.withAlpha(0.7), radius: 2.5, label: "generated"
  )
  markCentres(&p)
  let shares = report.clusters.map { String(format: "%.0f%%", 100 * $0.share) }
  p.text("\(shares[0]) near (1, 1)", x: 1.2, y: 0.55, color: .darkGray)
  p.text("\(shares[1]) near (−1, −1)", x: -0.8, y: -1.45, color: .darkGray)
  return Figure([p], panelWidth: 560, panelHeight: 540)
}

func trajectoryPanel(_ traj: [Matrix], title: String, count: Int) -> Plot {
  var p = Plot(title: title, xLabel: "x₁", yLabel: "x₂", xRange: -3...3, yRange: -3...3, equalAspect: true)
  let first = traj.first!, last = traj.last!
  let shown = min(count, first.cols)
  for j in 0..<shown {
    let xs = traj.map { Double($0[0, j]) }, ys = traj.map { Double($0[1, j]) }
    let k = nearestCentre(last[0, j], last[1, j])
    p.line(xs, ys, color: clusterColours[k].withAlpha(0.45), width: 1.2)
  }
  let cols = 0..<shown
  p.scatter(
    cols.map { Double(first[0, $0]) }, cols.map { Double(first[1, $0]) }, color: .gray, radius: 2,
    label: "start (noise, t = 0)")
  for k in 0..<2 {
    let js = cols.filter { nearestCentre(last[0, $0], last[1, $0]) == k }
    let name = k == 0 ? "end near (1, 1)" : "end near (−1, −1)"
    p.scatter(
      js.map { Double(last[0, $0]) }, js.map { Double(last[1, $0]) }, color: clusterColours[k], radius: 2.5, label: name
    )
  }
  markCentres(&p, label: nil)
  return p
}

func trajectoriesFigure(network: [Matrix], exact: [Matrix], method: ODEMethod, steps: Int) -> Figure {
  Figure(
    [
      trajectoryPanel(network, title: "Learned field (the network)", count: 96),
      trajectoryPanel(exact, title: "Exact field (lab 3)", count: 96),
    ],
    panelWidth: 520, panelHeight: 500,
    title: "Trajectories from noise to data: \(method.rawValue), \(steps) steps, same starting points")
}

func snapshotsFigure(_ traj: [Matrix], steps: Int) -> Figure {
  // Up to five times on the solver's grid, from t = 0 to t = 1.
  let wanted = [0.0, 0.25, 0.5, 0.75, 1.0]
  var indices: [Int] = []
  for t in wanted {
    let k = Int((t * Double(steps)).rounded())
    if indices.last != k { indices.append(k) }
  }
  let final = traj.last!
  let plots = indices.map { k -> Plot in
    let t = Double(k) / Double(steps)
    var p = Plot(
      title: String(format: "t = %.3g", t), xLabel: "x₁", yLabel: "x₂", xRange: -3...3, yRange: -3...3,
      equalAspect: true)
    let x = traj[k]
    for c in 0..<2 {
      let js = (0..<x.cols).filter { nearestCentre(final[0, $0], final[1, $0]) == c }
      p.scatter(
        js.map { Double(x[0, $0]) }, js.map { Double(x[1, $0]) }, color: clusterColours[c].withAlpha(0.75), radius: 2,
        label: k == 0 ? (c == 0 ? "ends near (1, 1)" : "ends near (−1, −1)") : nil)
    }
    markCentres(&p, label: k == 0 ? "true centres" : nil)
    return p
  }
  return Figure(
    plots, columns: plots.count, panelWidth: 340, panelHeight: 340,
    title: "The samples on their way: noise at t = 0, data at t = 1 (colour = where each point ends)")
}

func orderFigure(stepCounts: [Int], errors: [ODEMethod: [Double]], order: [ODEMethod: Double], referenceSteps: Int)
  -> Figure
{
  var p = Plot(
    title: "Error vs steps on the exact field", xLabel: "steps over [0, 1]",
    yLabel: "RMS error at t = 1", xScale: .log10, yScale: .log10)
  let xs = stepCounts.map(Double.init)
  let e = errors[.euler]!, m = errors[.midpoint]!
  // Reference slopes, parallel to each method's line and just below it.
  let slope1 = xs.map { 0.5 * e.last! * pow(xs.last! / $0, 1) }
  let slope2 = xs.map { 0.5 * m.last! * pow(xs.last! / $0, 2) }
  p.line(xs, slope1, color: .gray, width: 1.2, dashed: true, label: "slope −1 (first order)")
  p.line(xs, slope2, color: .darkGray, width: 1.2, dashed: true, label: "slope −2 (second order)")
  p.line(xs, e, color: .blue, width: 2, label: String(format: "Euler (observed order %.2f)", order[.euler]!))
  p.scatter(xs, e, color: .blue, radius: 3.5)
  p.line(xs, m, color: .orange, width: 2, label: String(format: "midpoint (observed order %.2f)", order[.midpoint]!))
  p.scatter(xs, m, color: .orange, radius: 3.5, marker: .square)
  return Figure([p], panelWidth: 620, panelHeight: 500)
}

// MARK: - The run

Lab.main(spec) { run in
  let n = run.int("samples")
  let steps = run.int("steps")
  let method = ODEMethod(rawValue: run.string("method"))!

  // MARK: The network

  let model: MLP
  let source: String
  if run.flag("train") {
    model = try trainNetwork(run)
    source = "trained here (\(run.int("train-steps")) steps)"
  } else {
    let path = run.string("params")
    do {
      let file = try ParameterFile.read(from: path, expectedSizes: MLP.tutorialSizes)
      var rng = run.rng("unused-init")
      var m = MLP(sizes: file.sizes, using: &rng)
      m.parameters = file.parameters
      model = m
      source = path
    } catch let problem as ParameterFile.Problem {
      var text = "\(problem)"
      if !FileManager.default.fileExists(atPath: path) {
        text += """

            lab 5 samples from the network lab 4 trains. Make it first with
              swift run lab4                      (writes figures/yours/lab4-params.bin)
            or point to a parameter file with --params PATH,
            or let lab 5 train one now with --train (about 10 s).
          """
      }
      throw LabError.failure(text)
    }
  }
  run.say("network: \(model.sizes.map(String.init).joined(separator: "→")), from \(source)")

  // MARK: Sampling

  var noiseRNG = run.rng("noise")
  let x0 = noise(n, using: &noiseRNG)
  let field = networkField(model)
  run.say(
    "moving \(n) noise points from t = 0 to t = 1: \(method.rawValue), \(steps) steps, \(steps * method.evaluationsPerStep) network evaluations"
  )
  let (samples, trajectory) = sample(field, from: x0, steps: steps, method: method, record: true)
  guard samples.isFinite else {
    throw LabError.failure(
      "the samples are not finite numbers (NaN or ∞): check your step functions and the parameter file")
  }
  guard trajectory.count == steps + 1 else {
    throw LabError.failure(
      "sample(record: true) returned \(trajectory.count) matrices; expected steps + 1 = \(steps + 1) (x0 first)")
  }

  // Fresh target samples: for the figures and the energy distance. The
  // floor: independent draws from the target itself (cluster sizes vary,
  // as a sampler's do) are this far from the same target samples.
  var targetRNG = run.rng("target")
  let target = twoClusters(n, using: &targetRNG)
  let target2 = mixtureDraws(centres: centres, std: 0.05, n, using: &targetRNG)

  let report = clusterReport(samples, centres: centres)
  let energy = energyDistance(samples, target)
  let energyFloor = energyDistance(target2, target)
  let energyNoise = energyDistance(x0, target)

  // The same noise moved along the exact field, for comparison.
  let (exactSamples, exactTrajectory) = sample(exact, from: x0, steps: steps, method: method, record: true)
  let exactEnergy = energyDistance(exactSamples, target)

  // MARK: Order of accuracy on the exact field

  var orderRNG = run.rng("order")
  let z = noise(256, using: &orderRNG)
  let referenceSteps = 4096
  let reference = sample(exact, from: z, steps: referenceSteps, method: .midpoint).final
  let stepCounts = [4, 8, 16, 32, 64, 128, 256]
  var errors: [ODEMethod: [Double]] = [:]
  for m in ODEMethod.allCases {
    errors[m] = stepCounts.map { rmsDistance(sample(exact, from: z, steps: $0, method: m).final, reference) }
  }
  // Fit where both methods are in their asymptotic regime (the field is
  // steep near t = 1, so the first few step counts are still settling).
  let fitFrom = 2  // steps ≥ 16
  let order = ODEMethod.allCases.reduce(into: [ODEMethod: Double]()) { o, m in
    o[m] = observedOrder(steps: Array(stepCounts[fitFrom...]), errors: Array(errors[m]![fitFrom...]))
  }

  // MARK: Report

  run.say("")
  run.say("cluster        share   mean              std              within 0.25  within 0.5")
  for c in report.clusters {
    run.say(
      String(
        format: "(%+.0f, %+.0f)      %.3f   (%+.3f, %+.3f)  (%.3f, %.3f)   %.3f        %.3f", c.centre[0], c.centre[1],
        c.share, c.mean[0], c.mean[1], c.std[0], c.std[1], c.within[0], c.within[1]))
  }
  run.say(String(format: "target         0.500   (±1.000, ±1.000)  (%.3f, %.3f)", 0.05, 0.05))
  run.say("")
  run.say(String(format: "energy distance to fresh target samples: %.4f", energy))
  run.say(
    String(
      format: "  for comparison: independent target draws %.4f, the noise itself %.4f, exact field + same solver %.4f",
      energyFloor, energyNoise, exactEnergy))
  run.say("")
  run.say("error vs steps on the exact field (RMS distance to midpoint with \(referenceSteps) steps):")
  run.say("steps    euler       midpoint")
  for (k, s) in stepCounts.enumerated() {
    run.say(String(format: "%5d    %.3e   %.3e", s, errors[.euler]![k], errors[.midpoint]![k]))
  }
  run.say(
    String(
      format: "observed order (fit over %d…%d steps): euler %.2f, midpoint %.2f", stepCounts[fitFrom], stepCounts.last!,
      order[.euler]!, order[.midpoint]!))
  run.say("")

  // MARK: Files

  var csv = "x,y,cluster\n"
  let names = report.clusters.map { c in String(format: "(%+.0f,%+.0f)", c.centre[0], c.centre[1]) }
  for j in 0..<samples.cols {
    let k = nearestCentre(samples[0, j], samples[1, j])
    csv += "\(samples[0, j]),\(samples[1, j]),\"\(names[k])\"\n"
  }
  try run.save(text: csv, "lab5-samples.csv")

  try run.save(
    samplesFigure(samples: samples, target: target, method: method, steps: steps, report: report).render(),
    "lab5-samples.png")
  try run.save(
    trajectoriesFigure(network: trajectory, exact: exactTrajectory, method: method, steps: steps).render(),
    "lab5-trajectories.png")
  try run.save(snapshotsFigure(trajectory, steps: steps).render(), "lab5-snapshots.png")
  try run.save(
    orderFigure(stepCounts: stepCounts, errors: errors, order: order, referenceSteps: referenceSteps).render(),
    "lab5-order.png")

  let s = run.summary
  s["params"] = .string(source)
  s["samples"] = JSONValue(n)
  s["method"] = .string(method.rawValue)
  s["steps"] = JSONValue(steps)
  s["network_evaluations"] = JSONValue(steps * method.evaluationsPerStep)
  s["clusters"] = .array(
    report.clusters.map { c in
      .object([
        ("centre", JSONValue(c.centre)), ("share", JSONValue(c.share)), ("count", JSONValue(c.count)),
        ("mean", JSONValue(c.mean)), ("std", JSONValue(c.std)),
        ("within_0.25", JSONValue(c.within[0])), ("within_0.5", JSONValue(c.within[1])),
      ])
    })
  s["within_0.25_of_a_centre"] = JSONValue(report.withinAny(0))
  s["within_0.5_of_a_centre"] = JSONValue(report.withinAny(1))
  s["cluster_balance"] = JSONValue(report.balance)
  s["energy_distance"] = JSONValue(energy)
  s["energy_distance_target_draws"] = JSONValue(energyFloor)
  s["energy_distance_noise"] = JSONValue(energyNoise)
  s["energy_distance_exact_field"] = JSONValue(exactEnergy)
  s["order_study"] = .object([
    ("field", "exact marginal field, GaussianMixture.tutorial"),
    ("reference", .string("midpoint, \(referenceSteps) steps")),
    ("steps", JSONValue(stepCounts.map(Double.init))),
    ("euler_rms_error", JSONValue(errors[.euler]!)),
    ("midpoint_rms_error", JSONValue(errors[.midpoint]!)),
    ("fit_steps", JSONValue(stepCounts[fitFrom...].map(Double.init))),
  ])
  s["observed_order_euler"] = JSONValue(order[.euler]!)
  s["observed_order_midpoint"] = JSONValue(order[.midpoint]!)
}
