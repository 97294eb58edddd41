import FlowCore

/// A time-dependent vector field on a batch: (t, x) ↦ v(t, x), with x 2×n
/// (one column per point) and the result 2×n.
public typealias VectorField = (_ t: Float, _ x: Matrix) -> Matrix

/// One explicit Euler step: follow the field at the start of the step.
///
/// ```
/// x ← x + Δt · v(t, x)
/// ```
/// Local error O(Δt²), global error O(Δt): first order.
public func eulerStep(_ v: VectorField, t: Float, dt: Float, x: Matrix) -> Matrix {
  x + dt * v(t, x)
}

/// One midpoint step, the tutorial's: take half an Euler step, then use the
/// field there for the whole step.
///
/// ```
/// k₁ = Δt/2 · v(t, x)
/// x ← x + Δt · v(t + Δt/2, x + k₁)
/// ```
/// Two evaluations a step; global error O(Δt²): second order.
public func midpointStep(_ v: VectorField, t: Float, dt: Float, x: Matrix) -> Matrix {
  let k1 = (dt / 2) * v(t, x)
  return x + dt * v(t + dt / 2, x + k1)
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
/// Δt = 1/steps,  t_k = k·Δt  (k = 0 … steps−1)
/// x_{k+1} = step(v, t_k, Δt, x_k)
/// ```
/// - Parameters:
///   - v: the field (a trained network or the exact field).
///   - x0: starting points at t = 0, 2×n (noise).
///   - steps: number of steps, ≥ 1.
///   - method: `.euler` or `.midpoint`.
///   - record: keep every intermediate x (steps + 1 matrices, x0 first).
/// - Returns: the points at t = 1 and, when recorded, the trajectory.
public func sample(
  _ v: VectorField, from x0: Matrix, steps: Int, method: ODEMethod = .midpoint, record: Bool = false
) -> (final: Matrix, trajectory: [Matrix]) {
  precondition(steps >= 1, "sample: steps must be at least 1, got \(steps)")
  let dt = 1 / Float(steps)
  var x = x0
  var trajectory = record ? [x0] : []
  for k in 0..<steps {
    let t = Float(k) * dt
    x = method == .euler ? eulerStep(v, t: t, dt: dt, x: x) : midpointStep(v, t: t, dt: dt, x: x)
    if record { trajectory.append(x) }
  }
  return (x, trajectory)
}
