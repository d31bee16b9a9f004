import Testing
@testable import Ember

/// Layers forward and backward against PyTorch (Tests/Fixtures/generate_nn.py).
struct NNLayerTests {
    // MARK: Linear

    @Test(arguments: ["2d", "nd", "vec", "nobias"])
    func linearMatchesPyTorch(_ name: String) throws {
        let p = "linear.\(name)"
        let hasBias = NNFixtures.tensors["\(p).bias"] != nil
        let layer = Linear(4, 3, bias: hasBias)
        var state = ["weight": NNFixtures["\(p).weight"]]
        if hasBias { state["bias"] = NNFixtures["\(p).bias"] }
        try layer.loadStateDict(state)
        let x = NNFixtures.input("\(p).x")
        let out = layer(x)
        #expect(out.gradFn?.name == (hasBias ? "AddmmBackward" : "MmBackward"))
        expectClose(out, NNFixtures["\(p).out"], "\(p).out")
        (out * NNFixtures["\(p).gout"]).sum().backward()
        expectClose(x.grad!, NNFixtures["\(p).grad_x"], "\(p).grad_x")
        expectClose(layer.weight.grad!, NNFixtures["\(p).grad_weight"], "\(p).grad_weight")
        if hasBias { expectClose(layer.bias!.grad!, NNFixtures["\(p).grad_bias"], "\(p).grad_bias") }
    }

    @Test func linearReadsTransposedInputInPlace() {
        let weight = Tensor.randn([3, 4], requiresGrad: true), bias = Tensor.randn([3])
        let base = Tensor.randn([4, 5], requiresGrad: true)
        let viaView = linear(base.t(), weight: weight, bias: bias)
        let viaCopy = linear(base.detach().t().contiguous(), weight: weight.detach(), bias: bias)
        expectClose(viaView, viaCopy, "linear of a transposed input")
        viaView.sum().backward()
        expectClose(base.grad!, weight.detach().sum(dim: 0).unsqueeze(1).expand([4, 5]), "grad of the transposed input")
    }

    @Test func linearOnlyComputesRequestedGradients() {
        let weight = Tensor.randn([2, 3], requiresGrad: true)
        let x = Tensor.randn([4, 3])
        linear(x, weight: weight, bias: Tensor.zeros([2])).sum().backward()
        expectClose(weight.grad!, x.sum(dim: 0).unsqueeze(0).expand([2, 3]), "weight grad with a constant input")
    }

    @Test func linearShapeMismatchNamesTheShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Linear(784, 10)(Tensor.zeros([2, 300]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("linear") && message.contains("[2, 300]") && message.contains("784"))
    }

    // MARK: BatchNorm1d

    @Test(arguments: ["2d", "3d", "cma"])
    func batchNormTrainsAndEvaluatesLikePyTorch(_ name: String) throws {
        let p = "bn.\(name)"
        let bn = BatchNorm1d(4, momentum: name == "cma" ? nil : 0.1)
        try bn.loadStateDict(["weight": NNFixtures["\(p).weight"], "bias": NNFixtures["\(p).bias"]], strict: false)

        expectClose(bn(NNFixtures["\(p).x1"]), NNFixtures["\(p).y1"], "\(p).y1")
        let x2 = NNFixtures.input("\(p).x2")
        let y2 = bn(x2)
        #expect(y2.gradFn?.name == "NativeBatchNormBackward")
        expectClose(y2, NNFixtures["\(p).y2"], "\(p).y2")
        (y2 * NNFixtures["\(p).gout2"]).sum().backward()
        expectClose(x2.grad!, NNFixtures["\(p).grad_x2"], "\(p).grad_x2")
        expectClose(bn.weight!.grad!, NNFixtures["\(p).grad_weight2"], "\(p).grad_weight2")
        expectClose(bn.bias!.grad!, NNFixtures["\(p).grad_bias2"], "\(p).grad_bias2")
        expectClose(bn.runningMean!, NNFixtures["\(p).running_mean"], "\(p).running_mean")
        expectClose(bn.runningVar!, NNFixtures["\(p).running_var"], "\(p).running_var")
        #expect(bn.numBatchesTracked?.item(as: Int64.self) == NNFixtures["\(p).num_batches_tracked"].item(as: Int64.self))

        bn.eval()
        bn.zeroGrad()
        let runningMean = bn.runningMean!.toArray()
        let x3 = NNFixtures.input("\(p).x3")
        let y3 = bn(x3)
        expectClose(y3, NNFixtures["\(p).y3"], "\(p).y3")
        (y3 * NNFixtures["\(p).gout3"]).sum().backward()
        expectClose(x3.grad!, NNFixtures["\(p).grad_x3"], "\(p).grad_x3")
        expectClose(bn.weight!.grad!, NNFixtures["\(p).grad_weight3"], "\(p).grad_weight3")
        expectClose(bn.bias!.grad!, NNFixtures["\(p).grad_bias3"], "\(p).grad_bias3")
        #expect(bn.runningMean!.toArray() == runningMean)
        #expect(bn.numBatchesTracked?.item(as: Int64.self) == 2)
    }

