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
    todo(
      "Lab1 · topologicalOrder",
      hint:
        "depth-first search without recursion (a chain 100 000 deep would overflow the call stack): keep your own stack of (node, index of the next input to visit) and a set of nodes already seen — ObjectIdentifier makes a class hashable. A node joins the order only once all its inputs have."
    )
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
    todo(
      "Lab1 · backward",
      hint:
        "the loop in the comment above, over topologicalOrder() walked from the output end, after clearing old grads and seeding self with 1. The classic slip is input.grad = … instead of += (in a + a, a has two edges)."
    )
  }

  /// Sets `grad` to 0 on every node of this value's graph.
  public func zeroGrad() {
    todo(
      "Lab1 · zeroGrad", hint: "every node of the graph, not only self — and topologicalOrder() already lists them all."
    )
  }
}
