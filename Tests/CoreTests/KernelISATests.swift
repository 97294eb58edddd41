import Foundation
import Testing

@testable import FlowCore

/// Every kernel variant, run on this machine: FLOWLAB_ISA caps the choice, so
/// the baseline and AVX2 kernels are checked here too (each in a fresh child
/// process, since a process picks its kernels once).
@Suite("Core · Kernels on every instruction set")
struct KernelISATests {
  @Test("the baseline kernels: products against naive loops, exp and expm1 against libm")
  func generic() async {
    await #expect(processExitsWith: .success) {
      setenv("FLOWLAB_ISA", "generic", 1)
      KernelISATests.checkKernels(expecting: ["generic", "neon"])
    }
  }

  @Test("the AVX2+FMA kernels (or the best below them)")
  func avx2() async {
    await #expect(processExitsWith: .success) {
      setenv("FLOWLAB_ISA", "avx2", 1)
      KernelISATests.checkKernels(expecting: ["avx2", "generic", "neon"])
    }
  }

  static func checkKernels(expecting names: [String]) {
    #expect(names.contains(Matrix.kernelISA), "kernels: \(Matrix.kernelISA)")
    var rng = SplitMix64(seed: 21)
    for (m, n, k) in [(64, 256, 64), (2, 256, 64), (3, 70, 33), (33, 9, 300), (64, 3, 256)] {
      for ta in [false, true] {
        for tb in [false, true] {
          let a = Matrix.normal(ta ? k : m, ta ? m : k, using: &rng)
          let b = Matrix.normal(tb ? n : k, tb ? k : n, using: &rng)
          let err = Matrix.product(a, ta, b, tb).maxAbsDifference(naiveProduct(a, ta, b, tb))
          #expect(
            err <= 1e-4 * Float(k).squareRoot(), "\(Matrix.kernelISA) \(m)×\(k)·\(k)×\(n) tA=\(ta) tB=\(tb): \(err)")
        }
      }
    }
    let xs = Matrix(row: (0..<4000).map { _ in (rng.uniform() - 0.5) * 40 })
    let e = xs.exp(), e1 = xs.expm1()
    for k in 0..<xs.count {
      let x = Double(xs.storage[k])
      let re = Float(Foundation.exp(x)), re1 = Float(Foundation.expm1(x))
      #expect(
        abs(e.storage[k] - re) <= 2 * re.ulp && abs(e1.storage[k] - re1) <= 2 * re1.ulp,
        "\(Matrix.kernelISA) at x = \(x)")
    }
  }
}
