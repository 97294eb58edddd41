import Foundation

/// How `todo` ends the process. A lab runner explains what to write and exits
/// with `ExitCode.notAttempted`; a grading sandbox (see `FlowGrading`) exits
/// cleanly so the test is reported as not attempted instead of failed.
public enum TodoMode: Sendable { case runner, grading }

/// Process-wide settings of the lab runtime.
public enum LabRuntime {
  nonisolated(unsafe) public static var todoMode: TodoMode = .runner
}

/// The marker a grading sandbox looks for in a child process's output.
public let notAttemptedMarker = "FLOWLAB-NOT-ATTEMPTED"

/// Exit statuses shared by every lab runner.
public enum ExitCode {
  public static let success: Int32 = 0
  /// A run-time problem: a file that could not be written, a loss that became NaN.
  public static let failure: Int32 = 1
  /// A bad command line: unknown option, bad value.
  public static let usage: Int32 = 2
  /// An exercise is not written yet.
  public static let notAttempted: Int32 = 3
}

/// Marks an exercise that is not written yet. Replace the call with your code.
///
/// `swift run labN` stops here with a message naming the exercise and this
/// file and line; `swift test` reports the exercise's tests as not attempted
/// (skipped), not as failures.
public func todo(
  _ exercise: String, hint: String? = nil, file: StaticString = #filePath, line: UInt = #line
) -> Never {
  let place = "\(displayPath(String(describing: file))):\(line)"
  switch LabRuntime.todoMode {
  case .grading:
    FileHandle.standardError.write(Data("\(notAttemptedMarker)\t\(exercise)\t\(place)\n".utf8))
    exit(0)
  case .runner:
    let tool = (CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent }) ?? "lab"
    var text = """
      \(tool): not attempted yet: \(exercise)
        Open \(place) and replace the `todo(...)` call with your code.

      """
    if let hint { text += "  Hint: \(hint)\n" }
    text += """
        To see what the finished lab does: FLOWLAB_TRACK=solutions swift run \(tool)
        To grade your work so far:          swift test --filter \(tool.capitalized)

      """
    FileHandle.standardError.write(Data(text.utf8))
    exit(ExitCode.notAttempted)
  }
}

/// A path shortened to start at the package's own folders (`Labs/Lab1/…`).
public func displayPath(_ path: String) -> String {
  for root in ["/Labs/", "/Solutions/", "/Sources/", "/Tests/"] {
    if let r = path.range(of: root, options: .backwards) {
      return String(path[path.index(after: r.lowerBound)...])
    }
  }
  return path
}
