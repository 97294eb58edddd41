import Foundation
import Testing

@_exported import FlowCore

/// Runs a piece of learner code in a child process and turns what happened
/// there into a grade.
///
/// Each graded test follows one pattern:
///
/// ```swift
/// @Test("a + b: values add; both inputs get gradient 1")
/// func add() async throws {
///   let sandbox = Sandbox()
///   await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
///     sandbox.enter()
///     let c = Value(2) + Value(-3)
///     check(c.data, -1, "(2) + (−3)", hint: "…")
///   }
///   try sandbox.conclude()
/// }
/// ```
///
/// The child process (Swift Testing's exit test) sends its standard error to
/// a report file. Then:
/// - a `todo(...)` still in the learner's code ends the child cleanly and
///   `conclude()` reports the test as **not attempted** (cancelled, shown as
///   skipped), naming the exercise and the file to open;
/// - a trap (index out of range, shape mismatch) kills only the child, and
///   `conclude()` fails the test with the trap's message and the first place
///   in `Labs/` (or `Solutions/`) on the crashed thread's stack;
/// - `check` failures inside the child are reported as ordinary failures,
///   with the expected value, the value that came back, and a hint.
public struct Sandbox: Codable, Sendable {
  /// Where the child's standard error goes.
  public let reportPath: String

  public init() {
    // Ask the Swift runtime for a symbolicated backtrace of the crashed thread
    // when a child traps; the child inherits this environment.
    setenv(
      "SWIFT_BACKTRACE",
      "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,sanitize=yes,limit=40", 1)
    reportPath =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("flowlab-grade-\(UUID().uuidString).txt").path
  }

