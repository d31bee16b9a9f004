import Foundation
import Testing
import Ember
@testable import EmberVision

/// SqueezeNet, ShuffleNet V2, MobileNet V2 and MNASNet beyond their keys and print-outs
/// (`ModelZooTests`): PyTorch's logits from PyTorch's state dicts, the forward pass in both
/// modes, dropout, the blocks' skip paths and torchvision's initialisation.
struct MobileModelTests {
    static let fixtures = ModelZooTests.fixtures

    /// The state dict torchvision's model was saved with (`generate_models.py`).
    static func stateDictURL(_ name: String) -> URL { fixtures.appendingPathComponent("\(name).pth") }

    // MARK: Against PyTorch

    /// A seeded 10-class model with perturbed batch-norm statistics, loaded strictly, gives
    /// PyTorch's eval-mode logits on PyTorch's input.
    @Test(arguments: ["squeezenet1_1", "shufflenet_v2_x0_5", "mnasnet0_5"])
    func aPyTorchStateDictGivesPyTorchsLogits(name: String) throws {
        let model = try skipInit { try ModelZoo.model(name, numClasses: 10) }
        let incompatible = try model.loadStateDict(from: Self.stateDictURL(name), strict: true)
        #expect(incompatible.missingKeys.isEmpty && incompatible.unexpectedKeys.isEmpty)
        model.eval()
        let input = try SafeTensors.load(from: Self.fixtures.appendingPathComponent("input.safetensors"))["input"]!
        let expected = try SafeTensors.load(from: Self.fixtures.appendingPathComponent("\(name).logits.safetensors"))["logits"]!
        let logits = withNoGrad { model(input) }
        expectClose(logits, expected, tolerance: 1e-4 * expected.abs().max().item(), "\(name) logits")
        #expect(logits.argmax(dim: 1).toArray() == expected.argmax(dim: 1).toArray())
    }

    // MARK: Forward

    static let smallModels: [String] = ["squeezenet1_0", "squeezenet1_1", "shufflenet_v2_x0_5", "mobilenet_v2", "mnasnet0_5"]

    /// `[N, numClasses]` logits in both modes; evaluation is deterministic, training draws
    /// fresh dropout masks.
    @Test(arguments: smallModels)
    func logitsInBothModesAndDropoutOnlyInTraining(name: String) throws {
        manualSeed(1)
        let model = try ModelZoo.model(name, numClasses: 7)
        let x = Tensor.randn([2, 3, 32, 32])
        let trained = withNoGrad { (model(x), model(x)) }
        #expect(trained.0.shape == [2, 7] && trained.1.shape == [2, 7])
        if name.hasPrefix("shufflenet") {
            // No dropout: batch statistics make training mode deterministic too.
            #expect(trained.0.toArray() == trained.1.toArray())
        } else {
            #expect(trained.0.toArray() != trained.1.toArray(), "\(name): dropout should act in training mode")
        }
        model.eval()
        let evaluated = withNoGrad { (model(x), model(x)) }
        #expect(evaluated.0.shape == [2, 7])
        #expect(evaluated.0.toArray() == evaluated.1.toArray())
        #expect(evaluated.0.toArray().allSatisfy { $0.isFinite })
    }

    @Test func dropoutSitsWhereTorchvisionPutsIt() throws {
        let squeeze = skipInit { squeezenet1_0(numClasses: 10, dropout: 0.3) }
        #expect((squeeze.classifier[0] as? Dropout)?.p == 0.3)
        #expect(squeeze.classifier[1] is Conv2d)
        let mobile = skipInit { mobilenetV2(numClasses: 10) }
        #expect((mobile.classifier[0] as? Dropout)?.p == 0.2)
        let mnas = skipInit { mnasnet0_5(numClasses: 10, dropout: 0.4) }
        let dropout = try #require(mnas.classifier[0] as? Dropout)
        #expect(dropout.p == 0.4 && dropout.inplace)
        // Without dropout, MobileNet V2 in training mode is deterministic.
        let plain = mobilenetV2(numClasses: 3, dropout: 0)
        let x = Tensor.randn([2, 3, 32, 32])
        #expect(withNoGrad { plain(x).toArray() == plain(x).toArray() })
    }

