import Foundation

/// Which point of a piece of text sits at the position given to `Canvas.text`.
///
/// Vertically, `top` is the top of the capitals and `bottom` the baseline
/// (descenders hang below it); `center`, `left` and `right` are centred on
/// the capitals.
public enum TextAnchor: Sendable {
  case topLeft, top, topRight, left, center, right, bottomLeft, bottom, bottomRight

  /// Fractions (0, ½, 1) of the text's width and cap height.
  var fractions: (h: Double, v: Double) {
    switch self {
    case .topLeft: (0, 0)
    case .top: (0.5, 0)
    case .topRight: (1, 0)
    case .left: (0, 0.5)
    case .center: (0.5, 0.5)
    case .right: (1, 0.5)
    case .bottomLeft: (0, 1)
    case .bottom: (0.5, 1)
    case .bottomRight: (1, 1)
    }
  }
}

/// A drawing surface over RGBA pixels: anti-aliased shapes, lines and text.
///
/// Coordinates are pixels with the origin at the top left; pixel (i, j)
/// covers the square [i, i+1) × [j, j+1), so its centre is (i + ½, j + ½).
/// Every shape is composited with "over" alpha blending, its partial
/// coverage of a pixel acting as extra transparency (anti-aliasing).
/// Drawing is restricted to the clip rectangle (the whole canvas by default).
public struct Canvas: Sendable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// RGBA bytes, row by row from the top (as in `Image`).
  public private(set) var pixels: [UInt8]
  // Clip rectangle, half-open pixel bounds.
  private var clipX0 = 0, clipY0 = 0, clipX1: Int, clipY1: Int

  /// A canvas of the given size filled with `background`.
  public init(width: Int, height: Int, background: RGBA = .white) {
    self.init(image: Image(width: width, height: height, background: background))
  }

  /// A canvas that draws on a copy of `image`.
  public init(image: Image) {
    width = image.width; height = image.height; pixels = image.pixels
    clipX1 = width; clipY1 = height
  }

  /// The picture drawn so far.
  public var image: Image { Image(width: width, height: height, pixels: pixels) }

  // MARK: Clipping and pixels

  /// Restricts later drawing to a rectangle (intersected with the canvas).
  public mutating func setClip(x: Int, y: Int, width w: Int, height h: Int) {
    clipX0 = max(0, x); clipY0 = max(0, y)
    clipX1 = min(width, x + w); clipY1 = min(height, y + h)
  }

  /// Lets later drawing reach the whole canvas again.
  public mutating func resetClip() {
    clipX0 = 0; clipY0 = 0; clipX1 = width; clipY1 = height
  }

  /// The colour of pixel (x, y); nil outside the canvas.
  public func pixel(_ x: Int, _ y: Int) -> RGBA? {
    guard x >= 0, y >= 0, x < width, y < height else { return nil }
    let k = 4 * (y * width + x)
    return RGBA(pixels[k], pixels[k + 1], pixels[k + 2], pixels[k + 3])
  }

  /// Blends `color` over pixel (x, y) with the given coverage in [0, 1].
  @inline(__always)
  public mutating func blend(_ x: Int, _ y: Int, _ color: RGBA, coverage: Double = 1) {
    guard x >= clipX0, y >= clipY0, x < clipX1, y < clipY1, coverage > 0 else { return }
    let sa = Double(color.a) / 255 * min(coverage, 1)
    if sa <= 0 { return }
    let k = 4 * (y * width + x)
    if sa >= 1 {
      pixels[k] = color.r; pixels[k + 1] = color.g; pixels[k + 2] = color.b; pixels[k + 3] = 255
      return
    }
    let da = Double(pixels[k + 3]) / 255
    let oa = sa + da * (1 - sa)
    let wd = da * (1 - sa) / oa, ws = sa / oa
    pixels[k] = UInt8((Double(color.r) * ws + Double(pixels[k]) * wd).rounded())
    pixels[k + 1] = UInt8((Double(color.g) * ws + Double(pixels[k + 1]) * wd).rounded())
    pixels[k + 2] = UInt8((Double(color.b) * ws + Double(pixels[k + 2]) * wd).rounded())
    pixels[k + 3] = UInt8((oa * 255).rounded())
  }

  /// Copies `image` onto the canvas with its top-left corner at (x, y), blending by its alpha.
  public mutating func draw(_ image: Image, x: Int, y: Int) {
    for j in 0..<image.height {
      for i in 0..<image.width {
        let k = 4 * (j * image.width + i)
        let c = RGBA(image.pixels[k], image.pixels[k + 1], image.pixels[k + 2], image.pixels[k + 3])
        blend(x + i, y + j, c)
      }
    }
  }

  // MARK: Shapes

  /// Fills the rectangle [x, x+width] × [y, y+height], anti-aliasing fractional edges.
  public mutating func fillRect(x: Double, y: Double, width w: Double, height h: Double, color: RGBA) {
    guard x.isFinite, y.isFinite, w.isFinite, h.isFinite, w > 0, h > 0 else { return }
    let x1 = x + w, y1 = y + h
    let i0 = max(clipX0, Int(floor(x))), i1 = min(clipX1, Int(ceil(x1)))
    let j0 = max(clipY0, Int(floor(y))), j1 = min(clipY1, Int(ceil(y1)))
    guard i0 < i1, j0 < j1 else { return }
    for j in j0..<j1 {
      let cy = min(Double(j + 1), y1) - max(Double(j), y)
      for i in i0..<i1 {
        let cx = min(Double(i + 1), x1) - max(Double(i), x)
        blend(i, j, color, coverage: cx * cy)
      }
    }
  }

  /// Fills a disc centred at (x, y); coverage falls off over one pixel at the rim.
  public mutating func fillCircle(x: Double, y: Double, radius r: Double, color: RGBA) {
    guard x.isFinite, y.isFinite, r.isFinite, r > 0 else { return }
    let i0 = max(clipX0, Int(floor(x - r - 1))), i1 = min(clipX1, Int(ceil(x + r + 1)))
    let j0 = max(clipY0, Int(floor(y - r - 1))), j1 = min(clipY1, Int(ceil(y + r + 1)))
    guard i0 < i1, j0 < j1 else { return }
    // Tiny discs keep their area rather than vanishing.
    let scale = r < 0.5 ? 2 * r : 1
    let rr = max(r, 0.5)
    for j in j0..<j1 {
      let dy = Double(j) + 0.5 - y
      for i in i0..<i1 {
        let dx = Double(i) + 0.5 - x
        let c = rr + 0.5 - (dx * dx + dy * dy).squareRoot()
        if c > 0 { blend(i, j, color, coverage: min(c, 1) * scale) }
      }
    }
  }

  /// Draws the outline of a circle.
  public mutating func strokeCircle(x: Double, y: Double, radius r: Double, color: RGBA, width: Double = 1) {
    guard x.isFinite, y.isFinite, r.isFinite, r > 0 else { return }
    let hw = width / 2
    let i0 = max(clipX0, Int(floor(x - r - hw - 1))), i1 = min(clipX1, Int(ceil(x + r + hw + 1)))
    let j0 = max(clipY0, Int(floor(y - r - hw - 1))), j1 = min(clipY1, Int(ceil(y + r + hw + 1)))
    guard i0 < i1, j0 < j1 else { return }
    for j in j0..<j1 {
      let dy = Double(j) + 0.5 - y
      for i in i0..<i1 {
        let dx = Double(i) + 0.5 - x
        let d = abs((dx * dx + dy * dy).squareRoot() - r)
        let c = hw + 0.5 - d
        if c > 0 { blend(i, j, color, coverage: min(c, 1)) }
      }
    }
  }

  /// Draws a straight line from (x0, y0) to (x1, y1) with round ends.
  public mutating func line(
    _ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, color: RGBA, width: Double = 1, dashed: Bool = false
  ) {
    polyline([(x0, y0), (x1, y1)], color: color, width: width, dashed: dashed)
  }

  /// Draws connected line segments through `points`; a non-finite point breaks the line.
  ///
  /// The whole line is rasterised into a coverage mask first and composited
  /// once, so joints are not darkened and translucent lines stay even.
  /// Dashes continue their pattern across joints.
  public mutating func polyline(
    _ points: [(x: Double, y: Double)], color: RGBA, width: Double = 1, dashed: Bool = false
  ) {
    let hw = max(width, 0.5) / 2
    let fade = min(width, 1)  // lines thinner than a pixel get fainter, not thinner
    var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
    for p in points where p.x.isFinite && p.y.isFinite {
      minX = min(minX, p.x); maxX = max(maxX, p.x); minY = min(minY, p.y); maxY = max(maxY, p.y)
    }
    guard minX <= maxX else { return }
    let i0 = max(clipX0, Int(floor(minX - hw - 1))), i1 = min(clipX1, Int(ceil(maxX + hw + 1)))
    let j0 = max(clipY0, Int(floor(minY - hw - 1))), j1 = min(clipY1, Int(ceil(maxY + hw + 1)))
    guard i0 < i1, j0 < j1 else { return }
    let mw = i1 - i0
    var mask = [Float](repeating: 0, count: mw * (j1 - j0))

    func segment(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) {
      let si0 = max(i0, Int(floor(min(ax, bx) - hw - 1))), si1 = min(i1, Int(ceil(max(ax, bx) + hw + 1)))
      let sj0 = max(j0, Int(floor(min(ay, by) - hw - 1))), sj1 = min(j1, Int(ceil(max(ay, by) + hw + 1)))
      guard si0 < si1, sj0 < sj1 else { return }
      let dx = bx - ax, dy = by - ay
      let len2 = dx * dx + dy * dy
      for j in sj0..<sj1 {
        let py = Double(j) + 0.5
        for i in si0..<si1 {
          let px = Double(i) + 0.5
          var t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0
          t = min(max(t, 0), 1)
          let ex = ax + t * dx - px, ey = ay + t * dy - py
          let c = hw + 0.5 - (ex * ex + ey * ey).squareRoot()
          if c > 0 {
            let k = (j - j0) * mw + (i - i0)
            let v = Float(min(c, 1))
            if v > mask[k] { mask[k] = v }
          }
        }
      }
    }

    let on = 3 * max(width, 1) + 3, off = 2 * max(width, 1) + 2
    var phase = 0.0  // distance into the current dash period
    var previous: (x: Double, y: Double)? = nil
    for p in points {
      guard p.x.isFinite, p.y.isFinite else { previous = nil; continue }
      defer { previous = p }
      guard let a = previous else { continue }
      if !dashed { segment(a.x, a.y, p.x, p.y); continue }
      let fullLen = ((p.x - a.x) * (p.x - a.x) + (p.y - a.y) * (p.y - a.y)).squareRoot()
      guard fullLen > 0, fullLen.isFinite else { continue }
      // Only the part near the drawable area matters (keeps far-off dashes cheap).
      let m = hw + 2
      guard
        let (t0, t1) = Canvas.clipParameters(
          a, p, Double(i0) - m, Double(j0) - m, Double(i1) + m, Double(j1) + m)
      else {
        phase = (phase + fullLen).truncatingRemainder(dividingBy: on + off)
        continue
      }
      phase = (phase + t0 * fullLen).truncatingRemainder(dividingBy: on + off)
      let ex = p.x - a.x, ey = p.y - a.y
      let start = (x: a.x + ex * t0, y: a.y + ey * t0)
      let end = (x: a.x + ex * t1, y: a.y + ey * t1)
      let len = (t1 - t0) * fullLen
      guard len > 0 else { continue }
      var s = 0.0
      while s < len {
        let inOn = phase < on
        let step = min(len - s, (inOn ? on : on + off) - phase)
        if inOn {
          let u0 = s / len, u1 = (s + step) / len
          segment(
            start.x + (end.x - start.x) * u0, start.y + (end.y - start.y) * u0,
            start.x + (end.x - start.x) * u1, start.y + (end.y - start.y) * u1)
        }
        s += step; phase += step
        if phase >= on + off - 1e-9 { phase = 0 }
      }
    }
    for j in j0..<j1 {
      for i in i0..<i1 {
        let v = mask[(j - j0) * mw + (i - i0)]
        if v > 0 { blend(i, j, color, coverage: Double(v) * fade) }
      }
    }
  }

  /// The parameter interval [t0, t1] of segment a→b inside a rectangle (Liang–Barsky), nil if outside.
  static func clipParameters(
    _ a: (x: Double, y: Double), _ b: (x: Double, y: Double), _ xmin: Double, _ ymin: Double, _ xmax: Double,
    _ ymax: Double
  ) -> (Double, Double)? {
    var t0 = 0.0, t1 = 1.0
    let dx = b.x - a.x, dy = b.y - a.y
    for (p, q) in [(-dx, a.x - xmin), (dx, xmax - a.x), (-dy, a.y - ymin), (dy, ymax - a.y)] {
      if p == 0 {
        if q < 0 { return nil }
      } else {
        let r = q / p
        if p < 0 { t0 = max(t0, r) } else { t1 = min(t1, r) }
      }
    }
    return t0 <= t1 ? (t0, t1) : nil
  }

  /// Fills a polygon (even–odd rule), anti-aliased with 4 sub-rows per pixel and exact horizontal coverage.
  public mutating func fillPolygon(_ points: [(x: Double, y: Double)], color: RGBA) {
    guard points.count >= 3, points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return }
    let minX = points.map(\.x).min()!, maxX = points.map(\.x).max()!
    let minY = points.map(\.y).min()!, maxY = points.map(\.y).max()!
    let i0 = max(clipX0, Int(floor(minX))), i1 = min(clipX1, Int(ceil(maxX)))
    let j0 = max(clipY0, Int(floor(minY))), j1 = min(clipY1, Int(ceil(maxY)))
    guard i0 < i1, j0 < j1 else { return }
    let sub = 4
    var acc = [Double](repeating: 0, count: i1 - i0)
    var xs: [Double] = []
    for j in j0..<j1 {
      for k in 0..<(i1 - i0) { acc[k] = 0 }
      for s in 0..<sub {
        let y = Double(j) + (Double(s) + 0.5) / Double(sub)
        xs.removeAll(keepingCapacity: true)
        for e in 0..<points.count {
          let a = points[e], b = points[(e + 1) % points.count]
          if (a.y <= y && b.y > y) || (b.y <= y && a.y > y) {
            xs.append(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x))
          }
        }
        xs.sort()
        var q = 0
        while q + 1 < xs.count {
          let xa = max(xs[q], Double(i0)), xb = min(xs[q + 1], Double(i1))
          q += 2
          guard xa < xb else { continue }
          var i = Int(floor(xa))
          while Double(i) < xb {
            let cover = min(Double(i + 1), xb) - max(Double(i), xa)
            if cover > 0 { acc[i - i0] += cover / Double(sub) }
            i += 1
          }
        }
      }
      for k in 0..<(i1 - i0) where acc[k] > 0 { blend(i0 + k, j, color, coverage: acc[k]) }
    }
  }

  /// Draws an arrow from (x0, y0) to (x1, y1): a shaft and a filled triangular head.
  ///
  /// The head is about `headLength` pixels long (default: scaled to the arrow,
  /// between 3 and 9 pixels); arrows shorter than a pixel become a dot.
  public mutating func arrow(
    _ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, color: RGBA, width: Double = 1.2,
    headLength: Double? = nil
  ) {
    guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { return }
    let dx = x1 - x0, dy = y1 - y0
    let len = (dx * dx + dy * dy).squareRoot()
    if len < 1 {
      fillCircle(x: x0, y: y0, radius: max(width, 1) * 0.6, color: color)
      return
    }
    let head = min(headLength ?? min(max(len * 0.35, 3), 9) * max(1, width / 1.2), len)
    let half = head * 0.45
    let ux = dx / len, uy = dy / len
    let bx = x1 - ux * head, by = y1 - uy * head
    if len - head * 0.7 > 0 {
      line(x0, y0, x1 - ux * head * 0.7, y1 - uy * head * 0.7, color: color, width: width)
    }
    fillPolygon([(x1, y1), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)], color: color)
  }

  // MARK: Text

  /// Height of capitals at `scale` (7 pixels at scale 1).
  public static func textHeight(scale: Int = 1) -> Int { BitmapFont.capHeight * max(1, scale) }

  /// Width in pixels of `s` drawn at `scale`.
  public static func textWidth(_ s: String, scale: Int = 1) -> Int {
    var w = 0, n = 0
    for c in s {
      w += BitmapFont.glyph(c).width; n += 1
    }
    return n == 0 ? 0 : (w + n - 1) * max(1, scale)
  }

  /// Width in pixels of `s` drawn at `scale`.
  public func textWidth(_ s: String, scale: Int = 1) -> Int { Canvas.textWidth(s, scale: scale) }

  /// Draws `s` with the built-in bitmap font, crisp (no smoothing), `anchor` placed at (x, y).
  public mutating func text(
    _ s: String, x: Double, y: Double, color: RGBA = .black, scale: Int = 1, anchor: TextAnchor = .topLeft
  ) {
    guard x.isFinite, y.isFinite else { return }
    let sc = max(1, scale)
    let f = anchor.fractions
    let w = Double(Canvas.textWidth(s, scale: sc)), h = Double(Canvas.textHeight(scale: sc))
    let ox = Int((x - f.h * w).rounded()), oy = Int((y - f.v * h).rounded())
    Canvas.glyphPixels(s, scale: sc) { u, v in
      for b in 0..<sc { for a in 0..<sc { blend(ox + u + a, oy + v + b, color) } }
    }
  }

  /// Draws `s` turned 90° anticlockwise (reading upwards), as for a y-axis label.
  ///
  /// `anchor` refers to the text's own frame: `.center` centres it on (x, y);
  /// `.bottom` puts the middle of its baseline (which then faces right) at (x, y).
  public mutating func verticalText(
    _ s: String, x: Double, y: Double, color: RGBA = .black, scale: Int = 1, anchor: TextAnchor = .center
  ) {
    guard x.isFinite, y.isFinite else { return }
    let sc = max(1, scale)
    let f = anchor.fractions
    let w = Double(Canvas.textWidth(s, scale: sc)), h = Double(Canvas.textHeight(scale: sc))
    let ou = Int((f.h * w).rounded()), ov = Int((f.v * h).rounded())
    let cx = Int(x.rounded()), cy = Int(y.rounded())
    Canvas.glyphPixels(s, scale: sc) { u, v in
      // Text frame (u right, v down) → canvas (x right, y down), turned anticlockwise.
      for b in 0..<sc { for a in 0..<sc { blend(cx + (v + b - ov), cy - (u + a - ou) - 1, color) } }
    }
  }

  /// Calls `body(u, v)` for the top-left corner of every ink cell of `s`, in text-frame pixels.
  private static func glyphPixels(_ s: String, scale: Int, _ body: (Int, Int) -> Void) {
    var pen = 0
    for c in s {
      let g = BitmapFont.glyph(c)
      for (r, bits) in g.rows.enumerated() where bits != 0 {
        for col in 0..<g.width where bits & (1 << UInt8(col)) != 0 {
          body(pen + col * scale, r * scale)
        }
      }
      pen += (g.width + 1) * scale
    }
  }
}
