import Foundation

/// One panel: axes with ticks and numbers, title, axis labels, legend, layers.
///
/// Build a plot by adding layers, then `render` it (or put several in a
/// `Figure`). Layers are drawn in the order they were added, clipped to the
/// plot area. Ranges default to the data's extent plus 5% on each side.
/// Non-finite data (and non-positive data on a log axis) is skipped.
///
///     var p = Plot(title: "Samples", xLabel: "x₀", yLabel: "x₁")
///     p.scatter(xs, ys, label: "data")
///     try Figure([p]).write(to: "/tmp/samples.png")
public struct Plot: Sendable {
  /// Text above the panel (drawn larger).
  public var title: String
  /// Text below the x axis.
  public var xLabel: String
  /// Text left of the y axis, reading upward.
  public var yLabel: String
  /// Fixed x range; nil fits the data.
  public var xRange: ClosedRange<Double>?
  /// Fixed y range; nil fits the data.
  public var yRange: ClosedRange<Double>?
  public var xScale: AxisScale
  public var yScale: AxisScale
  /// One data unit spans as many pixels in x as in y (circles look round).
  public var equalAspect: Bool

  var layers: [Layer] = []

  struct Heatmap: Sendable {
    var xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
    var values: [[Double]]
    var colormap: Colormap
    var valueRange: ClosedRange<Double>?
    var colorbarLabel: String
  }

  enum Layer: Sendable {
    case scatter(xs: [Double], ys: [Double], color: RGBA, radius: Double, marker: Marker, label: String?)
    case line(xs: [Double], ys: [Double], color: RGBA, width: Double, dashed: Bool, label: String?)
    case arrows(x: [Double], y: [Double], u: [Double], v: [Double], color: RGBA, scale: Double?, label: String?)
    case heatmap(Heatmap)
    case hline(Double, color: RGBA, dashed: Bool, label: String?)
    case vline(Double, color: RGBA, dashed: Bool, label: String?)
    case text(String, x: Double, y: Double, color: RGBA, anchor: TextAnchor)
  }

  /// An empty panel; `xRange`/`yRange` fix the axes, otherwise they fit the data.
  public init(
    title: String = "", xLabel: String = "", yLabel: String = "", xRange: ClosedRange<Double>? = nil,
    yRange: ClosedRange<Double>? = nil, xScale: AxisScale = .linear, yScale: AxisScale = .linear,
    equalAspect: Bool = false
  ) {
    self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
    self.xRange = xRange; self.yRange = yRange; self.xScale = xScale; self.yScale = yScale
    self.equalAspect = equalAspect
  }

  // MARK: Layers

  /// Points (xs[i], ys[i]) drawn as markers of the given radius in pixels.
  public mutating func scatter(
    _ xs: [Double], _ ys: [Double], color: RGBA = .blue, radius: Double = 2.5, marker: Marker = .circle,
    label: String? = nil
  ) {
    layers.append(.scatter(xs: xs, ys: ys, color: color, radius: radius, marker: marker, label: label))
  }

  /// A line through (xs[i], ys[i]) in order; a non-finite point breaks it. `width` is in pixels.
  public mutating func line(
    _ xs: [Double], _ ys: [Double], color: RGBA = .blue, width: Double = 1.5, dashed: Bool = false,
    label: String? = nil
  ) {
    layers.append(.line(xs: xs, ys: ys, color: color, width: width, dashed: dashed, label: label))
  }

  /// Arrows from (x[i], y[i]) to (x[i] + scale·u[i], y[i] + scale·v[i]), a vector field.
  ///
  /// `scale` multiplies the vectors in data units; nil picks it so that the
  /// longest arrow is about 0.9 of the spacing between arrow positions.
  public mutating func arrows(
    x: [Double], y: [Double], u: [Double], v: [Double], color: RGBA = .darkGray, scale: Double? = nil,
    label: String? = nil
  ) {
    layers.append(.arrows(x: x, y: y, u: u, v: v, color: color, scale: scale, label: label))
  }

