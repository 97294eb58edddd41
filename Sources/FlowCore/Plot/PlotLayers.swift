import Foundation

// Drawing of a plot's layers, colour bar and legend.
extension Plot {
  func drawMarker(_ m: Marker, x: Double, y: Double, radius r: Double, color: RGBA, on c: inout Canvas) {
    switch m {
    case .circle: c.fillCircle(x: x, y: y, radius: r, color: color)
    case .square: c.fillRect(x: x - r * 0.9, y: y - r * 0.9, width: 1.8 * r, height: 1.8 * r, color: color)
    case .cross:
      let d = r * 0.9, w = max(1, r * 0.5)
      c.polyline(
        [(x - d, y - d), (x + d, y + d), (.nan, .nan), (x - d, y + d), (x + d, y - d)], color: color, width: w)
    case .plus:
      let d = r * 1.1, w = max(1, r * 0.5)
      c.polyline([(x - d, y), (x + d, y), (.nan, .nan), (x, y - d), (x, y + d)], color: color, width: w)
    }
  }

  /// Arrow start and end points in pixels (non-finite ones already dropped).
  func arrowPixels(
    _ xs: [Double], _ ys: [Double], _ us: [Double], _ vs: [Double], scale: Double?, _ T: AxisTransform
  ) -> [(x0: Double, y0: Double, x1: Double, y1: Double)] {
    let n = min(xs.count, ys.count, us.count, vs.count)
    var base: [(Double, Double, Double, Double)] = []  // x, y, u, v kept
    var pix: [(Double, Double)] = []
    for i in 0..<n where xs[i].isFinite && ys[i].isFinite && us[i].isFinite && vs[i].isFinite {
      let p = T.pixel(xs[i], ys[i])
      guard p.x.isFinite, p.y.isFinite else { continue }
      base.append((xs[i], ys[i], us[i], vs[i])); pix.append(p)
    }
    guard !base.isEmpty else { return [] }
    var s = scale ?? 1
    if scale == nil {
      // Spacing of the arrow positions, in pixels.
      let pxs = Set(pix.map { Int($0.0.rounded()) }), pys = Set(pix.map { Int($0.1.rounded()) })
      let spanX = Double((pxs.max() ?? 0) - (pxs.min() ?? 0)), spanY = Double((pys.max() ?? 0) - (pys.min() ?? 0))
      var cell: Double
      if pxs.count > 1 && pys.count > 1 && pxs.count * pys.count <= 2 * pix.count {
        cell = min(spanX / Double(pxs.count - 1), spanY / Double(pys.count - 1))  // a grid
      } else if pix.count > 1 && spanX * spanY > 0 {
        cell = (spanX * spanY / Double(pix.count)).squareRoot()
      } else {
        cell = 30
      }
      if !(cell > 2) { cell = 30 }
      var longest = 0.0
      for (k, b) in base.enumerated() {
        let q = T.pixel(b.0 + b.2, b.1 + b.3)
        let l = ((q.x - pix[k].0) * (q.x - pix[k].0) + (q.y - pix[k].1) * (q.y - pix[k].1)).squareRoot()
        if l.isFinite { longest = max(longest, l) }
      }
      s = longest > 0 ? 0.9 * cell / longest : 1
    }
    var out: [(Double, Double, Double, Double)] = []
    for (k, b) in base.enumerated() {
      let q = T.pixel(b.0 + s * b.2, b.1 + s * b.3)
      if q.x.isFinite && q.y.isFinite { out.append((pix[k].0, pix[k].1, q.x, q.y)) }
    }
    return out
  }

  func drawLayer(_ layer: Layer, on c: inout Canvas, _ T: AxisTransform) {
    let a = T.area
    switch layer {
    case .scatter(let xs, let ys, let color, let radius, let marker, _):
      for i in 0..<min(xs.count, ys.count) {
        let p = T.pixel(xs[i], ys[i])
        guard p.x.isFinite, p.y.isFinite else { continue }
        drawMarker(marker, x: p.x, y: p.y, radius: radius, color: color, on: &c)
      }
    case .line(let xs, let ys, let color, let width, let dashed, _):
      let pts = (0..<min(xs.count, ys.count)).map { T.pixel(xs[$0], ys[$0]) }
      c.polyline(pts, color: color, width: width, dashed: dashed)
    case .arrows(let xs, let ys, let us, let vs, let color, let scale, _):
      for r in arrowPixels(xs, ys, us, vs, scale: scale, T) {
        c.arrow(r.x0, r.y0, r.x1, r.y1, color: color, width: 1.2)
      }
    case .heatmap(let h):
      drawHeatmap(h, on: &c, T)
    case .hline(let y, let color, let dashed, _):
      let py = T.pixelY(y)
      c.line(a.x - 2, py, a.x + a.width + 2, py, color: color, width: 1.2, dashed: dashed)
    case .vline(let x, let color, let dashed, _):
      let px = T.pixelX(x)
      c.line(px, a.y - 2, px, a.y + a.height + 2, color: color, width: 1.2, dashed: dashed)
    case .text(let s, let x, let y, let color, let anchor):
      let p = T.pixel(x, y)
      c.text(s, x: p.x, y: p.y, color: color, anchor: anchor)
    }
  }

