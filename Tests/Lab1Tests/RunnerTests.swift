import Foundation
import Testing
import FlowGrading

/// `swift run lab1` end to end: the built binary, its files and its exit codes.
@Suite("Lab1 · Runner")
struct Lab1RunnerTests {
  @Test("lab1 writes both figures and lab1.json, its gradients agree with _Differentiation, a bad option exits 2")
  func endToEnd() throws {
    try #require(
      FileManager.default.isExecutableFile(atPath: LabTool.url("lab1").path),
      "lab1 is not built at \(LabTool.url("lab1").path)")
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-lab1-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: out) }
    let result = try LabTool.run("lab1", ["--out", out.path, "--quiet", "--arrows", "7"])
    try LabTool.cancelIfNotAttempted(result, "lab1")
    let (status, stderr) = (result.status, result.stderr)
    #expect(status == 0, "lab1 exited with \(status): \(stderr)")
    for file in ["lab1-elu.png", "lab1-gradient-field.png", "lab1.json"] {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "lab1 wrote \(file)")
    }
    let summary = try JSONValue.parse(Data(contentsOf: out.appendingPathComponent("lab1.json")))
    let worst = try #require(
      summary["max_rel_error_vs_differentiation"]?.number, "lab1.json has max_rel_error_vs_differentiation")
    check(
      worst < 1e-10, "lab1's gradients agree with _Differentiation (largest relative error \(show(worst)))",
      hint: "run the Lab1 tests: they name the operation that is off")
    let bad = try LabTool.run("lab1", ["--arrows", "1000", "--out", out.path])
    #expect(
      bad.status == ExitCode.usage && bad.stderr.contains("--arrows must be in 5…41"),
      "a bad --arrows exits 2 with a message: \(bad.stderr)")
  }
}
