import Foundation

/// Named colours of the Tableau-10 palette (distinguishable for most colour-blind readers), plus grays.
extension RGBA {
  /// Tableau blue, the default for data.
  public static let blue = RGBA(hex: 0x4E79A7)
  /// Tableau orange.
  public static let orange = RGBA(hex: 0xF28E2B)
  /// Tableau green.
  public static let green = RGBA(hex: 0x59A14F)
  /// Tableau red.
  public static let red = RGBA(hex: 0xE15759)
  /// Tableau purple.
  public static let purple = RGBA(hex: 0xB07AA1)
  /// Tableau brown.
  public static let brown = RGBA(hex: 0x9C755F)
  /// Tableau pink.
  public static let pink = RGBA(hex: 0xFF9DA7)
  /// Middle gray, for reference lines.
  public static let gray = RGBA(hex: 0x888888)
  /// Light gray, for grids and backgrounds.
  public static let lightGray = RGBA(hex: 0xD4D4D4)
  /// Dark gray, for frames, text and arrows.
  public static let darkGray = RGBA(hex: 0x3C3C3C)

  /// The palette in order, for colouring series one after another.
  public static let palette: [RGBA] = [.blue, .orange, .green, .red, .purple, .brown, .pink, .gray]

  /// The same colour with opacity `a` in [0, 1].
  public func withAlpha(_ a: Double) -> RGBA {
    let clamped = a.isFinite ? min(max(a, 0), 1) : 1
    return RGBA(r, g, b, UInt8((clamped * 255).rounded()))
  }
}

/// A map from numbers in [0, 1] to colours, for heatmaps.
public enum Colormap: Sendable {
  /// Dark purple → blue → green → yellow; perceptually uniform, for any scalar field.
  case viridis
  /// Blue → white → red, for signed values; pair it with a range symmetric about 0.
  case diverging
  /// White → orange → dark red, for magnitudes such as |error|.
  case magnitude

  private var stops: [UInt32] {
    switch self {
    case .viridis: [0x440154, 0x472C7A, 0x3B518B, 0x2C718E, 0x21908D, 0x27AD81, 0x5CC863, 0xAADC32, 0xFDE725]
    case .diverging: [0x2166AC, 0x67A9CF, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xEF8A62, 0xB2182B]
    case .magnitude: [0xFFFFFF, 0xFEE8C8, 0xFDBB84, 0xFC8D59, 0xE34A33, 0xB30000, 0x5A0000]
    }
  }

  /// The colour at `t` in [0, 1] (clamped; NaN gives the middle colour).
  public func color(_ t: Double) -> RGBA {
    let s = stops
    let u = t.isNaN ? 0.5 : min(max(t, 0), 1)
    let pos = u * Double(s.count - 1)
    let k = min(Int(pos), s.count - 2)
    let f = pos - Double(k)
    let a = RGBA(hex: s[k]), b = RGBA(hex: s[k + 1])
    func mix(_ p: UInt8, _ q: UInt8) -> UInt8 { UInt8((Double(p) * (1 - f) + Double(q) * f).rounded()) }
    return RGBA(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b))
  }
}

/// How an axis spaces its values.
public enum AxisScale: Sendable {
  /// Equal steps for equal differences.
  case linear
  /// Equal steps for equal ratios (decades); non-positive values are not shown.
  case log10
}

/// The shape drawn for each point of a scatter layer.
public enum Marker: Sendable {
  case circle, cross, square, plus
}

/// Maps data coordinates to pixel coordinates inside a plot area.
///
/// The low end of `xRange` lands on the left edge of the area (`area.x`), the
/// high end on the right edge (`area.x + area.width`); the low end of
/// `yRange` lands on the bottom edge (`area.y + area.height`), because pixel
/// y grows downward. Log axes map log10 of the value linearly.
public struct AxisTransform: Sendable {
  public let xRange: ClosedRange<Double>
  public let yRange: ClosedRange<Double>
  public let xScale: AxisScale
  public let yScale: AxisScale
  public let area: (x: Double, y: Double, width: Double, height: Double)

  // Transformed ends of the ranges.
  private let x0, x1, y0, y1: Double