    /// ShuffleNet's stride-1 block passes the first half of the channels through and
    /// shuffles it into the even channels.
    @Test func shuffleNetPassesHalfTheChannelsThroughToTheEvenOnes() {
        let block = ShuffleNetV2InvertedResidual(8, 8, stride: 1).eval()
        let x = Tensor.randn([1, 8, 5, 5])
        let y = withNoGrad { block(x) }
        #expect(y.shape == [1, 8, 5, 5])
        for c in 0..<4 {
            #expect(y.narrow(dim: 1, start: 2 * c, length: 1).toArray() == x.narrow(dim: 1, start: c, length: 1).toArray())
        }
        let down = ShuffleNetV2InvertedResidual(8, 16, stride: 2)
        #expect(down(x).shape == [1, 16, 3, 3])
        #expect(down.typeName == "InvertedResidual")
    }

    /// The inverted residuals add their input only at stride 1 with equal widths: with the
    /// last batch norm zeroed, such a block is the identity.
    @Test func invertedResidualsAddTheirInputWhereTheShapeAllows() {
        let x = Tensor.randn([1, 8, 6, 6])
        let mobile = MobileNetV2InvertedResidual(8, 8, stride: 1, expandRatio: 6).eval()
        #expect(mobile.useResConnect)
        let mobileNorm = mobile.conv[mobile.conv.count - 1] as! BatchNorm2d
        Init.zeros(mobileNorm.weight!)
        #expect(withNoGrad { mobile(x) }.toArray() == x.toArray())
        #expect(!MobileNetV2InvertedResidual(8, 16, stride: 1, expandRatio: 6).useResConnect)
        #expect(!MobileNetV2InvertedResidual(8, 8, stride: 2, expandRatio: 6).useResConnect)
        #expect(MobileNetV2InvertedResidual(8, 8, stride: 1, expandRatio: 1).conv.count == 3, "no expansion at ratio 1")

        let mnas = MNASNetInvertedResidual(8, 8, kernelSize: 5, stride: 1, expansionFactor: 3).eval()
        #expect(mnas.applyResidual && mnas.typeName == "_InvertedResidual")
        Init.zeros((mnas.layers[7] as! BatchNorm2d).weight!)
        #expect(withNoGrad { mnas(x) }.toArray() == x.toArray())
        #expect(MNASNetInvertedResidual(8, 8, kernelSize: 3, stride: 2, expansionFactor: 3)(x).shape == [1, 8, 3, 3])
    }

    /// MNASNet's batch norms move their running statistics by `1 - 0.9997` per batch.
    @Test func mnasNetBatchNormsUseTensorFlowsMomentum() {
        let model = mnasnet0_5(numClasses: 10)
        let norm = model.layers[1] as! BatchNorm2d
        #expect(norm.momentum == 1 - 0.9997)
        let x = Tensor.randn([2, 3, 16, 16])
        let batchMean = withNoGrad { model.layers[0](x).mean(dims: [0, 2, 3]) }
        _ = withNoGrad { model(x) }
        expectClose(norm.runningMean!, batchMean * Float(1 - 0.9997), tolerance: 1e-7, "running mean after one batch")
    }

    // MARK: Widths

    @Test func mnasNetDepthsScaleAsTorchvisions() {
        // torchvision.models.mnasnet._get_depths
        #expect(MNASNet.depths(alpha: 0.5) == [16, 8, 16, 24, 40, 48, 96, 160])
        #expect(MNASNet.depths(alpha: 0.75) == [24, 16, 24, 32, 64, 72, 144, 240])
        #expect(MNASNet.depths(alpha: 1.0) == [32, 16, 24, 40, 80, 96, 192, 320])
        #expect(MNASNet.depths(alpha: 1.3) == [40, 24, 32, 56, 104, 128, 248, 416])
    }

    @Test func mobileNetV2WidthsAndSettingsMatchTorchvision() {
        // sum(p.numel() for p in mobilenet_v2(width_mult=w, num_classes=10).parameters())
        for (width, parameters, last, stem) in [(0.35, 408_938, 1280, 16), (0.75, 1_368_234, 1280, 24), (1.4, 4_333_706, 1792, 48)] {
            let model = skipInit { mobilenetV2(numClasses: 10, widthMult: width) }
            #expect(model.parameters().reduce(0) { $0 + $1.numel } == parameters, "width \(width)")
            #expect(model.lastChannel == last)
            #expect((model.features[0] as! Conv2dNormActivation).outChannels == stem)
        }
        let custom = skipInit {
            mobilenetV2(numClasses: 10, invertedResidualSetting: [[1, 16, 1, 1], [6, 24, 2, 2]], roundNearest: 1)
        }
        #expect(custom.parameters().reduce(0) { $0 + $1.numel } == 61_882)
    }

