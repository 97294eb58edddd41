import Foundation
import Testing

@testable import FlowCore

@Suite("Core · Plot")
struct PlotTests {
  @Test("a linear AxisTransform maps the corners and (0, 0) to the exact pixels")
  func linearTransform() {
    let t = AxisTransform(
      xRange: -1...3, yRange: -2...2, xScale: .linear, yScale: .linear, area: (x: 10, y: 20, width: 400, height: 200))
    #expect(t.pixel(-1, -2) == (x: 10, y: 220))
    #expect(t.pixel(3, 2) == (x: 410, y: 20))
    #expect(t.pixel(-1, 2) == (x: 10, y: 20))
    #expect(t.pixel(0, 0) == (x: 110, y: 120))
    let back = t.data(110, 120)
    #expect(abs(back.x) < 1e-12 && abs(back.y) < 1e-12)
  }

  @Test("a log AxisTransform maps decades evenly and skips non-positive values")
  func logTransform() {
    let t = AxisTransform(
      xRange: 0...10, yRange: 1e-3...10, xScale: .linear, yScale: .log10, area: (x: 0, y: 0, width: 100, height: 400))
    #expect(t.pixel(0, 10) == (x: 0, y: 0))
    #expect(t.pixel(10, 1e-3) == (x: 100, y: 400))
    let one = t.pixel(5, 1)
    #expect(one.x == 50)
    #expect(abs(one.y - 100) < 1e-9)
    #expect(abs(t.pixelY(0.01) - 300) < 1e-9)
    #expect(t.pixelY(0).isNaN && t.pixelY(-1).isNaN)
  }

  @Test("nice ticks step by 1, 2 or 5 × 10^k and stay inside the range")
  func niceTicks() {
    #expect(Ticks.nice(0, 1, target: 5).values == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
    #expect(Ticks.nice(0, 10, target: 5).values == [0, 2, 4, 6, 8, 10])
    #expect(Ticks.nice(-3.7, 4.2, target: 4).values == [-2, 0, 2, 4])
    #expect(Ticks.nice(0, 100, target: 3).values == [0, 50, 100])
    #expect(Ticks.nice(0.013, 0.0405, target: 3).step == 0.01)
    let t = Ticks.nice(-1, 1, target: 4)
    #expect(Ticks.labels(t.values, step: t.step) == ["−1.0", "−0.5", "0.0", "0.5", "1.0"])
    #expect(Ticks.labels([0, 100_000, 200_000], step: 100_000) == ["0", "1e5", "2e5"])
    #expect(Ticks.log(1e-4, 1, maxLabels: 10).major.map(Ticks.logLabel) == ["1e-4", "0.001", "0.01", "0.1", "1"])
    #expect(Ticks.log(1e-9, 1e3, maxLabels: 5).major.map(Ticks.logLabel) == ["1e-9", "1e-6", "0.001", "1", "1000"])
    #expect(Ticks.log(2, 30, maxLabels: 8).major.map(Ticks.logLabel) == ["2", "5", "10", "20"])
  }

  @Test("a figure renders at its expected size, the same bytes every time")
  func deterministic() {
    let fig = Figure([demoScatter(), demoLoss()], panelWidth: 300, panelHeight: 250, title: "Twice")
    let a = fig.render(), b = fig.render()
    #expect(a.width == 600)
    #expect(a.height == 250 + fig.titleHeight)
    #expect(a == b)
    let single = demoScatter().render()
    #expect(single.width == 520 && single.height == 440)
  }

  @Test("a point drawn at data (0, 0) darkens the pixel the AxisTransform names")
  func pointLands() {
    var p = Plot(xRange: -1...1, yRange: -2...3)
    p.scatter([0], [0], color: .black, radius: 3)
    let image = p.render(width: 300, height: 200)
    let at = p.transform(width: 300, height: 200).pixel(0, 0)
    let c = image[Int(at.x), Int(at.y)]
    #expect(c.r < 40 && c.g < 40 && c.b < 40)
    let empty = Plot(xRange: -1...1, yRange: -2...3).render(width: 300, height: 200)
    #expect(empty[Int(at.x), Int(at.y)].r > 200)  // background or a light grid line
  }

  @Test("empty plots, non-finite data and odd inputs render without crashing")
  func robustness() {
    _ = Plot().render()
    _ = Figure([]).render()
    var p = Plot(title: "odd ✓ ünïcode", yScale: .log10)
    p.scatter([.nan, 1, .infinity, 2], [1, -1, 3, 0])
    p.line([0, 1, 2, 3], [1, .nan, 1e300, 4], dashed: true)
    p.line([1e300, -1e300], [1, 2], dashed: true)
    p.arrows(x: [0, 1], y: [1, 1], u: [0, .nan], v: [0, 1])
    p.heatmap(xRange: 0...1, yRange: 1...2, values: [[]])
    p.heatmap(xRange: 0...1, yRange: 1...2, values: [[1, .nan], [2]])
    p.hline(.nan); p.vline(-.infinity)
    p.text("θ ≈ ∞ ‖x‖ → ε Δ ∂ x₀ x₁ x² · ×", x: 0.5, y: 2)
    let image = p.render(width: 200, height: 150)
    #expect(image.width == 200)
    _ = Plot(equalAspect: true).render(width: 60, height: 50)
    var q = Plot(xRange: 3...3, yRange: 0...0)
    q.scatter([3], [0])
    _ = q.render()
  }

