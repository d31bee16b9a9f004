import Foundation
import Testing
@testable import EmberVision

/// torchvision's PIL-path transforms (`transforms.safetensors`, written by
/// `Tests/Fixtures/generate_images.py` with torchvision 0.29 and Pillow 13).
enum TransformFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static let values: [String: Tensor] = {
        let url = folder.appendingPathComponent("transforms.safetensors")
        do { return try SafeTensors.load(from: url) } catch { fatalError("cannot load \(url.path): \(error)") }
    }()

    static subscript(key: String) -> Tensor {
        guard let value = values[key] else { fatalError("transforms.safetensors has no \(key); rerun generate_images.py") }
        return value
    }

    /// A stored uint8 `[H, W, C]` array as an `Image`.
    static func image(_ key: String) -> Image {
        let t = self[key]
        precondition(t.shape.count == 3, "\(key): expected [H, W, C], got \(t.shape)")
        return Image(width: t.shape[1], height: t.shape[0], channels: t.shape[2],
                     pixels: t.toArray(as: Int64.self).map { UInt8($0) })
    }

    static let names = ["baseline_444", "rgb"]
}

/// The largest difference between two images' values, or nil when their sizes differ.
func maxDifference(_ a: Image, _ b: Image) -> Int? {
    guard a.width == b.width, a.height == b.height, a.channels == b.channels else { return nil }
    return zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

/// Expects `actual` to equal torchvision's `key` exactly.
func expectPixels(_ actual: Image, _ key: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let expected = TransformFixture.image(key)
    let difference = maxDifference(actual, expected)
    let message = "\(key): \(actual.height)x\(actual.width)x\(actual.channels) vs "
        + "\(expected.height)x\(expected.width)x\(expected.channels), max difference \(difference.map(String.init) ?? "-")"
    #expect(difference == 0, "\(message)", sourceLocation: sourceLocation)
}

struct TransformFixtureTests {
    @Test(arguments: TransformFixture.names)
    func toTensorGivesChannelsFirst(name: String) {
        let image = TransformFixture.image("\(name).in")
        let tensor = ToTensor()(image)
        #expect(tensor.shape == [3, image.height, image.width])
        expectClose(tensor, TransformFixture["\(name).to_tensor"], "\(name).to_tensor")
    }

    @Test(arguments: TransformFixture.names)
    func resizeMatchesPillow(name: String) {
        let image = TransformFixture.image("\(name).in")
        expectPixels(Resize(17)(image), "\(name).resize_17")
        expectPixels(Resize(height: 20, width: 30, interpolation: .nearest)(image), "\(name).resize_20x30_nearest")
        expectPixels(Resize(height: 20, width: 30, interpolation: .bicubic)(image), "\(name).resize_20x30_bicubic")
        expectPixels(Resize(height: 40, width: 70, interpolation: .bilinear)(image), "\(name).resize_40x70_bilinear")
    }

    @Test func resizeComputesTheLongEdgeAsTorchvision() {
        // int(17 * 64 / 48) = 22, int(17 * 37 / 23) = 27; a portrait image keeps its width short.
        #expect(resizedSize(height: 48, width: 64, size: [17]) == (17, 22))
        #expect(resizedSize(height: 23, width: 37, size: [17]) == (17, 27))
        #expect(resizedSize(height: 500, width: 375, size: [256]) == (341, 256))
        let gray = Image(width: 4, height: 6, pixels: (0..<24).map { UInt8($0 * 10) })
        let out = Resize(2)(gray)
        #expect(out.width == 2 && out.height == 3 && out.channels == 1)
        #expect(Resize(height: 6, width: 4)(gray) == gray)
    }

    @Test(arguments: TransformFixture.names)
    func cropsAndFlipsMatchTorchvision(name: String) {
        let image = TransformFixture.image("\(name).in")
        expectPixels(CenterCrop(16)(image), "\(name).center_crop_16")
        expectPixels(CenterCrop(height: 50, width: 70)(image), "\(name).center_crop_50x70")
        expectPixels(hflip(image), "\(name).hflip")
        expectPixels(vflip(image), "\(name).vflip")
        expectPixels(RandomHorizontalFlip(p: 1)(image), "\(name).hflip")
        expectPixels(RandomVerticalFlip(p: 1)(image), "\(name).vflip")
        #expect(RandomHorizontalFlip(p: 0)(image) == image)
        #expect(RandomVerticalFlip(p: 0)(image) == image)
    }

    @Test(arguments: TransformFixture.names)
    func padAndGrayscaleMatchTorchvision(name: String) {
        let image = TransformFixture.image("\(name).in")
        expectPixels(Pad(3, paddingMode: .reflect)(image), "\(name).pad_3_reflect")
        expectPixels(Pad([2, 5], fill: 7)(image), "\(name).pad_2_5_constant_fill7")
        expectPixels(Grayscale()(image), "\(name).grayscale_1")
        expectPixels(Grayscale(numOutputChannels: 3)(image), "\(name).grayscale_3")
    }

    @Test(arguments: TransformFixture.names)
    func resizedCropMatchesTorchvision(name: String) {
        let image = TransformFixture.image("\(name).in")
        expectPixels(resizedCrop(image, top: 3, left: 5, height: 20, width: 25, size: 16),
                     "\(name).resized_crop_3_5_20_25_to_16")
    }

    @Test func paddingModesFollowNumPy() {
        let row = Image(width: 3, height: 1, pixels: [1, 2, 3])
        #expect(pad(row, left: 2, top: 0, right: 2, bottom: 0, paddingMode: .reflect).pixels == [3, 2, 1, 2, 3, 2, 1])
        #expect(pad(row, left: 2, top: 0, right: 2, bottom: 0, paddingMode: .symmetric).pixels == [2, 1, 1, 2, 3, 3, 2])
        #expect(pad(row, left: 2, top: 0, right: 2, bottom: 0, paddingMode: .edge).pixels == [1, 1, 1, 2, 3, 3, 3])
        #expect(pad(row, left: 1, top: 0, right: 1, bottom: 0, fill: 9).pixels == [9, 1, 2, 3, 9])
        // Wider than the image: NumPy reflects again.
        #expect(pad(row, left: 5, top: 0, right: 0, bottom: 0, paddingMode: .reflect).pixels == [2, 1, 2, 3, 2, 1, 2, 3])
        let tall = pad(row, left: 0, top: 1, right: 0, bottom: 1, paddingMode: .edge)
        #expect(tall.height == 3 && tall.pixels == [1, 2, 3, 1, 2, 3, 1, 2, 3])
    }

    @Test func randomFlipsAreSeeded() {
        let image = TransformFixture.image("rgb.in")
        let flip = RandomHorizontalFlip()
        manualSeed(7)
        let first = (0..<20).map { _ in flip(image) == image }
        manualSeed(7)
        let second = (0..<20).map { _ in flip(image) == image }
        #expect(first == second)
        #expect(first.contains(true) && first.contains(false))
    }

    @Test func randomCropStaysInsideAndIsSeeded() {
        let image = TransformFixture.image("baseline_444.in")
        let transform = RandomCrop(height: 20, width: 30)
        manualSeed(3)
        let a = (0..<10).map { _ in transform(image) }
        manualSeed(3)
        let b = (0..<10).map { _ in transform(image) }
        #expect(a == b)
        for _ in 0..<50 {
            let (top, left) = RandomCrop.parameters(imageHeight: 48, imageWidth: 64, height: 20, width: 30)
            #expect((0...28).contains(top) && (0...34).contains(left))
            let out = transform(image)
            #expect(out.width == 30 && out.height == 20)
        }
        let (top, left) = RandomCrop.parameters(imageHeight: 48, imageWidth: 64, height: 48, width: 64)
        #expect(top == 0 && left == 0)
        let found = a[0]
        let matches = (0...28).contains { t in (0...34).contains { l in
            crop(image, top: t, left: l, height: 20, width: 30) == found } }
        #expect(matches)
        // Padding: torchvision pads both sides of a short edge by the whole shortfall.
        let small = Image(width: 4, height: 3, channels: 3, pixels: [UInt8](repeating: 200, count: 36))
        let padded = RandomCrop(height: 5, width: 6, padIfNeeded: true, fill: 1)(small)
        #expect(padded.width == 6 && padded.height == 5)
        #expect(RandomCrop(4, padding: [2])(small).width == 4)
    }

    @Test func randomResizedCropParametersAreInBoundsAndSeeded() {
        manualSeed(11)
        let a = (0..<200).map { _ in RandomResizedCrop.parameters(imageHeight: 48, imageWidth: 64, scale: (0.08, 1),
                                                                   ratio: (3.0 / 4, 4.0 / 3)) }
        manualSeed(11)
        let b = (0..<200).map { _ in RandomResizedCrop.parameters(imageHeight: 48, imageWidth: 64, scale: (0.08, 1),
                                                                   ratio: (3.0 / 4, 4.0 / 3)) }
        #expect(a.map { [$0.top, $0.left, $0.height, $0.width] } == b.map { [$0.top, $0.left, $0.height, $0.width] })
        for r in a {
            #expect(r.height > 0 && r.width > 0 && r.top >= 0 && r.left >= 0)
            #expect(r.top + r.height <= 48 && r.left + r.width <= 64)
            let area = Double(r.height * r.width) / Double(48 * 64)
            #expect(area >= 0.07 && area <= 1.01, "area \(area)")
            let ratio = Double(r.width) / Double(r.height)
            #expect(ratio > 0.6 && ratio < 1.6, "ratio \(ratio)")
        }
        // No try fits a 1-pixel-high strip: the fallback is the whole height, width clamped
        // to the largest ratio, centred.
        let strip = RandomResizedCrop.parameters(imageHeight: 1, imageWidth: 100, scale: (0.9, 1), ratio: (3.0 / 4, 4.0 / 3))
        #expect(strip.height == 1 && strip.width == 1 && strip.top == 0 && strip.left == 49)
        let tall = RandomResizedCrop.parameters(imageHeight: 100, imageWidth: 1, scale: (0.9, 1), ratio: (3.0 / 4, 4.0 / 3))
        #expect(tall.width == 1 && tall.height == 1 && tall.left == 0 && tall.top == 49)
        let image = TransformFixture.image("rgb.in")
        let out = RandomResizedCrop(16)(image)
        #expect(out.width == 16 && out.height == 16 && out.channels == 3)
        #expect(RandomResizedCrop(height: 10, width: 12, interpolation: .bicubic)(image).width == 12)
    }

    /// `Compose([Resize(256), CenterCrop(224)])` of real photographs, when they are present.
    @Test func evalPipelineMatchesTorchvisionOnPhotos() throws {
        let photos = TransformFixture.folder.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/photo-crops")
        let list = TransformFixture.folder.appendingPathComponent("photo_crops_used.txt")
        guard FileManager.default.fileExists(atPath: photos.path),
              let names = try? String(contentsOf: list, encoding: .utf8) else { return }
        let pipeline = Compose<Image, Image>([Resize(256), CenterCrop(224)])
        var compared = 0
        for (k, name) in names.split(separator: "\n").enumerated() {
            let url = photos.appendingPathComponent(String(name))
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let image = try Image(contentsOf: url).rgb()
            expectPixels(pipeline(image), "photo\(k).eval_u8")
            compared += 1
        }
        #expect(compared == 4)
    }
}

struct ColorAdjustmentFixtureTests {
    @Test(arguments: TransformFixture.names)
    func adjustmentsMatchTorchvision(name: String) {
        let image = TransformFixture.image("\(name).in")
        expectPixels(adjustBrightness(image, 1.4), "\(name).adjust_brightness_1_4")
        expectPixels(adjustContrast(image, 0.6), "\(name).adjust_contrast_0_6")
        expectPixels(adjustSaturation(image, 1.7), "\(name).adjust_saturation_1_7")
        expectPixels(adjustHue(image, 0.2), "\(name).adjust_hue_0_2")
        expectPixels(adjustHue(image, -0.3), "\(name).adjust_hue_m0_3")
    }

    @Test func colorJitterIsSeededAndNeutralAtZero() {
        let image = TransformFixture.image("rgb.in")
        #expect(ColorJitter()(image) == image)
        let jitter = ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1)
        manualSeed(5)
        let a = (0..<5).map { _ in jitter(image) }
        manualSeed(5)
        let b = (0..<5).map { _ in jitter(image) }
        #expect(a == b)
        manualSeed(5)
        for _ in 0..<50 {
            let (order, factors) = jitter.parameters()
            #expect(order.sorted() == [0, 1, 2, 3])
            for f in factors.prefix(3) { #expect((0.6...1.4).contains(f!)) }
            #expect((-0.1...0.1).contains(factors[3]!))
        }
        // A gray image keeps its hue and saturation.
        let gray = toGrayscale(image)
        #expect(adjustHue(gray, 0.3) == gray && adjustSaturation(gray, 2) == gray)
    }
}

struct RotationFixtureTests {
    @Test(arguments: TransformFixture.names)
    func rotateMatchesTorchvision(name: String) {
        let image = TransformFixture.image("\(name).in")
        expectPixels(rotate(image, 30), "\(name).rotate_30")
        expectPixels(rotate(image, 30, interpolation: .bilinear, expand: true), "\(name).rotate_30_expand_bilinear")
    }

    @Test func rotationsOfWholeTurnsAndSeededAngles() {
        let image = TransformFixture.image("rgb.in")
        #expect(rotate(image, 360) == image)
        #expect(rotate(image, 180) == vflip(hflip(image)))
        let transform = RandomRotation(20)
        manualSeed(9)
        let a = (0..<3).map { _ in transform(image) }
        manualSeed(9)
        let b = (0..<3).map { _ in transform(image) }
        #expect(a == b)
        #expect(a.allSatisfy { $0.width == image.width && $0.height == image.height })
    }
}
