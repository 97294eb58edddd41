import FlowCore

// Reverse mode: visit the graph from the output back to the leaves, each
// node after every node that uses it, and apply the chain rule once per edge.

extension Value {
  /// Every node this value depends on (itself included), ordered so that each
  /// node comes **after** all of its inputs (inputs first, `self` last).
  ///
  /// ```
  /// a, b → c = a·b → d = c + a      order: [a, b, c, d]  (or [b, a, c, d])
  /// ```
  ///
  /// Built with an explicit stack, not recursion, so that a graph 100 000
  /// nodes deep does not overflow the call stack. Each node appears once, even
  /// when it is used several times.
  public func topologicalOrder() -> [Value] {
    var order: [Value] = []
    var visited = Set<ObjectIdentifier>()
    // (node, index of the next input to visit)
    var stack: [(Value, Int)] = [(self, 0)]
    visited.insert(ObjectIdentifier(self))
    while let (node, next) = stack.popLast() {
      if next < node.inputs.count {
        stack.append((node, next + 1))
        let child = node.inputs[next].value
        if visited.insert(ObjectIdentifier(child)).inserted {
          stack.append((child, 0))
        }
      } else {
        order.append(node)  // all inputs are already in `order`
      }
    }
    return order
  }

  /// Fills `grad` of every node in this value's graph with ∂self/∂node.
  ///
  /// ```
  /// self.grad = 1
  /// for node in reverse topological order:
  ///     for (input, ∂node/∂input) in node.inputs:
  ///         input.grad += ∂node/∂input · node.grad
  /// ```
  ///
  /// Gradients **accumulate** over the edges: a node used twice (b = a + a)
  /// receives a contribution from each use. Each call first sets every `grad`
  /// in the graph to zero, so calling `backward()` twice gives the same
  /// gradients as calling it once (unlike PyTorch, nothing carries over).
  public func backward() {
    let order = topologicalOrder()
    for node in order { node.grad = 0 }
    grad = 1
    for node in order.reversed() {
      for (input, local) in node.inputs {
        input.grad += local * node.grad
      }
    }
  }

  /// Sets `grad` to 0 on every node of this value's graph.
  public func zeroGrad() {
    for node in topologicalOrder() { node.grad = 0 }
  }
}
