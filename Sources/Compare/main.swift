// `swift run compare` — your lab summaries and figures beside the reference ones.
//
//   swift run compare                  every lab you have a summary for (figures/yours/labN.json)
//   swift run compare lab5             one lab
//   swift run compare lab4 lab5 --yours figures/yours --reference figures --out figures/yours/compare
//
// For each lab: a table of every number in labN.json (yours, reference,
// verdict), a one-line verdict, and for every reference figure you also have
// a side-by-side picture `<out>/labN-<figure>.png` with its pixel difference.

import Foundation
import FlowCore

let labs = (1...5).map { "lab\($0)" }

let spec = LabSpec(
  name: "compare", title: "your summaries and figures beside the reference ones",
  options: [
    LabOption("yours", .path, default: "figures/yours", help: "folder with your labN.json and figures"),
    LabOption("reference", .path, default: "figures", help: "folder with the reference labN/ folders"),
    LabOption("out", .path, default: "figures/yours/compare", help: "folder for the side-by-side pictures"),
    LabOption("quiet", .flag, help: "print only the one-line verdicts and problems"),
  ],
  common: LabSpec.common.filter { $0.name == "help" },
  arguments: "[lab1 … lab5]",
  notes: """
    With no lab named, compares every lab that has a summary in --yours.

    verdicts: same = within 2 % or 0.001; close = within 20 % or 0.01; differs = further off;
              timings, speeds and file paths are shown but not judged.
    """)

func stderr(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

@MainActor func fail(_ message: String, status: Int32 = 1, showUsage: Bool = false) -> Never {
  stderr("compare: \(message)" + (showUsage ? "\n\n\(spec.usage)" : ""))
  exit(status)
}

// MARK: - Command line

let values: [String: String]
let positional: [String]
do {
  (values, positional) = try spec.parseWithArguments(Array(CommandLine.arguments.dropFirst()))
} catch {
  fail("\(error)", status: 2, showUsage: true)
}
if values["help"] == "true" {
  print(spec.usage)
  exit(0)
}
let quiet = values["quiet"] == "true"
let fm = FileManager.default

var asked: [String] = []
for p in positional {
  let name = p.lowercased()
  let normalised = Int(name).map { "lab\($0)" } ?? name
  guard labs.contains(normalised) else {
    fail("unknown lab '\(p)'; the labs are \(labs.joined(separator: ", "))", status: 2, showUsage: true)
  }
  if !asked.contains(normalised) { asked.append(normalised) }
}

func isDirectory(_ path: String) -> Bool {
  var dir: ObjCBool = false
  return fm.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
}

let yoursDir = values["yours"]!, referenceDir = values["reference"]!, outDir = values["out"]!
guard isDirectory(yoursDir) else {
  fail(
    "no folder '\(yoursDir)' with your results. Make them first: swift run lab1 (… lab5), which write into figures/yours"
  )
}
guard isDirectory(referenceDir) else {
  fail(
    "no reference folder '\(referenceDir)' (it should hold lab1/ … lab5/; run from the FlowLab folder or pass --reference)"
  )
}

func summaryPath(_ lab: String) -> String { (yoursDir as NSString).appendingPathComponent("\(lab).json") }
func referenceFolder(_ lab: String) -> String { (referenceDir as NSString).appendingPathComponent(lab) }

if asked.isEmpty {
  asked = labs.filter { fm.fileExists(atPath: summaryPath($0)) }
  if asked.isEmpty {
    fail(
      "no summary in '\(yoursDir)' yet. Run a lab first, e.g. `swift run lab1` (it writes \(yoursDir)/lab1.json), then `swift run compare`."
    )
  }
}

func readSummary(_ path: String, _ whose: String) throws -> JSONValue {
  guard let data = fm.contents(atPath: path) else {
    throw LabError.failure("cannot read \(whose) summary '\(path)'")
  }
  do {
    return try JSONValue.parse(data)
  } catch {
    throw LabError.failure("\(whose) summary '\(path)' is not valid JSON (\(error.localizedDescription))")
  }
}

func pad(_ s: String, _ n: Int) -> String {
  let c = s.count
  return c >= n ? s : s + String(repeating: " ", count: n - c)
}

func cell(_ leaf: Comparison.Leaf?) -> String {
  guard let leaf else { return "—" }
  let s = leaf.description
  return s.count > 28 ? String(s.prefix(27)) + "…" : s
}

// MARK: - Comparing

var verdictLines: [String] = []
var problems: [String] = []
var madeOut = false

for lab in asked {
  let yoursJSON = summaryPath(lab)
  let refFolder = referenceFolder(lab)
  let refJSON = (refFolder as NSString).appendingPathComponent("\(lab).json")
  guard fm.fileExists(atPath: yoursJSON) else {
    problems.append("\(lab): no summary '\(yoursJSON)' — make it with `swift run \(lab)`")
    continue
  }
  guard fm.fileExists(atPath: refJSON) else {
    problems.append("\(lab): no reference summary '\(refJSON)'")
    continue
  }
  let rows: [Comparison.Row]
  do {
    rows = Comparison.compare(
      yours: try readSummary(yoursJSON, "your"), reference: try readSummary(refJSON, "the reference"))
  } catch {
    problems.append("\(lab): \(error)")
    continue
  }
  let tally = Comparison.Tally(rows)

  if !quiet {
    print("\n== \(lab): \(yoursJSON) against \(refJSON)")
    let w = min(60, max(12, rows.map(\.path.count).max() ?? 0))
    print(pad("number", w) + "  " + pad("yours", 28) + "  " + pad("reference", 28) + "  verdict")
    for r in rows {
      let verdict = r.verdict == .skipped ? "(not judged: machine-dependent)" : r.verdict.rawValue
      print(pad(r.path, w) + "  " + pad(cell(r.yours), 28) + "  " + pad(cell(r.reference), 28) + "  " + verdict)
    }
  }

  // Figures: every reference PNG the learner also has.
  var figureLines: [String] = []
  let refPNGs = ((try? fm.contentsOfDirectory(atPath: refFolder)) ?? []).filter { $0.hasSuffix(".png") }.sorted()
  for name in refPNGs {
    let mine = (yoursDir as NSString).appendingPathComponent(name)
    guard fm.fileExists(atPath: mine) else {
      figureLines.append("  \(name): not in \(yoursDir) (run `swift run \(lab)`)")
      continue
    }
    do {
      let a = try PNG.read(from: mine)
      let b = try PNG.read(from: (refFolder as NSString).appendingPathComponent(name))
      let diff = Comparison.pixelDifference(a, b)
      if !madeOut {
        try fm.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        madeOut = true
      }
      let stem = name.hasPrefix(lab + "-") ? name : "\(lab)-\(name)"
      let outPath = (outDir as NSString).appendingPathComponent(stem)
      try PNG.write(Comparison.sideBySide(yours: a, reference: b, title: name), to: outPath)
      figureLines.append("  \(name): \(diff)  →  \(outPath)")
    } catch {
      figureLines.append("  \(name): cannot compare: \(error)")
    }
  }
  if !quiet {
    print("figures (yours left, reference right):")
    if figureLines.isEmpty { print("  (no reference figures)") }
    figureLines.forEach { print($0) }
  }
  verdictLines.append("\(lab): \(tally)")
}

print("")
verdictLines.forEach { print($0) }
problems.forEach { stderr("compare: \($0)") }
// 0 when every lab asked was compared, whatever the verdicts.
exit(problems.isEmpty ? 0 : 1)
