import Foundation
import Testing
import FlowGrading
import Lab1

/// How deep the deep-graph tests go: a recursive walk overflows the stack here.
let deepGraphSteps = 100_000

@Suite("Lab1 · Topological order")
struct Lab1TopologicalOrderTests {
  @Test("each node once, every input before the nodes that use it, the output last")
  func orderIsTopological() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      // A diamond with reuse: a feeds b and c, both feed d; a is used again in e.
      let a = Value(0.5), k = Value(2)
      let b = a * k, c = a.exp()
      let d = b + c
      let e = d * a
      let graph = [a, k, b, c, d, e]
      let order = e.topologicalOrder()
      check(
        order.count == graph.count, "the order of e = (a·k + eᵃ)·a holds its 6 nodes once each (got \(order.count))",
        hint: "keep a Set<ObjectIdentifier> of visited nodes: a node used twice is listed once")
      for node in graph {
        check(
          order.contains { $0 === node },
          "every node of the graph is in the order (\(node.op.isEmpty ? "a leaf" : node.op) is missing)",
          hint: "start from self and follow every edge in `inputs`")
      }
      check(
        order.last === e, "the output comes last", hint: "append a node after all of its inputs: self is appended last")
      func position(_ v: Value) -> Int { order.firstIndex { $0 === v } ?? -1 }
      for node in graph {
        for edge in node.inputs {
          check(
            position(edge.value) < position(node),
            "an input comes before the node that uses it (\(edge.value.op.isEmpty ? "a leaf" : edge.value.op) before \(node.op))",
            hint: "append a node only when all of its inputs have been appended (post-order)")
        }
      }
      let leaf = Value(3)
      check(
        leaf.topologicalOrder().count == 1 && leaf.topologicalOrder()[0] === leaf, "a leaf's order is just the leaf")
    }
    try sandbox.conclude()
  }

  @Test("a graph 100 000 nodes deep: topologicalOrder() returns without overflowing the stack")
  func deepOrder() async throws {
    let sandbox = Sandbox()
    let result = await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let x = Value(1)
      var y = x
      for _ in 0..<deepGraphSteps { y = y * 1.00001 }  // each step: a constant leaf and a product
      let order = y.topologicalOrder()
      check(
        order.count == 2 * deepGraphSteps + 1,
        "the order holds all \(2 * deepGraphSteps + 1) nodes (got \(order.count))")
      check(order.first === x, "the deepest leaf x comes first")
      check(order.last === y, "the output comes last")
    }
    explainDeepGraphCrash(result, sandbox: sandbox, in: "topologicalOrder()")
    try sandbox.conclude()
  }
}

@Suite("Lab1 · Backward")
struct Lab1BackwardTests {
  @Test("the chain rule on a small graph: f = (a·b + a)², every node's grad")
  func chainRule() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let a = Value(2), b = Value(-3)
      let c = a * b
      let d = c + a
      let f = d.pow(2)
      f.backward()
      // d = −4, f = 16; ∂f/∂d = 2d = −8; ∂f/∂c = −8; ∂f/∂a = 2d·(b + 1) = 16; ∂f/∂b = 2d·a = −16.
      check(f.grad, 1, "f.grad (the output's own gradient)", hint: "backward() starts with self.grad = 1")
      check(d.grad, -8, "∂f/∂d", hint: "∂f/∂d = 2d: the local derivative of pow times f.grad")
      check(c.grad, -8, "∂f/∂c", hint: "the chain rule: c.grad += (∂d/∂c) · d.grad")
      check(
        a.grad, 16, "∂f/∂a",
        hint:
          "a gets two contributions: through c (b · c.grad) and directly (1 · d.grad); multiply each local derivative by the grad of the node that uses a"
      )
      check(b.grad, -16, "∂f/∂b", hint: "b.grad += (∂c/∂b) · c.grad = a · c.grad")
    }
    try sandbox.conclude()
  }

  @Test("reuse: b = a + a, c = b · b gives dc/da = 8a (gradients accumulate)")
  func reuse() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let a = Value(1.5)
      let b = a + a
      let c = b * b
      c.backward()
      // c = 4a², dc/da = 8a = 12; dc/db = 2b = 6.
      check(
        b.grad, 6, "dc/db for c = b · b, b = 3",
        hint: "b is used twice in b · b: add both contributions with +=, don't overwrite with =")
      check(
        a.grad, 12, "dc/da for b = a + a, c = b · b, a = 1.5",
        hint: "a is used twice in a + a: input.grad += local · node.grad")
      // A leaf used in many places.
      let x = Value(0.7)
      let y = x * x * x + x.exp() - x / 2
      y.backward()
      check(
        x.grad, 3 * 0.49 + Foundation.exp(0.7) - 0.5, "d/dx (x³ + eˣ − x/2) at x = 0.7",
        hint: "every use of x adds to x.grad")
    }
    try sandbox.conclude()
  }

  @Test("backward() twice gives the same gradients; another output starts from zero")
  func secondBackward() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let a = Value(2), b = Value(-3)
      let c = a * b
      let d = c + a
      d.backward()
      d.backward()
      check(
        a.grad, -2, "∂d/∂a after calling d.backward() twice (d = a·b + a)",
        hint: "backward() first sets every grad in the graph to 0, so gradients do not pile up over calls")
      check(
        b.grad, 2, "∂d/∂b after calling d.backward() twice", hint: "zero the graph's grads at the start of backward()")
      c.backward()
      check(
        a.grad, -3, "∂c/∂a after d.backward() then c.backward() (c = a·b)",
        hint: "c.backward() must not keep what d.backward() left in a.grad: zero the grads first")
      check(c.grad, 1, "c.grad after c.backward()")
    }
    try sandbox.conclude()
  }

  @Test("zeroGrad() sets every grad in the graph to 0")
  func zeroGrad() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let a = Value(2), b = Value(-3)
      let c = a * b
      let d = c.tanh() + a
      for node in [a, b, c, d] { node.grad = 5 }
      d.zeroGrad()
      check(
        [a, b, c, d].allSatisfy { $0.grad == 0 },
        "after d.zeroGrad() every grad is 0 (got \([a, b, c, d].map(\.grad)))",
        hint: "visit every node of the graph (topologicalOrder()) and set its grad to 0")
    }
    try sandbox.conclude()
  }

  @Test("a graph 100 000 nodes deep: y = x·1.00001·…·1.00001 gives dy/dx = 1.00001¹⁰⁰⁰⁰⁰")
  func deepBackward() async throws {
    let sandbox = Sandbox()
    let result = await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      let x = Value(1)
      var y = x
      for _ in 0..<deepGraphSteps { y = y * 1.00001 }
      y.backward()
      let expected = Foundation.exp(Double(deepGraphSteps) * Foundation.log1p(1e-5))  // ≈ e
      check(y.data, expected, "y = 1.00001¹⁰⁰⁰⁰⁰", rel: 1e-9)
      check(
        x.grad, expected, "dy/dx through 100 000 products", rel: 1e-9,
        hint: "build the order with an explicit stack (no recursion) and multiply each local derivative by node.grad")
    }
    explainDeepGraphCrash(result, sandbox: sandbox, in: "backward()")
    try sandbox.conclude()
  }
}
