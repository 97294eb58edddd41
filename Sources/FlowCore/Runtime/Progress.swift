import Foundation

/// A progress bar for long loops, written to standard error.
///
/// On a terminal it redraws one line in place (at most 20 times a second);
/// when the output is a file or a pipe it prints a line at every tenth of the
/// way, so logs stay short.
public final class Progress {
  public let total: Int
  public let label: String
  let quiet: Bool
  let isTerminal: Bool
  let start = Date()
  var lastDraw = Date.distantPast
  var lastDecile = -1

  public init(total: Int, label: String, quiet: Bool = false) {
    self.total = max(total, 1)
    self.label = label
    self.quiet = quiet
    self.isTerminal = isatty(STDERR_FILENO) == 1
  }

  /// Seconds since the bar was made.
  public var elapsed: Double { Date().timeIntervalSince(start) }

  /// Reports that `done` of `total` steps are done; `info` is shown after the bar.
  public func update(_ done: Int, _ info: String = "") {
    guard !quiet else { return }
    let rate = Double(done) / max(elapsed, 1e-9)
    if isTerminal {
      let now = Date()
      guard done >= total || now.timeIntervalSince(lastDraw) > 0.05 else { return }
      lastDraw = now
      let width = 24
      let filled = min(width, width * done / total)
      let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
      let line = "\r\(label) \(bar) \(done)/\(total) \(info) \(Progress.rateText(rate))\u{1B}[K"
      FileHandle.standardError.write(Data(line.utf8))
    } else {
      let decile = 10 * done / total
      guard decile > lastDecile else { return }
      lastDecile = decile
      FileHandle.standardError.write(Data("\(label) \(done)/\(total) \(info) \(Progress.rateText(rate))\n".utf8))
    }
  }

  /// Ends the bar (moves to a fresh line on a terminal).
  public func finish(_ info: String = "") {
    guard !quiet else { return }
    update(total, info)
    if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
  }

  static func rateText(_ r: Double) -> String {
    r >= 100 ? "\(Int(r)) steps/s" : String(format: "%.1f steps/s", r)
  }
}
