import FlowGrading
import Foundation
import Lab1
import Testing

// Measuring tools for the Lab 1 tests. None of them calls the learner's
// `backward()` or `topologicalOrder()`: they read only the graph the
// operations build (`inputs` and their local derivatives).

/// ∂output/∂input read off the graph: the sum over every path from `output`
/// down to `input` of the product of the local derivatives on its edges.
///
/// This lets the operation tests grade each operation on its own, before
/// `backward()` exists, and whichever way the operation is built (a − b may
/// be written as a + (−b)). Memoized, so small graphs with reuse are cheap.
func pathDerivative(of output: Value, wrt input: Value) -> Double {
  var memo: [ObjectIdentifier: Double] = [:]
  func walk(_ node: Value) -> Double {
    if node === input { return 1 }
    if let known = memo[ObjectIdentifier(node)] { return known }
    var sum = 0.0
    for edge in node.inputs { sum += edge.localDerivative * walk(edge.value) }
    memo[ObjectIdentifier(node)] = sum
    return sum
  }
  return walk(output)
}

/// Formats a number for a test's description.
func num(_ x: Double) -> String { String(format: "%g", x) }

/// After an exit test on a deep graph: when the child did not exit cleanly
/// (`result` is nil) and left no trap message, it was killed by a signal,
/// which on a graph 100 000 nodes deep is a stack overflow. The crash alone
/// does not say so; this names the likely cause.
func explainDeepGraphCrash(
  _ result: ExitTest.Result?, sandbox: Sandbox, in what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  guard result == nil else { return }
  let report = (try? String(contentsOfFile: sandbox.reportPath, encoding: .utf8)) ?? ""
  guard !report.contains("Fatal error"), !report.contains(notAttemptedMarker) else { return }
  Issue.record(
    Comment(
      rawValue: """
        \(what) on a graph 100 000 nodes deep crashed without a message: most likely a stack overflow \
        from a recursive walk over the graph (one nested call per node).
          hint: build the topological order with an explicit stack of (node, index of the next input to visit), \
        and let backward() and zeroGrad() loop over that order
        """), sourceLocation: sourceLocation)
}