    @Test func batchNormDefaultsAndOptions() {
        let bn = BatchNorm1d(3)
        #expect(bn.weight!.toArray() == [1, 1, 1] && bn.bias!.toArray() == [0, 0, 0])
        #expect(bn.runningMean!.toArray() == [0, 0, 0] && bn.runningVar!.toArray() == [1, 1, 1])
        #expect(bn.numBatchesTracked?.dtype == .int64 && bn.numBatchesTracked?.shape == [])

        // Without running statistics, evaluation normalises with the batch's own.
        let plain = BatchNorm1d(2, affine: false, trackRunningStats: false)
        #expect(plain.stateDictKeys().isEmpty && plain.parameters().isEmpty)
        plain.eval()
        let y = plain(Tensor([[1, 10], [3, 30]]))
        expectClose(y, Tensor([[-1, -1], [1, 1]]), rtol: 1e-3, atol: 1e-3, "batch statistics in eval")
    }

    @Test func aLoadedBatchCounterAtItsLimitWrapsAsInPyTorch() throws {
        // A checkpoint may hold any count; PyTorch's add_(1) wraps at the int64 limit.
        let bn = BatchNorm1d(2)
        try bn.loadStateDict(["weight": Tensor([1, 1]), "bias": Tensor([0, 0]), "running_mean": Tensor([0, 0]),
                              "running_var": Tensor([1, 1]), "num_batches_tracked": Tensor(shape: [], scalars: [Int64.max])])
        _ = bn(Tensor([[1, 2], [3, 4]]))
        #expect(bn.numBatchesTracked?.item(as: Int64.self) == Int64.min)
    }

    @Test func batchNormRejectsWrongRanks() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm1d(3)(Tensor.zeros([2, 3, 4, 5]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("expected 2D or 3D input (got 4D input)"))
    }

    @Test func batchNormNeedsMoreThanOneValuePerChannelWhenTraining() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm1d(3)(Tensor.zeros([1, 3]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("more than 1 value per channel") && message.contains("[1, 3]"))
    }

    // MARK: Dropout

    @Test func dropoutIsTheIdentityInEvaluation() {
        let dropout = Dropout(p: 0.5).eval()
        let x = Tensor.randn([10])
        #expect(dropout(x).isSameTensor(x))
    }

    @Test func dropoutZeroesAboutPAndScalesTheRest() {
        let p: Float = 0.3
        let x = Tensor.ones([100_000], requiresGrad: true)
        let y = Dropout(p: p)(x)
        let values = y.toArray()
        let zeros = values.filter { $0 == 0 }.count
        #expect(abs(Float(zeros) / Float(values.count) - p) < 0.01)
        #expect(values.allSatisfy { $0 == 0 || abs($0 - 1 / (1 - p)) < 1e-6 })
        y.sum().backward()
        #expect(x.grad!.toArray() == values)  // the gradient goes through the same mask
        #expect(Dropout(p: 0)(x).isSameTensor(x))
        #expect(Dropout(p: 1)(Tensor.ones([5])).toArray() == [0, 0, 0, 0, 0])
    }

    @Test func functionalDropoutDropsOnlyInTraining() {
        let x = Tensor.ones([10_000])
        #expect(dropout(x, p: 0.5, training: false).isSameTensor(x))
        #expect(dropout(x, p: 0).isSameTensor(x))
        let values = dropout(x, p: 0.5).toArray()
        #expect(values.allSatisfy { $0 == 0 || $0 == 2 })
        #expect(abs(Float(values.filter { $0 == 0 }.count) / 10_000 - 0.5) < 0.03)
    }