  /// A grid of coloured cells covering `xRange` × `yRange`, with a colour bar beside the panel.
  ///
  /// `values[row][col]`: row 0 is the lowest y, column 0 the lowest x. Values
  /// are mapped through `colormap` over `valueRange` (default: their extent,
  /// symmetric about 0 for `.diverging`). Non-finite cells are left blank.
  public mutating func heatmap(
    xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, values: [[Double]], colormap: Colormap = .viridis,
    valueRange: ClosedRange<Double>? = nil, colorbarLabel: String = ""
  ) {
    layers.append(
      .heatmap(
        Heatmap(
          xRange: xRange, yRange: yRange, values: values, colormap: colormap, valueRange: valueRange,
          colorbarLabel: colorbarLabel)))
  }

  /// A horizontal reference line at data y, across the whole panel.
  public mutating func hline(_ y: Double, color: RGBA = .gray, dashed: Bool = true, label: String? = nil) {
    layers.append(.hline(y, color: color, dashed: dashed, label: label))
  }

  /// A vertical reference line at data x, across the whole panel.
  public mutating func vline(_ x: Double, color: RGBA = .gray, dashed: Bool = true, label: String? = nil) {
    layers.append(.vline(x, color: color, dashed: dashed, label: label))
  }

  /// Text at data (x, y); by default its left end, vertically centred, sits there.
  public mutating func text(_ s: String, x: Double, y: Double, color: RGBA = .black, anchor: TextAnchor = .left) {
    layers.append(.text(s, x: x, y: y, color: color, anchor: anchor))
  }

  // MARK: Rendering

  /// The panel as an image of the given size.
  public func render(width: Int = 520, height: Int = 440) -> Image {
    var canvas = Canvas(width: max(1, width), height: max(1, height))
    draw(on: &canvas, x: 0, y: 0, width: max(1, width), height: max(1, height))
    return canvas.image
  }

  /// Where data lands in a panel rendered at this size (at offset (0, 0)).
  public func transform(width: Int = 520, height: Int = 440) -> AxisTransform {
    layout(x: 0, y: 0, width: width, height: height).transform
  }

