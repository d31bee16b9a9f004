import Foundation
import Testing
@testable import Ember

/// A state dict written to a safetensors file and read back.
func roundTripThroughSafeTensors(_ dict: [String: Tensor]) throws -> [String: Tensor] {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-optim-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try SafeTensors.save(dict, to: url)
    return try SafeTensors.load(from: url)
}

/// Saving and restoring optimizer state.
struct OptimizerStateDictTests {
    /// Two steps, a save through safetensors into a fresh optimizer over fresh parameters,
    /// three more steps: the same numbers as PyTorch's and as an uninterrupted Ember run.
    @Test(arguments: optimizerCases)
    func resumingGivesTheSameResultAsNotInterrupting(_ optimizerCase: OptimizerCase) throws {
        let uninterrupted = optimizerCase.initialParameters()
        let reference = optimizerCase.make(uninterrupted)
        for s in 0..<OptimizerCase.steps { optimizerCase.step(s, reference, uninterrupted) }

        let params = optimizerCase.initialParameters()
        let first = optimizerCase.make(params)
        for s in 0..<2 { optimizerCase.step(s, first, params) }
        let saved = try roundTripThroughSafeTensors(first.stateDict())

        let resumed = params.map { param in
            let copy = param.detach().clone()
            copy.requiresGrad = true
            return copy
        }
        let second = optimizerCase.make(resumed)
        try second.loadStateDict(saved)
        for s in 2..<OptimizerCase.steps {
            optimizerCase.step(s, second, resumed)
            optimizerCase.expectMatches(step: s, resumed)
        }
        for (a, b) in zip(resumed, uninterrupted) { #expect(a.toArray() == b.toArray()) }
    }

    @Test func layoutFollowsPyTorch() {
        let a = Tensor([1, 2], requiresGrad: true), b = Tensor([3], requiresGrad: true)
        let optimizer = SGD([ParamGroup(params: [a]), ParamGroup(params: [b], lr: 0.5)], lr: 0.1, momentum: 0.9, nesterov: true)
        a.grad = Tensor([1, 1])
        optimizer.step()
        let dict = optimizer.stateDict()
        #expect(Set(dict.keys) == [
            "state.0.momentum_buffer",
            "param_groups.0.params", "param_groups.0.lr", "param_groups.0.momentum", "param_groups.0.dampening",
            "param_groups.0.weight_decay", "param_groups.0.nesterov", "param_groups.0.maximize",
            "param_groups.1.params", "param_groups.1.lr", "param_groups.1.momentum", "param_groups.1.dampening",
            "param_groups.1.weight_decay", "param_groups.1.nesterov", "param_groups.1.maximize",
        ])
        #expect(dict["param_groups.1.params"]?.toArray(as: Int64.self) == [1])
        #expect(dict["param_groups.1.lr"]?.item() == 0.5)
        #expect(dict["param_groups.0.nesterov"]?.dtype == .bool)
        #expect(dict["state.0.momentum_buffer"]?.toArray() == [1, 1])
    }

    @Test func loadingRestoresGroupOptionsExactly() throws {
        let param = Tensor([1, 2], requiresGrad: true)
        let source = Adam([param], lr: 0.003, betas: (0.85, 0.995), eps: 1e-7)
        source.paramGroups[0].initialLR = 0.01
        let target = Adam([Tensor([0, 0], requiresGrad: true)])
        try target.loadStateDict(try roundTripThroughSafeTensors(source.stateDict()))
        // Exactly the decimals given, in double precision, although the file holds float32.
        #expect(target.paramGroups[0]["lr"] == .number(0.003))
        #expect(target.paramGroups[0]["betas"] == .pair(0.85, 0.995))
        #expect(target.paramGroups[0]["eps"] == .number(1e-7))
        #expect(target.paramGroups[0]["initial_lr"] == .number(0.01))
        #expect(target.paramGroups[0].betas == (0.85, 0.995))
    }

    /// Builds an Adam over parameters of `shapes`, stepped once.
    private func steppedAdam(_ shapes: [[Int]]) -> Adam {
        let params = shapes.map { Tensor.ones($0, requiresGrad: true) }
        let optimizer = Adam(params, lr: 0.1)
        for param in params { param.grad = Tensor.ones(param.shape) }
        optimizer.step()
        return optimizer
    }

    @Test func mismatchedStateDictsThrowNamingTheKey() {
        let saved = steppedAdam([[2, 3], [4]]).stateDict()

        let otherShapes = steppedAdam([[3, 2], [4]])
        #expect(throws: OptimizerStateError.shapeMismatch(key: "state.0.exp_avg", expected: [3, 2], actual: [2, 3])) {
            try otherShapes.loadStateDict(saved)
        }
        let moreParams = steppedAdam([[2, 3], [4], [1]])
        #expect(throws: OptimizerStateError.shapeMismatch(key: "param_groups.0.params", expected: [3], actual: [2])) {
            try moreParams.loadStateDict(saved)
        }
        let twoGroups = Adam([ParamGroup(params: [Tensor.ones([2, 3], requiresGrad: true)]),
                              ParamGroup(params: [Tensor.ones([4], requiresGrad: true)])])
        #expect(throws: OptimizerStateError.groupCountMismatch(expected: 2, actual: 1)) {
            try twoGroups.loadStateDict(saved)
        }
        var noLR = saved
        noLR["param_groups.0.lr"] = nil
        let target = steppedAdam([[2, 3], [4]])
        target.paramGroups[0].lr = 0.5
        #expect(throws: OptimizerStateError.missingKey("param_groups.0.lr")) { try target.loadStateDict(noLR) }
        var partial = saved
        partial["state.1.exp_avg_sq"] = nil
        #expect(throws: OptimizerStateError.missingKey("state.1.exp_avg_sq")) { try target.loadStateDict(partial) }
        var stray = saved
        stray["state.7.exp_avg"] = Tensor([1])
        #expect(throws: OptimizerStateError.unexpectedKey("state.7.exp_avg")) { try target.loadStateDict(stray) }
        var wrongType = saved
        wrongType["param_groups.0.amsgrad"] = Tensor(1)
        #expect(throws: OptimizerStateError.wrongDType(key: "param_groups.0.amsgrad", expected: .bool, actual: .float32)) {
            try target.loadStateDict(wrongType)
        }
        // SGD's options are not Adam's: the first of them (in key order) is named.
        #expect(throws: OptimizerStateError.unexpectedKey("param_groups.0.dampening")) {
            try target.loadStateDict(SGD([Tensor.ones([2, 3], requiresGrad: true), Tensor.ones([4], requiresGrad: true)]).stateDict())
        }
        // Failed loads change nothing.
        #expect(target.paramGroups[0].lr == 0.5)
        #expect(target.state(for: target.paramGroups[0].params[1])["exp_avg_sq"] != nil)
    }

    @Test func errorsExplainThemselves() {
        let error = OptimizerStateError.shapeMismatch(key: "state.0.exp_avg", expected: [3, 2], actual: [2, 3])
        #expect(error.description.contains("state.0.exp_avg") && error.description.contains("[2, 3]"))
        #expect(OptimizerStateError.groupCountMismatch(expected: 2, actual: 1).description.contains("1 parameter groups"))
    }
}
