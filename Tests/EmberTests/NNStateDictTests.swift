import Foundation
import Testing
@testable import Ember

/// Saving and loading state dicts: PyTorch checkpoints, safetensors round trips, errors.
struct NNStateDictTests {
    private func temporaryURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("ember-nn-\(UUID().uuidString).safetensors")
    }

    /// The PyTorch NestedNet's state dict, keys without the fixture prefix.
    private var pytorchState: [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (key, value) in NNFixtures.tensors where key.hasPrefix("net.state/") {
            state[String(key.dropFirst("net.state/".count))] = value
        }
        return state
    }

    @Test func loadsAPyTorchStateDictAndComputesTheSameOutput() throws {
        let net = NestedNet()
        let missed = try net.loadStateDict(pytorchState)
        #expect(missed == IncompatibleKeys(missingKeys: [], unexpectedKeys: []))
        #expect(net.norm.numBatchesTracked?.item(as: Int64.self) == 2)
        #expect(net.norm.numBatchesTracked?.dtype == .int64)
        net.eval()
        let out = withNoGrad { net(NNFixtures["net.x"]) }
        expectClose(out, NNFixtures["net.out"], "NestedNet eval output")
    }

    @Test func roundTripThroughSafetensors() throws {
        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        let source = NestedNet()
        source(Tensor.randn([6, 4])).sum().backward()  // moves the running statistics
        try source.save(to: url)

        let copy = NestedNet()
        try copy.loadStateDict(from: url)
        let saved = source.stateDict()
        for (key, value) in copy.orderedStateDict() {
            #expect(value.dtype == saved[key]!.dtype, "\(key) dtype")
            #expect(value.toArray() == saved[key]!.toArray(), "\(key) values")
        }
        source.eval()
        copy.eval()
        let x = Tensor.randn([3, 4])
        #expect(copy(x).toArray() == source(x).toArray())
    }

    @Test func loadingCopiesIntoTheExistingTensors() throws {
        let layer = Linear(2, 2)
        let weight = layer.weight  // what an optimizer holds
        try layer.loadStateDict(["weight": Tensor([[1, 2], [3, 4]]), "bias": Tensor([5, 6])])
        #expect(weight.isSameTensor(layer.weight))
        #expect(weight.toArray() == [1, 2, 3, 4])
        #expect(weight.requiresGrad && weight.isLeaf)
    }

    @Test func stateDictSharesStorageButIsDetached() {
        let layer = Linear(2, 2)
        let state = layer.stateDict()
        #expect(!state["weight"]!.requiresGrad)
        withNoGrad { layer.weight.fill(7) }
        #expect(state["weight"]!.toArray() == [7, 7, 7, 7])
    }

    @Test func strictLoadingReportsEveryProblemAndLoadsNothing() {
        let layer = Sequential { Linear(2, 3); BatchNorm1d(3) }
        var state = layer.stateDict().mapValues { $0.clone() }
        state["0.bias"] = nil
        state["0.weight"] = Tensor.zeros([3, 5])
        state["1.weight"] = Tensor.full([3], 9)
        state["2.weight"] = Tensor.zeros([1])
        let before = layer.stateDict().mapValues { $0.toArray() }
        do {
            try layer.loadStateDict(state)
            Issue.record("strict load of a mismatching state dict did not throw")
        } catch let error as StateDictError {
            #expect(error.missingKeys == ["0.bias"])
            #expect(error.unexpectedKeys == ["2.weight"])
            #expect(error.shapeMismatches == [.init(key: "0.weight", checkpointShape: [3, 5], modelShape: [3, 2])])
            #expect(error.description.contains("Missing key(s) in state_dict: \"0.bias\""))
            #expect(error.description.contains("Unexpected key(s) in state_dict: \"2.weight\""))
            #expect(error.description.contains("size mismatch for 0.weight"))
            #expect(error.description.hasPrefix("Error(s) in loading state_dict for Sequential:"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(layer.stateDict().mapValues { $0.toArray() } == before)
    }

    @Test func nonStrictLoadingSkipsMissingAndUnexpectedKeys() throws {
        let layer = Sequential { Linear(2, 3); BatchNorm1d(3) }
        let result = try layer.loadStateDict(["1.weight": Tensor.full([3], 9), "head.weight": Tensor.zeros([1])], strict: false)
        #expect(result.unexpectedKeys == ["head.weight"])
        #expect(result.missingKeys == ["0.weight", "0.bias", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"])
        #expect((layer[1] as! BatchNorm1d).weight!.toArray() == [9, 9, 9])

        // Shapes must still fit, as in PyTorch.
        #expect(throws: StateDictError.self) {
            try layer.loadStateDict(["0.weight": Tensor.zeros([4, 2])], strict: false)
        }
    }

    @Test func unreadableFileIsASerializationError() {
        let url = temporaryURL()
        #expect(throws: SerializationError.self) { try Linear(2, 2).loadStateDict(from: url) }
    }
}