  func drawHeatmap(_ h: Heatmap, on c: inout Canvas, _ T: AxisTransform) {
    let rows = h.values.count
    let cols = h.values.map(\.count).max() ?? 0
    guard rows > 0, cols > 0 else { return }
    let vr = Plot.valueRange(h)
    let lut = (0..<256).map { h.colormap.color(Double($0) / 255) }
    let px0 = T.pixelX(h.xRange.lowerBound), px1 = T.pixelX(h.xRange.upperBound)
    let py0 = T.pixelY(h.yRange.upperBound), py1 = T.pixelY(h.yRange.lowerBound)
    guard px0.isFinite, px1.isFinite, py0.isFinite, py1.isFinite else { return }
    let i0 = Int(max(floor(min(px0, px1)), T.area.x)), i1 = Int(min(ceil(max(px0, px1)), T.area.x + T.area.width))
    let j0 = Int(max(floor(min(py0, py1)), T.area.y)), j1 = Int(min(ceil(max(py0, py1)), T.area.y + T.area.height))
    guard i0 < i1, j0 < j1 else { return }
    let xlo = h.xRange.lowerBound, xspan = h.xRange.upperBound - h.xRange.lowerBound
    let ylo = h.yRange.lowerBound, yspan = h.yRange.upperBound - h.yRange.lowerBound
    // Cell index of every pixel column and row (−1 when outside).
    let colOf = (i0..<i1).map { i -> Int in
      let x = T.data(Double(i) + 0.5, 0).x
      let f = (x - xlo) / xspan
      return f >= 0 && f <= 1 ? min(Int(f * Double(cols)), cols - 1) : -1
    }
    for j in j0..<j1 {
      let y = T.data(0, Double(j) + 0.5).y
      let f = (y - ylo) / yspan
      guard f >= 0 && f <= 1 else { continue }
      let row = h.values[min(Int(f * Double(rows)), rows - 1)]
      for (k, col) in colOf.enumerated() where col >= 0 && col < row.count {
        let v = row[col]
        guard v.isFinite else { continue }
        let t = (v - vr.lowerBound) / (vr.upperBound - vr.lowerBound)
        c.blend(i0 + k, j, lut[Int((min(max(t, 0), 1) * 255).rounded())])
      }
    }
  }

  func drawColorbar(_ b: Colorbar, on c: inout Canvas, textColor: RGBA, frameColor: RGBA) {
    for j in 0..<b.h {
      let t = 1 - (Double(j) + 0.5) / Double(b.h)
      c.fillRect(x: Double(b.x), y: Double(b.y + j), width: Double(b.w), height: 1, color: b.map.color(t))
    }
    let fx = Double(b.x - 1), fy = Double(b.y - 1), fw = Double(b.w + 2), fh = Double(b.h + 2)
    c.fillRect(x: fx, y: fy, width: fw, height: 1, color: frameColor)
    c.fillRect(x: fx, y: fy + fh - 1, width: fw, height: 1, color: frameColor)
    c.fillRect(x: fx, y: fy, width: 1, height: fh, color: frameColor)
    c.fillRect(x: fx + fw - 1, y: fy, width: 1, height: fh, color: frameColor)
    let lo = b.range.lowerBound, span = b.range.upperBound - b.range.lowerBound
    for (v, s) in zip(b.ticks.values, b.ticks.labels) {
      let py = floor(Double(b.y + b.h) - (v - lo) / span * Double(b.h))
      guard py >= Double(b.y - 1), py <= Double(b.y + b.h) else { continue }
      c.fillRect(x: Double(b.x + b.w + 1), y: py, width: 3, height: 1, color: frameColor)
      c.text(s, x: Double(b.x + b.w + 1 + 3 + 3), y: py + 0.5, color: textColor, anchor: .left)
    }
    if !b.label.isEmpty {
      c.verticalText(b.label, x: b.labelX, y: Double(b.y) + Double(b.h) / 2, color: .black, anchor: .center)
    }
  }

  enum LegendSample { case marker(Marker, RGBA, Double), line(RGBA, Double, Bool), arrow(RGBA) }

