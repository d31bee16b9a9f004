import Foundation
import Testing
import Ember
@testable import EmberVision

/// PNG and JPEG decoding against Pillow's pixels (`Tests/Fixtures/generate_images.py`),
/// encoding round trips, and a typed error for every kind of bad file.
struct ImageCodecTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let pillow: [String: Tensor] = {
        do { return try SafeTensors.load(from: folder.appendingPathComponent("images.safetensors")) } catch {
            fatalError("cannot load images.safetensors: \(error)")
        }
    }()

    static func open(_ name: String) throws -> Image {
        try Image(contentsOf: folder.appendingPathComponent("images/\(name)"))
    }

    /// The largest difference between an image's pixels and Pillow's `[H, W, C]` array.
    static func difference(_ image: Image, _ key: String) -> Int {
        guard let expected = pillow[key] else {
            Issue.record("images.safetensors has no \(key)")
            return .max
        }
        #expect(expected.shape == [image.height, image.width, image.channels], "\(key): shape")
        guard expected.shape == [image.height, image.width, image.channels] else { return .max }
        return zip(image.pixels, expected.toArray(as: Int64.self)).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    static let pngFiles = ["rgb", "rgba", "gray8", "gray_alpha", "palette", "palette_transparency", "gray16", "rgb16",
                           "interlaced", "gray1bit"]

    @Test(arguments: pngFiles)
    func pngDecodesToPillowsRGB(_ name: String) throws {
        let image = try Self.open("\(name).png")
        if Self.pillow["\(name).scaled8"] != nil {
            // PIL clips 16-bit gray at 255 and keeps the high byte of 16-bit colour; Ember
            // rounds v / 257 instead (see PNGCodec), so these are checked against that.
            #expect(Self.difference(image, "\(name).scaled8") == 0, "16-bit samples scale to round(v / 257)")
            return
        }
        #expect(Self.difference(image.rgb(), "\(name).rgb") == 0)
        if Self.pillow["\(name).native"] != nil {
            #expect(Self.difference(image, "\(name).native") == 0)
        }
    }

    @Test func sixteenBitPNGsAreScaledNotClipped() throws {
        let gray = try Self.open("gray16.png")
        #expect(gray.channels == 1)
        let raw = Self.pillow["gray16.rgb16"]!.toArray(as: Int64.self)
        let brightest = raw.max()!
        let index = raw.firstIndex(of: brightest)!
        #expect(gray.pixels[index] == UInt8((Int(brightest) * 255 + 32767) / 65535))
    }

    static let jpegFiles = ["baseline_420", "baseline_444", "progressive", "gray", "cmyk"]

    @Test(arguments: jpegFiles)
    func jpegDecodesAsPillowDoes(_ name: String) throws {
        let image = try Self.open("\(name).jpg")
        #expect(image.channels == (name == "gray" ? 1 : 3))
        // Both use libjpeg-turbo's accurate integer IDCT and fancy upsampling (Pillow's
        // wheel bundles 3.2, Debian has 2.1; their pixels are the same).
        #expect(Self.difference(image.rgb(), "\(name).rgb") == 0)
    }

    @Test func encodedImagesDecodeBack() throws {
        let source = try Self.open("rgba.png")
        for channels in [1, 2, 3, 4] {
            let pixels = (0..<(source.width * source.height)).flatMap { p in (0..<channels).map { c in source.pixels[p * 4 + c] } }
            let image = Image(width: source.width, height: source.height, channels: channels, pixels: pixels)
            #expect(try Image(data: image.pngData()) == image, "PNG with \(channels) channels is lossless")
        }
        let photo = try Self.open("baseline_444.jpg")
        let again = try Image(data: photo.jpegData(quality: 95))
        #expect(again.width == photo.width && again.height == photo.height && again.channels == 3)
        let drift = zip(again.pixels, photo.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +) / photo.pixels.count
        #expect(drift < 10, "quality 95 stays close (4:2:0 chroma on a noisy picture): mean drift \(drift)")
        #expect(throws: ImageError.self) { try source.jpegData() }
    }

    @Test func writeIsAtomicAndPicksTheFormatFromTheName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = try Self.open("rgb.png")
        try image.write(to: folder.appendingPathComponent("a.png"))
        try image.write(to: folder.appendingPathComponent("a.jpg"), quality: 90)
        #expect(ImageFormat.detect(try Data(contentsOf: folder.appendingPathComponent("a.jpg"))) == .jpeg)
        #expect(try Image(contentsOf: folder.appendingPathComponent("a.png")) == image)
        #expect(throws: ImageError.self) { try image.write(to: folder.appendingPathComponent("a.bmp")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["a.jpg", "a.png"])
    }

    @Test(arguments: [
        ("truncated.jpg", "damaged or truncated"), ("truncated.png", "damaged or truncated"),
        ("not_an_image.jpg", "not an image"), ("empty.png", "not an image"), ("bomb.png", "exceeds the limit"),
        ("missing.png", "cannot read the file"),
    ])
    func badFilesGiveTypedErrorsNamingTheFile(_ file: String, _ problem: String) {
        do {
            _ = try Self.open(file)
            Issue.record("\(file) decoded")
        } catch let error as ImageError {
            #expect("\(error)".contains(file), "\(error)")
            #expect("\(error)".contains(problem), "\(error)")
        } catch {
            Issue.record("\(file): untyped error \(error)")
        }
    }

    @Test func theBombGuardCanBeRaised() throws {
        let url = Self.folder.appendingPathComponent("images/bomb.png")
        // With the limit out of the way the header passes and the (tiny) data is found short.
        #expect(throws: ImageError.self) { try Image(contentsOf: url, maxPixels: 500_000_000) }
        do {
            _ = try Image(contentsOf: url, maxPixels: 500_000_000)
        } catch let error as ImageError {
            #expect(!"\(error)".contains("exceeds the limit"))
        }
    }
}
