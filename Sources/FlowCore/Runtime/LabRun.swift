import CFlowKernels
import Foundation

/// Everything a lab runner's body needs: its options, the output folder, the
/// summary, printing and progress.
public final class LabRun {
  public let spec: LabSpec
  let values: [String: String]
  /// The seed (`--seed`).
  public let seed: UInt64
  /// The output folder (`--out`), created and checked writable before the body runs.
  public let out: URL
  /// `--quiet`.
  public let quiet: Bool
  /// The numbers written to `out/<lab>.json` when the run ends.
  public let summary = Summary()

  init(spec: LabSpec, values: [String: String]) throws {
    self.spec = spec
    self.values = values
    seed = UInt64(values["seed"]!)!
    quiet = values["quiet"] == "true"
    out = URL(fileURLWithPath: values["out"]!, isDirectory: true)
    try LabRun.prepareFolder(out)
  }

  static func prepareFolder(_ url: URL) throws {
    let fm = FileManager.default
    do {
      try fm.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw LabError.failure("cannot create the output folder '\(url.path)': \(reason(creating: url))")
    }
    guard fm.isWritableFile(atPath: url.path) else {
      throw LabError.failure("the output folder '\(url.path)' is not writable")
    }
  }

  /// Why a folder cannot be made: the nearest part of its path that exists
  /// is a file, or is not writable.
  static func reason(creating url: URL) -> String {
    let fm = FileManager.default
    var ancestor = url.deletingLastPathComponent()
    while !fm.fileExists(atPath: ancestor.path) && ancestor.path != "/" {
      ancestor.deleteLastPathComponent()
    }
    var isFolder: ObjCBool = false
    _ = fm.fileExists(atPath: ancestor.path, isDirectory: &isFolder)
    if !isFolder.boolValue { return "'\(ancestor.path)' is a file, not a folder" }
    if !fm.isWritableFile(atPath: ancestor.path) { return "no permission to write in '\(ancestor.path)'" }
    return "the system refused"
  }

  /// A whole-number option.
  public func int(_ name: String) -> Int { Int(value(name))! }
  /// A number option.
  public func double(_ name: String) -> Double { Double(value(name))! }
  /// A string, choice or path option.
  public func string(_ name: String) -> String { value(name) }
  /// Whether a flag was given.
  public func flag(_ name: String) -> Bool { values[name] == "true" }

  func value(_ name: String) -> String {
    guard let v = values[name] else { preconditionFailure("\(spec.name) has no option --\(name) with a value") }
    return v
  }

  /// A fresh generator for one named purpose, derived from `--seed`, so that
  /// drawing more numbers for one thing never changes another.
  public func rng(_ purpose: String) -> SplitMix64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a of the purpose
    for b in purpose.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return SplitMix64(seed: seed ^ h)
  }

  /// Prints a line unless `--quiet`.
  public func say(_ line: String = "") {
    if !quiet { print(line) }
  }

  /// A progress bar (silent under `--quiet`).
  public func progress(_ total: Int, _ label: String) -> Progress {
    Progress(total: total, label: label, quiet: quiet)
  }

  /// The path of a file in the output folder.
  public func path(_ name: String) -> URL { out.appendingPathComponent(name) }

  /// Writes a PNG image into the output folder and says so.
  public func save(_ image: Image, _ name: String) throws {
    let url = path(name)
    try PNG.write(image, to: url.path)
    say("  wrote \(displayOut(url))")
  }

  /// Writes text (CSV, JSON) into the output folder.
  public func save(text: String, _ name: String) throws {
    let url = path(name)
    do {
      try Data(text.utf8).write(to: url)
    } catch {
      throw LabError.failure("cannot write '\(url.path)': \(error.localizedDescription)")
    }
    say("  wrote \(displayOut(url))")
  }

  func displayOut(_ url: URL) -> String {
    let cwd = FileManager.default.currentDirectoryPath + "/"
    return url.path.hasPrefix(cwd) ? String(url.path.dropFirst(cwd.count)) : url.path
  }
}

/// The entry point every lab runner shares.
public enum Lab {
  /// Parses the command line, prepares the output folder, runs `body`, writes
  /// the summary, and exits: 0 when done, 2 for a bad command line, 1 for a
  /// run-time error, 3 when an exercise is not attempted yet.
  public static func main(
    _ spec: LabSpec, arguments: [String] = Array(CommandLine.arguments.dropFirst()), _ body: (LabRun) throws -> Void
  ) -> Never {
    flowlab_line_buffer_stdout()
    flowlab_tune_allocator()
    let values: [String: String]
    do {
      values = try spec.parse(arguments)
    } catch {
      fail(spec, error)
    }
    if values["help"] == "true" {
      print(spec.usage)
      exit(ExitCode.success)
    }
    Matrix.useThreads(values["threads"] ?? "auto")
    do {
      let run = try LabRun(spec: spec, values: values)
      run.say("\(spec.name) · \(spec.title)  [seed \(run.seed), out \(run.displayOut(run.out))]")
      // A pipeline (see `Matrix.pipelined`): on two cores, the other core
      // finishes its half of each operation while this one goes on.
      try Matrix.pipelined { try body(run) }
      try run.save(text: run.summary.json.formatted() + "\n", "\(spec.name).json")
      exit(ExitCode.success)
    } catch {
      fail(spec, error)
    }
  }

  static func fail(_ spec: LabSpec, _ error: Error) -> Never {
    if case LabError.usage(let message) = error {
      FileHandle.standardError.write(Data("\(spec.name): \(message)\n\n\(spec.usage)\n".utf8))
      exit(ExitCode.usage)
    }
    FileHandle.standardError.write(Data("\(spec.name): error: \(error)\n".utf8))
    exit(ExitCode.failure)
  }
}
