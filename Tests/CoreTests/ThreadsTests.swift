import Foundation
import Testing

@testable import FlowCore

/// The suites that set `Matrix.threads` (a setting of the whole process)
/// run one test at a time, never beside each other.
@Suite(.serialized) struct ThreadSettingTests {}

extension ThreadSettingTests {
@Suite("Core · Two threads")
struct ThreadsTests {
  @Test("a product split over two threads gives exactly the single-thread result")
  func sameResult() {
    var rng = SplitMix64(seed: 11)
    let before = Matrix.threads
    defer { Matrix.threads = before }
    for (m, n, k, ta, tb) in [
      (64, 256, 64, false, false), (64, 256, 64, true, false), (64, 64, 256, false, true), (2, 256, 64, false, false),
      (33, 77, 300, false, false),
    ] {
      let a = Matrix.normal(ta ? k : m, ta ? m : k, using: &rng)
      let b = Matrix.normal(tb ? n : k, tb ? k : n, using: &rng)
      Matrix.threads = 1
      let one = Matrix.product(a, ta, b, tb)
      Matrix.threads = 2
      let two = Matrix.product(a, ta, b, tb)
      #expect(one == two, "\(m)×\(k)·\(k)×\(n) tA=\(ta) tB=\(tb) differs between 1 and 2 threads")
      #expect(one.maxAbsDifference(naiveProduct(a, ta, b, tb)) < 1e-3)
    }
  }

  @Test("elementwise programs and sums over the batch give exactly the single-thread result")
  func elementwiseSameResult() {
    var rng = SplitMix64(seed: 12)
    let before = Matrix.threads
    defer { Matrix.threads = before }
    for (rows, cols) in [(64, 256), (64, 64), (3, 256), (64, 3), (130, 77)] {
      let a = Matrix.normal(rows, cols, using: &rng), b = Matrix.normal(rows, cols, using: &rng)
      let bias = Matrix.normal(rows, 1, using: &rng)
      func work() -> [Matrix] {
        let z = a.dot(b.transposed).dot(b).addingToEachColumn(bias) * 0.1
        let y = z.clamped(min: 0) + z.clamped(max: 0).expm1()
        let d = (y - a) * z.clamped(max: 0).exp()
        return [now(y), now(d), d.sumOverColumns(), d.dotTransposed(a), a.transposedDot(d)]
      }
      Matrix.threads = 1
      let one = work()
      Matrix.threads = 2
      let two = work()
      #expect(one == two, "\(rows)×\(cols) differs between 1 and 2 threads")
      // The sum over the batch is two half sums, and still the sum.
      let s = now(a).sumOverColumns()
      for i in 0..<rows {
        let exact = (0..<cols).reduce(0.0) { $0 + Double(a[i, $1]) }
        #expect(abs(Double(s[i, 0]) - exact) <= 1e-5 * Double(cols))
      }
    }
  }

  @Test("a sum over the batch adds each row's entries in column order, in two halves")
  func sumOverColumnsOrder() {
    // The reference is the definition, in Float: each half summed column by
    // column from 0, the halves split at the batch split (a multiple of 8
    // near the middle), then added. Row counts that use every block of the
    // kernel: 64 rows at a time, 16 at a time, one at a time.
    var rng = SplitMix64(seed: 31)
    let before = Matrix.threads
    defer { Matrix.threads = before }
    for (rows, cols) in [(64, 256), (83, 100), (16, 9), (5, 300), (130, 17), (1, 1)] {
      let a = Matrix.normal(rows, cols, using: &rng) * 3
      let split = min(cols, (cols / 2 + 7) / 8 * 8)
      var expected = [Float](repeating: 0, count: rows)
      for i in 0..<rows {
        var first: Float = 0, second: Float = 0
        for j in 0..<split { first += a[i, j] }
        for j in split..<cols { second += a[i, j] }
        expected[i] = first + second
      }
      for threads in [1, 2] {
        Matrix.threads = threads
        let got = a.sumOverColumns().storage
        let bad = (0..<rows).first { got[$0] != expected[$0] }
        #expect(
          bad == nil,
          "\(rows)×\(cols), \(threads) thread(s): row \(bad ?? 0) sums to \(got[bad ?? 0]), expected \(expected[bad ?? 0])")
      }
    }
  }

  private func now(_ m: Matrix) -> Matrix { Matrix(rows: m.rows, cols: m.cols, columnMajor: m.storage) }
}
}
