import Foundation
import Testing

/// A lab runner (`lab1` … `lab5`), run as the learner runs it: the built
/// executable beside the test bundle, with arguments, its exit status and
/// output captured.
public enum LabTool {
  /// What a run produced.
  public struct Result: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    /// The exercise and place a `todo` printed when the run stopped there
    /// (exit status 3), or nil.
    public var notAttempted: (exercise: String, place: String)? {
      guard status == ExitCode.notAttempted else { return nil }
      let lines = stderr.split(separator: "\n").map(String.init)
      let exercise =
        lines.first { $0.contains("not attempted yet: ") }
        .map { String($0[$0.range(of: "not attempted yet: ")!.upperBound...]) } ?? "an exercise"
      let place =
        lines.first { $0.contains("Open ") && $0.contains(" and replace") }
        .map { String($0[$0.range(of: "Open ")!.upperBound..<$0.range(of: " and replace")!.lowerBound]) } ?? "Labs/"
      return (exercise, place)
    }
  }

  /// The executable `name`, built beside the test bundle.
  public static func url(_ name: String) -> URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
  }

  /// Runs `name` with `arguments` (in `directory`, if given) and waits for it.
  ///
  /// Tools run with one thread (FLOWLAB_THREADS=1; `--threads` among the
  /// arguments overrides it): tests run side by side, and a second spinning
  /// thread per tool would only compete for the cores.
  public static func run(_ name: String, _ arguments: [String], in directory: URL? = nil) throws -> Result {
    let process = Process()
    process.executableURL = url(name)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["FLOWLAB_THREADS"] = "1"
    process.environment = environment
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes at once so that neither fills up and blocks the tool.
    let errData = LockedData()
    let reading = DispatchGroup()
    DispatchQueue.global().async(group: reading) { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    reading.wait()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData.value, as: UTF8.self))
  }

  /// Outside a sandbox: cancels the test when the tool stopped at a `todo`.
  public static func cancelIfNotAttempted(
    _ result: Result, _ name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    if let (exercise, place) = result.notAttempted {
      try Test.cancel(
        "not attempted yet: \(exercise) — open \(place) (swift run \(name) stops there)", sourceLocation: sourceLocation
      )
    }
  }

  /// Inside a sandbox child: when the tool stopped at a `todo`, ends the child
  /// the way a `todo` in the child itself would, so the test is reported as
  /// not attempted.
  public static func passOnNotAttempted(_ result: Result) {
    if let (exercise, place) = result.notAttempted {
      FileHandle.standardError.write(Data("\(notAttemptedMarker)\t\(exercise)\t\(place)\n".utf8))
      exit(0)
    }
  }
}

/// Data written by one thread and read by another.
final class LockedData: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
  var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}