  /// A transform from the data ranges to the pixel rectangle `area`.
  public init(
    xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, xScale: AxisScale = .linear,
    yScale: AxisScale = .linear, area: (x: Double, y: Double, width: Double, height: Double)
  ) {
    self.xRange = xRange; self.yRange = yRange; self.xScale = xScale; self.yScale = yScale; self.area = area
    x0 = AxisTransform.forward(xRange.lowerBound, xScale); x1 = AxisTransform.forward(xRange.upperBound, xScale)
    y0 = AxisTransform.forward(yRange.lowerBound, yScale); y1 = AxisTransform.forward(yRange.upperBound, yScale)
  }

  @inline(__always)
  static func forward(_ v: Double, _ s: AxisScale) -> Double {
    switch s {
    case .linear: v
    case .log10: v > 0 ? Foundation.log10(v) : .nan
    }
  }

  @inline(__always)
  static func backward(_ v: Double, _ s: AxisScale) -> Double {
    switch s {
    case .linear: v
    case .log10: Foundation.pow(10, v)
    }
  }

  /// Pixel x of data x (NaN for non-positive values on a log axis).
  @inline(__always)
  public func pixelX(_ x: Double) -> Double {
    let d = x1 - x0
    return area.x + (d == 0 ? 0.5 : (AxisTransform.forward(x, xScale) - x0) / d) * area.width
  }

  /// Pixel y of data y; larger data y gives smaller pixel y.
  @inline(__always)
  public func pixelY(_ y: Double) -> Double {
    let d = y1 - y0
    return area.y + area.height - (d == 0 ? 0.5 : (AxisTransform.forward(y, yScale) - y0) / d) * area.height
  }

  /// The pixel position of the data point (x, y); y grows downward in pixels.
  public func pixel(_ x: Double, _ y: Double) -> (x: Double, y: Double) { (pixelX(x), pixelY(y)) }

  /// The data point at pixel position (px, py): the inverse of `pixel`.
  public func data(_ px: Double, _ py: Double) -> (x: Double, y: Double) {
    let fx = (px - area.x) / area.width, fy = (area.y + area.height - py) / area.height
    return (AxisTransform.backward(x0 + fx * (x1 - x0), xScale), AxisTransform.backward(y0 + fy * (y1 - y0), yScale))
  }
}

/// Tick positions and their labels.
enum Ticks {
  /// "Nice" ticks for [lo, hi]: multiples of 1, 2 or 5 × 10^k, about `target`
  /// of them (at least 2 when the range allows), all inside the range.
  static func nice(_ lo: Double, _ hi: Double, target: Int) -> (values: [Double], step: Double) {
    guard lo.isFinite, hi.isFinite, hi > lo else { return ([lo], 1) }
    let raw = (hi - lo) / Double(max(target, 1))
    return ticks(lo, hi, step: niceStep(atLeast: raw))
  }

  /// The smallest 1-2-5 step not below `raw`.
  static func niceStep(atLeast raw: Double) -> Double {
    let e = floor(log10(raw))
    let p = pow(10, e)
    for m in [1.0, 2, 5, 10] where m * p >= raw * (1 - 1e-9) { return m * p }
    return 10 * p
  }

  /// The next 1-2-5 step above `step`.
  static func nextStep(_ step: Double) -> Double { niceStep(atLeast: step * 1.0001) }

  static func ticks(_ lo: Double, _ hi: Double, step: Double) -> (values: [Double], step: Double) {
    let first = ceil(lo / step - 1e-9), last = floor(hi / step + 1e-9)
    guard last >= first, last - first < 10_000 else { return ([], step) }
    var out: [Double] = []
    var k = first
    while k <= last {
      let v = k * step
      out.append(abs(v) < step * 1e-9 ? 0 : v)
      k += 1
    }
    return (out, step)
  }

