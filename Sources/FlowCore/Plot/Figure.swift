import Foundation

/// Several panels in one image, in a grid, with an optional overall title.
///
/// Panels fill the grid row by row. By default up to three panels sit in one
/// row and four make a 2×2 grid.
public struct Figure: Sendable {
  public var plots: [Plot]
  public var columns: Int
  public var panelWidth: Int
  public var panelHeight: Int
  public var title: String?

  /// A figure of `plots`, each panel `panelWidth` × `panelHeight` pixels.
  public init(
    _ plots: [Plot], columns: Int? = nil, panelWidth: Int = 520, panelHeight: Int = 440, title: String? = nil
  ) {
    self.plots = plots.isEmpty ? [Plot()] : plots
    let n = self.plots.count
    let c = columns ?? (n <= 3 ? n : Int(Double(n).squareRoot().rounded(.up)))
    self.columns = min(max(1, c), n)
    self.panelWidth = max(40, panelWidth)
    self.panelHeight = max(40, panelHeight)
    self.title = title
  }

  /// Height of the band holding the overall title.
  var titleHeight: Int { (title ?? "").isEmpty ? 0 : 12 + Canvas.textHeight(scale: 2) + 8 }

  /// The whole figure as one image.
  public func render() -> Image {
    let rows = (plots.count + columns - 1) / columns
    var canvas = Canvas(width: columns * panelWidth, height: rows * panelHeight + titleHeight)
    if let title, !title.isEmpty {
      canvas.text(title, x: Double(canvas.width) / 2, y: 12, color: .black, scale: 2, anchor: .top)
    }
    for (k, p) in plots.enumerated() {
      let col = k % columns, row = k / columns
      p.draw(
        on: &canvas, x: col * panelWidth, y: titleHeight + row * panelHeight, width: panelWidth, height: panelHeight)
    }
    return canvas.image
  }

  /// Renders the figure and writes it as a PNG file.
  public func write(to path: String) throws {
    try PNG.write(render(), to: path)
  }
}

extension Plot {
  /// Renders this panel alone and writes it as a PNG file.
  public func write(to path: String, width: Int = 520, height: Int = 440) throws {
    try PNG.write(render(width: width, height: height), to: path)
  }
}
