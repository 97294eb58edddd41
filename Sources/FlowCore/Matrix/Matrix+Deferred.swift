import CFlowKernels
import Foundation
import Synchronization

// Deferred elementwise operations: how `elu(z)` costs one pass, not four.
//
// An elementwise operation does not compute its result at once; it returns a
// matrix that remembers the operation and its operands (a `Deferred` node).
// The first time something reads the entries (a product, a sum, `storage`,
// printing), the whole chain of pending operations behind it runs as one
// program (`flowlab_run`) over chunks of a few columns, each chunk going
// through every operation while it is in the L1 cache, on two cores when
// `Matrix.threads` is 2. In
//
//     let z = W.dot(x).addingToEachColumn(b)
//     let y = z.clamped(min: 0) + z.clamped(max: 0).expm1()
//
// the next layer's `W₂.dot(y)` runs the add, both clamps, expm1 and the sum
// in one pass that reads W·x and b and writes z and y, instead of five
// passes that each read and write a whole 64×256 array.
//
// What is written: the matrix being read, and every intermediate result
// that some other matrix value still holds (z above, kept in the layer's
// cache); intermediates that nothing else can reach (the clamps, expm1) live
// only in the chunk's scratch space. Every entry gets exactly the operations
// that the steps one at a time would give it, in the same order, so the
// numbers are identical to computing each operation on its own.
//
// Chains are kept short (at most `Deferred.maxChain` pending operations):
// longer ones are computed in pieces, so a loop of `x = x + 1` never builds
// an unbounded chain.

extension Matrix {
  /// Whether the core runs the step chains of an elu and of its derivative
  /// times a gradient as one fused loop (on machines with AVX-512; elsewhere
  /// the steps run one at a time). The numbers are the same either way; this
  /// is a switch for tests and measurements. On by default.
  public static var fusesChains: Bool {
    get { flowlab_fusion() != 0 }
    set { flowlab_set_fusion(newValue ? 1 : 0) }
  }

  /// How many elementwise programs so far ran a fused chain (for tests).
  static var programsFused: Int { flowlab_programs_fused() }
}

/// A pending elementwise operation and its operands.
@usableFromInline
final class Deferred: @unchecked Sendable {
  /// The operation (a `flowlab_map_op`).
  let op: Int32
  let scalar: Float
  /// Operands; set to nil once the value is computed (or folded into a
  /// parent's program), so that computed chains do not keep their inputs alive.
  var a: Matrix?
  var b: Matrix?
  let rows: Int
  let cols: Int
  /// Pending operations in this chain, counting shared ones once per use (an upper bound).
  let chain: Int
  /// The entries, once computed.
  var result: [Float]?
  /// Set (after `result`) once computed; read without the lock.
  let computed = Atomic<Bool>(false)

  /// Matrices with at most this many entries are computed at once: for a
  /// bias or a last layer's 2×64 weights, a pass costs less than deferring it.
  @usableFromInline static let smallest = 256

  /// The longest chain evaluated in one program.
  static let maxChain = min(24, Int(flowlab_run_capacity()))
  /// Guards every node's operands and result: evaluation is rare and short
  /// next to the work it does, so one lock for all is enough.
  static let lock = NSLock()

  /// A node computing `op(a, b, s)` entry by entry; b is a full operand of
  /// a's shape, or the broadcast vector of ADD_COL (rows×1) / MUL_ROW (1×cols).
  init(_ op: flowlab_map_op, _ a: Matrix, _ b: Matrix?, _ s: Float) {
    let broadcast = op == FLOWLAB_ADD_COL || op == FLOWLAB_MUL_ROW
    // A broadcast vector is computed now: it is an input of the program,
    // never part of it. Operands already computed do not count towards the chain.
    var a = a
    var b = broadcast ? b.map { Matrix(rows: $0.rows, cols: $0.cols, values: $0.kernelStorage) } : b
    var chain = 1 + Deferred.pendingChain(a) + Deferred.pendingChain(b)
    if chain > Deferred.maxChain {
      a = Matrix(rows: a.rows, cols: a.cols, values: a.kernelStorage)
      if let bb = b { b = Matrix(rows: bb.rows, cols: bb.cols, values: bb.kernelStorage) }
      chain = 1
    }
    self.op = Int32(op.rawValue)
    self.scalar = s
    self.a = a
    self.b = b
    self.rows = a.rows
    self.cols = a.cols
    self.chain = chain
  }

  /// The pending operations behind `m` not yet computed (an upper bound).
  private static func pendingChain(_ m: Matrix?) -> Int {
    guard let p = m?.pending, !p.computed.load(ordering: .relaxed) else { return 0 }
    return p.chain
  }

  /// The entries, computed on first use.
  @usableFromInline
  func value() -> [Float] {
    Deferred.lock.lock()
    defer { Deferred.lock.unlock() }
    if let result { return result }
    evaluate()
    return result!
  }

  /// The program being built, in stack buffers: the chain's nodes (operands
  /// first), its inputs, and one step per node. While building, an operand
  /// reference r ≥ 0 is input r and r < 0 is node −r − 1.
  private struct Program {
    var nodes: UnsafeMutablePointer<Deferred>
    var nodeCount = 0
    var inputs: UnsafeMutablePointer<[Float]>
    var inputCount = 0
    var steps: UnsafeMutablePointer<flowlab_step>

