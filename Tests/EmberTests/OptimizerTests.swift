import Foundation
import Testing
@testable import Ember

extension Fixtures {
    /// `optim.safetensors`, written by `Tests/Fixtures/generate_optim.py`.
    static let optim: [String: Tensor] = load("optim.safetensors")
}

/// One optimizer configuration of `generate_optim.py`, built the same way with Ember.
struct OptimizerCase: Sendable, CustomStringConvertible {
    let name: String
    let make: @Sendable ([Tensor]) -> Optimizer

    init(_ name: String, _ make: @escaping @Sendable ([Tensor]) -> Optimizer) {
        self.name = name
        self.make = make
    }

    var description: String { name }

    static let steps = 5

    /// Fresh copies of the case's initial parameters, requiring grad.
    func initialParameters() -> [Tensor] {
        (0..<3).map { j in
            let param = Fixtures.optim["\(name).param\(j)"]!.clone()
            param.requiresGrad = true
            return param
        }
    }

    /// Gives each parameter its stored gradient of step `s` (none where the fixture has
    /// none) and steps the optimizer.
    func step(_ s: Int, _ optimizer: Optimizer, _ params: [Tensor]) {
        for (j, param) in params.enumerated() { param.grad = Fixtures.optim["\(name).grad\(s).\(j)"]?.clone() }
        optimizer.step()
    }

    /// Checks the parameters against PyTorch's after step `s`.
    func expectMatches(step s: Int, _ params: [Tensor], sourceLocation: SourceLocation = #_sourceLocation) {
        for (j, param) in params.enumerated() {
            expectClose(param, Fixtures.optim["\(name).step\(s).\(j)"]!, rtol: 1e-5, atol: 1e-6,
                        "\(name) after step \(s), parameter \(j)", sourceLocation: sourceLocation)
        }
    }
}

let optimizerCases: [OptimizerCase] = [
    OptimizerCase("sgd") { SGD($0, lr: 0.1) },
    OptimizerCase("sgd_momentum") { SGD($0, lr: 0.1, momentum: 0.9) },
    OptimizerCase("sgd_dampening_wd") { SGD($0, lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.01) },
    OptimizerCase("sgd_nesterov_maximize") {
        SGD($0, lr: 0.05, momentum: 0.9, weightDecay: 0.1, nesterov: true, maximize: true)
    },
    OptimizerCase("sgd_groups") { p in
        SGD([ParamGroup(params: [p[0], p[1]]), ParamGroup(params: [p[2]], lr: 0.01, momentum: 0.5)],
            lr: 0.1, momentum: 0.9)
    },
    OptimizerCase("adam") { Adam($0, lr: 0.01) },
    OptimizerCase("adam_wd_amsgrad") { Adam($0, lr: 0.01, betas: (0.8, 0.99), weightDecay: 0.1, amsgrad: true) },
    OptimizerCase("adam_maximize") { Adam($0, lr: 0.02, eps: 1e-6, maximize: true) },
    OptimizerCase("adam_groups") { p in
        Adam([ParamGroup(params: [p[0]]), ParamGroup(params: [p[1], p[2]], lr: 0.001, weightDecay: 0.1)], lr: 0.01)
    },
    OptimizerCase("adamw") { AdamW($0, lr: 0.01) },
    OptimizerCase("adamw_amsgrad") { AdamW($0, lr: 0.01, weightDecay: 0.1, amsgrad: true) },
    OptimizerCase("rmsprop") { RMSprop($0, lr: 0.01) },
    OptimizerCase("rmsprop_momentum_wd") { RMSprop($0, lr: 0.01, weightDecay: 0.05, momentum: 0.5) },
    OptimizerCase("rmsprop_centered") { RMSprop($0, lr: 0.005, alpha: 0.9, centered: true, maximize: true) },
    OptimizerCase("rmsprop_centered_momentum") { RMSprop($0, lr: 0.01, momentum: 0.9, centered: true) },
    OptimizerCase("adagrad") { Adagrad($0, lr: 0.1) },
    OptimizerCase("adagrad_decay") {
        Adagrad($0, lr: 0.1, lrDecay: 0.05, weightDecay: 0.1, initialAccumulatorValue: 0.1, eps: 1e-8, maximize: true)
    },
]

/// Update rules against PyTorch's single-tensor implementations, and the behaviour every
/// optimizer shares.
struct OptimizerTests {
    @Test(arguments: optimizerCases)
    func stepsMatchPyTorch(_ optimizerCase: OptimizerCase) {
        let params = optimizerCase.initialParameters()
        let optimizer = optimizerCase.make(params)
        for s in 0..<OptimizerCase.steps {
            optimizerCase.step(s, optimizer, params)
            optimizerCase.expectMatches(step: s, params)
        }
    }

