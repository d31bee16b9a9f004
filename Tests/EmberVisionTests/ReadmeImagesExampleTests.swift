import Foundation
import Testing
import EmberVision

/// The README's image example, on a fixture photo, so the documented calls keep compiling.
struct ReadmeImagesExampleTests {
    @Test func theReadmeExampleRuns() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/images")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ember-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let photo = try Image(contentsOf: fixtures.appendingPathComponent("baseline_420.jpg")).rgb()
        let batch = ToTensor()(photo).unsqueeze(dim: 0)
        try saveImage(batch, to: out.appendingPathComponent("grid.png"), nrow: 8)
        try photo.write(to: out.appendingPathComponent("copy.jpg"), quality: 90)
        #expect(batch.shape == [1, 3, photo.height, photo.width])
        #expect(try Image(contentsOf: out.appendingPathComponent("grid.png")).width == photo.width)
    }
}
