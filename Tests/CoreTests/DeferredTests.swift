import Foundation
import Testing

@testable import FlowCore

/// `m` with its entries computed now: the same operation, not fused with
/// whatever comes next.
private func now(_ m: Matrix) -> Matrix { Matrix(rows: m.rows, cols: m.cols, columnMajor: m.storage) }

/// The first index where two arrays differ (nil: none), for short failure messages.
/// The same, bit for bit (a NaN equals the same NaN).
private func firstBitDifference(_ a: [Float], _ b: [Float]) -> String? {
  if a.count != b.count { return "counts \(a.count) and \(b.count)" }
  return a.indices.first { a[$0].bitPattern != b[$0].bitPattern }.map { "entry \($0): \(a[$0]) vs \(b[$0])" }
}

private func firstDifference(_ a: [Float], _ b: [Float]) -> String? {
  if a.count != b.count { return "counts \(a.count) and \(b.count)" }
  return a.indices.first { a[$0] != b[$0] }.map { "entry \($0): \(a[$0]) vs \(b[$0])" }
}

/// Entry-by-entry reference in plain Swift over the arrays.
private func entrywise(_ a: Matrix, _ b: Matrix, _ f: (Float, Float) -> Float) -> [Float] {
  zip(a.storage, b.storage).map { f($0, $1) }
}

@Suite("Core · Deferred elementwise operations")
struct DeferredTests {
  static func sample(_ rows: Int, _ cols: Int, seed: UInt64) -> (Matrix, Matrix, Matrix) {
    var rng = SplitMix64(seed: seed)
    return (
      Matrix.normal(rows, cols, using: &rng), Matrix.normal(rows, cols, using: &rng),
      Matrix.normal(rows, cols, using: &rng)
    )
  }

  @Test("a fused chain gives exactly the numbers of its operations done one at a time")
  func fusedEqualsStepwise() {
    for (rows, cols) in [(64, 256), (3, 7), (1, 1000), (700, 2), (2, 256)] {
      let (a, b, c) = Self.sample(rows, cols, seed: UInt64(rows * 1000 + cols))
      let bias = Matrix(column: (0..<rows).map { Float($0) * 0.01 - 0.3 })
      let scale = Matrix(row: (0..<cols).map { 1 + Float($0 % 5) * 0.25 })
      // Every kind of step, with a shared operand (z) read four times.
      let z = (a * b - c / 3).addingToEachColumn(bias)
      let fused =
        (z.clamped(min: 0) + z.clamped(max: 0).expm1())
        * (2 - z.clamped(max: 0).exp())
        .multiplyingEachColumn(by: scale) + (z.squared() + 1).squareRoot() / (0.5 * a.squared() + 1) - (-z)
      let zs = now(now(now(a * b) - now(c / 3)).addingToEachColumn(bias))
      let stepwise =
        now(
          now(
            now(now(zs.clamped(min: 0)) + now(now(zs.clamped(max: 0)).expm1()))
              * now(now(2 - now(now(zs.clamped(max: 0)).exp())).multiplyingEachColumn(by: scale)))
            + now(now(now(now(zs.squared()) + 1).squareRoot()) / now(now(0.5 * now(a.squared())) + 1))) - now(-zs)
      #expect(fused == stepwise, "\(rows)×\(cols): fused and one-at-a-time differ")
      #expect(z == zs, "the shared intermediate z, read after the chain that used it")
    }
  }

  @Test("an elu and its derivative times a gradient, fused, give exactly the numbers of their steps")
  func fusedChainsExact() {
    let before = Matrix.fusesChains
    defer { Matrix.fusesChains = before }
    let specials: [Float] = [
      .nan, .infinity, -.infinity, 0, -0.0, 1e-30, -1e-30, 1e-7, 20, -20, 88, -88, 90, -104, 0.5, -0.5, 17, -17,
    ]
    for (rows, cols) in [(64, 256), (3, 7), (2, 256), (1, 1000), (5, 3)] {
      let (a, g, _) = Self.sample(rows, cols, seed: UInt64(rows * 31 + cols))
      var x = a * 4
      for (k, v) in specials.enumerated() where k < x.count { x.storage[k] = v }
      let bias = Matrix(column: (0..<rows).map { Float($0) * 0.1 - 0.2 })
      func chains() -> [Matrix] {
        let z = x.addingToEachColumn(bias)  // kept, as a layer's cache keeps it
        let held = x.clamped(max: 0)  // an inner value something else holds: not fused
        return [
          z.clamped(min: 0) + z.clamped(max: 0).expm1(),  // the course's elu
          x.clamped(max: 0.5) + x.clamped(min: -2).exp(),
          g * z.clamped(max: 0).exp(),  // its derivative times a gradient
          x.clamped(min: 0.25).expm1() * g,
          x.clamped(min: 0) + held.expm1(), held,
          z,
        ].map(now)
      }
      let stepwise: [Matrix] = {
        let z = now(x.addingToEachColumn(bias))
        let m0 = now(z.clamped(max: 0))
        return [
          now(now(z.clamped(min: 0)) + now(m0.expm1())),
          now(now(x.clamped(max: 0.5)) + now(now(x.clamped(min: -2)).exp())),
          now(g * now(m0.exp())),
          now(now(now(x.clamped(min: 0.25)).expm1()) * g),
          now(now(x.clamped(min: 0)) + now(now(x.clamped(max: 0)).expm1())), now(x.clamped(max: 0)),
          z,
        ]
      }()
      Matrix.fusesChains = true
      let fusedBefore = Matrix.programsFused
      let fused = chains()
      if Matrix.fusesChains && x.count > Deferred.smallest {  // a CPU with fused kernels (AVX-512), a large matrix
        #expect(Matrix.programsFused - fusedBefore == 4, "\(rows)×\(cols): the four chains did not run fused")
      }
      Matrix.fusesChains = false
      let plain = chains()
      for k in stepwise.indices {
        let f = firstBitDifference(fused[k].storage, stepwise[k].storage)
        let p = firstBitDifference(plain[k].storage, stepwise[k].storage)
        #expect(f == nil, "\(rows)×\(cols), chain \(k), fused: \(f ?? "")")
        #expect(p == nil, "\(rows)×\(cols), chain \(k), not fused: \(p ?? "")")
      }
    }
  }

