import Foundation

/// An error that ends a lab run with a message and an exit status, never a
/// crash trace.
public enum LabError: Error, CustomStringConvertible {
  /// A bad command line (exit status 2, usage printed).
  case usage(String)
  /// A run-time problem (exit status 1).
  case failure(String)

  public var description: String {
    switch self {
    case .usage(let m), .failure(let m): return m
    }
  }
}

/// One command-line option of a lab runner.
public struct LabOption: Sendable {
  public enum Kind: Sendable {
    case flag
    case int(ClosedRange<Int>)
    case double(ClosedRange<Double>)
    case choice([String])
    case path
  }
  public let name: String
  public let kind: Kind
  public let defaultValue: String?
  public let help: String

  public init(_ name: String, _ kind: Kind, default defaultValue: String? = nil, help: String) {
    self.name = name
    self.kind = kind
    self.defaultValue = defaultValue
    self.help = help
  }

  var valueName: String {
    switch kind {
    case .flag: return ""
    case .int: return " N"
    case .double: return " X"
    case .choice(let c): return " " + c.joined(separator: "|")
    case .path: return " PATH"
    }
  }
}

/// What a lab runner is: its name, one line on what it does, and its options.
public struct LabSpec: Sendable {
  public let name: String
  public let title: String
  public let options: [LabOption]

  /// The options every lab has, ahead of the lab's own.
  public static let common: [LabOption] = [
    LabOption("seed", .int(0...Int.max), default: "777", help: "seed of the random numbers (same seed, same results)"),
    LabOption("out", .path, default: "figures/yours", help: "folder for figures and the summary"),
    LabOption("quiet", .flag, help: "print only errors"),
    LabOption(
      "threads", .choice(["auto", "1", "2"]), default: "auto",
      help:
        "cores for the matrix work; auto: 2 on a multi-core machine unless FLOWLAB_THREADS says otherwise (the numbers are the same)"
    ),
    LabOption("help", .flag, help: "show this help"),
  ]

  /// What follows the options in the usage line, e.g. "[lab1 … lab5]"; empty
  /// when the command takes no plain arguments.
  public let arguments: String
  /// Lines printed after the options in the usage.
  public let notes: String

  /// A command with `common` options (by default `LabSpec.common`) followed by its own.
  public init(
    name: String, title: String, options: [LabOption] = [], common: [LabOption] = LabSpec.common,
    arguments: String = "", notes: String = ""
  ) {
    self.name = name
    self.title = title
    self.options = common + options
    self.arguments = arguments
    self.notes = notes
  }

  public var usage: String {
    let line = "usage: swift run \(name)" + (arguments.isEmpty ? "" : " \(arguments)") + " [options]"
    var lines = [line, "", "\(name): \(title)", "", "options:"]
    let heads = options.map { "  --\($0.name)\($0.valueName)" }
    let width = (heads.map(\.count).max() ?? 0) + 2
    for (o, h) in zip(options, heads) {
      let pad = String(repeating: " ", count: max(1, width - h.count))
      lines.append(h + pad + o.help + (o.defaultValue.map { " (default: \($0))" } ?? ""))
    }
    if !notes.isEmpty { lines += ["", notes] }
    return lines.joined(separator: "\n")
  }

  /// Parses `--name value`, `--name=value` and `--flag`; every value is
  /// checked against its kind and range.
  public func parse(_ arguments: [String]) throws -> [String: String] {
    let (values, plain) = try parseWithArguments(arguments)
    if let first = plain.first { throw LabError.usage("unexpected argument '\(first)'") }
    return values
  }

  /// Like `parse`, and also returns the plain arguments (those not starting
  /// with `--` and not an option's value), in order.
  public func parseWithArguments(_ arguments: [String]) throws -> (options: [String: String], arguments: [String]) {
    var plain: [String] = []
    var values: [String: String] = [:]
    for o in options { if let d = o.defaultValue { values[o.name] = d } }
    var i = 0
    while i < arguments.count {
      let arg = arguments[i]
      guard arg.hasPrefix("--") else {
        plain.append(arg)
        i += 1
        continue
      }
      var name = String(arg.dropFirst(2))
      var inline: String?
      if let eq = name.firstIndex(of: "=") {
        inline = String(name[name.index(after: eq)...])
        name = String(name[..<eq])
      }
      guard let option = options.first(where: { $0.name == name }) else {
        throw LabError.usage("unknown option '--\(name)'")
      }
      if case .flag = option.kind {
        if inline != nil { throw LabError.usage("--\(name) takes no value") }
        values[name] = "true"
        i += 1
        continue
      }
      let value: String
      if let inline {
        value = inline
      } else {
        guard i + 1 < arguments.count else { throw LabError.usage("--\(name) needs a value\(option.valueName)") }
        value = arguments[i + 1]
        i += 1
      }
      try option.validate(value)
      values[name] = value
      i += 1
    }
    return (values, plain)
  }
}

extension LabOption {
  func validate(_ value: String) throws {
    switch kind {
    case .flag: return
    case .int(let range):
      guard let v = Int(value) else {
        let digits = !value.isEmpty && value.drop { $0 == "-" || $0 == "+" }.allSatisfy(\.isNumber)
        throw LabError.usage(
          digits
            ? "--\(name) must be in \(range.lowerBound)…\(range.upperBound), got \(value)"
            : "--\(name) needs a whole number, got '\(value)'")
      }
      guard range.contains(v) else {
        throw LabError.usage("--\(name) must be in \(range.lowerBound)…\(range.upperBound), got \(v)")
      }
    case .double(let range):
      guard let v = Double(value), v.isFinite else { throw LabError.usage("--\(name) needs a number, got '\(value)'") }
      guard range.contains(v) else {
        throw LabError.usage("--\(name) must be in [\(range.lowerBound), \(range.upperBound)], got \(v)")
      }
    case .choice(let choices):
      guard choices.contains(value) else {
        throw LabError.usage("--\(name) must be one of \(choices.joined(separator: ", ")), got '\(value)'")
      }
    case .path:
      guard !value.isEmpty else { throw LabError.usage("--\(name) needs a path") }
    }
  }
}
