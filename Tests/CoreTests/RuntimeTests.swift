import Foundation
import Testing
import FlowGrading

@testable import FlowCore

@Suite("Core · Lab runtime")
struct RuntimeTests {
  let spec = LabSpec(
    name: "labX", title: "a test lab",
    options: [
      LabOption("steps", .int(1...1000), default: "10", help: "steps"),
      LabOption("lr", .double(0...1), default: "0.001", help: "learning rate"),
      LabOption("method", .choice(["euler", "midpoint"]), default: "midpoint", help: "method"),
      LabOption("fixed", .flag, help: "a flag"),
    ])

  @Test("options parse with defaults, --name value and --name=value")
  func parses() throws {
    let v = try spec.parse(["--steps", "20", "--lr=0.5", "--fixed", "--seed", "3"])
    #expect(v["steps"] == "20" && v["lr"] == "0.5" && v["fixed"] == "true" && v["seed"] == "3")
    #expect(v["method"] == "midpoint" && v["out"] == "figures/yours")
  }

  @Test("bad command lines are usage errors that say what is wrong")
  func rejects() {
    let cases: [([String], String)] = [
      (["--bogus"], "unknown option '--bogus'"),
      (["--steps"], "--steps needs a value"),
      (["--steps", "ten"], "needs a whole number, got 'ten'"),
      (["--steps", "0"], "must be in 1…1000, got 0"),
      (["--lr", "nan"], "needs a number"),
      (["--lr", "2"], "must be in [0.0, 1.0], got 2.0"),
      (["--method", "rk4"], "must be one of euler, midpoint"),
      (["--fixed=yes"], "takes no value"),
      (["stray"], "unexpected argument 'stray'"),
      (["--seed", "-1"], "--seed must be in"),
    ]
    for (args, message) in cases {
      do {
        _ = try spec.parse(args)
        Issue.record("\(args) was accepted")
      } catch LabError.usage(let m) {
        #expect(m.contains(message), "\(args): \(m)")
      } catch {
        Issue.record("\(args): unexpected \(error)")
      }
    }
  }

  @Test("usage lists every option with its default")
  func usage() {
    let u = spec.usage
    for name in [
      "--seed N", "--out PATH", "--quiet", "--help", "--steps N", "--lr X", "--method euler|midpoint", "--fixed",
    ] {
      #expect(u.contains(name), "usage lacks \(name)")
    }
    #expect(u.contains("(default: 777)"))
  }

  @Test("summaries keep their order and write valid JSON that reads back")
  func json() throws {
    let s = Summary()
    s["loss"] = JSONValue(1.5)
    s["name"] = "flow"
    s["steps"] = 20
    s["values"] = JSONValue([1.0, 2.5] as [Double])
    s["nested"] = ["ok": true, "nan": JSONValue(Double.nan)]
    s["loss"] = JSONValue(1.25)
    let text = s.json.formatted()
    #expect(text.firstRange(of: "loss")!.lowerBound < text.firstRange(of: "name")!.lowerBound)
    let back = try JSONValue.parse(Data(text.utf8))
    #expect(back["loss"]?.number == 1.25)
    #expect(back["steps"]?.number == 20)
    #expect(back["name"]?.string == "flow")
    #expect(back["nested"]?["nan"] == JSONValue.null)
    #expect(back["nested"]?["ok"] == .bool(true))
  }

  @Test("a parameter file round-trips exactly and damage is caught")
  func parameterFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-params-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var rng = SplitMix64(seed: 5)
    let sizes = [3, 4, 2]
    let params = [
      Matrix.normal(4, 3, using: &rng), Matrix.normal(4, 1, using: &rng),
      Matrix.normal(2, 4, using: &rng), Matrix.normal(2, 1, using: &rng),
    ]
    let path = dir.appendingPathComponent("p.bin").path
    try ParameterFile.write(sizes: sizes, parameters: params, to: path)
    let back = try ParameterFile.read(from: path, expectedSizes: sizes)
    #expect(back.sizes == sizes && back.parameters == params)

