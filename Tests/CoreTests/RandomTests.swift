import Foundation
import Testing

@testable import FlowCore

// Reference streams made by an independent Python implementation of
// SplitMix64 (the paper's algorithm, 64-bit wrapping arithmetic) and of the
// Box–Muller transform in double precision, rounded to float32:
//
//   s = (s + 0x9E3779B97F4A7C15) mod 2⁶⁴; z = (s ^ s>>30)·0xBF58476D1CE4E5B9;
//   z = (z ^ z>>27)·0x94D049BB133111EB; return z ^ z>>31
//
// The seed 1234567 stream also matches the test vector of Vigna's splitmix64.c.

@Suite("Core · Random numbers")
struct RandomTests {
  @Test("SplitMix64 gives the reference stream")
  func pinnedIntegers() {
    var a = SplitMix64(seed: 1_234_567)
    #expect(
      (0..<5).map { _ in a.next() } == [
        6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
        4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
      ])
    var b = SplitMix64(seed: 777)
    #expect(
      (0..<3).map { _ in b.next() } == [
        8_779_521_957_703_021_134, 12_038_236_688_613_393_472, 5_752_915_303_853_651_956,
      ])
  }

  @Test("uniform and normal give the reference values for seed 777")
  func pinnedFloats() {
    var u = SplitMix64(seed: 777)
    #expect((0..<3).map { _ in u.uniform() } == [0.4759387969970703, 0.6525940895080566, 0.3118661046028137])
    var n = SplitMix64(seed: 777)
    let z = (0..<3).map { _ in n.normal() }
    for (got, want) in zip(z, [-0.653110682964325, -0.8636419177055359, -0.11479631066322327] as [Float]) {
      #expect(abs(got - want) <= 2 * want.ulp, "normal(): \(got) vs \(want)")
    }
  }

  @Test("uniform() is in [0, 1) with mean 1/2 and variance 1/12")
  func uniformMoments() {
    var rng = SplitMix64(seed: 42)
    let xs = (0..<200_000).map { _ in Double(rng.uniform()) }
    #expect(xs.allSatisfy { $0 >= 0 && $0 < 1 })
    let mean = xs.reduce(0, +) / Double(xs.count)
    let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count)
    // Standard errors: 0.29/√n ≈ 0.00065 for the mean, ≈ 0.0002 for the variance.
    #expect(abs(mean - 0.5) < 0.003)
    #expect(abs(variance - 1.0 / 12) < 0.001)
  }

  @Test("normal() has mean 0, variance 1, no skew, normal tails")
  func normalMoments() {
    var rng = SplitMix64(seed: 43)
    let xs = (0..<200_000).map { _ in Double(rng.normal()) }
    let n = Double(xs.count)
    let mean = xs.reduce(0, +) / n
    let m2 = xs.reduce(0) { $0 + $1 * $1 } / n
    let m3 = xs.reduce(0) { $0 + $1 * $1 * $1 } / n
    let m4 = xs.reduce(0) { $0 + $1 * $1 * $1 * $1 } / n
    // Standard errors at n = 200 000: mean 0.0022, m2 0.0032, m3 0.0055, m4 0.022.
    #expect(abs(mean) < 0.01)
    #expect(abs(m2 - 1) < 0.015)
    #expect(abs(m3) < 0.03)
    #expect(abs(m4 - 3) < 0.1)
    let beyond2 = Double(xs.filter { abs($0) > 2 }.count) / n
    #expect(abs(beyond2 - 0.0455) < 0.003)
  }

  @Test("the same seed gives the same matrix; another seed does not")
  func determinism() {
    var a = SplitMix64(seed: 9), b = SplitMix64(seed: 9), c = SplitMix64(seed: 10)
    let x = Matrix.normal(2, 100, using: &a)
    #expect(x == Matrix.normal(2, 100, using: &b))
    #expect(x != Matrix.normal(2, 100, using: &c))
  }
}