  @Test("arithmetic chains match plain Swift arithmetic entry by entry")
  func matchesPlainSwift() {
    let (a, b, c) = Self.sample(64, 256, seed: 5)
    let got = ((a + b) * c - 2).clamped(min: -1) / (b.squared() + 1)
    let ab = entrywise(a, b, +)
    var want = [Float](repeating: 0, count: a.count)
    for k in want.indices {
      let v = max((ab[k] * c.storage[k]) - 2, -1)
      want[k] = v / (b.storage[k] * b.storage[k] + 1)
    }
    #expect(firstDifference(got.storage, want) == nil)
    var d = a
    d.add(b, scaledBy: -0.5)
    #expect(firstDifference(d.storage, entrywise(a, b) { $0 + -0.5 * $1 }) == nil)
  }

  @Test("an intermediate still held elsewhere is kept; forcing in either order agrees")
  func sharedIntermediates() {
    let (a, b, _) = Self.sample(64, 256, seed: 9)
    let z1 = a + b
    let y1 = z1.clamped(min: 0) + z1.clamped(max: 0).expm1()
    let y1Values = y1.storage  // z1 computed inside y1's program
    let z2 = a + b
    let z2Values = z2.storage  // z2 first
    let y2 = z2.clamped(min: 0) + z2.clamped(max: 0).expm1()
    #expect(firstDifference(y1Values, y2.storage) == nil)
    #expect(firstDifference(z1.storage, z2Values) == nil)
    #expect(z1 == now(a) + now(b))
  }

  @Test("long chains are computed in pieces, with the same result")
  func longChains() {
    var x = Matrix(rows: 4, cols: 300, repeating: 0)
    for _ in 0..<1000 { x = x + 1 }
    #expect(x.storage.allSatisfy { $0 == 1000 })
    var y = Matrix(rows: 64, cols: 256, repeating: 1)
    var yStep = y
    for k in 0..<100 {
      y = y * 0.99 + Float(k) * 1e-3
      yStep = now(now(yStep * 0.99) + Float(k) * 1e-3)
    }
    #expect(y == yStep)
  }

  @Test("writing into a deferred result changes that matrix only")
  func mutation() {
    let (a, b, _) = Self.sample(3, 4, seed: 2)
    let sum = a + b
    var y = sum
    y[0, 0] = 5
    y.storage[11] = 6
    #expect(y[0, 0] == 5 && y.storage[11] == 6)
    #expect(y[1, 0] == a[1, 0] + b[1, 0])
    #expect(sum[0, 0] == a[0, 0] + b[0, 0])
    #expect(sum.storage[11] == a.storage[11] + b.storage[11])
  }

  @Test("empty matrices and one-entry matrices")
  func edgeShapes() {
    let e = Matrix(rows: 0, cols: 5)
    #expect((e + e).exp().count == 0)
    #expect((e * 2).storage.isEmpty)
    #expect(Matrix(rows: 3, cols: 0).sumOverColumns() == Matrix(column: [0, 0, 0]))
    let one = Matrix([[2]])
    #expect(((one + 1) * 3).storage == [9])
  }

  @Test("many threads reading the same deferred matrices get the same numbers")
  func concurrentReads() {
    let (a, b, c) = Self.sample(64, 256, seed: 13)
    let z = a * b + c
    let y = z.clamped(min: 0) + z.clamped(max: 0).expm1()
    let want = now(now(now(a * b) + c).clamped(min: 0)) + now(now(now(now(a * b) + c).clamped(max: 0)).expm1())
    let results = Results()
    DispatchQueue.concurrentPerform(iterations: 8) { i in
      let v = i % 2 == 0 ? y.storage : (z.clamped(min: 0) + z.clamped(max: 0).expm1()).storage
      results.add(v == want.storage)
    }
    #expect(results.all)
  }
}

private final class Results: @unchecked Sendable {
  private let lock = NSLock()
  private var ok = true
  func add(_ v: Bool) {
    lock.lock()
    ok = ok && v
    lock.unlock()
  }
  var all: Bool {
    lock.lock()
    defer { lock.unlock() }
    return ok
  }
}
