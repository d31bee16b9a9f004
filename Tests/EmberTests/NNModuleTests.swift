import Foundation
import Testing
@testable import Ember

/// Module discovery, naming, modes and printing, against PyTorch where it has an answer.
struct NNModuleTests {
    @Test func stateDictKeysFollowPyTorchOrder() {
        #expect(NestedNet().stateDictKeys() == NNFixtures.strings("net_state_dict_keys"))
    }

    @Test func parameterAndBufferNamesFollowPyTorch() {
        let net = NestedNet()
        #expect(net.namedParameters().map(\.name) == NNFixtures.strings("net_parameter_names"))
        #expect(net.namedBuffers().map(\.name) == NNFixtures.strings("net_buffer_names"))
        #expect(net.parameters().count == NNFixtures.strings("net_parameter_names").count)
        #expect(net.buffers().count == 7)
    }

    @Test func moduleNamesFollowPyTorchWithoutTheModuleListItself() {
        // A Swift array of modules is not a module, so PyTorch's "heads" (the ModuleList)
        // has no entry of its own; its members keep their names.
        let expected = NNFixtures.strings("net_module_names").filter { $0 != "heads" }
        let net = NestedNet()
        #expect(net.namedModules().map(\.name) == expected)
        #expect(net.modules().count == expected.count)
        #expect(net.namedChildren().map(\.name) == ["features", "heads.0", "heads.1", "heads.2", "norm", "fc", "tail"])
        #expect(net.children().first === net.features)
        #expect(net.namedModules(prefix: "model").map(\.name).prefix(2) == ["model", "model.features"])
    }

    @Test func descriptionPrintsLikePyTorch() {
        #expect(NestedNet().description == NNFixtures.string("net_repr"))
        #expect(tutorialMLP().description == NNFixtures.string("mlp_repr"))
        let layers = Sequential {
            Linear(3, 2, bias: false); LeakyReLU(negativeSlope: 0.2); Sigmoid(); Tanh()
            GELU(approximate: .tanh); GELU(); Softmax(dim: 1); LogSoftmax(dim: -1)
            Flatten(); Flatten(startDim: 0, endDim: 2); Identity(); Dropout(p: 0.25); Dropout()
            BatchNorm1d(3, eps: 1e-3, momentum: nil, affine: false)
            BatchNorm1d(5, momentum: 0.2, trackRunningStats: false)
        }
        #expect(layers.description == NNFixtures.string("layers_repr"))
        #expect(Sequential().description == "Sequential()")
    }

    /// A module whose PyTorch names are not the snake_case of its Swift names, as
    /// torchvision's Inception v3 (`Conv2d_1a_3x3`, `AuxLogits`).
    final class RenamedNet: Module {
        var conv2d_1a: Module = Linear(2, 2)
        var auxLogits: Linear? = Linear(2, 1)
        var plainName = Linear(2, 3, bias: false)
        @Parameter var bigScale = Tensor.ones([2])
        override class var keyOverrides: [String: String] {
            ["conv2d_1a": "Conv2d_1a", "auxLogits": "AuxLogits", "bigScale": "Big"]
        }
        override func forward(_ x: Tensor) -> Tensor { x }
    }

    /// Keys from a subclass's overrides at its own level only.
    final class RenamedSubclassNet: Sequential {
        var extraHead = Linear(2, 2)
        override class var keyOverrides: [String: String] { ["extraHead": "Head"] }
    }

