import Testing
@testable import Ember

/// State dicts from a damaged or foreign checkpoint: values no constructor accepts are
/// refused by name, and nothing changes.
struct OptimizerStateValidationTests {
    private func parameters() -> [Tensor] {
        [Tensor.ones([2, 3], requiresGrad: true), Tensor.ones([4], requiresGrad: true)]
    }

    /// `saved` with one entry replaced.
    private func replacing(_ key: String, with value: Tensor, in saved: [String: Tensor]) -> [String: Tensor] {
        var dict = saved
        dict[key] = value
        return dict
    }

    @Test func optionsOutsideTheConstructorsLimitsAreRefusedNamingGroupAndOption() throws {
        let sgd = SGD(parameters(), lr: 0.1, momentum: 0.9).stateDict()
        let adam = Adam(parameters(), lr: 0.1).stateDict()
        let cases: [(saved: [String: Tensor], key: String, value: Tensor, option: String, reason: String)] = [
            (sgd, "param_groups.0.lr", Tensor(-0.5), "lr", "invalid learning rate: -0.5"),
            (sgd, "param_groups.0.momentum", Tensor(-0.9), "momentum", "invalid momentum value: -0.9"),
            (sgd, "param_groups.0.weight_decay", Tensor(-1), "weight_decay", "invalid weight_decay value: -1.0"),
            (sgd, "param_groups.0.lr", Tensor(Float.nan), "lr", "invalid learning rate: nan"),
            (adam, "param_groups.0.betas", Tensor([0.9, 1]), "betas", "invalid beta parameter at index 1: 1.0"),
            (adam, "param_groups.0.betas", Tensor([-0.1, 0.999]), "betas", "invalid beta parameter at index 0: -0.1"),
            (adam, "param_groups.0.eps", Tensor(-1e-8), "eps", "invalid epsilon value: -1e-08"),
            (adam, "param_groups.0.initial_lr", Tensor(-0.1), "initial_lr", "invalid initial learning rate: -0.1"),
        ]
        for item in cases {
            let target = item.saved["param_groups.0.betas"] == nil
                ? SGD(parameters(), lr: 0.1, momentum: 0.9) as Optimizer : Adam(parameters(), lr: 0.1)
            let dict = replacing(item.key, with: item.value, in: item.saved)
            #expect(throws: OptimizerStateError.invalidOption(group: 0, option: item.option, reason: item.reason)) {
                try target.loadStateDict(dict)
            }
            #expect(target.paramGroups[0].lr == 0.1, "a refused load changed the options")
        }
    }

    @Test func theOffendingGroupIsNamed() throws {
        let params = parameters()
        let groups = { [ParamGroup(params: [params[0]]), ParamGroup(params: [params[1]], lr: 0.01)] }
        let saved = SGD(groups(), lr: 0.1).stateDict()
        let dict = replacing("param_groups.1.weight_decay", with: Tensor(-0.01), in: saved)
        let target = SGD(groups(), lr: 0.1)
        #expect(throws: OptimizerStateError.invalidOption(group: 1, option: "weight_decay", reason: "invalid weight_decay value: -0.01")) {
            try target.loadStateDict(dict)
        }
        let error = try #require(throws: OptimizerStateError.self) { try target.loadStateDict(dict) }
        #expect(error.description.contains("'param_groups.1.weight_decay'"))
    }

    @Test func nesterovNeedsMomentumAndNoDampening() {
        let saved = SGD(parameters(), lr: 0.1, momentum: 0.9, nesterov: true).stateDict()
        let target = SGD(parameters(), lr: 0.1, momentum: 0.9, nesterov: true)
        for (key, value) in [("param_groups.0.momentum", Tensor(0)), ("param_groups.0.dampening", Tensor(0.5))] {
            #expect(throws: OptimizerStateError.invalidOption(
                group: 0, option: "nesterov", reason: "Nesterov momentum requires a momentum and zero dampening")) {
                try target.loadStateDict(replacing(key, with: value, in: saved))
            }
        }
    }

    @Test func optionsTheOptimizerDoesNotHaveAndOddNumberingAreUnexpected() {
        let saved = SGD(parameters(), lr: 0.1).stateDict()
        let target = SGD(parameters(), lr: 0.1)
        #expect(throws: OptimizerStateError.unexpectedKey("param_groups.0.betas")) {
            try target.loadStateDict(replacing("param_groups.0.betas", with: Tensor([0.9, 0.999]), in: saved))
        }
        var renumbered = saved
        renumbered["param_groups.00.lr"] = renumbered.removeValue(forKey: "param_groups.0.lr")
        #expect(throws: OptimizerStateError.unexpectedKey("param_groups.00.lr")) { try target.loadStateDict(renumbered) }
        #expect(target.paramGroups[0].options.keys.sorted() == SGD(parameters()).paramGroups[0].options.keys.sorted())
    }

    @Test func schedulerValuesNoSchedulerSavesAreRefused() {
        let optimizer = SGD(parameters(), lr: 0.1)
        let saved = StepLR(optimizer, stepSize: 2).stateDict()
        let cases: [(key: String, value: Tensor, reason: String)] = [
            ("base_lrs", Tensor([-0.1]), "invalid learning rate: -0.1"),
            ("_last_lr", Tensor([Float.nan]), "invalid learning rate: nan"),
            ("last_epoch", Tensor(shape: [], scalars: [Int64.max]), "the count \(Int64.max) is outside 0...\(Int32.max)"),
            ("_step_count", Tensor(shape: [], scalars: [Int64(-1)]), "the count -1 is outside 0...\(Int32.max)"),
        ]
        for item in cases {
            let scheduler = StepLR(optimizer, stepSize: 2)
            #expect(throws: OptimizerStateError.invalidValue(key: item.key, reason: item.reason)) {
                try scheduler.loadStateDict(replacing(item.key, with: item.value, in: saved))
            }
            #expect(scheduler.lastEpoch == 0 && scheduler.baseLRs == [0.1])
        }
        let plateau = ReduceLROnPlateau(optimizer)
        let counter = replacing("num_bad_epochs", with: Tensor(shape: [], scalars: [Int64(-3)]), in: plateau.stateDict())
        #expect(throws: OptimizerStateError.invalidValue(key: "num_bad_epochs", reason: "the count -3 is outside 0...\(Int32.max)")) {
            try plateau.loadStateDict(counter)
        }
    }

    @Test func validStateStillLoads() throws {
        let params = parameters()
        let source = Adam(params, lr: 0.01, betas: (0, 0.5), eps: 0)
        for param in params { param.grad = Tensor.onesLike(param) }
        source.step()
        let target = Adam(parameters())
        try target.loadStateDict(source.stateDict())
        #expect(target.paramGroups[0].betas == (0, 0.5))
        let scheduler = StepLR(target, stepSize: 1)
        try scheduler.loadStateDict(StepLR(source, stepSize: 1).stateDict())
    }
}
