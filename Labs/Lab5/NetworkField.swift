import FlowCore
import Lab2

/// A trained network as a vector field: v(t, x) = model([t; x]), with the same
/// t for every column (the tutorial's `vcat(t, x)`).
public func networkField(_ model: MLP) -> VectorField {
  { t, x in model(Matrix.vcat([Matrix(rows: 1, cols: x.cols, repeating: t), x])) }
}