  /// Labels for linear ticks with spacing `step`: as few decimals as the step
  /// needs, scientific notation for very large or small magnitudes, and a true
  /// minus sign.
  static func labels(_ values: [Double], step: Double) -> [String] {
    let maxAbs = values.map(abs).max() ?? 0
    let scientific = maxAbs >= 1e5 || (maxAbs > 0 && maxAbs < 1e-3)
    let decimals = max(0, Int(ceil(-log10(step) - 1e-9)))
    return values.map { v in
      if v == 0 { return decimals == 0 || scientific ? "0" : String(format: "%.\(decimals)f", 0.0) }
      if scientific { return compactScientific(v, step: step) }
      return minus(String(format: "%.\(decimals)f", v))
    }
  }

  /// "2.5e-5"-style text.
  static func compactScientific(_ v: Double, step: Double) -> String {
    let e = Int(floor(log10(abs(v)) + 1e-12))
    let m = v / pow(10, Double(e))
    // Enough mantissa digits to tell neighbouring ticks apart.
    let digits = max(0, min(6, Int(ceil(Double(e) - log10(step) - 1e-9))))
    var ms = String(format: "%.\(digits)f", m)
    if ms.contains(".") {
      while ms.hasSuffix("0") { ms.removeLast() }
      if ms.hasSuffix(".") { ms.removeLast() }
    }
    return minus("\(ms)e\(e)")
  }

  /// Replaces the ASCII hyphen of a negative number by U+2212.
  static func minus(_ s: String) -> String {
    s.hasPrefix("-") ? "−" + s.dropFirst() : s
  }

  /// Label of a log-axis tick at value v: "0.001" … "1000", else "1e-5" / "2e6".
  static func logLabel(_ v: Double) -> String {
    let e = Int(floor(log10(v) + 1e-9))
    let mant = v / pow(10, Double(e))
    if abs(mant - mant.rounded()) > 1e-6 { return minus(String(format: "%g", v)) }
    if e >= -3 && e <= 4 {
      return String(format: "%.\(max(0, -e))f", v)
    }
    let m = (v / pow(10, Double(e))).rounded()
    return m == 1 ? "1e\(e)" : "\(Int(m))e\(e)"
  }

  /// Ticks for a log axis over [lo, hi] (both > 0): whole decades, every
  /// `every`-th; 1-2-5 or all integer multiples when the range is under two decades.
  /// Returns major (labelled) and minor ticks.
  static func log(_ lo: Double, _ hi: Double, maxLabels: Int) -> (major: [Double], minor: [Double]) {
    guard lo > 0, hi > lo, lo.isFinite, hi.isFinite else { return ([], []) }
    let k0 = Int(ceil(log10(lo) - 1e-9)), k1 = Int(floor(log10(hi) + 1e-9))
    let e0 = Int(floor(log10(lo))), e1 = Int(ceil(log10(hi)))
    func multiples(_ ms: [Double]) -> [Double] {
      var out: [Double] = []
      if e1 - e0 > 400 { return out }
      for e in e0...e1 {
        for m in ms {
          let v = m * pow(10, Double(e))
          if v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) { out.append(v) }
        }
      }
      return out
    }
    let decades = k1 >= k0 ? k1 - k0 + 1 : 0
    if decades >= 2 {
      let every = max(1, Int(ceil(Double(decades) / Double(max(maxLabels, 1)))))
      var major: [Double] = []
      var k = k0
      // Keep the labelled decades aligned to multiples of `every`.
      while k % every != 0 { k += 1 }
      while k <= k1 { major.append(pow(10, Double(k))); k += every }
      if major.count < 2 { major = (k0...k1).map { pow(10, Double($0)) } }
      let minor = every == 1 ? multiples([2, 3, 4, 5, 6, 7, 8, 9]) : (k0...k1).map { pow(10, Double($0)) }
      return (major, minor)
    }
    for ms in [[1.0, 2, 5], [1.0, 2, 3, 4, 5, 6, 7, 8, 9]] {
      let major = multiples(ms)
      if major.count >= 2 && major.count <= max(maxLabels, 2) {
        return (major, multiples([1, 2, 3, 4, 5, 6, 7, 8, 9]))
      }
    }
    // Very narrow range: linear ticks inside it.
    let lin = nice(lo, hi, target: max(2, min(maxLabels, 5))).values.filter { $0 > 0 }
    return (lin, [])
  }
}
