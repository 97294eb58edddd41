import Foundation
import Testing
import FlowGrading
import Lab2
import Lab3
import Lab4

/// A tutorial-sized model after one training step: what lab 4 saves.
func trainedModel() -> MLP {
  var rng = SplitMix64(seed: 21)
  var model = MLP(sizes: MLP.tutorialSizes, using: &rng)
  var optimizer = Adam()
  _ = trainStep(model: &model, optimizer: &optimizer, batch: referenceBatch(32, using: &rng))
  return model
}

/// The error message `ParameterFile.read` gives for a file, or nil if it reads.
func readProblem(_ path: String, expectedSizes: [Int]? = MLP.tutorialSizes) -> String? {
  do {
    _ = try ParameterFile.read(from: path, expectedSizes: expectedSizes)
    return nil
  } catch let problem as ParameterFile.Problem {
    return problem.description
  } catch {
    return "an error that is not a ParameterFile.Problem: \(error)"
  }
}

@Suite("Lab4 · Parameter file")
struct Lab4ParameterFileTests {
  @Test("the trained model round-trips through lab4-params.bin exactly")
  func roundTrip() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let model = trainedModel()
      let path = FileManager.default.temporaryDirectory.appendingPathComponent("lab4-params-\(getpid()).bin").path
      defer { try? FileManager.default.removeItem(atPath: path) }
      do {
        try ParameterFile.write(sizes: model.sizes, parameters: model.parameters, to: path)
        let (sizes, parameters) = try ParameterFile.read(from: path, expectedSizes: MLP.tutorialSizes)
        check(sizes == MLP.tutorialSizes, "the sizes read back are 3→64→64→64→2 (got \(sizes))")
        let bitsEqual = zip(parameters, model.parameters).allSatisfy { a, b in
          a.shape == b.shape && zip(a.storage, b.storage).allSatisfy { $0.bitPattern == $1.bitPattern }
        }
        check(parameters.count == 8 && bitsEqual, "every parameter read back is bit for bit the one written")
        // magic 8 + L 4 + five sizes 20 + 8 706 floats + hash 8
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
        check(Double(bytes), Double(8 + 4 + 20 + 4 * 8706 + 8), "file size in bytes", abs: 0)
        var loaded = model
        loaded.parameters = parameters
        var rng = SplitMix64(seed: 5)
        let input = referenceBatch(16, using: &rng).input
        check(loaded(input), model(input), "the loaded network's output", abs: 0)
      } catch {
        check(false, "writing and reading the parameter file worked (\(error))")
      }
    }
    try sandbox.conclude()
  }

  @Test("missing, truncated, foreign, damaged or wrong-shape files are rejected with clear messages")
  func damagedFiles() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let model = trainedModel()
      let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lab4-damaged-\(getpid())")
      try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: folder) }
      let good = folder.appendingPathComponent("good.bin").path
      do {
        try ParameterFile.write(sizes: model.sizes, parameters: model.parameters, to: good)
      } catch {
        check(false, "the parameter file was written (\(error))")
        return
      }
      let bytes = [UInt8](FileManager.default.contents(atPath: good)!)
      func variant(_ name: String, _ change: ([UInt8]) -> [UInt8]) -> String {
        let path = folder.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(change(bytes)))
        return path
      }
      let cases: [(what: String, path: String, expectedSizes: [Int]?, mustSay: [String])] = [
        (
          "a missing file", folder.appendingPathComponent("nothing.bin").path, MLP.tutorialSizes,
          ["no such file", "nothing.bin"]
        ),
        ("an empty file", variant("empty.bin") { _ in [] }, MLP.tutorialSizes, ["not a FlowLab parameter file"]),
        (
          "a file cut short by 100 bytes", variant("short.bin") { Array($0.dropLast(100)) }, MLP.tutorialSizes,
          ["truncated", "\(bytes.count - 100) bytes", "needs \(bytes.count)"]
        ),
        (
          "a file cut inside its header", variant("header.bin") { Array($0.prefix(14)) }, MLP.tutorialSizes,
          ["truncated"]
        ),
        (
          "a file with another magic",
          variant("magic.bin") {
            var b = $0; b[0] = UInt8(ascii: "X"); return b
          }, MLP.tutorialSizes,
          ["not a FlowLab parameter file"]
        ),
        (
          "a file with one flipped bit in a weight",
          variant("flipped.bin") {
            var b = $0; b[5000] ^= 0x10; return b
          }, MLP.tutorialSizes,
          ["damaged", "hash"]
        ),
        (
          "a file with extra bytes at the end", variant("long.bin") { $0 + [0, 0, 0, 0] }, MLP.tutorialSizes,
          ["damaged", "4 unexpected bytes"]
        ),
        ("a good file read as a 3→32→2 network", good, [3, 32, 2], ["3→64→64→64→2", "expected 3→32→2"]),
      ]
      for c in cases {
        guard let message = readProblem(c.path, expectedSizes: c.expectedSizes) else {
          check(false, "reading \(c.what) throws ParameterFile.Problem")
          continue
        }
        for phrase in c.mustSay {
          check(message.contains(phrase), "the message for \(c.what) says “\(phrase)”: \(message)")
        }
        check(message.contains(c.path), "the message for \(c.what) names the file: \(message)")
      }
      check(readProblem(good) == nil, "the undamaged file still reads")
      // Writing checks the shapes too.
      var wrong = model.parameters
      wrong.removeLast()
      do {
        try ParameterFile.write(
          sizes: model.sizes, parameters: wrong, to: folder.appendingPathComponent("wrong.bin").path)
        check(false, "writing 7 matrices for a 4-layer network throws")
      } catch {
        check("\(error)".contains("do not fit"), "the message for 7 matrices and 4 layers: \(error)")
      }
    }
    try sandbox.conclude()
  }
}