    @Test func dropoutMasksFollowManualSeed() async {
        // In a child process: tests running in parallel would draw from the same generator.
        await #expect(processExitsWith: .success) {
            manualSeed(1)
            let first = Dropout(p: 0.5)(Tensor.ones([1000])).toArray()
            manualSeed(1)
            let second = Dropout(p: 0.5)(Tensor.ones([1000])).toArray()
            let third = Dropout(p: 0.5)(Tensor.ones([1000])).toArray()
            precondition(first == second && second != third)
        }
    }

    // MARK: Activations

    static let activations: [(String, @Sendable () -> Module)] = [
        ("relu", { ReLU() }), ("leaky_relu", { LeakyReLU(negativeSlope: 0.2) }), ("sigmoid", { Sigmoid() }),
        ("tanh", { Tanh() }), ("softmax", { Softmax(dim: 1) }), ("log_softmax", { LogSoftmax(dim: 1) }),
        ("gelu", { GELU() }), ("gelu_tanh", { GELU(approximate: .tanh) }), ("flatten", { Flatten() }),
        ("identity", { Identity() }),
    ]

    @Test(arguments: activations.map(\.0))
    func activationMatchesPyTorch(_ name: String) {
        let module = Self.activations.first { $0.0 == name }!.1()
        let x = NNFixtures.input("act.\(name).x")
        let out = module(x)
        expectClose(out, NNFixtures["act.\(name).out"], "act.\(name).out")
        (out * NNFixtures["act.\(name).gout"]).sum().backward()
        expectClose(x.grad!, NNFixtures["act.\(name).grad"], "act.\(name).grad")
    }
}


/// `BatchNorm.callAsFunction(_:then:)`: one pass in evaluation without gradients, the two
/// steps otherwise, the same values either way.
struct FusedBatchNormActivationTests {
    static func trainedNorm() -> BatchNorm2d {
        manualSeed(4)
        let norm = BatchNorm2d(3)
        _ = norm(Tensor.randn([4, 3, 5, 5]) * 2 + 1)   // running statistics away from 0 and 1
        withNoGrad {
            norm.weight!.copy(from: Tensor([1.5, -0.5, 2]))
            norm.bias!.copy(from: Tensor([0.1, 3, -2]))
        }
        return norm.eval()
    }

    @Test func oneInferencePassEqualsBatchNormThenTheActivation() {
        let norm = Self.trainedNorm()
        var x = Tensor.randn([2, 3, 4, 4]) * 4
        x[0, 1, 2, 2] = Tensor(Float.nan)
        for activation in [ReLU(), ReLU6()] as [Module] {
            let expected = activation(norm(x)).toArray()
            let fused = withNoGrad { norm(x, then: activation) }.toArray()
            #expect(zip(expected, fused).allSatisfy { $0.isNaN ? $1.isNaN : abs($0 - $1) <= 1e-6 * max(1, abs($0)) })
        }
        let viaEnum = withNoGrad { norm(x, then: .relu6) }.toArray()
        #expect(zip(ReLU6()(norm(x)).toArray(), viaEnum).allSatisfy { $0.isNaN ? $1.isNaN : abs($0 - $1) <= 1e-5 })
        let sequential = Sequential { norm; ReLU() }
        #expect(withNoGrad { sequential(x) }.toArray().filter { !$0.isNaN } == withNoGrad { norm(x, then: .relu) }.toArray().filter { !$0.isNaN })
    }

    @Test func gradientsTrainingModeAndHooksTakeTheTwoStepPath() {
        let norm = Self.trainedNorm()
        let x = Tensor.randn([2, 3, 4, 4], requiresGrad: true)
        let y = norm(x, then: ReLU())
        #expect(y.gradFn != nil)
        y.sum().backward()
        #expect(x.grad != nil)
        var seen = 0
        let relu = ReLU()
        let handle = relu.registerForwardHook { _, _, _ in seen += 1 }
        _ = withNoGrad { norm(x, then: relu) }
        #expect(seen == 1)
        handle.remove()
        norm.train()
        let before = norm.runningMean!.toArray()
        _ = withNoGrad { norm(x, then: ReLU()) }
        #expect(norm.runningMean!.toArray() != before, "training mode must update the running statistics")
    }
}
