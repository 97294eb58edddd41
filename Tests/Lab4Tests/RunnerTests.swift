import Foundation
import Testing
import FlowGrading

/// Runs `lab4` with arguments; returns its exit status and standard error.
/// When an exercise is not written yet (exit status 3) the child ends as not
/// attempted, like every other lab 4 test.
func runLab4(_ arguments: [String]) -> (status: Int32, stderr: String)? {
  guard FileManager.default.isExecutableFile(atPath: LabTool.url("lab4").path) else {
    check(false, "the lab4 executable is built beside the tests", hint: "run `swift build` first")
    return nil
  }
  do {
    let result = try LabTool.run("lab4", arguments)
    LabTool.passOnNotAttempted(result)
    return (result.status, result.stderr)
  } catch {
    check(false, "lab4 starts (\(error))")
    return nil
  }
}

@Suite("Lab4 · Runner")
struct Lab4RunnerTests {
  @Test("swift run lab4 trains, saves lab4-params.bin, the figures and lab4.json")
  func shortRun() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let out = FileManager.default.temporaryDirectory.appendingPathComponent("lab4-run-\(getpid())")
      defer { try? FileManager.default.removeItem(at: out) }
      guard let (status, errors) = runLab4(["--steps", "60", "--batch", "32", "--out", out.path, "--quiet"]) else {
        return
      }
      guard check(status == 0, "lab4 --steps 60 --batch 32 exits with 0 (got \(status)): \(errors)") else { return }
      for name in ["lab4-params.bin", "lab4-loss.png", "lab4-field.png", "lab4.json"] {
        check(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "lab4 wrote \(name)")
      }
      do {
        _ = try ParameterFile.read(
          from: out.appendingPathComponent("lab4-params.bin").path, expectedSizes: [3, 64, 64, 64, 2])
      } catch {
        check(false, "lab4-params.bin reads as a 3→64→64→64→2 network (\(error))")
      }
      guard let data = FileManager.default.contents(atPath: out.appendingPathComponent("lab4.json").path),
        let summary = try? JSONValue.parse(data)
      else {
        check(false, "lab4.json is JSON")
        return
      }
      check(summary["steps"]?.number == 60 && summary["batch"]?.number == 32, "lab4.json records steps 60 and batch 32")
      for key in ["final_loss", "smoothed_loss", "loss_floor", "steps_per_second", "lr"] {
        check((summary[key]?.number).map { $0.isFinite && $0 > 0 } ?? false, "lab4.json has a positive \(key)")
      }
      // The floor E‖(x1 − x0) − u_t(x_t)‖² is about 1.60 (Monte Carlo, see the README).
      check(summary["loss_floor"]?.number ?? 0, 1.60, "the loss floor in lab4.json", abs: 0.05)
      for t in ["t=0.0", "t=0.5", "t=0.9"] {
        check(
          (summary["field_error"]?[t]?.number).map { $0.isFinite && $0 > 0 } ?? false,
          "lab4.json has field_error at \(t)")
      }
    }
    try sandbox.conclude()
  }

  @Test("one core or two, lab4 trains to the same parameters, bit for bit")
  func threadsSameParameters() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      var files: [Data] = []
      for threads in ["1", "2"] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("lab4-threads\(threads)-\(getpid())")
        defer { try? FileManager.default.removeItem(at: out) }
        // A batch of 256: the activations are large enough to be split between the cores.
        guard
          let (status, errors) = runLab4([
            "--steps", "40", "--batch", "256", "--threads", threads, "--out", out.path, "--quiet",
          ])
        else { return }
        guard check(status == 0, "lab4 --threads \(threads) exits with 0 (got \(status)): \(errors)") else { return }
        files.append(FileManager.default.contents(atPath: out.appendingPathComponent("lab4-params.bin").path) ?? Data())
      }
      check(!files[0].isEmpty && files[0] == files[1], "lab4-params.bin is the same with --threads 1 and --threads 2")
    }
    try sandbox.conclude()
  }

  @Test("a loss that blows up ends lab4 with exit status 1 and a message naming the step")
  func blowUp() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let out = FileManager.default.temporaryDirectory.appendingPathComponent("lab4-blowup-\(getpid())")
      defer { try? FileManager.default.removeItem(at: out) }
      guard
        let (status, errors) = runLab4(["--lr", "1e6", "--steps", "200", "--batch", "32", "--out", out.path, "--quiet"])
      else { return }
      check(status == 1, "lab4 --lr 1e6 exits with status 1 (got \(status))")
      check(
        errors.contains("at step") && errors.contains("--lr"), "the message names the step and suggests --lr: \(errors)"
      )
      check(!errors.contains("Fatal error") && !errors.contains("Program crashed"), "no crash trace: \(errors)")
      check(
        !FileManager.default.fileExists(atPath: out.appendingPathComponent("lab4-params.bin").path),
        "no parameter file is written for a failed run")
      // A bad command line is a usage error (exit status 2), not a crash.
      guard let (usage, usageText) = runLab4(["--steps", "0", "--out", out.path]) else { return }
      check(
        usage == 2 && usageText.contains("--steps"),
        "lab4 --steps 0 exits with 2 and names --steps (got \(usage)): \(usageText)")
    }
    try sandbox.conclude()
  }
}
