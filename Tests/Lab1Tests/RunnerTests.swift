import Foundation
import Testing
import FlowGrading

/// `swift run lab1` end to end: the built binary, its files and its exit codes.
@Suite("Lab1 · Runner")
struct Lab1RunnerTests {
  /// The `lab1` executable beside the test bundle (SwiftPM builds it with the tests).
  static var binary: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lab1")
  }

  static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let data = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test("lab1 writes both figures and lab1.json, its gradients agree with _Differentiation, a bad option exits 2")
  func endToEnd() throws {
    try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "lab1 is not built at \(Self.binary.path)")
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-lab1-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: out) }
    let (status, stderr) = try Self.run(["--out", out.path, "--quiet", "--arrows", "7"])
    if status == ExitCode.notAttempted {
      let first = stderr.split(separator: "\n").first.map(String.init) ?? "an exercise"
      try Test.cancel("\(first) (swift run lab1 stops at the first todo)")
    }
    #expect(status == 0, "lab1 exited with \(status): \(stderr)")
    for file in ["lab1-elu.png", "lab1-gradient-field.png", "lab1.json"] {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "lab1 wrote \(file)")
    }
    let summary = try JSONValue.parse(Data(contentsOf: out.appendingPathComponent("lab1.json")))
    let worst = try #require(summary["max_rel_error_vs_differentiation"]?.number, "lab1.json has max_rel_error_vs_differentiation")
    check(worst < 1e-10, "lab1's gradients agree with _Differentiation (largest relative error \(show(worst)))",
          hint: "run the Lab1 tests: they name the operation that is off")
    let bad = try Self.run(["--arrows", "1000", "--out", out.path])
    #expect(bad.status == ExitCode.usage && bad.stderr.contains("--arrows must be in 5…41"), "a bad --arrows exits 2 with a message: \(bad.stderr)")
  }
}
