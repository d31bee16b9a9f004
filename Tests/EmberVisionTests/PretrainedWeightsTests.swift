import Foundation
import Testing
@testable import EmberVision

/// torchvision's checkpoint catalog, PyTorch's cache folder, downloads (served from memory)
/// and loading a cached checkpoint into its architecture.
struct PretrainedWeightsTests {
    @Test func everyArchitectureHasTorchvisionsCheckpoints() {
        for entry in ModelZoo.all {
            #expect(!entry.weights.isEmpty, "\(entry.name) has no weights in the catalog")
            for weights in entry.weights {
                #expect(weights.hashPrefix != nil, "\(weights.fileName) has no hash prefix")
                #expect(weights.url.absoluteString.hasPrefix("https://download.pytorch.org/models/"))
            }
        }
        let resnet18 = ResNet18Weights.imagenet1kV1.info
        #expect(resnet18.fileName == "resnet18-f37072fd.pth" && resnet18.hashPrefix == "f37072fd")
        #expect(resnet18.parameterCount == 11_689_512 && resnet18.cropSize == 224 && resnet18.resizeSize == 256)
        #expect(resnet18.categories.count == 1000 && resnet18.categories[0] == "tench")
        #expect(resnet18.categories[207] == "golden retriever" && resnet18.categories[999] == "toilet tissue")
        #expect(ResNet50Weights.default == .imagenet1kV2)
        #expect(ShuffleNetV2X0_5Weights.imagenet1kV1.info.hashPrefix == "f707e7126e")
        #expect(MNASNet0_5Weights.imagenet1kV1.info.hashPrefix == "3ffadce67e")
        #expect(VGG16Weights.imagenet1kFeatures.info.categories.isEmpty)
    }

    @Test func weightsAreFoundByTorchvisionsAndTheCommandLinesSpelling() throws {
        #expect(try ModelZoo.weights("imagenet1k-v2", for: "resnet50").name == "IMAGENET1K_V2")
        #expect(try ModelZoo.weights("IMAGENET1K_V1", for: "resnet50").name == "IMAGENET1K_V1")
        #expect(try ModelZoo.weights("DEFAULT", for: "resnet50").name == "IMAGENET1K_V2")
        #expect(throws: WeightsError.unknownWeights("V9", architecture: "resnet50", known: ["IMAGENET1K_V1", "IMAGENET1K_V2"])) {
            try ModelZoo.weights("V9", for: "resnet50")
        }
    }

    @Test func sha256KnownAnswers() {
        #expect(Digests.sha256Hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digests.sha256Hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func theCacheIsPyTorchs() {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        #expect(WeightsCache.pytorchDirectory([:]).path == home + "/.cache/torch/hub/checkpoints")
        #expect(WeightsCache.pytorchDirectory(["XDG_CACHE_HOME": "/x"]).path == "/x/torch/hub/checkpoints")
        #expect(WeightsCache.pytorchDirectory(["TORCH_HOME": "/t", "XDG_CACHE_HOME": "/x"]).path == "/t/hub/checkpoints")
    }

    /// A checkpoint entry whose file name carries the first digits of `data`'s SHA-256.
    static func weights(for data: Data, prefix: String? = nil) -> PretrainedWeights {
        let hash = prefix ?? String(Digests.sha256Hex(data).prefix(8))
        return PretrainedWeights(architecture: "resnet18", name: "TEST", url: "https://example.invalid/models/test-\(hash).pth",
                                 cropSize: 224, resizeSize: 256, parameterCount: 0, gflops: 0, acc1: 0, acc5: 0, hasCategories: true)
    }

    @Test func aDownloadIsCheckedAgainstItsHashPrefixAndWrittenWhole() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let payload = Data("weights".utf8)
        var cache = WeightsCache(directory: folder.url.appendingPathComponent("hub/checkpoints"))
        cache.fetch = { _, progress in
            progress(Int64(payload.count), Int64(payload.count))
            return payload
        }
        let good = Self.weights(for: payload)
        let file = try cache.file(for: good, progress: false)
        #expect(try Data(contentsOf: file) == payload)
        #expect(file.lastPathComponent == good.fileName)

        let bad = Self.weights(for: payload, prefix: "00000000")
        #expect(throws: WeightsError.hashMismatch(file: bad.fileName, expectedPrefix: "00000000", actual: Digests.sha256Hex(payload))) {
            try cache.file(for: bad, progress: false)
        }
        #expect(!FileManager.default.fileExists(atPath: cache.directory.appendingPathComponent(bad.fileName).path))
    }

    @Test func offlineTheErrorSaysWhereToPutTheFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var cache = WeightsCache(directory: folder.url)
        struct Offline: Error, CustomStringConvertible { var description: String { "the network is unreachable" } }
        cache.fetch = { _, _ in throw Offline() }
        let weights = ResNet18Weights.imagenet1kV1.info
        do {
            _ = try cache.file(for: weights, progress: false)
            Issue.record("expected an error")
        } catch let error as WeightsError {
            let message = "\(error)"
            #expect(message.contains("resnet18-f37072fd.pth") && message.contains(weights.url.absoluteString))
            #expect(message.contains(folder.url.path) && message.contains("the network is unreachable"))
        }
    }

    @Test func aCachedCheckpointLoadsIntoItsArchitectureWithoutADownload() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var cache = WeightsCache(directory: folder.url)
        cache.fetch = { _, _ in Issue.record("nothing should be downloaded"); return Data() }
        manualSeed(3)
        let source = resnet18()
        try source.save(to: folder.url.appendingPathComponent("resnet18-f37072fd.pth"))
        let model = try ModelZoo.pretrained(ResNet18Weights.imagenet1kV1.info, cache: cache, progress: false)
        #expect(model is ResNet)
        let key = "layer3.1.conv2.weight"
        #expect(model.stateDict()[key]!.toArray() == source.stateDict()[key]!.toArray())

        let local = try resnet18(weights: folder.url.appendingPathComponent("resnet18-f37072fd.pth"))
        #expect(local.fc.weight.toArray() == source.fc.weight.toArray())
        #expect(throws: StateDictError.self) {
            try resnet34(weights: folder.url.appendingPathComponent("resnet18-f37072fd.pth"))
        }
    }

    @Test func denseNetsOlderKeysAreRenamedAsTorchvisionDoes() {
        let t = Tensor.zeros([1])
        let renamed = DenseNet.renamingLegacyKeys([
            "features.denseblock1.denselayer1.norm.1.weight": t, "features.denseblock2.denselayer12.conv.2.weight": t,
            "features.denseblock1.denselayer1.norm.1.running_var": t, "features.norm5.weight": t, "classifier.bias": t,
        ])
        #expect(Set(renamed.keys) == [
            "features.denseblock1.denselayer1.norm1.weight", "features.denseblock2.denselayer12.conv2.weight",
            "features.denseblock1.denselayer1.norm1.running_var", "features.norm5.weight", "classifier.bias",
        ])
    }

    @Test func pretrainedGoogLeNetIsBuiltAsTorchvisionBuildsIt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let source = skipInit { googlenet(auxLogits: true, transformInput: true, initWeights: false) }
        try source.save(to: folder.url.appendingPathComponent("googlenet-1378be20.pth"))
        let model = try #require(try ModelZoo.pretrained(GoogLeNetWeights.imagenet1kV1.info, cache: WeightsCache(directory: folder.url),
                                                          progress: false) as? GoogLeNet)
        #expect(model.transformInput && !model.auxLogits && model.aux1 == nil && model.aux2 == nil)
        #expect(!model.stateDictKeys().contains { $0.hasPrefix("aux") })
    }
}