    @Test func conv2dNormActivationPrintsAndPadsAsTorchvision() {
        #expect(Conv2dNormActivation(8, 16, kernelSize: 5, stride: 2).description == """
            Conv2dNormActivation(
              (0): Conv2d(8, 16, kernel_size=(5, 5), stride=(2, 2), padding=(2, 2), bias=False)
              (1): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
              (2): ReLU(inplace=True)
            )
            """)
        // Without a norm layer the convolution gets a bias.
        #expect(Conv2dNormActivation(8, 16, normLayer: nil, activationLayer: nil).description == """
            Conv2dNormActivation(
              (0): Conv2d(8, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
            )
            """)
    }

    // MARK: Initialisation

    static func std(_ t: Tensor) -> Double {
        let values = t.toArray().map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
    }

    static func expectStd(_ t: Tensor, _ expected: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let measured = std(t)
        #expect(abs(measured - expected) < 0.03 * expected, "\(what): std \(measured), expected \(expected)",
                sourceLocation: sourceLocation)
    }

    static func isZero(_ t: Tensor?) -> Bool { t?.toArray().allSatisfy { $0 == 0 } ?? false }

    @Test func squeezeNetInitialisesAsTorchvision() {
        manualSeed(2)
        let model = squeezenet1_1()
        let finalConv = model.classifier[1] as! Conv2d
        Self.expectStd(finalConv.weight, 0.01, "final conv N(0, 0.01)")
        #expect(Self.isZero(finalConv.bias))
        // He-uniform with a = 0: bound √(6 / fan_in), fan_in = 64 × 3 × 3.
        let expand = (model.features[12] as! Fire).expand3x3
        let bound = (6.0 / 576).squareRoot()
        #expect(expand.weight.abs().max().item() <= Float(bound))
        Self.expectStd(expand.weight, bound / 3.0.squareRoot(), "expand3x3 He-uniform")
        #expect(Self.isZero(expand.bias))
    }

    @Test func mobileNetV2InitialisesAsTorchvision() {
        manualSeed(3)
        let model = mobilenetV2()
        // He-normal, fan-out: the last 1×1 convolution has fan_out 1280.
        let conv = (model.features[18] as! Conv2dNormActivation)[0] as! Conv2d
        Self.expectStd(conv.weight, (2.0 / 1280).squareRoot(), "last conv He-normal fan-out")
        let norm = (model.features[18] as! Conv2dNormActivation)[1] as! BatchNorm2d
        #expect(norm.weight!.toArray().allSatisfy { $0 == 1 } && Self.isZero(norm.bias))
        let linear = model.classifier[1] as! Linear
        Self.expectStd(linear.weight, 0.01, "classifier N(0, 0.01)")
        #expect(Self.isZero(linear.bias))
    }

    @Test func mnasNetInitialisesAsTorchvision() {
        manualSeed(4)
        let model = mnasnet0_5()
        let conv = model.layers[14] as! Conv2d
        #expect(conv.weight.shape == [1280, 160, 1, 1])
        Self.expectStd(conv.weight, (2.0 / 1280).squareRoot(), "last conv He-normal fan-out")
        // He-uniform, fan-out (the 1000 classes), sigmoid gain 1: bound √(3 / 1000).
        let linear = model.classifier[1] as! Linear
        let bound = (3.0 / 1000).squareRoot()
        #expect(linear.weight.abs().max().item() <= Float(bound))
        Self.expectStd(linear.weight, bound / 3.0.squareRoot(), "classifier He-uniform fan-out")
        #expect(Self.isZero(linear.bias))
    }

    @Test func shuffleNetKeepsPyTorchsDefaultInitialisation() {
        manualSeed(5)
        let model = shufflenetV2X0_5()
        // nn.Linear's default: weight and bias U(±1 / √fan_in), fan_in 1024.
        let bound = Float(1 / 1024.0.squareRoot())
        #expect(model.fc.weight.abs().max().item() <= bound)
        #expect(model.fc.bias!.abs().max().item() <= bound && !Self.isZero(model.fc.bias))
    }
}
