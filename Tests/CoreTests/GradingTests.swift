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

  @Test("check() failures in the child reach the parent with their message")
  func failuresPropagate() async throws {
    try await withKnownIssue("a deliberately wrong answer") {
      let sandbox = Sandbox()
      await #expect(processExitsWith: .success) { [sandbox = sandbox as Sandbox] in
        sandbox.enter()
        check(Double(2 + 2), 5, "2 + 2", hint: "count again")
      }
      try sandbox.conclude()
    } matching: { issue in
      issue.comments.contains { $0.rawValue.contains("expected 5, got 4") && $0.rawValue.contains("count again") }
    }
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