    mutating func visit(_ n: Deferred) -> Int32 {
      for k in 0..<nodeCount where nodes[k] === n { return Int32(k) }
      let broadcast = n.op == Int32(FLOWLAB_ADD_COL.rawValue) || n.op == Int32(FLOWLAB_MUL_ROW.rawValue)
      let ra = operand(n.a!, broadcast: false)
      let rb = n.b.map { operand($0, broadcast: broadcast) } ?? Int32.min
      steps[nodeCount] = flowlab_step(op: n.op, a: ra, b: rb, s: n.scalar)
      (nodes + nodeCount).initialize(to: n)
      nodeCount += 1
      return Int32(nodeCount - 1)
    }

    mutating func operand(_ m: Matrix, broadcast: Bool) -> Int32 {
      switch m.entries {
      case .computed(let v): return input(v)
      case .deferred(let p):
        if let r = p.result { return input(r) }
        precondition(!broadcast, "a broadcast vector is computed when its operation is made")
        return -visit(p) - 1
      }
    }

    mutating func input(_ values: [Float]) -> Int32 {
      (inputs + inputCount).initialize(to: values)
      inputCount += 1
      return Int32(inputCount - 1)
    }
  }

  /// Compiles the pending chain behind this node into one program and runs
  /// it. Called with the lock held.
  private func evaluate() {
    let n = rows * cols
    if n == 0 {
      finish([])
      a = nil
      b = nil
      return
    }
    let cap = Deferred.maxChain
    withUnsafeTemporaryAllocation(of: Deferred.self, capacity: cap) { nodes in
      withUnsafeTemporaryAllocation(of: [Float].self, capacity: 2 * cap) { inputs in
        withUnsafeTemporaryAllocation(of: flowlab_step.self, capacity: cap) { steps in
          var program = Program(nodes: nodes.baseAddress!, inputs: inputs.baseAddress!, steps: steps.baseAddress!)
          _ = program.visit(self)
          let (count, nIn) = (program.nodeCount, Int32(program.inputCount))
          for k in 0..<count {
            if steps[k].a < 0 { steps[k].a = nIn - steps[k].a - 1 }
            if steps[k].b == Int32.min {
              steps[k].b = -1
            } else if steps[k].b < 0 {
              steps[k].b = nIn - steps[k].b - 1
            }
          }
          // Fold the chain: no node needs its operands any more. Then a node
          // that only this program referred to is held by `nodes` alone; any
          // other holder (a matrix value, a node outside this chain) needs
          // its result written.
          for k in 0..<count {
            nodes[k].a = nil
            nodes[k].b = nil
          }
          var writes: UInt64 = 1 << UInt64(count - 1)
          for k in 0..<(count - 1) where !isKnownUniquelyReferenced(&nodes[k]) { writes |= 1 << UInt64(k) }
          withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self, capacity: 2 * cap) { pin in
            withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Float>?.self, capacity: cap) { pout in
              for k in 0..<count { pout[k] = nil }
              let before = flowlab_last_async_job()
              Deferred.withInputs(inputs.baseAddress!, program.inputCount, 0, pin.baseAddress!) {
                Deferred.withOutputs(n, nodes.baseAddress!, writes, count, 0, pout.baseAddress!) {
                  flowlab_run(
                    self.rows, self.cols, nIn, pin.baseAddress, Int32(count), steps.baseAddress, pout.baseAddress)
                }
              }
              let job = flowlab_last_async_job()
              if job != before {
                // the other core may still read the inputs and write the results
                var used = Array(UnsafeBufferPointer(start: inputs.baseAddress!, count: program.inputCount))
                for k in 0..<count where writes & (1 << UInt64(k)) != 0 { used.append(nodes[k].result!) }
                InFlight.hold(job, used)
              }
            }
          }
          nodes.baseAddress!.deinitialize(count: count)
          inputs.baseAddress!.deinitialize(count: program.inputCount)
        }
      }
    }
  }

  /// Stores the entries and marks the node computed.
  private func finish(_ values: [Float]) {
    result = values
    computed.store(true, ordering: .releasing)
  }

  /// Calls `body` with `pointers[i...]` set to the entries of `inputs[i...]`.
  private static func withInputs(
    _ inputs: UnsafeMutablePointer<[Float]>, _ count: Int, _ i: Int,
    _ pointers: UnsafeMutablePointer<UnsafePointer<Float>?>, _ body: () -> Void
  ) {
    if i == count { return body() }
    inputs[i].withUnsafeBufferPointer { buf in
      pointers[i] = buf.baseAddress
      withInputs(inputs, count, i + 1, pointers, body)
    }
  }

  /// Gives every written node from `k` on a fresh n-entry array, calls
  /// `body` (which fills them) with `pointers[k]` set to them, then stores
  /// each array as its node's result.
  private static func withOutputs(
    _ n: Int, _ nodes: UnsafeMutablePointer<Deferred>, _ writes: UInt64, _ count: Int, _ k: Int,
    _ pointers: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>, _ body: () -> Void
  ) {
    if k == count { return body() }
    if writes & (1 << UInt64(k)) == 0 { return withOutputs(n, nodes, writes, count, k + 1, pointers, body) }
    let array = [Float](unsafeUninitializedCapacity: n) { buf, filled in
      pointers[k] = buf.baseAddress
      withOutputs(n, nodes, writes, count, k + 1, pointers, body)
      filled = n
    }
    nodes[k].finish(array)
  }
}
