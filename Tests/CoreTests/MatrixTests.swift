import Foundation
import Testing
import FlowGrading

@testable import FlowCore

/// The product computed the slow, obvious way, in Double.
func naiveProduct(_ a: Matrix, _ ta: Bool, _ b: Matrix, _ tb: Bool) -> Matrix {
  let A = ta ? a.transposed : a
  let B = tb ? b.transposed : b
  var c = Matrix(rows: A.rows, cols: B.cols)
  for i in 0..<A.rows {
    for j in 0..<B.cols {
      var s = 0.0
      for p in 0..<A.cols { s += Double(A[i, p]) * Double(B[p, j]) }
      c[i, j] = Float(s)
    }
  }
  return c
}

@Suite("Core · Matrix")
struct MatrixTests {
  @Test("storage is column-major: a column is one sample")
  func layout() {
    let m = Matrix([[1, 2, 3], [4, 5, 6]])
    #expect(m.shape == (2, 3))
    #expect(m.storage == [1, 4, 2, 5, 3, 6])
    #expect(m.column(1) == [2, 5])
    #expect(m.row(1) == [4, 5, 6])
    #expect(m.transposed == Matrix([[1, 4], [2, 5], [3, 6]]))
  }

  @Test("products with every transpose match naive loops, over awkward shapes")
  func productsMatchNaive() {
    var rng = SplitMix64(seed: 1)
    // Shapes around the kernel's tile sizes (32 rows, 4 or 8 columns, 256 deep)
    // and the course's own (3, 2, 64, 256).
    let sizes = [1, 2, 3, 5, 16, 31, 32, 33, 64, 65]
    let depths = [1, 3, 17, 64, 255, 256, 257, 300]
    var checked = 0
    for m in sizes {
      for n in [1, 3, 4, 7, 8, 9, 64, 70] {
        for k in depths where (m * n * k) % 7 == checked % 7 || (m == 64 && n == 64) {
          for ta in [false, true] {
            for tb in [false, true] {
              let a = Matrix.normal(ta ? k : m, ta ? m : k, using: &rng)
              let b = Matrix.normal(tb ? n : k, tb ? k : n, using: &rng)
              let got = Matrix.product(a, ta, b, tb)
              let want = naiveProduct(a, ta, b, tb)
              let err = got.maxAbsDifference(want)
              #expect(
                err <= 1e-4 * Float(k).squareRoot(), "op(A)\(m)×\(k)·op(B)\(k)×\(n) tA=\(ta) tB=\(tb): max error \(err)"
              )
              checked += 1
            }
          }
        }
      }
    }
    #expect(checked > 100)
  }

  @Test("dot, transposedDot and dotTransposed are A·B, Aᵀ·B and A·Bᵀ")
  func namedProducts() {
    let a = Matrix([[1, 2], [3, 4], [5, 6]])  // 3×2
    let b = Matrix([[1, 0, 2], [0, 1, 3]])  // 2×3
    #expect(a.dot(b) == Matrix([[1, 2, 8], [3, 4, 18], [5, 6, 28]]))
    #expect(a.transposedDot(a) == Matrix([[35, 44], [44, 56]]))
    #expect(b.dotTransposed(b) == Matrix([[5, 6], [6, 10]]))
  }

  @Test("elementwise arithmetic, maps and broadcasts")
  func elementwise() {
    let a = Matrix([[1, -2], [3, 4]])
    let b = Matrix([[2, 2], [-1, 0.5]])
    #expect(a + b == Matrix([[3, 0], [2, 4.5]]))
    #expect(a - b == Matrix([[-1, -4], [4, 3.5]]))
    #expect(a * b == Matrix([[2, -4], [-3, 2]]))
    #expect(a / b == Matrix([[0.5, -1], [-3, 8]]))
    #expect(-a == Matrix([[-1, 2], [-3, -4]]))
    #expect(2 * a + 1 == Matrix([[3, -3], [7, 9]]))
    #expect(1 - a == Matrix([[0, 3], [-2, -3]]))
    #expect(a.squared() == Matrix([[1, 4], [9, 16]]))
    #expect(a.clamped(min: 0) == Matrix([[1, 0], [3, 4]]))
    #expect(a.clamped(max: 0) == Matrix([[0, -2], [0, 0]]))
    #expect(a.mask { $0 > 2 } == Matrix([[0, 0], [1, 1]]))
    #expect(a.addingToEachColumn(Matrix(column: [10, 20])) == Matrix([[11, 8], [23, 24]]))
    #expect(a.multiplyingEachColumn(by: Matrix(row: [2, -1])) == Matrix([[2, 2], [6, -4]]))
    var c = a
    c.add(b, scaledBy: 2)
    #expect(c == Matrix([[5, 2], [1, 5]]))
  }

  @Test("exp and expm1 stay within 2 ulp of libm, keep NaN and handle the extremes")
  func expAccuracy() {
    var xs: [Float] = [0, -0.0, 1e-8, -1e-8, 0.1, -0.1, 0.2499, -0.2501, 0.5, -0.5, 1, -1, 10, -10, 80, -80, 88.5, -87]
    var rng = SplitMix64(seed: 3)
    for _ in 0..<20_000 { xs.append((rng.uniform() - 0.5) * 180) }
    for _ in 0..<20_000 { xs.append((rng.uniform() - 0.5) * 2) }
    let m = Matrix(row: xs)
    let e = m.exp(), e1 = m.expm1()
    var worstExp: Float = 0, worstExpm1: Float = 0
    for (k, x) in xs.enumerated() {
      let refE = Float(Foundation.exp(Double(x))), refE1 = Float(Foundation.expm1(Double(x)))
      // A NaN error counts as infinite (max would skip it).
      func ulps(_ got: Float, _ ref: Float) -> Float { got.isFinite ? abs(got - ref) / ref.ulp : .infinity }
      if refE.isNormal && refE < .greatestFiniteMagnitude { worstExp = max(worstExp, ulps(e.storage[k], refE)) }
      if refE1 != 0 && refE1.isNormal { worstExpm1 = max(worstExpm1, ulps(e1.storage[k], refE1)) }
    }
    #expect(worstExp <= 2, "exp: worst error \(worstExp) ulp")
    #expect(worstExpm1 <= 2, "expm1: worst error \(worstExpm1) ulp")
    let special = Matrix(row: [.nan, .infinity, -.infinity, 100, -110])
    let se = special.exp().storage, se1 = special.expm1().storage
    #expect(se[0].isNaN && se1[0].isNaN)
    #expect(se[1] == .infinity && se1[1] == .infinity)
    #expect(se[2] == 0 && se1[2] == -1)
    #expect(se[3] == .infinity && se[4] == 0 && se1[4] == -1)
  }

  @Test("sums along rows and columns, rows, columns and concatenation")
  func reductionsAndSlices() {
    let a = Matrix([[1, 2, 3], [4, 5, 6]])
    #expect(a.sum() == 21)
    #expect(a.mean() == 3.5)
    #expect(a.sumOverColumns() == Matrix(column: [6, 15]))
    #expect(a.sumOverRows() == Matrix(row: [5, 7, 9]))
    #expect(a.meanOverColumns() == Matrix(column: [2, 5]))
    #expect(a.rows(1..<2) == Matrix([[4, 5, 6]]))
    #expect(a.columns(1..<3) == Matrix([[2, 3], [5, 6]]))
    let t = Matrix(row: [0.5, 0.25, 1])
    #expect(Matrix.vcat([t, a]) == Matrix([[0.5, 0.25, 1], [1, 2, 3], [4, 5, 6]]))
    #expect(Matrix.hcat([a, Matrix(column: [7, 8])]) == Matrix([[1, 2, 3, 7], [4, 5, 6, 8]]))
    var big = Matrix(rows: 3, cols: 1000, repeating: 0.1)
    big[2, 999] = 1
    #expect(abs(big.sum() - 300.9) < 1e-3)
  }

  @Test("a shape mismatch stops with both shapes and the caller's place")
  func shapeMessages() async {
    await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Matrix(rows: 2, cols: 3).dot(Matrix(rows: 2, cols: 3))
    }
    let sandbox = Sandbox()
    await #expect(processExitsWith: .failure) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      _ = Matrix(rows: 2, cols: 3) + Matrix(rows: 3, cols: 2)
    }
    guard case .trapped(let text) = sandbox.outcome(codeRoots: ["/Tests/CoreTests/"]) else {
      Issue.record("no trap recorded")
      return
    }
    #expect(text.contains("2×3") && text.contains("3×2"), "\(text)")
  }
}
