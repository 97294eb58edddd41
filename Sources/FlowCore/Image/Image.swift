/// An 8-bit RGBA colour.
public struct RGBA: Equatable, Sendable {
  public var r: UInt8, g: UInt8, b: UInt8, a: UInt8
  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
    self.r = r; self.g = g; self.b = b; self.a = a
  }
  /// From 0xRRGGBB.
  public init(hex: UInt32, alpha: UInt8 = 255) {
    self.init(UInt8((hex >> 16) & 0xFF), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF), alpha)
  }
  public static let black = RGBA(0, 0, 0)
  public static let white = RGBA(255, 255, 255)
}

/// A picture: width × height pixels of RGBA, row by row from the top left.
public struct Image: Equatable, Sendable {
  public let width: Int
  public let height: Int
  /// 4 bytes a pixel (r, g, b, a), rows from the top.
  public var pixels: [UInt8]

  public init(width: Int, height: Int, background: RGBA = .white) {
    precondition(width > 0 && height > 0, "Image: impossible size \(width)×\(height)")
    self.width = width
    self.height = height
    pixels = [UInt8](repeating: 0, count: width * height * 4)
    for k in 0..<(width * height) {
      pixels[4 * k] = background.r; pixels[4 * k + 1] = background.g
      pixels[4 * k + 2] = background.b; pixels[4 * k + 3] = background.a
    }
  }

  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(pixels.count == width * height * 4, "Image: \(pixels.count) bytes for \(width)×\(height) RGBA")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// The pixel at column x, row y (row 0 at the top).
  public subscript(x: Int, y: Int) -> RGBA {
    get {
      let k = 4 * (y * width + x)
      return RGBA(pixels[k], pixels[k + 1], pixels[k + 2], pixels[k + 3])
    }
    set {
      let k = 4 * (y * width + x)
      pixels[k] = newValue.r; pixels[k + 1] = newValue.g; pixels[k + 2] = newValue.b; pixels[k + 3] = newValue.a
    }
  }
}
