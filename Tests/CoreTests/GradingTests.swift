import Foundation
import Testing

@testable import FlowGrading

/// A function that traps, standing in for learner code with a bug.
@inline(never) func outOfRange(_ i: Int) -> Int { [1, 2, 3][i] }

@Suite("Core · Grading sandbox")
struct GradingTests {
  @Test("a trap is caught in the child and reported with its file and line")
  func trapIsContained() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .failure) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      _ = outOfRange(Int(getpid() % 1) + 7)
    }
    guard case .trapped(let text) = sandbox.outcome(codeRoots: ["/Tests/CoreTests/"]) else {
      Issue.record("the child's trap was not recognised")
      return
    }
    #expect(text.contains("Index out of range"))
    #expect(
      text.contains("Tests/CoreTests/GradingTests.swift:7") && text.contains("outOfRange"),
      "the trap's place is named: \(text)")
  }

  @Test("todo() in the child ends it cleanly and names the exercise and place")
  func todoIsNotAttempted() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      todo("Demo.exercise")
    }
    let outcome = sandbox.outcome()
    guard case .notAttempted(let exercise, let place) = outcome else {
      Issue.record("expected not attempted, got \(outcome)")
      return
    }
    #expect(exercise == "Demo.exercise")
    #expect(place.hasPrefix("Tests/CoreTests/GradingTests.swift:"))
  }

  @Test("a failed check names what was checked, expected, got and the hint")
  func messages() {
    #expect(mismatch(4, 5, "2 + 2", hint: "count again") == "2 + 2: expected 5, got 4\n  hint: count again")
    #expect(mismatch(0.1 + 0.2, 0.3, "0.1 + 0.2") == nil)
    #expect(mismatch(.nan, 1, "x") == "x: expected 1, got NaN")
    #expect(mismatch(1e-3, 0, "tiny", abs: 1e-2) == nil)
    let a = Matrix([[1, 2], [3, 4]])
    #expect(mismatch(a, a, "same") == nil)
    #expect(mismatch(a, Matrix([[1, 2]]), "shape") == "shape: expected a 1×2 matrix, got 2×2")
    let m = mismatch(a, Matrix([[1, 2], [3, 5]]), "entries", hint: "h")
    #expect(m?.hasPrefix("entries: entry (1, 1) expected 5, got 4") == true, "\(m ?? "nil")")
    #expect(m?.hasSuffix("\n  hint: h") == true)
  }

  @Test("a passing child concludes cleanly")
  func passes() async throws {
    let sandbox = Sandbox()
    await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
      sandbox.enter()
      check(Double(0.1 + 0.2), 0.3, "0.1 + 0.2")
    }
    #expect(sandbox.outcome() == .ran)
  }
}
