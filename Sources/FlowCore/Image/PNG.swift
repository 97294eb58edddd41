import CLibPNG
import Foundation

/// A PNG file that could not be written or read, with libpng's own message.
public struct PNGError: Error, CustomStringConvertible {
  public let path: String
  public let message: String
  public var description: String { "PNG '\(path)': \(message)" }
}

/// PNG files through libpng's simplified API (`png_image_*`), which reports
/// errors in the `png_image` struct rather than by `longjmp` (which Swift
/// cannot catch), so every libpng error becomes a thrown `PNGError`.
public enum PNG {
  /// Writes an RGBA image to `path`.
  public static func write(_ image: Image, to path: String) throws {
    var png = png_image()
    png.version = flowlab_png_image_version
    png.width = UInt32(image.width)
    png.height = UInt32(image.height)
    png.format = flowlab_png_format_rgba
    let ok = image.pixels.withUnsafeBufferPointer { buf in
      png_image_write_to_file(&png, path, 0, buf.baseAddress, Int32(image.width * 4), nil)
    }
    defer { png_image_free(&png) }
    if ok == 0 || (png.warning_or_error & flowlab_png_image_error) != 0 {
      throw PNGError(path: path, message: message(of: &png, fallback: "could not write"))
    }
  }

  /// Reads any PNG as RGBA.
  public static func read(from path: String) throws -> Image {
    var png = png_image()
    png.version = flowlab_png_image_version
    guard png_image_begin_read_from_file(&png, path) != 0 else {
      let m = message(of: &png, fallback: "could not open")
      png_image_free(&png)
      throw PNGError(path: path, message: m)
    }
    png.format = flowlab_png_format_rgba
    let width = Int(png.width), height = Int(png.height)
    var pixels = [UInt8](repeating: 0, count: width * height * 4)
    let ok = pixels.withUnsafeMutableBufferPointer { buf in
      png_image_finish_read(&png, nil, buf.baseAddress, Int32(width * 4), nil)
    }
    defer { png_image_free(&png) }
    guard ok != 0 else { throw PNGError(path: path, message: message(of: &png, fallback: "could not read")) }
    return Image(width: width, height: height, pixels: pixels)
  }

  static func message(of png: inout png_image, fallback: String) -> String {
    let text = withUnsafeBytes(of: &png.message) { raw -> String in
      let bytes = raw.prefix { $0 != 0 }
      return String(decoding: bytes, as: UTF8.self)
    }
    return text.isEmpty ? fallback : text
  }
}
