import Foundation
import Testing
import Ember
import EmberVision

/// `makeGrid` and `saveImage` against torchvision.utils (`Tests/Fixtures/generate_grid.py`).
struct ImageGridTests {
    static let golden: [String: Tensor] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/grid.safetensors")
        do { return try SafeTensors.load(from: url) } catch { fatalError("cannot load \(url.path): \(error)") }
    }()

    @Test(arguments: ["default", "nrow2_pad1", "pad_value", "normalize", "value_range", "scale_each", "single"])
    func makeGridMatchesTorchvision(_ name: String) {
        let g = Self.golden
        let grid: Tensor = switch name {
        case "default": makeGrid(g["batch"]!)
        case "nrow2_pad1": makeGrid(g["batch"]!, nrow: 2, padding: 1)
        case "pad_value": makeGrid(g["batch"]!, nrow: 3, padding: 2, padValue: 0.5)
        case "normalize": makeGrid(g["rgb"]!, normalize: true)
        case "value_range": makeGrid(g["rgb"]!, normalize: true, valueRange: (-1, 1))
        case "scale_each": makeGrid(g["rgb"]!, nrow: 2, normalize: true, scaleEach: true)
        default: makeGrid(g["one"]!)
        }
        expectClose(grid, g["\(name).out"]!, tolerance: 1e-6, name)
    }

    @Test func saveImageWritesTorchvisionsPixels() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-grid-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try saveImage(Self.golden["rgb"]!.clamp(min: 0, max: 1), to: url, nrow: 2)
        let image = try Image(contentsOf: url)
        let expected = Self.golden["saved.pixels"]!
        #expect([image.height, image.width, image.channels] == expected.shape)
        #expect(image.pixels.map(Int64.init) == expected.toArray(as: Int64.self))
    }

    @Test func imshowUndoesNormalize() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-imshow-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        let picture = Tensor.full([3, 2, 2], 0.25)
        let normalized = (picture - 0.5) / 0.5
        try imshow(normalized, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], to: url)
        let image = try Image(contentsOf: url)
        #expect(image.pixels.allSatisfy { $0 == 64 })  // 0.25 * 255 + 0.5, truncated
    }
}