  @Test("the built-in font draws every required character and a box for unknown ones")
  func font() {
    for c in "−×·θεΔ∂₀₁²≈∞‖→" { #expect(BitmapFont.glyphs[c] != nil, "missing glyph \(c)") }
    for u in 33...126 { #expect(BitmapFont.glyphs[Character(UnicodeScalar(UInt8(u)))] != nil) }
    #expect(Canvas.textWidth("") == 0)
    #expect(Canvas.textWidth("A", scale: 2) == 10)
    var c = Canvas(width: 20, height: 12)
    c.text("\u{1F600}", x: 1, y: 1)
    #expect(c.pixel(1, 1) == .black)  // the unknown box
  }

  @Test("a 4-panel figure with heatmap, arrows and 2000 points renders fast")
  func speed() {
    let fig = demoFigure()
    let start = Date()
    _ = fig.render()
    let seconds = Date().timeIntervalSince(start)
    #expect(seconds < 1.0, "render took \(seconds) s")
  }

  @Test("demo figure: writes /tmp/flowlab-plot-demo.png")
  func demo() throws {
    try demoFigure().write(to: "/tmp/flowlab-plot-demo.png")
    let back = try PNG.read(from: "/tmp/flowlab-plot-demo.png")
    #expect(back.width == 1040)
  }
}

// MARK: - Demo data

/// Deterministic pseudo-random numbers for the demo.
private struct LCG {
  var state: UInt64
  mutating func uniform() -> Double {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(state >> 11) / Double(1 << 53)
  }
  mutating func normal() -> Double {
    let u = max(uniform(), 1e-12), v = uniform()
    return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
  }
}

private func demoScatter() -> Plot {
  var rng = LCG(state: 42)
  var p = Plot(title: "Samples x₀ → x₁", xLabel: "first coordinate", yLabel: "second coordinate", equalAspect: true)
  var ax: [Double] = [], ay: [Double] = [], bx: [Double] = [], by: [Double] = []
  for _ in 0..<1000 { ax.append(rng.normal() * 0.5 - 1.5); ay.append(rng.normal() * 0.5) }
  for k in 0..<1000 {
    let t = Double(k) / 1000 * 2 * .pi
    bx.append(1.5 + cos(t) + 0.08 * rng.normal()); by.append(sin(t) + 0.08 * rng.normal())
  }
  p.scatter(ax, ay, color: RGBA.blue.withAlpha(0.6), radius: 2, label: "noise x₀ ~ N(0, σ²)")
  p.scatter(bx, by, color: RGBA.orange.withAlpha(0.6), radius: 2, marker: .square, label: "data x₁")
  p.scatter([-1.5, 1.5], [0, 0], color: .black, radius: 4, marker: .cross, label: "means")
  return p
}

private func demoLoss() -> Plot {
  var rng = LCG(state: 7)
  var p = Plot(title: "Training loss", xLabel: "step", yLabel: "loss ‖v − u‖²", yScale: .log10)
  var steps: [Double] = [], loss: [Double] = [], smooth: [Double] = []
  var s = 2.0
  for k in 0..<2000 {
    let base = 2.0 * exp(-Double(k) / 300) + 0.004
    let l = base * exp(0.35 * rng.normal())
    s = k == 0 ? l : 0.97 * s + 0.03 * l
    steps.append(Double(k)); loss.append(l); smooth.append(s)
  }
  p.line(steps, loss, color: RGBA.blue.withAlpha(0.35), width: 1, label: "loss per batch")
  p.line(steps, smooth, color: .blue, width: 2, label: "moving average")
  p.hline(0.004, color: .red, label: "noise floor ≈ 0.004")
  return p
}

private func demoField() -> Plot {
  var p = Plot(title: "Velocity field v(x, t=0.5)", xLabel: "x₀", yLabel: "x₁", equalAspect: true)
  let n = 64
  var values = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
  for r in 0..<n {
    for c in 0..<n {
      let x = -2 + 4 * (Double(c) + 0.5) / Double(n), y = -2 + 4 * (Double(r) + 0.5) / Double(n)
      values[r][c] = exp(-((x - 1) * (x - 1) + y * y)) + 0.6 * exp(-((x + 1) * (x + 1) + (y - 1) * (y - 1)) * 2)
    }
  }
  p.heatmap(xRange: -2...2, yRange: -2...2, values: values, colormap: .viridis, colorbarLabel: "density p(x)")
  var xs: [Double] = [], ys: [Double] = [], us: [Double] = [], vs: [Double] = []
  for i in 0..<20 {
    for j in 0..<20 {
      let x = -1.9 + 3.8 * Double(i) / 19, y = -1.9 + 3.8 * Double(j) / 19
      xs.append(x); ys.append(y); us.append(-y - 0.3 * x); vs.append(x - 0.3 * y)
    }
  }
  p.arrows(x: xs, y: ys, u: us, v: vs, color: .white, label: "v(x)")
  return p
}

private func demoLines() -> Plot {
  var p = Plot(title: "Schedules α(t), σ(t)", xLabel: "time t", yLabel: "coefficient", xRange: 0...1)
  let ts = (0...100).map { Double($0) / 100 }
  p.line(ts, ts.map { $0 }, color: .blue, label: "α = t")
  p.line(ts, ts.map { 1 - $0 }, color: .orange, dashed: true, label: "σ = 1 − t")
  p.line(ts, ts.map { cos(.pi / 2 * (1 - $0)) }, color: .green, width: 2, label: "α = sin(πt/2)")
  p.line(ts, ts.map { sin(.pi / 2 * (1 - $0)) }, color: .red, width: 2, dashed: true, label: "σ = cos(πt/2)")
  p.vline(0.5, label: "t = 0.5")
  p.text("crossing", x: 0.52, y: 0.75, color: .darkGray)
  return p
}

private func demoFigure() -> Figure {
  Figure([demoScatter(), demoLoss(), demoField(), demoLines()], title: "FlowLab plotting demo")
}
