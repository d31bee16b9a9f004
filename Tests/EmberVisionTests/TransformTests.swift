import Foundation
import Testing
@testable import EmberVision

/// Transforms, checked against torchvision where values matter.
struct TransformTests {
    @Test func toTensorMatchesTorchvision() {
        let input = Golden["totensor.in"]  // [5, 4, 3] channel-last
        let image = Image(width: 4, height: 5, channels: 3, pixels: input.toArray().map { UInt8($0) })
        expectClose(ToTensor()(image), Golden["totensor.out"], "ToTensor")
    }

    @Test func pilToTensorKeepsTheBytesChannelsFirst() {
        let input = Golden["totensor.in"].byte()  // [5, 4, 3] channel-last
        let image = Image(width: 4, height: 5, channels: 3, pixels: input.toArray(as: UInt8.self))
        let bytes = PILToTensor()(image)
        #expect(bytes.dtype == .uint8 && bytes.shape == [3, 5, 4])
        #expect(bytes.toArray(as: UInt8.self) == input.permute(2, 0, 1).contiguous().toArray(as: UInt8.self))
        #expect(bytes.float().toArray() == ToTensor()(image).toArray().map { ($0 * 255).rounded() })
    }

    @Test func normalizeMatchesTorchvisionOnABatch() {
        let normalize = Normalize(mean: Golden["normalize.mean"].toArray(), std: Golden["normalize.std"].toArray())
        expectClose(normalize(Golden["normalize.in"]), Golden["normalize.out"], "Normalize")
    }

    @Test func composeMatchesTorchvision() {
        let image = Image(width: 28, height: 28, pixels: Golden["compose.in"].toArray().map { UInt8($0) })
        let transform = Compose([ToTensor(), Normalize(mean: [0.1307], std: [0.3081])])
        expectClose(transform(image), Golden["compose.out"], tolerance: 2e-6, "Compose")
    }

    @Test func toTensorThenHalfNormalizeMapsToMinusOneOne() {
        let image = Image(width: 3, height: 1, pixels: [0, 255, 51])
        let transform = Compose([ToTensor(), Normalize(mean: [0.5], std: [0.5])])
        expectClose(transform(image), Tensor(shape: [1, 1, 3], scalars: [-1, 1, -0.6]), "sequential")
        // The fused map gives the same values.
        let fused = try! #require(transform.channelAffine)
        let values = [Float(0), 255, 51].map { $0 * fused.scale[0] + fused.shift[0] }
        expectClose(Tensor(values), Tensor([-1, 1, -0.6]), "fused")
    }

    @Test func channelAffineOfAPipelineEqualsItsSteps() throws {
        let normalize = Normalize(mean: [0.2, 0.4, 0.6], std: [0.3, 0.5, 0.7])
        let transform = Compose([ToTensor(), normalize])
        let map = try #require(transform.channelAffine)
        #expect(map.scale.count == 3)
        let image = Image(width: 256, height: 1, channels: 3, pixels: (0..<768).map { UInt8($0 / 3) })
        let fused = image.pixels.withUnsafeBufferPointer {
            map.images(from: $0, offsets: [0], height: 1, width: 256, channels: 3)
        }
        expectClose(fused.squeeze(dim: 0), transform(image), "fused vs sequential")
    }

    @Test func lambdaAndComposition() {
        let flatten = Lambda { (x: Tensor) in x.flatten() }
        let transform = Compose([ToTensor(), flatten])
        #expect(transform.channelAffine == nil)
        let out = transform(Image(width: 2, height: 2, pixels: [0, 51, 102, 255]))
        expectClose(out, Tensor([0, 0.2, 0.4, 1]), "ToTensor then flatten")
        let twice = Compose<Int, Int>([Lambda { (y: Int) in y + 1 }, Lambda { (y: Int) in y * 10 }])
        #expect(twice(4) == 50)
    }

    @Test func composeRunsToTensorAndNormalizeAsOnePass() {
        let image = Image(width: 3, height: 2, channels: 3, pixels: (0..<18).map { UInt8($0 * 14) })
        let normalize = Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
        let pipeline = Compose([ToTensor(), normalize, Normalize(mean: [0.5], std: [2])])
        let stepwise = Normalize(mean: [0.5], std: [2])(normalize(ToTensor()(image)))
        expectClose(pipeline(image), stepwise, tolerance: 1e-6, "fused pipeline")
        #expect(pipeline.transforms.count == 3, "the composed steps stay as given")
        #expect(pipeline.channelAffine != nil)
    }
}

