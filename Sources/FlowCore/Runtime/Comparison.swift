import Foundation

/// Setting a run's summary and figures beside the reference ones: the logic
/// behind `swift run compare` and the reference-figures tests.
///
/// - Summaries are flattened into leaves named by their path
///   (`clusters[0].mean[1]`, `field_error["t=0.5"]`), and each number is
///   given a verdict against the reference one (see `Verdict`).
/// - Machine-dependent entries (timings, speeds, file paths) are reported but
///   never judged: see `isMachineDependent(_:)`.
/// - Figures are compared pixel by pixel (`pixelDifference`) and drawn side by
///   side (`sideBySide`).
public enum Comparison {

  // MARK: Flattening

  /// One value at the end of a path in a summary.
  public enum Leaf: Equatable, Sendable, CustomStringConvertible {
    case number(Double)
    /// A string, a bool (`true`/`false`) or `null` (how non-finite numbers are written).
    case text(String)

    public var description: String {
      switch self {
      case .number(let v): return Comparison.format(v)
      case .text(let s): return s
      }
    }
  }

  /// Every leaf of `value` with its path, depth first in the order of the value.
  ///
  /// Object keys are joined with `.`; a key that is not made of letters,
  /// digits and `_` is written `["key"]`; array items are `[i]`. Empty arrays
  /// and objects have no leaves.
  public static func flatten(_ value: JSONValue, prefix: String = "") -> [(path: String, value: Leaf)] {
    var out: [(path: String, value: Leaf)] = []
    func walk(_ v: JSONValue, _ path: String) {
      switch v {
      case .null: out.append((path, .text("null")))
      case .bool(let b): out.append((path, .text(b ? "true" : "false")))
      case .number(let x): out.append((path, .number(x)))
      case .string(let s): out.append((path, .text(s)))
      case .array(let items):
        for (i, item) in items.enumerated() { walk(item, path + "[\(i)]") }
      case .object(let pairs):
        for (k, item) in pairs { walk(item, join(path, k)) }
      }
    }
    walk(value, prefix)
    return out
  }

  /// The numbers of `value` only, with their paths (see `flatten`).
  public static func numbers(_ value: JSONValue) -> [(path: String, value: Double)] {
    flatten(value).compactMap { if case .number(let x) = $0.value { return ($0.path, x) } else { return nil } }
  }

  static func join(_ path: String, _ key: String) -> String {
    let plain =
      !key.isEmpty
      && key.unicodeScalars.allSatisfy {
        ($0.isASCII && (CharacterSet.alphanumerics.contains($0))) || $0 == "_"
      }
    if plain { return path.isEmpty ? key : path + "." + key }
    return path + "[" + JSONValue.quote(key) + "]"
  }

  // MARK: Machine-dependent entries

  /// Words that mark a timing or a speed: these numbers change from machine
  /// to machine and run to run.
  public static let timingWords: Set<String> = [
    "time", "timing", "timings", "seconds", "second", "secs", "sec", "elapsed", "duration", "ms", "clock",
  ]
  /// Words that mark a file or folder name, which depends on where the run was made.
  public static let pathWords: Set<String> = ["path", "file", "dir", "folder", "directory", "params"]

  /// Whether the entry at `path` depends on the machine or the command line
  /// rather than on the computation: it is shown but never judged.
  ///
  /// The path is cut into words at every character that is not a letter or
  /// digit (`steps_per_second` → steps, per, second); the entry is
  /// machine-dependent when a word is a timing word (`time`, `seconds`, `ms`…),
  /// a path word (`path`, `file`, `params`…), or `per` followed by `s`, `sec`
  /// or `second` (a rate). Note `times` is *not* a timing word: lab 4's
  /// `comparison.times` is the grid of t values, which must match.
  public static func isMachineDependent(_ path: String) -> Bool {
    let words = path.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    for (i, w) in words.enumerated() {
      if timingWords.contains(w) || pathWords.contains(w) { return true }
      if w == "per", i + 1 < words.count, ["s", "sec", "second", "seconds"].contains(words[i + 1]) { return true }
    }
    return false
  }

  // MARK: Verdicts

  /// Two numbers agree when |a − b| ≤ max(abs, rel · |reference|).
  public struct Tolerance: Sendable, Equatable {
    public var rel: Double
    public var abs: Double
    public init(rel: Double, abs: Double) {
      self.rel = rel
      self.abs = abs
    }

