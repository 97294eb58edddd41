import Foundation
import Testing

@testable import FlowCore

@Suite("Core · Two-thread products", .serialized)
struct ThreadsTests {
  @Test("a product split over two threads gives exactly the single-thread result")
  func sameResult() {
    var rng = SplitMix64(seed: 11)
    let before = Matrix.productThreads
    defer { Matrix.productThreads = before }
    for (m, n, k, ta, tb) in [
      (64, 256, 64, false, false), (64, 256, 64, true, false), (64, 64, 256, false, true), (2, 256, 64, false, false),
      (33, 77, 300, false, false),
    ] {
      let a = Matrix.normal(ta ? k : m, ta ? m : k, using: &rng)
      let b = Matrix.normal(tb ? n : k, tb ? k : n, using: &rng)
      Matrix.productThreads = 1
      let one = Matrix.product(a, ta, b, tb)
      Matrix.productThreads = 2
      let two = Matrix.product(a, ta, b, tb)
      #expect(one == two, "\(m)×\(k)·\(k)×\(n) tA=\(ta) tB=\(tb) differs between 1 and 2 threads")
      #expect(one.maxAbsDifference(naiveProduct(a, ta, b, tb)) < 1e-3)
    }
  }
}