    @Test(arguments: optimizerCases)
    func finalStateMatchesPyTorch(_ optimizerCase: OptimizerCase) {
        let params = optimizerCase.initialParameters()
        let optimizer = optimizerCase.make(params)
        for s in 0..<OptimizerCase.steps { optimizerCase.step(s, optimizer, params) }
        let prefix = "\(optimizerCase.name).state."
        let expected = Fixtures.optim.filter { $0.key.hasPrefix(prefix) }
        let actual = optimizer.stateDict().filter { $0.key.hasPrefix("state.") }
        #expect(Set(actual.keys) == Set(expected.keys.map { String($0.dropFirst(prefix.count)) }))
        for (key, tensor) in actual {
            guard let reference = expected[prefix + key] else { continue }
            expectClose(tensor, reference, rtol: 1e-5, atol: 1e-6, "\(optimizerCase.name) \(key)")
        }
    }

    @Test func parametersWithoutGradientAreSkipped() {
        let frozen = Tensor([1, 2, 3], requiresGrad: true)
        let trained = Tensor([1, 2, 3], requiresGrad: true)
        let optimizer = Adam([frozen, trained], lr: 0.1)
        trained.grad = Tensor([1, 1, 1])
        optimizer.step()
        #expect(frozen.toArray() == [1, 2, 3])
        #expect(optimizer.state(for: frozen).isEmpty)
        #expect(optimizer.state(for: trained)["step"]?.item() == 1)
        #expect(trained.toArray().allSatisfy { $0 < 3 })
    }

    @Test func updatesAreInPlaceAndVisibleThroughViews() {
        let param = Tensor([[1, 2], [3, 4]], requiresGrad: true)
        let alias = param.view(-1)
        let optimizer = SGD([param], lr: 0.5)
        param.grad = Tensor([[2, 2], [2, 2]])
        optimizer.step()
        #expect(alias.toArray() == [0, 1, 2, 3])
    }

    @Test func stridedParameterIsUpdatedThroughItsView() {
        let base = Tensor([[1, 2, 3], [4, 5, 6]])
        let param = base.t()  // a leaf with transposed strides
        param.requiresGrad = true
        let optimizer = SGD([param], lr: 1, momentum: 0.5)
        param.grad = Tensor([[1, 0], [0, 0], [0, 2]])
        optimizer.step()
        optimizer.step()  // momentum: the second step moves by 1.5 * grad
        #expect(param.toArray() == [-1.5, 4, 2, 5, 3, 1])
        #expect(base.toArray() == [-1.5, 2, 3, 4, 5, 1])
    }

    @Test func groupOptionsCanChangeBetweenSteps() {
        let param = Tensor([0, 0], requiresGrad: true)
        let optimizer = SGD([param], lr: 1)
        param.grad = Tensor([1, 2])
        optimizer.step()
        optimizer.paramGroups[0].lr = 0.25
        optimizer.step()
        #expect(param.toArray() == [-1.25, -2.5])
        #expect(optimizer.stepCount == 2)
    }

    @Test func groupsTakeTheConstructorDefaults() {
        let a = Tensor([1], requiresGrad: true), b = Tensor([2], requiresGrad: true)
        let optimizer = Adam([ParamGroup(params: [a]), ParamGroup(params: [b], lr: 0.5, betas: (0.5, 0.6))],
                             lr: 0.01, weightDecay: 0.1)
        #expect(optimizer.paramGroups[0].lr == 0.01)
        #expect(optimizer.paramGroups[1].lr == 0.5)
        #expect(optimizer.paramGroups[1].betas == (0.5, 0.6))
        #expect(optimizer.paramGroups[1].weightDecay == 0.1)
        #expect(optimizer.paramGroups[1].amsgrad == false)
        let c = Tensor([3], requiresGrad: true)
        optimizer.addParamGroup(ParamGroup(params: [c], eps: 1e-3))
        #expect(optimizer.paramGroups.count == 3)
        #expect(optimizer.paramGroups[2].eps == 1e-3 && optimizer.paramGroups[2].lr == 0.01)
        #expect(AdamW([a]).paramGroups[0].weightDecay == 0.01)
    }

    @Test func zeroGradClearsOrZeroes() {
        let param = Tensor([1, 2], requiresGrad: true)
        let optimizer = SGD([param], lr: 0.1)
        (param * param).sum().backward()
        #expect(param.grad?.toArray() == [2, 4])
        optimizer.zeroGrad(setToNone: false)
        #expect(param.grad?.toArray() == [0, 0])
        optimizer.zeroGrad()
        #expect(param.grad == nil)
    }
}