    /// Whether `value` agrees with `reference` (two nulls/NaNs do not).
    public func accepts(_ value: Double, _ reference: Double) -> Bool {
      guard value.isFinite, reference.isFinite else { return value == reference }
      return Swift.abs(value - reference) <= Swift.max(self.abs, rel * Swift.abs(reference))
    }

    /// "Same": within 2 % or 0.001. Two runs of the same correct code with
    /// another seed or another summation order land here for almost every
    /// number in the summaries.
    public static let same = Tolerance(rel: 0.02, abs: 1e-3)
    /// "Close": within 20 % or 0.01. Right idea, different details (a
    /// shorter training, another seed, a different but valid recipe).
    public static let close = Tolerance(rel: 0.2, abs: 1e-2)
  }

  /// What one entry of a learner's summary says against the reference.
  public enum Verdict: String, Sendable, CaseIterable {
    /// Within `Tolerance.same` (numbers) or equal (text).
    case same
    /// Within `Tolerance.close`, not within `same`.
    case close
    /// Further off, or different text, or a number against text.
    case differs
    /// In the reference summary, not in yours.
    case missing
    /// In yours, not in the reference.
    case extra
    /// Machine-dependent (see `isMachineDependent`): shown, not judged.
    case skipped
  }

  /// The verdict for one number against its reference.
  public static func verdict(_ yours: Double, _ reference: Double) -> Verdict {
    if Tolerance.same.accepts(yours, reference) { return .same }
    if Tolerance.close.accepts(yours, reference) { return .close }
    return .differs
  }

  /// The verdict for one leaf against its reference.
  public static func verdict(_ yours: Leaf, _ reference: Leaf) -> Verdict {
    switch (yours, reference) {
    case (.number(let a), .number(let b)): return verdict(a, b)
    default: return yours == reference ? .same : .differs
    }
  }

  /// One line of a comparison table.
  public struct Row: Sendable {
    public let path: String
    public let yours: Leaf?
    public let reference: Leaf?
    public let verdict: Verdict
  }

  /// Every leaf of both summaries, in the reference's order (then those only
  /// in yours), with a verdict.
  public static func compare(yours: JSONValue, reference: JSONValue) -> [Row] {
    let mine = flatten(yours), ref = flatten(reference)
    var mineByPath: [String: Leaf] = [:]
    for (p, v) in mine { mineByPath[p] = v }
    let refPaths = Set(ref.map(\.path))
    var rows: [Row] = []
    for (p, r) in ref {
      let y = mineByPath[p]
      let v: Verdict =
        isMachineDependent(p) ? .skipped : (y.map { verdict($0, r) } ?? .missing)
      rows.append(Row(path: p, yours: y, reference: r, verdict: v))
    }
    for (p, y) in mine where !refPaths.contains(p) {
      rows.append(Row(path: p, yours: y, reference: nil, verdict: isMachineDependent(p) ? .skipped : .extra))
    }
    return rows
  }

  /// How many rows got each verdict.
  public struct Tally: Sendable, Equatable, CustomStringConvertible {
    public var counts: [Verdict: Int] = [:]
    public init(_ rows: [Row]) { for r in rows { counts[r.verdict, default: 0] += 1 } }
    public subscript(v: Verdict) -> Int { counts[v] ?? 0 }

    /// `18 same, 2 close, 0 differ` and, when there are any, the missing,
    /// extra and skipped counts.
    public var description: String {
      var parts = ["\(self[.same]) same", "\(self[.close]) close", "\(self[.differs]) differ"]
      if self[.missing] > 0 { parts.append("\(self[.missing]) missing") }
      if self[.extra] > 0 { parts.append("\(self[.extra]) only in yours") }
      if self[.skipped] > 0 { parts.append("\(self[.skipped]) machine-dependent not judged") }
      return parts.joined(separator: ", ")
    }
  }

  /// A number in at most 6 significant digits.
  public static func format(_ v: Double) -> String {
    guard v.isFinite else { return "\(v)" }
    if v == v.rounded(), Swift.abs(v) < 1e9 { return String(Int64(v)) }
    return String(format: "%.6g", v)
  }

  // MARK: Images

