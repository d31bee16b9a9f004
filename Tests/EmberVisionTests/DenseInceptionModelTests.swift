import Foundation
import Testing
import Ember
@testable import EmberVision

/// DenseNet, Inception v3 and GoogLeNet: outputs against torchvision's
/// (`Tests/Fixtures/generate_zoo_logits.py`), shapes in both modes, the auxiliary heads,
/// `transformInput` and the initialisation's statistics.
struct DenseInceptionModelTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")
    static let expected: [String: Tensor] = try! SafeTensors.load(from: fixtures.appendingPathComponent("zoo_logits.safetensors"))

    // MARK: Against torchvision

    /// The generator's `wave`: `sin(0.37 i + 1.1 k)` in double precision.
    /// The generator's `wave`, `sin(0.37 i + 1.1 k)` in double precision, as
    /// `scale * s + offset` in float.
    static func wave(_ count: Int, _ k: Int, scale: Double = 1, offset: Double = 0) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
            for i in 0..<count { buffer[i] = Float(sin(0.37 * Double(i) + 1.1 * Double(k)) * scale + offset) }
            initialised = count
        }
    }

    static func waveInput(_ shape: [Int], _ k: Int) -> Tensor {
        Tensor(shape: shape, scalars: wave(shape.reduce(1, *), k))
    }

    /// Every parameter and buffer set as the generator's `fill` sets it.
    @discardableResult
    static func fill(_ model: Module) -> Module {
        fillStateDict(model) { key, count, k, fanIn in
            if let fanIn { wave(count, k, scale: 2 / Double(fanIn).squareRoot()) }
            else if key.hasSuffix("running_var") || key.hasSuffix("weight") { wave(count, k, scale: 0.25, offset: 1) }
            else { wave(count, k, scale: 0.1) }
        }
        return model
    }

    /// The generator's cases in its order (the index is the input's `k`), built as there.
    static let cases: [(name: String, shape: [Int], build: @Sendable () -> Module)] = [
        ("inception_a", [1, 8, 7, 7], { InceptionA(8, poolFeatures: 4) }),
        ("inception_b", [1, 8, 9, 9], { InceptionB(8) }),
        ("inception_c", [1, 8, 5, 5], { InceptionC(8, channels7x7: 4) }),
        ("inception_d", [1, 8, 9, 9], { InceptionD(8) }),
        ("inception_e", [1, 8, 3, 3], { InceptionE(8) }),
        ("inception_aux", [2, 8, 17, 17], { InceptionAux(8, numClasses: 10) }),
        ("googlenet_inception", [2, 8, 7, 7], { Inception(8, 4, 4, 6, 2, 4, 4) }),
        ("googlenet_aux", [2, 8, 14, 14], { GoogLeNetAux(8, numClasses: 10) }),
        ("googlenet", [1, 3, 64, 64], { skipInit { googlenet(numClasses: 10, transformInput: true) } }),
        ("googlenet_train", [2, 3, 64, 64], { skipInit { googlenet(numClasses: 10, dropout: 0, dropoutAux: 0) } }),
        ("inception_v3", [1, 3, 75, 75], { skipInit { inceptionV3(numClasses: 10, transformInput: true) } }),
    ]

    static func expectMatches(_ actual: Tensor?, _ key: String) {
        let want = expected[key]!
        guard let actual else {
            Issue.record("\(key): no output")
            return
        }
        // The training-mode outputs come with a tolerance of their own (see the generator).
        let tolerance = expected["\(key).tolerance"]?.item() ?? 1e-4 * want.abs().max().item()
        expectClose(actual, want, tolerance: tolerance, key)
    }

    /// Blocks with small channel counts, and whole GoogLeNet and Inception v3, in eval mode
    /// (with `transformInput`), all weights set by formula.
    @Test(arguments: ["inception_a", "inception_b", "inception_c", "inception_d", "inception_e", "inception_aux",
                      "googlenet_inception", "googlenet_aux", "googlenet", "inception_v3"])
    func evalOutputMatchesTorchvision(name: String) {
        let k = Self.cases.firstIndex { $0.name == name }!
        let model = Self.fill(Self.cases[k].build()).eval()
        let output = withNoGrad { model(Self.waveInput(Self.cases[k].shape, k)) }
        Self.expectMatches(output, "\(name).output")
    }

    /// Training mode: batch statistics and both auxiliary heads, in torchvision's order.
    @Test func googlenetTrainingOutputsMatchTorchvision() {
        let k = Self.cases.firstIndex { $0.name == "googlenet_train" }!
        let model = Self.fill(Self.cases[k].build()) as! GoogLeNet
        let out = withNoGrad { model.train().forwardWithAux(Self.waveInput(Self.cases[k].shape, k)) }
        Self.expectMatches(out.logits, "googlenet_train.output")
        Self.expectMatches(out.auxLogits1, "googlenet_train.aux1")
        Self.expectMatches(out.auxLogits2, "googlenet_train.aux2")
    }

    /// A small DenseNet loads torchvision's state dict strictly and gives its logits.
    @Test func smallDenseNetLoadsTorchvisionsStateDictAndGivesItsLogits() throws {
        let model = skipInit { DenseNet(growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16, bnSize: 2, numClasses: 10) }
        let result = try model.loadStateDict(from: Self.fixtures.appendingPathComponent("densenet_small.safetensors"))
        #expect(result.missingKeys.isEmpty && result.unexpectedKeys.isEmpty)
        let output = withNoGrad { model.eval()(Self.waveInput([2, 3, 32, 32], 0)) }
        Self.expectMatches(output, "densenet_small.output")
    }

    // MARK: Shapes and modes

    @Test func denseNetShapesInBothModes() {
        let full = skipInit { densenet121(numClasses: 7) }
        #expect(full.features.namedChildren().map(\.name) == [
            "conv0", "norm0", "relu0", "pool0", "denseblock1", "transition1", "denseblock2", "transition2",
            "denseblock3", "transition3", "denseblock4", "norm5",
        ])
        #expect(full.classifier.inFeatures == 1024)
        // Four blocks as densenet121's, fewer layers, to keep a debug build quick.
        let model = skipInit { DenseNet(growthRate: 8, blockConfig: [2, 3, 2, 2], numInitFeatures: 16, numClasses: 7) }
        #expect(model.classifier.inFeatures == 34)  // 16 +16 /2 +24 /2 +16 /2 +16
        let x = Tensor.randn([2, 3, 32, 32])
        #expect(withNoGrad { model.eval()(x) }.shape == [2, 7])
        #expect(withNoGrad { model.train()(x) }.shape == [2, 7])
        #expect(skipInit { densenet161(numClasses: 3) }.classifier.inFeatures == 2208)
    }

    @Test func denseLayerDropsOutOnlyInTraining() {
        let layer = DenseLayer(numInputFeatures: 4, growthRate: 64, bnSize: 1, dropRate: 0.5)
        let x = Tensor.randn([1, 4, 8, 8])
        let training = withNoGrad { layer.train()(x) }
        let zeros = training.toArray().filter { $0 == 0 }.count
        #expect(zeros > training.numel / 4)  // about half; conv2 has no ReLU after it, so no other zeros
        let eval = withNoGrad { layer.eval()(x) }
        #expect(eval.toArray().filter { $0 == 0 }.count < eval.numel / 10)
        let block = DenseBlock(numLayers: 3, numInputFeatures: 4, bnSize: 2, growthRate: 5, dropRate: 0)
        var seen: [[Int]] = []
        for layer in block.layers { layer.registerForwardHook { _, input, _ in seen.append(input.shape) } }
        #expect(block(x).shape == [1, 19, 8, 8])
        #expect(seen == [[1, 4, 8, 8], [1, 9, 8, 8], [1, 14, 8, 8]])  // each layer reads all before it
    }

    @Test func googlenetGivesAuxiliaryLogitsOnlyInTraining() {
        let model = skipInit { googlenet(numClasses: 5) }
        let x = Tensor.randn([2, 3, 64, 64])
        let train = withNoGrad { model.train().forwardWithAux(x) }
        #expect(train.logits.shape == [2, 5] && train.auxLogits1?.shape == [2, 5] && train.auxLogits2?.shape == [2, 5])
        let eval = withNoGrad { model.eval().forwardWithAux(x) }
        #expect(eval.logits.shape == [2, 5] && eval.auxLogits1 == nil && eval.auxLogits2 == nil)
        #expect(withNoGrad { model.train()(x) }.shape == [2, 5])

        let plain = skipInit { googlenet(numClasses: 5, auxLogits: false) }
        #expect(plain.aux1 == nil && plain.aux2 == nil && !plain.stateDictKeys().contains { $0.hasPrefix("aux") })
        let out = withNoGrad { plain.train().forwardWithAux(x) }
        #expect(out.auxLogits1 == nil && out.auxLogits2 == nil)
    }

    /// The auxiliary head needs Mixed_6e at 17×17 or more, so 299×299 input: run only its
    /// blocks' geometry here (the head's output is checked against torchvision above).
    @Test func inceptionV3GivesAuxiliaryLogitsOnlyInTrainingWithTheHead() {
        let model = skipInit { inceptionV3(numClasses: 4) }
        #expect(model.auxLogits != nil && model.stateDictKeys().contains("AuxLogits.fc.weight"))
        let head = skipInit { InceptionAux(768, numClasses: 4) }
        #expect(withNoGrad { head(Tensor.zeros([2, 768, 17, 17])) }.shape == [2, 4])
        let x = Tensor.randn([2, 3, 75, 75])
        // Too small for the head in training; in eval mode it is not run.
        let eval = withNoGrad { model.eval().forwardWithAux(x) }
        #expect(eval.logits.shape == [2, 4] && eval.auxLogits == nil)
        let plain = skipInit { inceptionV3(numClasses: 4, auxLogits: false) }
        #expect(plain.auxLogits == nil && !plain.stateDictKeys().contains { $0.hasPrefix("AuxLogits") })
        let train = withNoGrad { plain.train().forwardWithAux(x) }
        #expect(train.logits.shape == [2, 4] && train.auxLogits == nil)
    }

    /// `transformInput` re-normalises each channel: `x * std / 0.5 + (mean - 0.5) / 0.5`.
    @Test func transformInputRenormalisesEachChannel() throws {
        let plain = Self.fill(skipInit { googlenet(numClasses: 3, auxLogits: false) })
        let transforming = Self.fill(skipInit { googlenet(numClasses: 3, auxLogits: false, transformInput: true) })
        let x = Tensor.randn([1, 3, 32, 32])
        let (std, mean) = ([0.229, 0.224, 0.225], [0.485, 0.456, 0.406])
        let manual = Tensor.cat((0..<3).map { c in
            x.narrow(dim: 1, start: c, length: 1) * Float(std[c] / 0.5) + Float((mean[c] - 0.5) / 0.5)
        }, dim: 1)
        let (a, b) = withNoGrad { (transforming.eval()(x), plain.eval()(manual)) }
        expectClose(a, b, tolerance: 1e-6 * max(1, b.abs().max().item()), "transformInput")
        #expect(withNoGrad { plain(x) }.toArray() != a.toArray())
    }

    // MARK: Initialisation

    static func std(_ t: Tensor) -> Float {
        let v = t.toArray(), mean = v.reduce(0, +) / Float(v.count)
        return (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(v.count)).squareRoot()
    }

    @Test func denseNetInitialisesAsTorchvision() {
        let model = DenseNet(growthRate: 32, blockConfig: [2, 2], numInitFeatures: 64, numClasses: 10)
        let conv0 = model.features[0] as! Conv2d
        #expect(abs(Self.std(conv0.weight) - (2 / Float(3 * 49)).squareRoot()) < 0.03 * (2 / Float(3 * 49)).squareRoot())
        let layer = (model.features.namedChildren().first { $0.name == "denseblock1" }!.module as! DenseBlock).layers[1] as! DenseLayer
        let expected = (2 / Float(96)).squareRoot()  // 1×1 over 64 + 32 channels, fan-in 96
        #expect(abs(Self.std(layer.conv1.weight) - expected) < 0.05 * expected)
        #expect(layer.norm1.weight!.toArray().allSatisfy { $0 == 1 } && layer.norm1.bias!.toArray().allSatisfy { $0 == 0 })
        #expect(model.classifier.bias!.toArray().allSatisfy { $0 == 0 })
        let bound = 1 / Float(model.classifier.inFeatures).squareRoot()  // Linear's default, kept
        #expect(model.classifier.weight.toArray().allSatisfy { abs($0) <= bound } && Self.std(model.classifier.weight) > bound / 3)
    }

    @Test func googlenetInitialisesTruncatedNormalStd001() {
        let model = googlenet(numClasses: 10)
        for weight in [model.conv1.conv.weight, model.inception4e.branch1.conv.weight, model.fc.weight, model.aux1!.fc1.weight] {
            #expect(abs(Self.std(weight) - 0.01) < 0.0005)
        }
        #expect(model.conv3.bn.weight!.toArray().allSatisfy { $0 == 1 } && model.conv3.bn.bias!.toArray().allSatisfy { $0 == 0 })
        // Linear biases keep their default, uniform within 1/sqrt(fan_in).
        #expect(model.fc.bias!.toArray().allSatisfy { abs($0) <= 1 / 32 } && Self.std(model.fc.bias!) > 0)
    }

    /// On a few of its blocks: the whole model draws 27M numbers, too slow for a debug build.
    @Test func inceptionV3InitialisesTruncatedNormalStd01And0001ForTheAuxClassifier() {
        let block = skipInit { InceptionC(768, channels7x7: 192) }, aux = skipInit { InceptionAux(768, numClasses: 10) }
        let fc = Linear(2048, 10)
        let fcBias = fc.bias!.toArray()
        Inception3.initialiseAsTorchvision(Sequential { block; aux; fc })
        for weight in [block.branch7x7dbl_2.conv.weight, block.branch1x1.conv.weight, fc.weight, aux.conv1.conv.weight] {
            #expect(abs(Self.std(weight) - 0.1) < 0.005)
        }
        #expect(abs(Self.std(aux.fc.weight) - 0.001) < 0.00005)
        #expect(block.branchPool.bn.weight!.toArray().allSatisfy { $0 == 1 })
        #expect(block.branchPool.bn.bias!.toArray().allSatisfy { $0 == 0 })
        #expect(fc.bias!.toArray() == fcBias)  // biases keep Linear's default
    }
}