    func rejected(_ bytes: [UInt8], _ message: String, expected: [Int]? = nil) {
      let p = dir.appendingPathComponent("bad.bin").path
      _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
      #expect(throws: ParameterFile.Problem.self, "\(message)") {
        try ParameterFile.read(from: p, expectedSizes: expected)
      }
      do { _ = try ParameterFile.read(from: p, expectedSizes: expected) } catch {
        #expect("\(error)".contains(message), "\(error)")
      }
    }
    let good = [UInt8](FileManager.default.contents(atPath: path)!)
    rejected(Array(good.prefix(good.count - 9)), "truncated")
    var flipped = good
    flipped[40] ^= 0x10
    rejected(flipped, "hash does not match")
    rejected(Array("not a model".utf8), "not a FlowLab parameter file")
    rejected(good + [0], "unexpected bytes")
    rejected(good, "expected 3→5→2", expected: [3, 5, 2])
    #expect(throws: ParameterFile.Problem.self) {
      try ParameterFile.read(from: dir.appendingPathComponent("missing.bin").path)
    }
    #expect(throws: ParameterFile.Problem.self) {
      try ParameterFile.write(sizes: [3, 5, 2], parameters: params, to: dir.appendingPathComponent("x.bin").path)
    }
  }
}

/// The lab runners, run as the learner runs them.
@Suite("Core · Runners end to end")
struct RunnerTests {
  func run(_ tool: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
    let r = try LabTool.run(tool, args)
    return (r.status, r.stdout, r.stderr)
  }

  @Test("every runner rejects a bad option with status 2, the problem and the usage on stderr")
  func badOption() throws {
    for n in 1...5 {
      let tool = "lab\(n)"
      guard FileManager.default.isExecutableFile(atPath: LabTool.url(tool).path) else {
        Issue.record("\(tool) is not built beside the tests (run `swift build` first)")
        continue
      }
      let r = try run(tool, ["--bogus"])
      #expect(r.status == 2, "\(tool) --bogus exited \(r.status)")
      #expect(
        r.err.contains("unknown option '--bogus'") && r.err.contains("usage: swift run \(tool)"), "\(tool): \(r.err)")
      #expect(!r.err.contains("Fatal error") && !r.err.contains("crashed"))
      let h = try run(tool, ["--help"])
      #expect(h.status == 0 && h.out.contains("--seed N"), "\(tool) --help")
    }
  }

  @Test("an unwritable output folder is a clear error with status 1")
  func unwritableOut() throws {
    let file = try run("lab3", ["--out", "/dev/null/figures"])
    #expect(file.status == 1, "exited \(file.status): \(file.err)")
    #expect(file.err.contains("'/dev/null' is a file, not a folder"), "\(file.err)")
    let r = try run("lab3", ["--out", "/proc/flowlab-cannot-write-here"])
    #expect(r.status == 1, "exited \(r.status): \(r.err)")
    #expect(
      r.err.contains("lab3: error: cannot create the output folder '/proc/flowlab-cannot-write-here'"), "\(r.err)")
  }

  @Test("compare: a lab's reference against itself is all 'same', with side-by-side pictures; a bad lab exits 2")
  func compareTool() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-compare-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: out) }
    let reference = packageRoot.appendingPathComponent("figures").path
    let yours = packageRoot.appendingPathComponent("figures/lab3").path
    let r = try run("compare", ["lab3", "--yours", yours, "--reference", reference, "--out", out.path])
    #expect(r.status == 0, "compare exited \(r.status): \(r.err)")
    #expect(r.out.contains("lab3: ") && r.out.contains(" same, 0 close, 0 differ"), "\(r.out.suffix(400))")
    let pictures = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
    #expect(
      pictures.contains("lab3-data.png") && pictures.contains("lab3-field.png"), "side-by-side pictures: \(pictures)")
    let bad = try run("compare", ["lab9"])
    #expect(bad.status == 2 && bad.err.contains("unknown lab 'lab9'"), "\(bad.err)")
  }
}