    @Test func keyOverridesRenameChildrenAndTensors() {
        let net = RenamedNet()
        #expect(net.stateDictKeys() == ["Big", "Conv2d_1a.weight", "Conv2d_1a.bias", "AuxLogits.weight",
                                        "AuxLogits.bias", "plain_name.weight"])
        #expect(net.description.contains("(Conv2d_1a): Linear") && net.description.contains("(AuxLogits): Linear"))
        net.auxLogits = nil
        #expect(!net.stateDictKeys().contains("AuxLogits.weight"))
        #expect(RenamedSubclassNet().stateDictKeys() == ["Head.weight", "Head.bias"])
    }

    @Test func replacingAChildTakesEffectAtOnce() {
        let net = NestedNet()
        let oldWeight = (net.fc as! Linear).weight
        net.fc = Linear(8, 5)
        let state = net.stateDict()
        #expect(state["fc.weight"]?.shape == [5, 8])
        #expect(!net.parameters().contains { $0.isSameTensor(oldWeight) })
        #expect(net.parameters().contains { $0.isSameTensor((net.fc as! Linear).weight) })

        net.extra = Linear(8, 8, bias: false)
        #expect(net.stateDictKeys().contains("extra.weight"))
        net.heads.removeLast()
        #expect(!net.stateDictKeys().contains("heads.2.weight"))
        net.features[0] = Linear(4, 8, bias: false)
        #expect(!net.stateDictKeys().contains("features.0.bias"))
        #expect(net.stateDictKeys().contains("features.0.weight"))
    }

    @Test func freezingStopsGradients() {
        let net = NestedNet()
        net.features.requiresGrad(false)
        #expect(net.features.parameters().allSatisfy { !$0.requiresGrad })
        #expect((net.fc as! Linear).weight.requiresGrad)
        net(Tensor.randn([6, 4])).sum().backward()
        #expect(net.features.parameters().allSatisfy { $0.grad == nil })
        #expect((net.fc as! Linear).weight.grad != nil)
        #expect(net.scale.grad != nil)

        net.zeroGrad()
        #expect(net.parameters().allSatisfy { $0.grad == nil })
        net(Tensor.randn([6, 4])).sum().backward()
        net.zeroGrad(setToNone: false)
        #expect(net.scale.grad.map { $0.toArray().allSatisfy { $0 == 0 } } == true)
    }

    @Test func trainAndEvalReachEveryModule() {
        let net = NestedNet()
        #expect(net.modules().allSatisfy { $0.training })
        #expect(net.eval() === net)
        #expect(net.modules().allSatisfy { !$0.training })
        net.train()
        #expect(net.modules().allSatisfy { $0.training })
        net.tail.train(false)
        #expect(!net.tail.training && !net.tail[1].training && net.training && net.features.training)
    }

    @Test func applyVisitsChildrenBeforeParents() {
        let net = Sequential { Linear(2, 2); Sequential { ReLU(); Tanh() } }
        var visited: [String] = []
        net.apply { visited.append($0.typeName) }
        #expect(visited == ["Linear", "ReLU", "Tanh", "Sequential", "Sequential"])

        net.apply { module in
            if let linear = module as? Linear { Init.constant(linear.weight, 0.5) }
        }
        #expect((net[0] as! Linear).weight.toArray() == [0.5, 0.5, 0.5, 0.5])
        #expect((net[0] as! Linear).weight.requiresGrad)
    }

    @Test func sequentialBuilderIndexingAndNames() {
        let depth = 3
        let deep = Sequential {
            for _ in 0..<depth { Linear(4, 4); ReLU() }
            if depth > 5 { Dropout() } else { Identity() }
        }
        #expect(deep.count == 7)
        #expect(deep[6] is Identity)
        #expect(deep.stateDictKeys().first == "0.weight" && deep.stateDictKeys().last == "4.bias")
        #expect(deep(Tensor.randn([2, 4])).shape == [2, 4])

        let fromArray = Sequential([Linear(3, 2), Sigmoid()])
        fromArray.append(Linear(2, 1))
        #expect(fromArray.stateDictKeys() == ["0.weight", "0.bias", "2.weight", "2.bias"])

        let named = Sequential()
        named.addModule("conv1", Linear(3, 3))
        named.addModule("relu1", ReLU())
        named.addModule("conv1", Linear(3, 4))  // replaces in place
        #expect(named.stateDictKeys() == ["conv1.weight", "conv1.bias"])
        #expect(named.stateDict()["conv1.weight"]?.shape == [4, 3])
        #expect(named.namedChildren().map(\.name) == ["conv1", "relu1"])

        let literal = Sequential(["fc": Linear(2, 2), "act": ReLU()])
        #expect(literal.description.contains("(fc): Linear") && literal.description.contains("(act): ReLU()"))

        let custom = NestedNet()
        custom.addModule("probe", Identity())
        #expect(custom.namedChildren().last?.name == "probe")
    }

    @Test func sharedModulesAreListedOnceButKeyedEverywhere() {
        let shared = Linear(2, 2)
        let net = Sequential([shared, ReLU(), shared])
        #expect(net.parameters().count == 2)
        #expect(net.modules().count == 3)
        #expect(net.stateDictKeys() == ["0.weight", "0.bias", "2.weight", "2.bias"])
    }

    @Test func explicitNamesAndSnakeCase() {
        final class Recurrent: Module {
            @Parameter(name: "weight_hh_l0") var recurrentWeight: Tensor
            @Parameter var inputWeightIH: Tensor
            @Buffer var stepCount2Total: Tensor?
            @Parameter var unusedBias: Tensor? = nil

            init(hidden: Int) {
                inputWeightIH = Tensor.zeros([hidden, 2])
                stepCount2Total = Tensor.zeros([1])
                super.init()
                recurrentWeight = Tensor.zeros([hidden, hidden])
            }
        }
        let rnn = Recurrent(hidden: 3)
        #expect(rnn.stateDictKeys() == ["weight_hh_l0", "input_weight_ih", "step_count2_total"])
        #expect(rnn.recurrentWeight.requiresGrad)
        #expect(!rnn.stepCount2Total!.requiresGrad)
        #expect(snakeCase("runningMean") == "running_mean")
        #expect(snakeCase("numBatchesTracked") == "num_batches_tracked")
        #expect(snakeCase("layer1") == "layer1")
        #expect(snakeCase("fc2Weight") == "fc2_weight")
        #expect(snakeCase("HTTPServer") == "http_server")
    }

    @Test func lazyChildrenRegisterOnceCreated() {
        final class Lazy: Module {
            lazy var head = Linear(2, 2)
        }
        let net = Lazy()
        #expect(net.stateDictKeys().isEmpty)
        _ = net.head
        #expect(net.stateDictKeys() == ["head.weight", "head.bias"])
    }

    @Test func parameterAssignmentMakesALeafThatRequiresGrad() {
        let layer = Linear(2, 2)
        let computed = Tensor.ones([2, 2], requiresGrad: true) * 2
        layer.weight = computed
        #expect(layer.weight.isLeaf && layer.weight.requiresGrad)
        #expect(layer.weight.toArray() == [2, 2, 2, 2])
    }

    @Test func forwardHooksSeeOutputsUntilRemoved() {
        let relu = ReLU()
        var seen: [[Float]] = []
        let handle = relu.registerForwardHook { module, input, output in
            #expect(module === relu)
            #expect(input.toArray() == [-1, 2])
            seen.append(output.toArray())
        }
        _ = relu(Tensor([-1, 2]))
        handle.remove()
        _ = relu(Tensor([-1, 2]))
        #expect(seen == [[0, 2]])
        #expect(relu.forwardHooks.isEmpty)
    }

    @Test func missingForwardNamesTheClass() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            final class Empty: Module {}
            _ = Empty()(Tensor.zeros([1]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Module [Empty] is missing the required \"forward\" function"))
    }

    @Test func addModuleRejectsAnExistingAttribute() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            NestedNet().addModule("fc", ReLU())
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("attribute 'fc' already exists"))
    }
}
