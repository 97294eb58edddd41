import Foundation

/// A trained MLP's parameters on disk: what lab 4 writes and lab 5 loads.
///
/// Layout (all numbers little-endian):
///
/// ```
/// bytes  0–7    "FLOWLAB1"                       magic
/// UInt32        L                                number of layers
/// UInt32 × L+1  sizes, input first               e.g. 3 64 64 64 2
/// per layer k:  Float32 × out·in  weight Wₖ      column-major (out×in)
///               Float32 × out     bias bₖ
/// UInt64        FNV-1a hash of every byte above  detects damage
/// ```
/// The parameters are in the MLP's `parameters` order: W₁, b₁, W₂, b₂, ….
public enum ParameterFile {
  static let magic = Array("FLOWLAB1".utf8)

  /// Why a parameter file could not be used.
  public struct Problem: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "parameter file '\(path)': \(message)" }
  }

  /// Writes sizes and parameters (W₁, b₁, …) to `path`.
  public static func write(sizes: [Int], parameters: [Matrix], to path: String) throws {
    try checkShapes(sizes: sizes, parameters: parameters, path: path)
    var bytes = magic
    append(UInt32(sizes.count - 1), to: &bytes)
    for s in sizes { append(UInt32(s), to: &bytes) }
    for p in parameters { for v in p.storage { append(v.bitPattern, to: &bytes) } }
    append(fnv1a(bytes), to: &bytes)
    do {
      try Data(bytes).write(to: URL(fileURLWithPath: path))
    } catch {
      throw Problem(path: path, message: "cannot write: \(error.localizedDescription)")
    }
  }

  /// Reads a parameter file; checks its magic, length, hash, and (when given)
  /// that its sizes are `expectedSizes`.
  public static func read(from path: String, expectedSizes: [Int]? = nil) throws -> (sizes: [Int], parameters: [Matrix])
  {
    guard FileManager.default.fileExists(atPath: path) else {
      throw Problem(path: path, message: "no such file")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw Problem(path: path, message: "cannot be read")
    }
    let bytes = [UInt8](data)
    var at = 0
    func take<T: FixedWidthInteger>(_: T.Type) throws -> T {
      let n = MemoryLayout<T>.size
      guard at + n <= bytes.count else { throw Problem(path: path, message: "truncated (\(bytes.count) bytes)") }
      var v: T = 0
      for k in 0..<n { v |= T(bytes[at + k]) << (8 * k) }
      at += n
      return v
    }
    guard bytes.count >= 8, Array(bytes[0..<8]) == magic else {
      throw Problem(path: path, message: "not a FlowLab parameter file (it does not start with FLOWLAB1)")
    }
    at = 8
    let layers = Int(try take(UInt32.self))
    guard (1...64).contains(layers) else { throw Problem(path: path, message: "damaged: \(layers) layers") }
    var sizes: [Int] = []
    for _ in 0...layers { sizes.append(Int(try take(UInt32.self))) }
    guard sizes.allSatisfy({ (1...100_000).contains($0) }) else {
      throw Problem(path: path, message: "damaged: impossible layer sizes \(sizes)")
    }
    // The header fixes the length: check it before reading the numbers, so a
    // short file says how much is missing.
    let floats = (0..<layers).reduce(0) { $0 + sizes[$1 + 1] * (sizes[$1] + 1) }
    let expected = at + 4 * floats + 8
    let network = sizes.map(String.init).joined(separator: "→")
    guard bytes.count >= expected else {
      throw Problem(
        path: path,
        message:
          "truncated: \(bytes.count) bytes, but a \(network) network needs \(expected) (\(floats) numbers); write it again with `swift run lab4`"
      )
    }
    var parameters: [Matrix] = []
    for k in 0..<layers {
      for (r, c) in [(sizes[k + 1], sizes[k]), (sizes[k + 1], 1)] {
        var m = Matrix(rows: r, cols: c)
        for i in 0..<m.count { m.storage[i] = Float(bitPattern: try take(UInt32.self)) }
        parameters.append(m)
      }
    }
    let payloadEnd = at
    let stored = try take(UInt64.self)
    guard at == bytes.count else {
      throw Problem(path: path, message: "damaged: \(bytes.count - at) unexpected bytes at the end")
    }
    guard stored == fnv1a(Array(bytes[0..<payloadEnd])) else {
      throw Problem(path: path, message: "damaged: the hash does not match the contents")
    }
    if let expectedSizes, expectedSizes != sizes {
      throw Problem(
        path: path,
        message:
          "holds a network of sizes \(sizes.map(String.init).joined(separator: "→")), expected \(expectedSizes.map(String.init).joined(separator: "→"))"
      )
    }
    return (sizes, parameters)
  }

  static func checkShapes(sizes: [Int], parameters: [Matrix], path: String) throws {
    guard sizes.count >= 2, parameters.count == 2 * (sizes.count - 1) else {
      throw Problem(path: path, message: "\(parameters.count) parameter matrices do not fit sizes \(sizes)")
    }
    for k in 0..<(sizes.count - 1) {
      let w = parameters[2 * k], b = parameters[2 * k + 1]
      guard w.rows == sizes[k + 1], w.cols == sizes[k], b.rows == sizes[k + 1], b.cols == 1 else {
        throw Problem(
          path: path,
          message:
            "layer \(k + 1) has W \(w.shapeText), b \(b.shapeText); sizes \(sizes) need \(sizes[k + 1])×\(sizes[k]) and \(sizes[k + 1])×1"
        )
      }
    }
  }

  static func append<T: FixedWidthInteger>(_ v: T, to bytes: inout [UInt8]) {
    for k in 0..<MemoryLayout<T>.size { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
  }

  static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return h
  }
}