  func drawLegend(on c: inout Canvas, _ L: Layout) {
    var entries: [(String, LegendSample)] = []
    for layer in layers {
      switch layer {
      case .scatter(_, _, let color, let r, let m, let label?): entries.append((label, .marker(m, color, min(r, 4))))
      case .line(_, _, let color, let w, let d, let label?): entries.append((label, .line(color, w, d)))
      case .arrows(_, _, _, _, let color, _, let label?): entries.append((label, .arrow(color)))
      case .hline(_, let color, let d, let label?), .vline(_, let color, let d, let label?):
        entries.append((label, .line(color, 1.2, d)))
      default: break
      }
    }
    entries.removeAll { $0.0.isEmpty }
    guard !entries.isEmpty else { return }
    let rowH = 13, sampleW = 22, pad = 6
    let textW = entries.map { Canvas.textWidth($0.0) }.max() ?? 0
    let bw = pad + sampleW + 6 + textW + pad, bh = 4 + rowH * entries.count + 2
    let a = L.area
    let inset = 6
    let left = a.x + inset, right = a.x + a.w - inset - bw, top = a.y + inset, bottom = a.y + a.h - inset - bh
    let midY = a.y + (a.h - bh) / 2, midX = a.x + (a.w - bw) / 2
    let candidates = [
      (right, top), (left, top), (right, bottom), (left, bottom), (midX, top), (midX, bottom), (right, midY),
      (left, midY),
    ]
    // Count the data each candidate box would hide.
    let pts = legendObstacles(L.transform)
    var best = candidates[0], bestCount = Int.max
    for cand in candidates {
      let x0 = Double(cand.0 - 3), x1 = Double(cand.0 + bw + 3), y0 = Double(cand.1 - 3), y1 = Double(cand.1 + bh + 3)
      var n = 0
      for p in pts where p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1 { n += 1 }
      if n < bestCount { best = cand; bestCount = n }
      if n == 0 { break }
    }
    let (bx, by) = best
    c.fillRect(x: Double(bx), y: Double(by), width: Double(bw), height: Double(bh), color: RGBA.white.withAlpha(0.88))
    let border = RGBA(hex: 0xBBBBBB)
    c.fillRect(x: Double(bx), y: Double(by), width: Double(bw), height: 1, color: border)
    c.fillRect(x: Double(bx), y: Double(by + bh - 1), width: Double(bw), height: 1, color: border)
    c.fillRect(x: Double(bx), y: Double(by), width: 1, height: Double(bh), color: border)
    c.fillRect(x: Double(bx + bw - 1), y: Double(by), width: 1, height: Double(bh), color: border)
    for (k, e) in entries.enumerated() {
      let cy = Double(by + 4 + k * rowH) + Double(rowH) / 2 - 0.5
      let sx0 = Double(bx + pad), sx1 = Double(bx + pad + sampleW)
      // Light samples (white arrows over a heatmap, say) get a dark backdrop to stay visible.
      let sampleColor: RGBA
      switch e.1 {
      case .marker(_, let c, _), .line(let c, _, _), .arrow(let c): sampleColor = c
      }
      let luminance = 0.299 * Double(sampleColor.r) + 0.587 * Double(sampleColor.g) + 0.114 * Double(sampleColor.b)
      if luminance > 215 {
        c.fillRect(x: sx0 - 2, y: cy - 5.5, width: Double(sampleW) + 4, height: 11, color: RGBA(hex: 0x555555))
      }
      switch e.1 {
      case .marker(let m, let color, let r):
        drawMarker(m, x: (sx0 + sx1) / 2, y: cy, radius: max(r, 2.5), color: color, on: &c)
      case .line(let color, let w, let d):
        c.line(sx0, cy, sx1, cy, color: color, width: max(w, 1.2), dashed: d)
      case .arrow(let color):
        c.arrow(sx0, cy, sx1, cy, color: color, width: 1.2)
      }
      c.text(e.0, x: sx1 + 6, y: cy, color: RGBA(hex: 0x222222), anchor: .left)
    }
  }

  /// Pixel positions of the data, to keep the legend off it.
  func legendObstacles(_ T: AxisTransform) -> [(x: Double, y: Double)] {
    var pts: [(x: Double, y: Double)] = []
    func sampleSegment(_ p: (x: Double, y: Double), _ q: (x: Double, y: Double)) {
      let len = ((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y)).squareRoot()
      let n = min(200, Int(len / 6))
      if n > 0 {
        for k in 1...n { let t = Double(k) / Double(n + 1); pts.append((p.x + t * (q.x - p.x), p.y + t * (q.y - p.y))) }
      }
    }
    let a = T.area
    for layer in layers {
      switch layer {
      case .scatter(let xs, let ys, _, _, _, _):
        for i in 0..<min(xs.count, ys.count) { pts.append(T.pixel(xs[i], ys[i])) }
      case .line(let xs, let ys, _, _, _, _):
        var prev: (x: Double, y: Double)? = nil
        for i in 0..<min(xs.count, ys.count) {
          let p = T.pixel(xs[i], ys[i])
          guard p.x.isFinite, p.y.isFinite else { prev = nil; continue }
          pts.append(p)
          if let q = prev { sampleSegment(q, p) }
          prev = p
        }
      case .arrows(let xs, let ys, let us, let vs, _, let scale, _):
        for r in arrowPixels(xs, ys, us, vs, scale: scale, T) { pts.append((r.x0, r.y0)); pts.append((r.x1, r.y1)) }
      case .hline(let y, _, _, _):
        let py = T.pixelY(y)
        sampleSegment((a.x, py), (a.x + a.width, py))
      case .vline(let x, _, _, _):
        let px = T.pixelX(x)
        sampleSegment((px, a.y), (px, a.y + a.height))
      case .text(_, let x, let y, _, _): pts.append(T.pixel(x, y))
      case .heatmap: break
      }
    }
    return pts.filter { $0.x.isFinite && $0.y.isFinite }
  }
}