  /// Draws the panel into the rectangle (x, y, width, height) of `canvas`.
  public func draw(on canvas: inout Canvas, x ox: Int, y oy: Int, width: Int, height: Int) {
    let L = layout(x: ox, y: oy, width: width, height: height)
    let T = L.transform
    let a = L.area
    let frameColor = RGBA(hex: 0x555555), textColor = RGBA(hex: 0x222222), gridColor = RGBA(hex: 0xEBEBEB)
    canvas.setClip(x: ox, y: oy, width: width, height: height)
    defer { canvas.resetClip() }

    // Title, centred over the plot area.
    if !title.isEmpty {
      canvas.text(
        title, x: Double(a.x) + Double(a.w) / 2, y: Double(oy + 10), color: .black, scale: 2, anchor: .top)
    }

    // Grid.
    for t in L.xTicks.values {
      let px = floor(T.pixelX(t))
      if px >= Double(a.x), px < Double(a.x + a.w) {
        canvas.fillRect(x: px, y: Double(a.y), width: 1, height: Double(a.h), color: gridColor)
      }
    }
    for t in L.yTicks.values {
      let py = floor(T.pixelY(t))
      if py >= Double(a.y), py < Double(a.y + a.h) {
        canvas.fillRect(x: Double(a.x), y: py, width: Double(a.w), height: 1, color: gridColor)
      }
    }

    // Layers, clipped to the plot area.
    canvas.setClip(x: a.x, y: a.y, width: a.w, height: a.h)
    for layer in layers { drawLayer(layer, on: &canvas, T) }
    canvas.setClip(x: ox, y: oy, width: width, height: height)

    // Frame.
    let fx = Double(a.x - 1), fy = Double(a.y - 1), fw = Double(a.w + 2), fh = Double(a.h + 2)
    canvas.fillRect(x: fx, y: fy, width: fw, height: 1, color: frameColor)
    canvas.fillRect(x: fx, y: fy + fh - 1, width: fw, height: 1, color: frameColor)
    canvas.fillRect(x: fx, y: fy, width: 1, height: fh, color: frameColor)
    canvas.fillRect(x: fx + fw - 1, y: fy, width: 1, height: fh, color: frameColor)

    // Ticks and numbers.
    let bottom = Double(a.y + a.h)
    for t in L.xTicks.minor {
      let px = floor(T.pixelX(t))
      if px >= Double(a.x - 1), px <= Double(a.x + a.w) {
        canvas.fillRect(x: px, y: bottom + 1, width: 1, height: 2, color: frameColor)
      }
    }
    for (t, s) in zip(L.xTicks.values, L.xTicks.labels) {
      let px = floor(T.pixelX(t))
      guard px >= Double(a.x - 1), px <= Double(a.x + a.w) else { continue }
      canvas.fillRect(x: px, y: bottom + 1, width: 1, height: 4, color: frameColor)
      canvas.text(s, x: px + 0.5, y: bottom + 8, color: textColor, anchor: .top)
    }
    for t in L.yTicks.minor {
      let py = floor(T.pixelY(t))
      if py >= Double(a.y - 1), py <= Double(a.y + a.h) {
        canvas.fillRect(x: Double(a.x - 3), y: py, width: 2, height: 1, color: frameColor)
      }
    }
    for (t, s) in zip(L.yTicks.values, L.yTicks.labels) {
      let py = floor(T.pixelY(t))
      guard py >= Double(a.y - 1), py <= Double(a.y + a.h) else { continue }
      canvas.fillRect(x: Double(a.x - 5), y: py, width: 4, height: 1, color: frameColor)
      canvas.text(s, x: Double(a.x - 8), y: py + 0.5, color: textColor, anchor: .right)
    }

    // Axis labels.
    if !xLabel.isEmpty {
      canvas.text(
        xLabel, x: Double(a.x) + Double(a.w) / 2, y: bottom + 8 + 7 + 9, color: .black, anchor: .top)
    }
    if !yLabel.isEmpty {
      canvas.verticalText(
        yLabel, x: Double(ox) + Layout.outer + 3.5, y: Double(a.y) + Double(a.h) / 2, color: .black,
        anchor: .center)
    }

    if let bar = L.colorbar { drawColorbar(bar, on: &canvas, textColor: textColor, frameColor: frameColor) }
    drawLegend(on: &canvas, L)
  }

  // MARK: Layout

  struct Axis {
    var values: [Double] = []
    var labels: [String] = []
    var minor: [Double] = []
  }

  struct Colorbar {
    var x: Int, y: Int, w: Int, h: Int
    var map: Colormap
    var range: ClosedRange<Double>
    var ticks: Axis
    var label: String
    var labelX: Double
  }

  struct Layout {
    static let outer = 8.0
    var area: (x: Int, y: Int, w: Int, h: Int)
    var transform: AxisTransform
    var xTicks: Axis
    var yTicks: Axis
    var colorbar: Colorbar?
  }