  /// First call in the child: route standard error to the report and make
  /// `todo` end the child quietly.
  public func enter() {
    LabRuntime.todoMode = .grading
    let fd = open(reportPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd >= 0 {
      dup2(fd, STDERR_FILENO)
      close(fd)
    }
  }

  /// What happened in the child, as read from its report.
  public enum Outcome: Equatable, Sendable {
    case ran
    case notAttempted(exercise: String, place: String)
    case trapped(String)
  }

  /// Reads (and removes) the child's report.
  public func outcome(codeRoots: [String] = ["/Labs/", "/Solutions/"]) -> Outcome {
    let report = (try? String(contentsOfFile: reportPath, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(atPath: reportPath)
    if let line = report.split(separator: "\n").first(where: { $0.hasPrefix(notAttemptedMarker) }) {
      let parts = line.split(separator: "\t").map(String.init)
      return .notAttempted(
        exercise: parts.count > 1 ? parts[1] : "an exercise", place: parts.count > 2 ? parts[2] : "its file")
    }
    if let trap = Sandbox.describeTrap(report, codeRoots: codeRoots) { return .trapped(trap) }
    return .ran
  }

  /// In the parent, after the exit test: cancels the test when an exercise
  /// was not attempted, fails it with the trap's location when the child
  /// crashed.
  public func conclude(sourceLocation: SourceLocation = #_sourceLocation) throws {
    switch outcome() {
    case .ran: return
    case .notAttempted(let exercise, let place):
      try Test.cancel("not attempted yet: \(exercise) — open \(place)", sourceLocation: sourceLocation)
    case .trapped(let text):
      Issue.record(Comment(rawValue: text), sourceLocation: sourceLocation)
    }
  }

  /// The trap's message and where in lab code it happened, or nil when the
  /// report shows no crash.
  public static func describeTrap(_ report: String, codeRoots: [String] = ["/Labs/", "/Solutions/"]) -> String? {
    let lines = report.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let fatal = lines.first { $0.contains("Fatal error") || $0.contains("Precondition failed") }
    let crashed = lines.contains { $0.contains("Program crashed") || $0.contains("crashed:") }
    guard fatal != nil || crashed else { return nil }
    var text = "your code stopped with a trap: "
    text += fatal.map(cleanFatal) ?? (lines.first { $0.contains("Program crashed") } ?? "crash")
    // The first frame in lab code is the place to look.
    let labFrames = lines.filter { line in codeRoots.contains { line.contains($0) } && line.contains(" at /") }
    if let frame = labFrames.first, let at = frame.range(of: " at /") {
      text += "\n  at \(displayPath(String(frame[frame.index(before: at.upperBound)...])))"
      if let fn = frameFunction(frame) { text += " (in \(fn))" }
    }
    text += "\n  The other labs are still graded; only this test stopped."
    return text
  }

  static func cleanFatal(_ line: String) -> String {
    // "Swift/ContiguousArrayBuffer.swift:692: Fatal error: Index out of range"
    if let r = line.range(of: "Fatal error: ") { return String(line[r.upperBound...]) }
    return line
  }

  static func frameFunction(_ frame: String) -> String? {
    // "   3 [ra]  0x000… mul(_:_:) + 139 in protoPackageTests.xctest at /…/L1.swift:3:67"
    guard let hex = frame.range(of: "0x"), let plus = frame.range(of: " + ", range: hex.upperBound..<frame.endIndex)
    else { return nil }
    let afterHex = frame[hex.upperBound...].drop { $0.isHexDigit }
    let fn = frame[afterHex.startIndex..<plus.lowerBound].trimmingCharacters(in: .whitespaces)
    return fn.isEmpty ? nil : fn
  }
}

// MARK: - Checks with teaching messages

/// Formats a number for a message: up to 6 significant digits.
public func show(_ x: Double) -> String {
  if x.isNaN { return "NaN" }
  if x.isInfinite { return x > 0 ? "∞" : "−∞" }
  return String(format: "%.6g", x)
}

/// Checks `got ≈ expected` (|got − expected| ≤ abs + rel·|expected|).
/// A failure names what was checked, both numbers and the hint.
@discardableResult
public func check(
  _ got: Double, _ expected: Double, _ what: String, abs absTol: Double = 1e-5, rel: Double = 1e-4,
  hint: String = "", sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
  guard let m = mismatch(got, expected, what, abs: absTol, rel: rel, hint: hint) else { return true }
  Issue.record(Comment(rawValue: m), sourceLocation: sourceLocation)
  return false
}

/// The message `check` reports for a number, or nil when it is close enough
/// (|got − expected| ≤ abs + rel·|expected|, and both finite or both not).
public func mismatch(
  _ got: Double, _ expected: Double, _ what: String, abs absTol: Double = 1e-5, rel: Double = 1e-4,
  hint: String = ""
) -> String? {
  let ok =
    got.isFinite == expected.isFinite
    && (got == expected || Swift.abs(got - expected) <= absTol + rel * Swift.abs(expected))
  if ok { return nil }
  var m = "\(what): expected \(show(expected)), got \(show(got))"
  if !hint.isEmpty { m += "\n  hint: \(hint)" }
  return m
}

@discardableResult
public func check(
  _ got: Float, _ expected: Double, _ what: String, abs absTol: Double = 1e-5, rel: Double = 1e-4,
  hint: String = "", sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
  check(Double(got), expected, what, abs: absTol, rel: rel, hint: hint, sourceLocation: sourceLocation)
}

/// Checks every entry of a matrix against an expected one of the same shape;
/// reports the shape mismatch, or the worst entry.
@discardableResult
public func check(
  _ got: Matrix, _ expected: Matrix, _ what: String, abs absTol: Double = 1e-5, rel: Double = 1e-4,
  hint: String = "", sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
  guard let m = mismatch(got, expected, what, abs: absTol, rel: rel, hint: hint) else { return true }
  Issue.record(Comment(rawValue: m), sourceLocation: sourceLocation)
  return false
}

/// The message `check` reports for a matrix (its shape, or its worst entry),
/// or nil when every entry is close enough.
public func mismatch(
  _ got: Matrix, _ expected: Matrix, _ what: String, abs absTol: Double = 1e-5, rel: Double = 1e-4,
  hint: String = ""
) -> String? {
  guard got.rows == expected.rows, got.cols == expected.cols else {
    var m = "\(what): expected a \(expected.shapeText) matrix, got \(got.shapeText)"
    if !hint.isEmpty { m += "\n  hint: \(hint)" }
    return m
  }
  var worst = -1
  var worstExcess = 0.0
  for k in 0..<got.count {
    let g = Double(got.storage[k]), e = Double(expected.storage[k])
    let excess = Swift.abs(g - e) - (absTol + rel * Swift.abs(e))
    if !g.isFinite || excess > worstExcess { worst = k; worstExcess = g.isFinite ? excess : .infinity }
  }
  guard worst >= 0 else { return nil }
  let i = worst % got.rows, j = worst / got.rows
  var m =
    "\(what): entry (\(i), \(j)) expected \(show(Double(expected.storage[worst]))), got \(show(Double(got.storage[worst])))"
  m += " (\(got.shapeText); worst of the entries off)"
  if !hint.isEmpty { m += "\n  hint: \(hint)" }
  return m
}

/// Checks a condition; a failure states the claim and the hint.
@discardableResult
public func check(
  _ condition: Bool, _ claim: String, hint: String = "", sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
  if !condition {
    var m = "not true: \(claim)"
    if !hint.isEmpty { m += "\n  hint: \(hint)" }
    Issue.record(Comment(rawValue: m), sourceLocation: sourceLocation)
  }
  return condition
}

// MARK: - Numerical oracles

/// Central difference (f(x + h) − f(x − h)) / 2h, in Double.
public func centralDifference(_ f: (Double) -> Double, at x: Double, h: Double = 1e-5) -> Double {
  (f(x + h) - f(x - h)) / (2 * h)
}

/// Where the package's files are, for tests that read figures or summaries.
public let packageRoot: URL = {
  var url = URL(fileURLWithPath: #filePath)
  for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/FlowGrading/Grade.swift
  return url
}()

/// True when the lab modules were built from Solutions/ (FLOWLAB_TRACK=solutions).
public var isSolutionsTrack: Bool {
  #if FLOWLAB_SOLUTIONS
    return true
  #else
    return false
  #endif
}
