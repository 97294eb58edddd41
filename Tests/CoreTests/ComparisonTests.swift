import Foundation
import Testing

@testable import FlowCore

@Suite("Core · Comparison")
struct ComparisonTests {
  /// A summary shaped like the labs' (nested objects, arrays of numbers and
  /// of objects, keys with dots and equals signs, text, a bool, timings).
  let summary: JSONValue = [
    "steps": 20000,
    "clusters": [
      ["centre": [1, 1], "mean": [0.99, 1.01], "within_0.25": 0.48],
      ["centre": [-1, -1], "mean": [-1.0, -0.98], "within_0.25": 0.51],
    ],
    "field_error": ["t=0.5": 0.12],
    "fixed_batch": false,
    "params": "figures/lab4/lab4-params.bin",
    "steps_per_second": 2976.7,
    "train_seconds": 6.7,
    "comparison": ["times": [0, 0.5]],
  ]

  @Test("flattening names every leaf by its path, in order")
  func flattens() {
    let leaves = Comparison.flatten(summary)
    #expect(
      leaves.map(\.path) == [
        "steps",
        "clusters[0].centre[0]", "clusters[0].centre[1]", "clusters[0].mean[0]", "clusters[0].mean[1]",
        "clusters[0][\"within_0.25\"]",
        "clusters[1].centre[0]", "clusters[1].centre[1]", "clusters[1].mean[0]", "clusters[1].mean[1]",
        "clusters[1][\"within_0.25\"]",
        "field_error[\"t=0.5\"]", "fixed_batch", "params", "steps_per_second", "train_seconds",
        "comparison.times[0]", "comparison.times[1]",
      ])
    #expect(leaves[4].value == .number(1.01))
    #expect(leaves[12].value == .text("false"))
    let numbers = Comparison.numbers(summary)
    #expect(numbers.count == 16)
    #expect(numbers.first { $0.path == "clusters[1].mean[1]" }?.value == -0.98)
    // A parsed file flattens to the same leaves (keys sorted by the parser).
    let text = summary.formatted()
    let back = try? JSONValue.parse(Data(text.utf8))
    #expect(Set(Comparison.flatten(back!).map(\.path)) == Set(leaves.map(\.path)))
    #expect(Comparison.flatten([:] as JSONValue).isEmpty && Comparison.flatten([] as JSONValue).isEmpty)
  }

  @Test("timings, speeds and paths are machine-dependent; results and the t grid are not")
  func machineDependent() {
    for path in [
      "steps_per_second", "train_seconds", "timings.lab4", "elapsed", "sample_time", "run.ms", "params",
      "parameters_file", "output_path", "samples_per_s", "evals_per_sec",
    ] {
      #expect(Comparison.isMachineDependent(path), "\(path) should be machine-dependent")
    }
    for path in [
      "steps", "comparison.times[3]", "held_out_loss", "fixed_held_out_loss", "clusters[0][\"within_0.25\"]",
      "field_error[\"t=0.5\"]", "loss_floor_by_t[\"0.9525\"]", "per_sample_loss", "network_evaluations",
      "energy_distance", "final_loss",
    ] {
      #expect(!Comparison.isMachineDependent(path), "\(path) should be judged")
    }
    let rows = Comparison.compare(yours: summary, reference: summary)
    let skipped = Set(rows.filter { $0.verdict == .skipped }.map(\.path))
    #expect(skipped == ["params", "steps_per_second", "train_seconds"])
  }

  @Test("verdict thresholds: same within 2 % or 0.001, close within 20 % or 0.01")
  func verdicts() {
    let cases: [(Double, Double, Comparison.Verdict)] = [
      (1.0, 1.0, .same), (1.019, 1.0, .same), (0.981, 1.0, .same), (1.021, 1.0, .close),
      (1.19, 1.0, .close), (0.81, 1.0, .close), (1.21, 1.0, .differs), (0.79, 1.0, .differs),
      (0.0009, 0, .same), (0.0011, 0, .close), (0.0099, 0, .close), (0.011, 0, .differs),
      (-1.0, 1.0, .differs), (100, 101, .same), (115, 100, .close), (125, 100, .differs),
      (.nan, 1.0, .differs), (.infinity, .infinity, .same),
    ]
    for (yours, reference, expected) in cases {
      #expect(Comparison.verdict(yours, reference) == expected, "\(yours) vs \(reference)")
    }
    #expect(Comparison.verdict(.text("midpoint"), .text("midpoint")) == .same)
    #expect(Comparison.verdict(.text("euler"), .text("midpoint")) == .differs)
    #expect(Comparison.verdict(.text("null"), .number(1)) == .differs)
  }

  @Test("comparing summaries: changed, missing and extra entries, and the tally")
  func compares() {
    guard case .object(var pairs) = summary else { Issue.record("not an object"); return }
    pairs[0].1 = 21000  // steps: 5 % off → close
    pairs[2].1 = [:]  // field_error gone → missing
    pairs[6].1 = 1.0  // train_seconds changed: not judged
    pairs.append(("new_number", 3))  // only in yours
    pairs[1].1 = [
      ["centre": [1, 1], "mean": [0.99, 1.5], "within_0.25": 0.48],  // mean[1] 50 % off → differs
      ["centre": [-1, -1], "mean": [-1.0, -0.98], "within_0.25": 0.51],
    ]
    let rows = Comparison.compare(yours: .object(pairs), reference: summary)
    func verdict(_ p: String) -> Comparison.Verdict? { rows.first { $0.path == p }?.verdict }
    #expect(verdict("steps") == .close)
    #expect(verdict("clusters[0].mean[1]") == .differs)
    #expect(verdict("clusters[0].mean[0]") == .same)
    #expect(verdict("field_error[\"t=0.5\"]") == .missing)
    #expect(verdict("train_seconds") == .skipped)
    #expect(verdict("new_number") == .extra)
    #expect(verdict("fixed_batch") == .same && verdict("params") == .skipped)
    let tally = Comparison.Tally(rows)
    #expect(tally[.same] == 12 && tally[.close] == 1 && tally[.differs] == 1 && tally[.missing] == 1)
    #expect(tally[.extra] == 1 && tally[.skipped] == 3)
    #expect("\(tally)" == "12 same, 1 close, 1 differ, 1 missing, 1 only in yours, 3 machine-dependent not judged")
    #expect(
      "\(Comparison.Tally(Comparison.compare(yours: summary, reference: summary)))"
        == "15 same, 0 close, 0 differ, 3 machine-dependent not judged")
  }

  func picture(_ w: Int, _ h: Int, _ color: RGBA = .white) -> Image { Image(width: w, height: h, background: color) }

  @Test("pixel difference: identical is 0; a known change gives its mean and fraction; other sizes are told")
  func pixels() {
    var a = Canvas(width: 40, height: 20)
    a.fillRect(x: 5, y: 5, width: 10, height: 5, color: .blue)
    let same = Comparison.pixelDifference(a.image, a.image)
    #expect(same.sameSize && same.meanAbs == [0, 0, 0, 0] && same.fractionOver == 0)

    // 100 of 800 pixels go from white to (255, 155, 55): r +0, g −100, b −200.
    var b = Image(width: 40, height: 20, background: .white)
    for y in 0..<10 { for x in 0..<10 { b[x, y] = RGBA(255, 155, 55) } }
    // 40 more pixels change by 20 in red only: under the threshold of 32.
    for x in 0..<40 { b[x, 19] = RGBA(235, 255, 255) }
    // 20 pixels change by exactly 32 in green (not counted), 20 by 33 in alpha (counted).
    for x in 0..<20 { b[x, 17] = RGBA(255, 223, 255); b[x, 18] = RGBA(255, 255, 255, 222) }
    let d = Comparison.pixelDifference(b, Image(width: 40, height: 20, background: .white))
    // r 20·40/800; g (100·100 + 32·20)/800; b 200·100/800; a 33·20/800.
    let expected: [Double] = [1, 13.3, 25, 0.825]
    #expect(d.meanAbs == expected)
    #expect(d.fractionOver == 0.15)  // (100 + 20)/800
    #expect(d.worstMeanAbs == 25)

    let other = Comparison.pixelDifference(picture(40, 20), picture(40, 21))
    #expect(!other.sameSize && other.meanAbs == nil && other.fractionOver == nil)
    #expect("\(other)".contains("40×20") && "\(other)".contains("40×21"))
  }

  @Test("side by side: yours left, reference right, under a header")
  func sideBySide() {
    let yours = picture(100, 60, RGBA(255, 0, 0)), reference = picture(80, 70, RGBA(0, 0, 255))
    let image = Comparison.sideBySide(yours: yours, reference: reference, title: "lab9-test.png")
    #expect(image.width == 100 + Comparison.gap + 80)
    #expect(image.height == Comparison.headerHeight + 70)
    let top = Comparison.headerHeight
    #expect(image[50, top + 30] == RGBA(255, 0, 0))
    #expect(image[100 + Comparison.gap + 40, top + 30] == RGBA(0, 0, 255))
    #expect(image[50, top + 65] == .white)  // below the shorter picture
    // The header holds dark label pixels over each half.
    func inked(_ x0: Int, _ x1: Int) -> Bool {
      (x0..<x1).contains { x in (0..<top).contains { y in Int(image[x, y].r) + Int(image[x, y].g) < 300 } }
    }
    #expect(inked(20, 80) && inked(100 + Comparison.gap, image.width))
  }
}
