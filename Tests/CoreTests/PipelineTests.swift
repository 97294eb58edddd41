import CFlowKernels
import Foundation
import Testing

@testable import FlowCore

/// A value shared with another thread in a test.
private final class Box<T>: @unchecked Sendable {
  var value: T
  init(_ value: T) { self.value = value }
}

extension ThreadSettingTests {
@Suite("Core · Pipelines")
struct PipelineTests {
  /// Training steps of a small network written with the core's operations the
  /// way the labs write them: products in every transpose, elu and its
  /// derivative, sums over the batch, a momentum update, a loss read from
  /// Swift every step, an input gradient nobody reads, and now and then an
  /// entry written in place.
  static func train(steps: Int) -> [Matrix] {
    var rng = SplitMix64(seed: 21)
    var w1 = Matrix.normal(64, 3, using: &rng) * 0.5, b1 = Matrix.normal(64, 1, using: &rng) * 0.1
    var w2 = Matrix.normal(64, 64, using: &rng) * 0.1, b2 = Matrix.normal(64, 1, using: &rng) * 0.1
    var w3 = Matrix.normal(2, 64, using: &rng) * 0.1, b3 = Matrix.normal(2, 1, using: &rng) * 0.1
    let x = Matrix.normal(3, 256, using: &rng), target = Matrix.normal(2, 256, using: &rng)
    var m2 = Matrix(rows: 64, cols: 64)
    var losses: [Float] = []
    func elu(_ z: Matrix) -> Matrix { z.clamped(min: 0) + z.clamped(max: 0).expm1() }
    for step in 0..<steps {
      let z1 = w1.dot(x).addingToEachColumn(b1), h1 = elu(z1)
      let z2 = w2.dot(h1).addingToEachColumn(b2), h2 = elu(z2)
      let y = w3.dot(h2).addingToEachColumn(b3)
      losses.append((y - target).squared().sum() / 256)
      let d3 = (y - target) * (2 / 256)
      let d2 = w3.transposedDot(d3) * z2.clamped(max: 0).exp()
      let d1 = w2.transposedDot(d2) * z1.clamped(max: 0).exp()
      _ = w1.transposedDot(d1)  // dropped at once: its memory must outlive the other core's half
      let g2 = d2.dotTransposed(h1)
      m2 = m2 * 0.9 + g2 * 0.1
      w3 = w3 - 0.01 * d3.dotTransposed(h2)
      b3 = b3 - 0.01 * d3.sumOverColumns()
      b2 = b2 - 0.01 * d2.sumOverColumns()
      w1 = w1 - 0.01 * d1.dotTransposed(x)
      b1 = b1 - 0.01 * d1.sumOverColumns()
      w2 = w2 - 0.01 * m2 / (g2.squared() + 1).squareRoot()
      if step % 3 == 1 { w2[5, 7] = w2[5, 7] * 0.5 }  // in place, right after the update that computes it
      losses.append(w2.dot(h2).sum())  // the new weights read whole at once, half of them the other core's
    }
    return [w1, b1, w2, b2, w3, b3, Matrix(row: losses)]
  }

  /// Runs `body` in a pipeline on two threads, retrying while another test
  /// holds the worker for a moment; fails if no pipeline could start.
  static func inPipeline<T>(_ body: () -> T) -> T {
    for _ in 0..<400 {
      var result: T?
      Matrix.threads = 2
      Matrix.pipelined { if Matrix.isPipelining { result = body() } }
      if let result { return result }
      usleep(5000)
    }
    Issue.record("no pipeline could start (the worker stayed busy)")
    return body()
  }

  @Test("a pipeline gives exactly the numbers of the same work done one operation at a time")
  func sameNumbers() {
    let before = Matrix.threads
    defer { Matrix.threads = before }
    Matrix.threads = 1
    let one = Self.train(steps: 12)
    Matrix.threads = 2
    let two = Self.train(steps: 12)
    let piped = Self.inPipeline { Self.train(steps: 12) }
    // The worker held back: every operation's second half finishes long
    // after the caller moved on, so a read that does not wait for it fails.
    flowlab_set_worker_delay(200)
    defer { flowlab_set_worker_delay(0) }
    let late = Self.inPipeline { Self.train(steps: 4) }
    flowlab_set_worker_delay(0)
    let names = ["w1", "b1", "w2", "b2", "w3", "b3", "losses"]
    for k in one.indices {
      #expect(one[k] == two[k], "\(names[k]): one thread and two differ")
      #expect(one[k] == piped[k], "\(names[k]): a pipeline and one thread differ")
    }
    let four = { () -> [Matrix] in
      Matrix.threads = 1
      defer { Matrix.threads = 2 }
      return Self.train(steps: 4)
    }()
    for k in four.indices { #expect(four[k] == late[k], "\(names[k]): a pipeline with a late worker differs") }
  }

  @Test("another thread reading a matrix made in a pipeline sees all of its entries")
  func otherThreadReads() {
    let before = Matrix.threads
    defer { Matrix.threads = before }
    var rng = SplitMix64(seed: 4)
    let a = Matrix.normal(64, 64, using: &rng), b = Matrix.normal(64, 256, using: &rng)
    Matrix.threads = 1
    let expected = a.dot(a.dot(b)).clamped(min: 0)
    Matrix.threads = 2
    flowlab_set_worker_delay(200)
    defer { flowlab_set_worker_delay(0) }
    let seen = Self.inPipeline { () -> [Float] in
      let made = a.dot(a.dot(b)).clamped(min: 0)
      _ = made.kernelStorage  // computed, the other core's half perhaps not yet
      let box = Box<[Float]>([])
      let finished = DispatchSemaphore(value: 0)
      let reader = Thread {
        box.value = made.storage.map { $0 }  // read here, on this thread
        finished.signal()
      }
      reader.start()
      finished.wait()
      return box.value
    }
    let wrong = zip(seen, expected.storage).filter { $0 != $1 }.count
    #expect(seen.count == expected.count && wrong == 0, "\(wrong) of \(expected.count) entries read too early")
  }

  @Test("a result dropped at once keeps its memory until the other core has written its half")
  func droppedResults() {
    let before = Matrix.threads
    defer { Matrix.threads = before }
    Matrix.threads = 2
    var rng = SplitMix64(seed: 6)
    let a = Matrix.normal(64, 64, using: &rng), b = Matrix.normal(64, 256, using: &rng)
    flowlab_set_worker_delay(200)
    defer { flowlab_set_worker_delay(0) }
    // Each dropped product frees its array while the late worker has yet to
    // write its half; the next array of that size would get the same memory.
    let fills = Self.inPipeline { () -> [Matrix] in
      (0..<16).map { k in
        if k % 2 == 0 {
          _ = a.dot(b)  // a product
        } else {
          _ = (b * 2).clamped(min: 0).kernelStorage  // an elementwise program
        }
        return Matrix(rows: 64, cols: 256, repeating: Float(k))
      }
    }
    for (k, f) in fills.enumerated() {
      #expect(f.storage.allSatisfy { $0 == Float(k) }, "array \(k) was written by a job of a dropped result")
    }
  }

  @Test("pipelines nest, and with one thread a pipeline simply runs")
  func nestingAndOneThread() {
    let before = Matrix.threads
    defer { Matrix.threads = before }
    Matrix.threads = 1
    Matrix.pipelined { #expect(!Matrix.isPipelining) }
    Matrix.threads = 2
    let inner = Self.inPipeline { () -> Bool in
      Matrix.pipelined { Matrix.isPipelining }
    }
    #expect(inner)
    #expect(!Matrix.isPipelining)
  }
}
}
