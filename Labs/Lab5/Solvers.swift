import FlowCore

/// A time-dependent vector field on a batch: (t, x) ↦ v(t, x), with x 2×n
/// (one column per point) and the result 2×n.
///
/// Both lab 4's trained network (`networkField(model)`) and lab 3's exact
/// marginal field (`{ t, x in exactField(.tutorial, t: Double(t), x: x) }`)
/// are vector fields; the solvers below work with either.
public typealias VectorField = (_ t: Float, _ x: Matrix) -> Matrix

/// One explicit Euler step: follow the field as it is at the start of the step.
///
/// ```
/// x ← x + Δt · v(t, x)
/// ```
/// One field evaluation a step. The local error (one step) is O(Δt²), so the
/// global error after 1/Δt steps is O(Δt): first order — twice the steps,
/// half the error.
/// - Parameters:
///   - v: the field.
///   - t: the time at the start of the step.
///   - dt: the step Δt.
///   - x: the points at time t, 2×n (every column moves at once).
/// - Returns: the points at time t + Δt, 2×n.
public func eulerStep(_ v: VectorField, t: Float, dt: Float, x: Matrix) -> Matrix {
  todo(
    "Lab5 · eulerStep", hint: "one evaluation of the field, at the start of the step; Matrix has + and Float * Matrix.")
}

/// One midpoint step, the tutorial's: take half an Euler step, then move the
/// whole step with the field found there.
///
/// ```
/// k₁ = Δt/2 · v(t, x)
/// x ← x + Δt · v(t + Δt/2, x + k₁)
/// ```
/// Two field evaluations a step; the second is at the middle of the step in
/// time (t + Δt/2) and in space (x + k₁). The local error is O(Δt³), the
/// global error O(Δt²): second order — twice the steps, a quarter of the
/// error. For dx/dt = λx one step multiplies x by 1 + λΔt + (λΔt)²/2, the
/// first three terms of e^{λΔt}.
/// - Parameters:
///   - v: the field.
///   - t: the time at the start of the step.
///   - dt: the step Δt.
///   - x: the points at time t, 2×n.
/// - Returns: the points at time t + Δt, 2×n.
public func midpointStep(_ v: VectorField, t: Float, dt: Float, x: Matrix) -> Matrix {
  todo(
    "Lab5 · midpointStep",
    hint:
      "two evaluations: the first only makes a probe half a step ahead, the second is taken at the middle of the step in time and in space, and it alone moves x the whole Δt."
  )
}

/// A one-step method for `sample`.
public enum ODEMethod: String, CaseIterable, Sendable {
  case euler, midpoint

  /// Field evaluations per step.
  public var evaluationsPerStep: Int { self == .euler ? 1 : 2 }
}

/// Integrates dx/dt = v(t, x) from t = 0 to t = 1 for a whole batch at once.
///
/// ```
/// Δt = 1/steps,  t_k = k·Δt  (k = 0 … steps−1, the start of each step)
/// x_{k+1} = step(v, t_k, Δt, x_k)
/// ```
/// The last step starts at t = 1 − Δt and ends at t = 1; the field is never
/// asked about t = 1 itself (lab 3's exact field is defined for t < 1).
/// - Parameters:
///   - v: the field (a trained network or the exact field).
///   - x0: starting points at t = 0, 2×n (noise).
///   - steps: number of steps, ≥ 1.
///   - method: `.euler` or `.midpoint` (the tutorial's, the default).
///   - record: keep every intermediate x: `steps + 1` matrices, x0 first and
///     the final points last (an empty array when false).
/// - Returns: the points at t = 1 and, when recorded, the trajectory.
public func sample(
  _ v: VectorField, from x0: Matrix, steps: Int, method: ODEMethod = .midpoint, record: Bool = false
) -> (final: Matrix, trajectory: [Matrix]) {
  todo(
    "Lab5 · sample",
    hint:
      "step k starts at t = k·Δt (compute it, rather than adding Δt up), so the field never sees t = 1; pick the step function from method, and with record the trajectory holds steps + 1 matrices, x0 first."
  )
}