  func layout(x ox: Int, y oy: Int, width W: Int, height H: Int) -> Layout {
    let th = Canvas.textHeight()
    let top = oy + (title.isEmpty ? 12 : 10 + Canvas.textHeight(scale: 2) + 10)
    let bottomMargin = 1 + 7 + th + (xLabel.isEmpty ? 0 : 9 + th) + 10
    let heat = layers.reversed().lazy.compactMap { l -> Heatmap? in if case .heatmap(let h) = l { h } else { nil } }
      .first
    let areaH = max(10, oy + H - bottomMargin - top)

    // Colour bar: its ticks decide the right margin.
    var barInfo: (range: ClosedRange<Double>, ticks: Axis, labelW: Int)? = nil
    var rightMargin = 16
    if let heat {
      let vr = Plot.valueRange(heat)
      let t = Plot.axisTicks(vr, .linear, length: Double(areaH), horizontal: false)
      let lw = t.labels.map { Canvas.textWidth($0) }.max() ?? 0
      barInfo = (vr, t, lw)
      rightMargin = 14 + 14 + 4 + 3 + lw + (heat.colorbarLabel.isEmpty ? 0 : 9 + th) + Int(Layout.outer)
    }

    let baseX = resolveRange(xRange, bounds(x: true), heat?.xRange, xScale)
    let baseY = resolveRange(yRange, bounds(x: false), heat?.yRange, yScale)
    var left = 50
    var area = (x: ox + left, y: top, w: 10, h: areaH)
    var xr = baseX, yr = baseY
    var yAxis = Axis()
    for _ in 0..<2 {
      area = (ox + left, top, max(10, W - left - rightMargin), areaH)
      xr = baseX; yr = baseY
      if equalAspect && xScale == .linear && yScale == .linear {
        let sx = Double(area.w) / (xr.upperBound - xr.lowerBound)
        let sy = Double(area.h) / (yr.upperBound - yr.lowerBound)
        let s = min(sx, sy)
        if xRange != nil && yRange != nil {
          // Both fixed: shrink the area.
          let w = Int((xr.upperBound - xr.lowerBound) * s), h = Int((yr.upperBound - yr.lowerBound) * s)
          area = (area.x + (area.w - w) / 2, area.y + (area.h - h) / 2, max(w, 1), max(h, 1))
        } else {
          let hx = Double(area.w) / s / 2, hy = Double(area.h) / s / 2
          let mx = (xr.lowerBound + xr.upperBound) / 2, my = (yr.lowerBound + yr.upperBound) / 2
          xr = (mx - hx)...(mx + hx); yr = (my - hy)...(my + hy)
        }
      }
      yAxis = Plot.axisTicks(yr, yScale, length: Double(area.h), horizontal: false)
      let lw = yAxis.labels.map { Canvas.textWidth($0) }.max() ?? 0
      let newLeft = Int(Layout.outer) + (yLabel.isEmpty ? 0 : th + 9) + lw + 8 + 2
      if newLeft == left { break }
      left = newLeft
    }
    let xAxis = Plot.axisTicks(xr, xScale, length: Double(area.w), horizontal: true)
    let T = AxisTransform(
      xRange: xr, yRange: yr, xScale: xScale, yScale: yScale,
      area: (Double(area.x), Double(area.y), Double(area.w), Double(area.h)))
    var bar: Colorbar? = nil
    if let heat, let info = barInfo {
      let bx = area.x + area.w + 14
      bar = Colorbar(
        x: bx, y: area.y, w: 14, h: area.h, map: heat.colormap, range: info.range, ticks: info.ticks,
        label: heat.colorbarLabel, labelX: Double(bx + 14 + 4 + 3 + info.labelW + 9) + Double(th) / 2)
    }
    return Layout(area: area, transform: T, xTicks: xAxis, yTicks: yAxis, colorbar: bar)
  }

  /// Ticks and labels for one axis `length` pixels long, spaced so labels never touch.
  static func axisTicks(_ r: ClosedRange<Double>, _ scale: AxisScale, length: Double, horizontal: Bool) -> Axis {
    let lo = r.lowerBound, hi = r.upperBound
    func need(_ labels: [String]) -> Double {
      horizontal ? Double(labels.map { Canvas.textWidth($0) }.max() ?? 0) + 12 : Double(Canvas.textHeight()) + 10
    }
    func position(_ v: Double) -> Double {
      scale == .log10 ? (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) * length : (v - lo) / (hi - lo) * length
    }
    func spacingOK(_ vs: [Double], _ labels: [String]) -> Bool {
      let n = need(labels)
      for k in 1..<max(1, vs.count) where position(vs[k]) - position(vs[k - 1]) < n { return false }
      return true
    }
    guard hi > lo, lo.isFinite, hi.isFinite else { return Axis() }
    if scale == .log10 {
      var maxLabels = max(2, Int(length / (horizontal ? 50 : 30)))
      while true {
        let t = Ticks.log(lo, hi, maxLabels: maxLabels)
        let labels = t.major.map(Ticks.logLabel)
        if maxLabels <= 2 || spacingOK(t.major, labels) { return Axis(values: t.major, labels: labels, minor: t.minor) }
        maxLabels -= 1
      }
    }
    let target = max(2.0, length / (horizontal ? 80 : 45))
    var step = Ticks.niceStep(atLeast: (hi - lo) / target)
    for _ in 0..<20 {
      let t = Ticks.ticks(lo, hi, step: step)
      let labels = Ticks.labels(t.values, step: step)
      if t.values.count <= 2 || spacingOK(t.values, labels) { return Axis(values: t.values, labels: labels) }
      step = Ticks.nextStep(step)
    }
    return Axis()
  }

