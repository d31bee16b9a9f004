import Foundation
import Testing
import EmberVision

/// `ember export` on tiny generated MNIST-format data.
@Suite(.serialized)
struct ExportCommandTests {
    @Test func foldersLayoutHoldsBothSplitsByClass() throws {
        let data = try TinyMNIST(train: 40, test: 20)
        defer { data.remove() }
        let out = data.root.appendingPathComponent("images")
        let result = try Ember.run(["export", "--data", data.root.path, "--out", out.path, "--classes", "3,0"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("training: 8 images") && result.stdout.contains("validation: 4 images"), "\(result.stdout)")
        let files = FileManager.default
        #expect(try files.contentsOfDirectory(atPath: out.path).sorted() == ["training", "validation"])
        #expect(try files.contentsOfDirectory(atPath: out.appendingPathComponent("training").path).sorted() == ["0", "3"])
        let threes = try files.contentsOfDirectory(atPath: out.appendingPathComponent("training/3").path).sorted()
        #expect(threes.count == 4 && threes.allSatisfy { $0.hasSuffix(".png") })
        // TinyMNIST's class 3 has rows 9...11 bright (200); the PNG holds the IDX pixels.
        let image = try Image(contentsOf: out.appendingPathComponent("training/3/\(threes[0])"))
        #expect(image.width == 28 && image.height == 28 && image.channels == 1)
        #expect((0..<28).allSatisfy { image[x: $0, y: 10] == 200 })
        #expect(!(try files.contentsOfDirectory(atPath: data.root.path)).contains { $0.hasSuffix(".partial") })

        let again = try Ember.run(["export", "--data", data.root.path, "--out", out.path])
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists and is not empty"), "\(again.stderr)")
    }

    @Test func flatLayoutNamesFilesByClass() throws {
        let data = try TinyMNIST(train: 30, test: 10)
        defer { data.remove() }
        let out = data.root.appendingPathComponent("flat")
        let result = try Ember.run(["export", "--data", data.root.path, "--out", out.path, "--layout", "flat"])
        #expect(result.status == 0, "\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(names.count == 30)
        #expect(names.contains("7.17.png") && names.contains("0.0.png"))
        let bad = try Ember.run(["export", "--data", data.root.path, "--out", out.path + "-2", "--classes", "12"])
        #expect(bad.status != 0 && bad.stderr.contains("--classes"))
    }

    @Test func classNamesBecomeFolderNames() throws {
        let data = try TinyMNIST(train: 10, test: 10)
        defer { data.remove() }
        // A folder whose path mentions Fashion gets Fashion-MNIST's class names.
        let fashion = data.root.appendingPathComponent("fashion")
        try FileManager.default.createDirectory(at: fashion, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: data.root.path) where file.hasSuffix("ubyte") {
            try FileManager.default.copyItem(at: data.root.appendingPathComponent(file), to: fashion.appendingPathComponent(file))
        }
        let out = data.root.appendingPathComponent("named")
        let result = try Ember.run(["export", "--data", fashion.path, "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("training").path).sorted() == [
            "ankle_boot", "bag", "coat", "dress", "pullover", "sandal", "shirt", "sneaker", "trouser", "tshirt",
        ])
    }
}