/// `RandomApply` with torchvision's rule: apply when a uniform draw is at most p.
struct RandomApplyTests {
    @Test func appliesAllOrNoneWithProbabilityP() {
        let image = Image(width: 2, height: 1, channels: 1, pixels: [10, 200])
        let always = RandomApply<Image>([RandomHorizontalFlip(p: 1), RandomVerticalFlip(p: 1)], p: 1)
        #expect(always(image).pixels == [200, 10])
        #expect(RandomApply<Image>([RandomHorizontalFlip(p: 1)], p: 0)(image).pixels == [10, 200])
        manualSeed(0)
        let sometimes = RandomApply<Image>([RandomHorizontalFlip(p: 1)], p: 0.3)
        let flipped = (0..<2000).filter { _ in sometimes(image).pixels == [200, 10] }.count
        #expect(abs(Double(flipped) / 2000 - 0.3) < 0.04, "\(flipped) of 2000 flipped")
        manualSeed(0)
        let again = (0..<2000).filter { _ in sometimes(image).pixels == [200, 10] }.count
        #expect(again == flipped, "seeded draws repeat")
    }
}

/// The tensor forms of the geometric transforms give what the image forms give.
struct TensorGeometryTests {
    static let image = Image(width: 7, height: 5, channels: 3, pixels: (0..<105).map { UInt8(($0 * 37) % 256) })

    @Test func tensorFormsMatchTheImageForms() {
        let tensor = ToTensor()(Self.image)
        let cases: [(String, Tensor, Image)] = [
            ("hflip", hflip(tensor), hflip(Self.image)),
            ("vflip", vflip(tensor), vflip(Self.image)),
            ("crop inside", crop(tensor, top: 1, left: 2, height: 3, width: 4), crop(Self.image, top: 1, left: 2, height: 3, width: 4)),
            ("crop outside", crop(tensor, top: -1, left: 5, height: 4, width: 4), crop(Self.image, top: -1, left: 5, height: 4, width: 4)),
            ("center crop", centerCrop(tensor, height: 3, width: 4), centerCrop(Self.image, height: 3, width: 4)),
            ("center crop padded", centerCrop(tensor, height: 8, width: 10), centerCrop(Self.image, height: 8, width: 10)),
        ]
        for (name, fromTensor, fromImage) in cases {
            expectClose(fromTensor, ToTensor()(fromImage), tolerance: 1e-6, name)
        }
    }

    @Test func flipsPassGradientsBack() {
        let x = Tensor.arange(0, 6).view(1, 2, 3)
        x.requiresGrad = true
        (hflip(x) * Tensor([[1, 2, 3], [4, 5, 6]])).sum().backward()
        #expect(x.grad!.toArray() == [3, 2, 1, 6, 5, 4])
    }
}

/// Resize, pad and grayscale on tensor images against torchvision's tensor paths
/// (`Tests/Fixtures/generate_tensor_transforms.py`).
struct TensorTransformFixtureTests {
    static let golden: [String: Tensor] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tensor_transforms.safetensors")
        do { return try SafeTensors.load(from: url) } catch { fatalError("cannot load \(url.path): \(error)") }
    }()

    @Test(arguments: ["resize_17", "resize_20x30_bicubic", "resize_40x70", "resize_20x30_nearest", "resize_batch_5x6",
                      "pad_3_reflect", "pad_2_5_edge", "pad_1234_symmetric", "pad_2_constant", "grayscale_1", "grayscale_3",
                      "brightness_1_4", "contrast_0_6", "saturation_1_7", "hue_0_2", "hue_m0_3",
                      "rotate_30", "rotate_30_expand_bilinear", "rotate_m75_batch"])
    func matchesTorchvisionOnTensors(_ name: String) {
        let image = Self.golden["image"]!, batch = Self.golden["batch"]!
        let out: Tensor = switch name {
        case "resize_17": resize(image, size: 17)
        case "resize_20x30_bicubic": resize(image, height: 20, width: 30, interpolation: .bicubic)
        case "resize_40x70": resize(image, height: 40, width: 70)
        case "resize_20x30_nearest": resize(image, height: 20, width: 30, interpolation: .nearest)
        case "resize_batch_5x6": resize(batch, height: 5, width: 6)
        case "pad_3_reflect": pad(image, left: 3, top: 3, right: 3, bottom: 3, paddingMode: .reflect)
        case "pad_2_5_edge": pad(image, left: 2, top: 5, right: 2, bottom: 5, paddingMode: .edge)
        case "pad_1234_symmetric": pad(image, left: 1, top: 2, right: 3, bottom: 4, paddingMode: .symmetric)
        case "pad_2_constant": pad(image, left: 2, top: 2, right: 2, bottom: 2, fill: 0.5)
        case "grayscale_1": toGrayscale(image)
        case "grayscale_3": toGrayscale(batch, numOutputChannels: 3)
        case "brightness_1_4": adjustBrightness(image, 1.4)
        case "contrast_0_6": adjustContrast(batch, 0.6)
        case "saturation_1_7": adjustSaturation(image, 1.7)
        case "hue_0_2": adjustHue(image, 0.2)
        case "hue_m0_3": adjustHue(batch, -0.3)
        case "rotate_30": rotate(image, 30)
        case "rotate_30_expand_bilinear": rotate(image, 30, interpolation: .bilinear, expand: true)
        default: rotate(batch, -75)
        }
        expectClose(out, Self.golden["\(name).out"]!, tolerance: 2e-5, name)
    }
}