  /// The colour range of a heatmap.
  static func valueRange(_ h: Heatmap) -> ClosedRange<Double> {
    if let r = h.valueRange, r.lowerBound.isFinite, r.upperBound.isFinite, r.upperBound > r.lowerBound { return r }
    var lo = Double.infinity, hi = -Double.infinity
    for row in h.values { for v in row where v.isFinite { lo = min(lo, v); hi = max(hi, v) } }
    if lo > hi { return 0...1 }
    if h.colormap == .diverging {
      let m = max(abs(lo), abs(hi))
      return m > 0 ? -m...m : -1...1
    }
    if lo == hi { return (lo - max(0.5, abs(lo) * 0.1))...(hi + max(0.5, abs(hi) * 0.1)) }
    return lo...hi
  }

  /// The extent of the data along x (or y), among values the scale can show.
  func bounds(x: Bool) -> (Double, Double)? {
    let scale = x ? xScale : yScale
    var lo = Double.infinity, hi = -Double.infinity
    func add(_ v: Double) {
      if v.isFinite && (scale == .linear || v > 0) { lo = min(lo, v); hi = max(hi, v) }
    }
    func addPairs(_ a: [Double], _ b: [Double]) {
      // Only points whose both coordinates are usable count.
      let other = x ? yScale : xScale
      for i in 0..<min(a.count, b.count) {
        let o = x ? b[i] : a[i]
        if o.isFinite && (other == .linear || o > 0) { add(x ? a[i] : b[i]) }
      }
    }
    for layer in layers {
      switch layer {
      case .scatter(let xs, let ys, _, _, _, _), .line(let xs, let ys, _, _, _, _): addPairs(xs, ys)
      case .arrows(let xs, let ys, _, _, _, _, _): addPairs(xs, ys)
      case .hline(let v, _, _, _): if !x { add(v) }
      case .vline(let v, _, _, _): if x { add(v) }
      case .text(_, let tx, let ty, _, _): add(x ? tx : ty)
      case .heatmap: break
      }
    }
    return lo <= hi ? (lo, hi) : nil
  }

  /// The axis range: the fixed one if usable, else the data's extent padded by 5% (in the scale's units).
  func resolveRange(
    _ fixed: ClosedRange<Double>?, _ data: (Double, Double)?, _ heat: ClosedRange<Double>?, _ scale: AxisScale
  ) -> ClosedRange<Double> {
    let f = { (v: Double) in AxisTransform.forward(v, scale) }
    let b = { (v: Double) in AxisTransform.backward(v, scale) }
    if let r = fixed, r.lowerBound.isFinite, r.upperBound.isFinite, scale == .linear || r.lowerBound > 0 {
      if r.upperBound > r.lowerBound { return r }
      let c = f(r.lowerBound)
      return b(c - 0.5)...b(c + 0.5)
    }
    var heatT: (Double, Double)? = nil
    if let h = heat, h.lowerBound.isFinite, h.upperBound.isFinite, h.upperBound > h.lowerBound,
      scale == .linear || h.lowerBound > 0
    {
      heatT = (f(h.lowerBound), f(h.upperBound))
    }
    guard let (dlo, dhi) = data else {
      if let (l, h) = heatT { return b(l)...b(h) }
      return scale == .linear ? 0...1 : 1...10
    }
    var lo = f(dlo), hi = f(dhi)
    if let (l, h) = heatT, lo >= l, hi <= h { return b(l)...b(h) }
    if hi > lo {
      let pad = 0.05 * (hi - lo)
      lo -= pad; hi += pad
    } else {
      let pad = scale == .linear ? max(0.5, abs(lo) * 0.1) : 0.5
      lo -= pad; hi += pad
    }
    if let (l, h) = heatT { lo = min(lo, l); hi = max(hi, h) }
    return b(lo)...b(hi)
  }
}
