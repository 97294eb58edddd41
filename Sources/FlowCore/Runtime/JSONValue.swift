import Foundation

/// A JSON value that keeps the order its object keys were written in, so a
/// lab's summary reads top to bottom like the lab.
public indirect enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  /// The value at `key` of an object, or nil.
  public subscript(key: String) -> JSONValue? {
    if case .object(let pairs) = self { return pairs.first { $0.0 == key }?.1 }
    return nil
  }

  /// The number, if this is one.
  public var number: Double? { if case .number(let v) = self { return v } else { return nil } }
  /// The string, if this is one.
  public var string: String? { if case .string(let v) = self { return v } else { return nil } }

  /// The whole value on one line (for a program to read); non-finite numbers become null.
  public var compact: String {
    switch self {
    case .array(let items): return "[" + items.map(\.compact).joined(separator: ",") + "]"
    case .object(let pairs):
      return "{" + pairs.map { JSONValue.quote($0.0) + ":" + $0.1.compact }.joined(separator: ",") + "}"
    default: return formatted()
    }
  }

  /// Pretty-printed text with two-space indents; non-finite numbers become null.
  public func formatted(indent: String = "") -> String {
    let inner = indent + "  "
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let v):
      guard v.isFinite else { return "null" }
      if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
      return "\(v)"
    case .string(let s): return JSONValue.quote(s)
    case .array(let items):
      if items.isEmpty { return "[]" }
      if items.allSatisfy({ if case .number = $0 { return true } else { return false } }) {
        return "[" + items.map { $0.formatted() }.joined(separator: ", ") + "]"
      }
      return "[\n" + items.map { inner + $0.formatted(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
    case .object(let pairs):
      if pairs.isEmpty { return "{}" }
      return "{\n"
        + pairs.map { inner + JSONValue.quote($0.0) + ": " + $0.1.formatted(indent: inner) }.joined(separator: ",\n")
        + "\n\(indent)}"
    }
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
      }
    }
    return out + "\""
  }

  /// Parses JSON text (object keys come back sorted).
  public static func parse(_ data: Data) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: data)
  }
}

extension JSONValue: Decodable {
  public init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let d = try? c.decode(Double.self) {
      self = .number(d)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      let o = try c.decode([String: JSONValue].self)
      self = .object(o.keys.sorted().map { ($0, o[$0]!) })
    }
  }
}

extension JSONValue: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(floatLiteral v: Double) { self = .number(v) }
  public init(integerLiteral v: Int) { self = .number(Double(v)) }
  public init(stringLiteral v: String) { self = .string(v) }
  public init(booleanLiteral v: Bool) { self = .bool(v) }
  public init(arrayLiteral items: JSONValue...) { self = .array(items) }
  public init(dictionaryLiteral pairs: (String, JSONValue)...) { self = .object(pairs) }
  public init(_ v: Double) { self = .number(v) }
  public init(_ v: Float) { self = .number(Double(v)) }
  public init(_ v: Int) { self = .number(Double(v)) }
  public init(_ v: [Float]) { self = .array(v.map { .number(Double($0)) }) }
  public init(_ v: [Double]) { self = .array(v.map { .number($0) }) }
}

/// The numbers a lab run reports, written as `labN.json` in the output folder.
public final class Summary {
  public private(set) var pairs: [(String, JSONValue)] = []
  public init() {}

  /// Sets `key` (replacing an earlier value, keeping its place).
  public subscript(key: String) -> JSONValue? {
    get { pairs.first { $0.0 == key }?.1 }
    set {
      if let i = pairs.firstIndex(where: { $0.0 == key }) {
        if let v = newValue { pairs[i].1 = v } else { pairs.remove(at: i) }
      } else if let v = newValue {
        pairs.append((key, v))
      }
    }
  }

  public var json: JSONValue { .object(pairs) }
}