  /// How two pictures differ.
  public struct PixelDifference: Sendable, Equatable, CustomStringConvertible {
    public let yoursSize: (width: Int, height: Int)
    public let referenceSize: (width: Int, height: Int)
    /// Mean |yours − reference| per channel (r, g, b, a) in 0…255; nil when the sizes differ.
    public let meanAbs: [Double]?
    /// Fraction of pixels where some channel differs by more than `threshold`; nil when the sizes differ.
    public let fractionOver: Double?
    /// The per-channel difference that makes a pixel count as different.
    public let threshold: Int

    public var sameSize: Bool { yoursSize == referenceSize }
    /// The largest of the four per-channel means (nil when the sizes differ).
    public var worstMeanAbs: Double? { meanAbs?.max() }

    public static func == (a: Self, b: Self) -> Bool {
      a.yoursSize == b.yoursSize && a.referenceSize == b.referenceSize && a.meanAbs == b.meanAbs
        && a.fractionOver == b.fractionOver && a.threshold == b.threshold
    }

    public var description: String {
      guard let m = meanAbs, let f = fractionOver else {
        return "sizes differ: yours \(yoursSize.width)×\(yoursSize.height), "
          + "reference \(referenceSize.width)×\(referenceSize.height)"
      }
      let channels = m.prefix(3).map { String(format: "%.2f", $0) }.joined(separator: "/")
      return
        "mean |Δ| r/g/b \(channels) of 255, \(String(format: "%.2f", 100 * f)) % of pixels differ by more than \(threshold)"
    }
  }

  /// Compares two pictures pixel by pixel (only when they have the same size).
  public static func pixelDifference(_ yours: Image, _ reference: Image, threshold: Int = 32) -> PixelDifference {
    let ys = (yours.width, yours.height), rs = (reference.width, reference.height)
    guard ys == rs else {
      return PixelDifference(yoursSize: ys, referenceSize: rs, meanAbs: nil, fractionOver: nil, threshold: threshold)
    }
    var sums = [Int](repeating: 0, count: 4)
    var over = 0
    yours.pixels.withUnsafeBufferPointer { a in
      reference.pixels.withUnsafeBufferPointer { b in
        var k = 0
        while k < a.count {
          var worst = 0
          for c in 0..<4 {
            let d = Swift.abs(Int(a[k + c]) - Int(b[k + c]))
            sums[c] += d
            worst = Swift.max(worst, d)
          }
          if worst > threshold { over += 1 }
          k += 4
        }
      }
    }
    let n = Double(yours.width * yours.height)
    return PixelDifference(
      yoursSize: ys, referenceSize: rs, meanAbs: sums.map { Double($0) / n }, fractionOver: Double(over) / n,
      threshold: threshold)
  }

  /// Height of the label strip above the two pictures in `sideBySide`.
  public static let headerHeight = 30
  /// Gap between the two pictures in `sideBySide`.
  public static let gap = 16

  /// Yours on the left, the reference on the right, each under a label, on a
  /// white background; `title` (e.g. the file name) heads the strip.
  ///
  /// Size: width yours.width + `gap` + reference.width, height `headerHeight`
  /// + the taller of the two.
  public static func sideBySide(
    yours: Image, reference: Image, title: String = "", yoursLabel: String = "yours",
    referenceLabel: String = "reference"
  ) -> Image {
    let width = yours.width + gap + reference.width
    let height = headerHeight + Swift.max(yours.height, reference.height)
    var canvas = Canvas(width: width, height: height, background: .white)
    canvas.fillRect(x: 0, y: 0, width: Double(width), height: Double(headerHeight), color: RGBA(hex: 0xF0F0F0))
    let mid = Double(headerHeight) / 2
    canvas.text(
      yoursLabel, x: Double(yours.width) / 2, y: mid, color: .blue, scale: 2, anchor: .center)
    canvas.text(
      referenceLabel, x: Double(yours.width + gap) + Double(reference.width) / 2, y: mid, color: .darkGray,
      scale: 2, anchor: .center)
    if !title.isEmpty { canvas.text(title, x: 6, y: mid, color: .gray, anchor: .left) }
    canvas.fillRect(
      x: Double(yours.width) + Double(gap) / 2 - 1, y: 0, width: 2, height: Double(height), color: .lightGray)
    canvas.draw(yours, x: 0, y: headerHeight)
    canvas.draw(reference, x: yours.width + gap, y: headerHeight)
    return canvas.image
  }
}
