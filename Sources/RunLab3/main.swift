// lab3 — the conditional path and its target field.
//
// Draws the tutorial's data, walks the straight conditional paths from noise
// to data, builds one training batch, evaluates the exact marginal field that
// a perfect network would learn, and estimates the loss floor it implies.

import Foundation
import FlowCore
import Lab3

/// Mean and standard deviation (divisor m − 1) of each row over some columns.
func stats(_ x: Matrix, _ range: Range<Int>) -> (mean: [Double], std: [Double]) {
  var mean: [Double] = [], std: [Double] = []
  for i in 0..<x.rows {
    let v = range.map { Double(x[i, $0]) }
    let m = v.reduce(0, +) / Double(max(v.count, 1))
    mean.append(m)
    std.append(v.count > 1 ? (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot() : .nan)
  }
  return (mean, std)
}

func fmt(_ v: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", v) }
func rowD(_ x: Matrix, _ i: Int) -> [Double] { x.row(i).map(Double.init) }
func constantRow(_ n: Int, _ value: Double) -> Matrix { Matrix(rows: 1, cols: n, repeating: Float(value)) }

let clusterColors: [RGBA] = [.blue, .orange]
let centres: [(Double, Double)] = [(1, 1), (-1, -1)]

Lab.main(
  LabSpec(
    name: "lab3", title: "the conditional path and its target field",
    options: [
      LabOption("samples", .int(2...100_000), default: "256", help: "data points, noise points and times in the batch"),
      LabOption("paths", .int(1...64), default: "12", help: "conditional paths drawn in the trajectories figure"),
      LabOption(
        "floor-samples", .int(100...20_000), default: "5000",
        help: "pairs per time level (200 levels) for the loss-floor estimate"),
    ])
) { run in
  let n = run.int("samples")
  var dataRNG = run.rng("data"), noiseRNG = run.rng("noise"), timeRNG = run.rng("times")
  let x1 = twoClusters(n, using: &dataRNG)
  let x0 = noise(n, using: &noiseRNG)
  let t = times(n, using: &timeRNG)
  let first = (n + 1) / 2
  let clusters = [0..<first, first..<n]

  // MARK: The data
  run.say("\nthe data: \(n) points, std 0.05 around (1, 1) and (−1, −1)")
  run.say("  cluster      points   mean x    mean y    std x    std y")
  var clusterSummary: [(String, JSONValue)] = []
  for (k, range) in clusters.enumerated() where !range.isEmpty {
    let s = stats(x1, range)
    let name = k == 0 ? "(1, 1)" : "(−1, −1)"
    run.say(
      "  \(name.padding(toLength: 10, withPad: " ", startingAt: 0))  \(String(format: "%6d", range.count))   "
        + "\(fmt(s.mean[0], 4).leftPad(7))   \(fmt(s.mean[1], 4).leftPad(7))   \(fmt(s.std[0], 4))   \(fmt(s.std[1], 4))"
    )
    clusterSummary.append(
      (
        k == 0 ? "cluster_1_1" : "cluster_minus1_minus1",
        JSONValue.object([
          ("centre", JSONValue([centres[k].0, centres[k].1])), ("count", JSONValue(range.count)),
          ("mean", JSONValue(s.mean)), ("std", JSONValue(s.std)),
        ])
      ))
  }
  run.summary["samples"] = JSONValue(n)
  run.summary["data"] = .object(clusterSummary)

  var full = Plot(
    title: "The data: \(n) points", xLabel: "x", yLabel: "y", xRange: -1.6...1.6, yRange: -1.6...1.6,
    equalAspect: true)
  for (k, range) in clusters.enumerated() where !range.isEmpty {
    let c = x1.columns(range)
    full.scatter(
      rowD(c, 0), rowD(c, 1), color: clusterColors[k], radius: 2.5,
      label: "columns \(range.lowerBound) to \(range.upperBound - 1)")
  }
  full.scatter(centres.map(\.0), centres.map(\.1), color: .black, radius: 6, marker: .plus, label: "true centres")
  var zoom = Plot(
    title: "Zoom on (1, 1): std 0.05", xLabel: "x", yLabel: "y", xRange: 0.8...1.2, yRange: 0.8...1.2,
    equalAspect: true)
  let c0 = x1.columns(clusters[0])
  zoom.scatter(rowD(c0, 0), rowD(c0, 1), color: .blue, radius: 3, label: "data")
  let ring = (0...72).map { Double($0) / 72 * 2 * Double.pi }
  zoom.line(
    ring.map { 1 + 0.1 * cos($0) }, ring.map { 1 + 0.1 * sin($0) }, color: .gray, dashed: true,
    label: "radius 2·std")
  zoom.scatter([1], [1], color: .black, radius: 7, marker: .plus, label: "true centre")
  try run.save(Figure([full, zoom], panelWidth: 500, panelHeight: 470).render(), "lab3-data.png")

  // MARK: The conditional path
  let snapshotTimes = [0.0, 0.25, 0.5, 0.75, 1.0]
  var panels: [Plot] = []
  for s in snapshotTimes {
    let xt = conditionalPath(x0: x0, x1: x1, t: constantRow(n, s))
    var p = Plot(title: "t = \(s)", xLabel: "x", yLabel: "y", xRange: -3.2...3.2, yRange: -3.2...3.2, equalAspect: true)
    for (k, range) in clusters.enumerated() where !range.isEmpty {
      let c = xt.columns(range)
      p.scatter(
        rowD(c, 0), rowD(c, 1), color: clusterColors[k], radius: 2,
        label: s == 0 ? (k == 0 ? "pairs ending at (1, 1)" : "pairs ending at (−1, −1)") : nil)
    }
    p.scatter(
      centres.map { $0.0 * s }, centres.map { $0.1 * s }, color: .black, radius: 5, marker: .plus,
      label: s == 0 ? "t·(cluster centre)" : nil)
    panels.append(p)
  }
  try run.save(
    Figure(
      panels, columns: 5, panelWidth: 360, panelHeight: 380,
      title: "x_t = (1 − t)·x0 + t·x1 for the same \(n) pairs (colour: the cluster of x1)"
    ).render(),
    "lab3-path-snapshots.png")

  let paths = min(run.int("paths"), n)
  // Pairs from both clusters: spread the chosen columns over the batch.
  let chosen = (0..<paths).map { k in paths == 1 ? 0 : (k * (n - 1)) / (paths - 1) }
  var traj = Plot(
    title: "Conditional paths: noise → data", xLabel: "x", yLabel: "y",
    xRange: -2.6...2.6, yRange: -2.6...2.6, equalAspect: true)
  traj.scatter(rowD(x1, 0), rowD(x1, 1), color: RGBA.lightGray, radius: 1.5, label: "all data")
  var labelled: Set<Int> = []
  for j in chosen {
    let k = j < first ? 0 : 1
    traj.line(
      [Double(x0[0, j]), Double(x1[0, j])], [Double(x0[1, j]), Double(x1[1, j])],
      color: clusterColors[k].withAlpha(0.8), width: 1.5,
      label: labelled.insert(k).inserted ? (k == 0 ? "path to a point of (1, 1)" : "path to a point of (−1, −1)") : nil)
  }
  let marks = [0.25, 0.5, 0.75]
  traj.scatter(
    chosen.flatMap { j in marks.map { Double((1 - $0) * Double(x0[0, j]) + $0 * Double(x1[0, j])) } },
    chosen.flatMap { j in marks.map { Double((1 - $0) * Double(x0[1, j]) + $0 * Double(x1[1, j])) } },
    color: .darkGray, radius: 1.8, label: "x_t at t = 0.25, 0.5, 0.75")
  traj.scatter(
    chosen.map { Double(x0[0, $0]) }, chosen.map { Double(x0[1, $0]) }, color: .black, radius: 3.5,
    marker: .circle, label: "noise x0 (t = 0)")
  traj.scatter(
    chosen.map { Double(x1[0, $0]) }, chosen.map { Double(x1[1, $0]) }, color: .red, radius: 4,
    marker: .cross, label: "data x1 (t = 1)")
  try run.save(traj.render(width: 600, height: 560), "lab3-trajectories.png")

  // MARK: The training batch
  let batch = trainingBatch(x0: x0, x1: x1, t: t)
  run.say(
    "\nthe training batch: input \(batch.input.shapeText) (row 0 = t, rows 1–2 = x_t), target \(batch.target.shapeText) (x1 − x0)"
  )
  run.say("  column        t       x_t           target")
  for j in [0, 1, n - 1] where j < n {
    let i = batch.input, g = batch.target
    run.say(
      "  \(String(format: "%6d", j))   \(fmt(Double(i[0, j])))   (\(fmt(Double(i[1, j])).leftPad(6)), \(fmt(Double(i[2, j])).leftPad(6)))"
        + "   (\(fmt(Double(g[0, j])).leftPad(6)), \(fmt(Double(g[1, j])).leftPad(6)))")
  }
  run.summary["batch"] = [
    "input_shape": JSONValue([3, batch.input.cols].map(Double.init)),
    "target_shape": JSONValue([2, batch.target.cols].map(Double.init)),
  ]

  // MARK: The exact marginal field
  let mixture = GaussianMixture.tutorial
  let probes: [(Double, (Double, Double))] = [
    (0, (0.5, -0.5)), (0.5, (0, 0)), (0.5, (0.5, 0.2)), (0.5, (-1, 0.5)), (0.8, (0.9, 0.6)), (0.95, (-0.9, -1.0)),
  ]
  run.say("\nthe exact marginal field u_t(x) = E[x1 − x0 | x_t = x] (two clusters, std 0.05)")
  run.say("     t   x                 u_t(x)")
  var probeSummary: [JSONValue] = []
  for (pt, px) in probes {
    let u = exactField(mixture, t: pt, x: Matrix(column: [Float(px.0), Float(px.1)]))
    run.say(
      "  \(fmt(pt, 2))   (\(fmt(px.0, 2).leftPad(5)), \(fmt(px.1, 2).leftPad(5)))   (\(fmt(Double(u[0, 0])).leftPad(7)), \(fmt(Double(u[1, 0])).leftPad(7)))"
    )
    probeSummary.append([
      "t": JSONValue(pt), "x": JSONValue([px.0, px.1]), "u": JSONValue([Double(u[0, 0]), Double(u[1, 0])]),
    ])
  }
  run.summary["exact_field"] = .array(probeSummary)

  let fieldTimes = [0.0, 0.5, 0.8, 0.95]
  let lim = 3.0
  let arrowsPerSide = 19, cellsPerSide = 121
  let gridA = (0..<arrowsPerSide).map { -lim + 2 * lim * (Double($0) + 0.5) / Double(arrowsPerSide) }
  let ax = gridA.flatMap { _ in gridA }, ay = gridA.flatMap { y in gridA.map { _ in y } }
  let arrowPoints = Matrix([ax.map(Float.init), ay.map(Float.init)])
  let gridC = (0..<cellsPerSide).map { -lim + 2 * lim * (Double($0) + 0.5) / Double(cellsPerSide) }
  var fieldPanels: [Plot] = []
  for ft in fieldTimes {
    // p_t(x) = ½ Σ_k N(x; t·m_k, σ_t² I), the density of x_t.
    let variance = (1 - ft) * (1 - ft) + ft * ft * mixture.std * mixture.std
    let density = gridC.map { y in
      gridC.map { x in
        centres.reduce(0.0) { acc, m in
          let d2 = (x - ft * m.0) * (x - ft * m.0) + (y - ft * m.1) * (y - ft * m.1)
          return acc + 0.5 * exp(-d2 / (2 * variance)) / (2 * Double.pi * variance)
        }
      }
    }
    let u = exactField(mixture, t: ft, x: arrowPoints)
    // Arrow length ∝ |u| up to a cap (the lowest quarter of |u| on the grid),
    // so that the direction reads everywhere although |u| grows like
    // |x|/(1 − t) far from the data; arrows shrink only where u_t is small.
    let lengths = (0..<u.cols).map { j in
      (Double(u[0, j]) * Double(u[0, j]) + Double(u[1, j]) * Double(u[1, j])).squareRoot()
    }
    let cap = lengths.sorted()[lengths.count / 4]
    let shrink = lengths.map { $0 > cap ? cap / $0 : 1 }
    let cell = 2 * lim / Double(arrowsPerSide)
    let scale = 0.85 * cell / cap
    var p = Plot(
      title: "t = \(ft)", xLabel: "x", yLabel: "y", xRange: -lim...lim, yRange: -lim...lim, equalAspect: true)
    p.heatmap(
      xRange: -lim...lim, yRange: -lim...lim, values: density, colormap: .magnitude, colorbarLabel: "density p_t(x)")
    p.arrows(
      x: ax, y: ay, u: (0..<u.cols).map { Double(u[0, $0]) * shrink[$0] },
      v: (0..<u.cols).map { Double(u[1, $0]) * shrink[$0] },
      color: .darkGray, scale: scale, label: ft == 0 ? "u_t(x) (length capped)" : nil)
    p.scatter(
      centres.map(\.0), centres.map(\.1), color: .blue, radius: 6, marker: .plus,
      label: ft == 0 ? "cluster centres" : nil)
    fieldPanels.append(p)
  }
  try run.save(
    Figure(
      fieldPanels, columns: 2, panelWidth: 560, panelHeight: 500,
      title: "The exact marginal field u_t(x) = E[x1 − x0 | x_t = x] over the density of x_t"
    ).render(),
    "lab3-field.png")

  // MARK: The loss floor
  // E‖(x1 − x0) − u_t(x_t)‖² with the exact field: 200 time levels (midpoints),
  // fresh pairs at each.
  let levels = 200, m = run.int("floor-samples")
  var floorRNG = run.rng("floor")
  var floorByT: [Double] = []
  let bar = run.progress(levels, "loss floor")
  for j in 0..<levels {
    let lt = (Double(j) + 0.5) / Double(levels)
    let b1 = twoClusters(m, using: &floorRNG), b0 = noise(m, using: &floorRNG)
    let xt = conditionalPath(x0: b0, x1: b1, t: constantRow(m, lt))
    let residual = conditionalTarget(x0: b0, x1: b1) - exactField(mixture, t: lt, x: xt)
    floorByT.append(Double(residual.squared().sum()) / Double(m))
    bar.update(j + 1, "t = \(fmt(lt, 3))")
  }
  bar.finish()
  let floorValue = floorByT.reduce(0, +) / Double(levels)
  let spread = (floorByT.map { ($0 - floorValue) * ($0 - floorValue) }.reduce(0, +) / Double(levels)).squareRoot()
  run.say(
    "\nthe loss floor E‖(x1 − x0) − u_t(x_t)‖² (no network can go below it on fresh batches): \(fmt(floorValue, 3))")
  let showT = [0.0025, 0.1025, 0.2525, 0.5025, 0.7525, 0.9025, 0.9525, 0.9925]
  run.say("  t        " + showT.map { fmt($0, 3).leftPad(6) }.joined(separator: " "))
  run.say("  floor(t) " + showT.map { fmt(floorByT[Int($0 * Double(levels))], 3).leftPad(6) }.joined(separator: " "))
  run.summary["loss_floor"] = JSONValue(floorValue)
  run.summary["loss_floor_method"] = JSONValue(
    stringLiteral:
      "mean over 200 midpoint levels of t of ‖(x1 − x0) − exactField‖² (sum over both coordinates), \(m) fresh pairs per level"
  )
  run.summary["loss_floor_by_t"] = .object(showT.map { (fmt($0, 4), JSONValue(floorByT[Int($0 * Double(levels))])) })
  _ = spread

  var fp = Plot(
    title: "The loss floor, time by time", xLabel: "t",
    yLabel: "E‖(x1 − x0) − u_t(x_t)‖²", xRange: 0...1, yRange: 0...3.2)
  fp.line(
    (0..<levels).map { (Double($0) + 0.5) / Double(levels) }, floorByT, color: .blue, width: 2, label: "floor at time t"
  )
  fp.hline(floorValue, color: .red, dashed: true, label: "average over t: \(fmt(floorValue, 3)) (the loss floor)")
  try run.save(fp.render(width: 640, height: 440), "lab3-loss-floor.png")
}

extension String {
  func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
