import Foundation
import Testing

@testable import FlowCore

@Suite("Core · PNG")
struct PNGTests {
  func tempPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-\(getpid())-\(name)").path
  }

  @Test("an image with varied pixels survives a write and read unchanged")
  func roundTrip() throws {
    var image = Image(width: 37, height: 23)
    for y in 0..<23 {
      for x in 0..<37 {
        image[x, y] = RGBA(UInt8(x * 7 % 256), UInt8(y * 11 % 256), UInt8((x * y) % 256), 255)
      }
    }
    let path = tempPath("roundtrip.png")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try PNG.write(image, to: path)
    let back = try PNG.read(from: path)
    #expect(back.width == 37 && back.height == 23)
    #expect(back.pixels == image.pixels)
  }

  @Test("writing into a folder that does not exist throws a PNGError naming the path")
  func unwritable() {
    let path = "/nonexistent-flowlab-folder/sub/out.png"
    do {
      try PNG.write(Image(width: 4, height: 4), to: path)
      Issue.record("writing to \(path) should have thrown")
    } catch let e as PNGError {
      #expect(e.description.contains(path))
      #expect(e.path == path)
    } catch {
      Issue.record("expected a PNGError, got \(error)")
    }
  }

  @Test("reading a file that is not a PNG throws")
  func notPNG() throws {
    let path = tempPath("not.png")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try "hello, this is text".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: PNGError.self) { try PNG.read(from: path) }
    #expect(throws: PNGError.self) { try PNG.read(from: tempPath("missing.png")) }
  }
}
