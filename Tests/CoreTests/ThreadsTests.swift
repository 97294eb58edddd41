import Foundation
import Testing

@testable import FlowCore

@Suite("Core · Two threads", .serialized)
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

  private func now(_ m: Matrix) -> Matrix { Matrix(rows: m.rows, cols: m.cols, columnMajor: m.storage) }
}
