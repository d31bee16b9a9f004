import Testing
@testable import Ember

/// One loss call mirrored from a case of `Tests/Fixtures/generate_loss.py` (whose docstring
/// documents the keys): `call(input, target, weight, posWeight)`, the extra arguments being
/// nil where the case has none.
struct LossCase: Sendable, CustomStringConvertible {
    let name: String
    let call: @Sendable (Tensor, Tensor, Tensor?, Tensor?) -> Tensor

    init(_ name: String, _ call: @escaping @Sendable (Tensor, Tensor, Tensor?, Tensor?) -> Tensor) {
        self.name = name
        self.call = call
    }

    var description: String { name }
}

/// Every loss against PyTorch: value and gradients, for each reduction and option.
/// Half the cases go through the `nn`-style structs, half through the functions.
struct LossFixtureTests {
    static let data = Fixtures.load("loss.safetensors")

    static let reductions: [(String, Reduction)] = [("mean", .mean), ("sum", .sum), ("none", .none)]

    static let crossEntropyCases: [LossCase] = reductions.flatMap { r, reduction in [
        LossCase("ce_\(r)") { x, t, _, _ in crossEntropy(x, t, reduction: reduction) },
        LossCase("ce_weight_\(r)") { x, t, w, _ in CrossEntropyLoss(weight: w, reduction: reduction)(x, t) },
        LossCase("ce_ignore_\(r)") { x, t, _, _ in crossEntropy(x, t, reduction: reduction) },
        LossCase("ce_smooth_\(r)") { x, t, _, _ in CrossEntropyLoss(reduction: reduction, labelSmoothing: 0.1)(x, t) },
        LossCase("ce_smooth_weight_ignore_\(r)") { x, t, w, _ in
            crossEntropy(x, t, weight: w, reduction: reduction, labelSmoothing: 0.2)
        },
        LossCase("ce_prob_\(r)") { x, t, _, _ in CrossEntropyLoss(reduction: reduction)(x, t) },
    ] } + [
        LossCase("ce_ignore_weight_mean") { x, t, w, _ in crossEntropy(x, t, weight: w) },
        LossCase("ce_ignore_index1_mean") { x, t, _, _ in CrossEntropyLoss(ignoreIndex: 1)(x, t) },
        LossCase("ce_smooth_weight_mean") { x, t, w, _ in crossEntropy(x, t, weight: w, labelSmoothing: 0.3) },
        LossCase("ce_4d_mean") { x, t, _, _ in crossEntropy(x, t) },
        LossCase("ce_4d_weight_smooth_none") { x, t, w, _ in
            CrossEntropyLoss(weight: w, reduction: .none, labelSmoothing: 0.1)(x, t)
        },
        LossCase("ce_unbatched") { x, t, _, _ in crossEntropy(x, t) },
        LossCase("ce_wide_weight_smooth_mean") { x, t, w, _ in crossEntropy(x, t, weight: w, labelSmoothing: 0.1) },
        LossCase("ce_extreme_mean") { x, t, _, _ in crossEntropy(x, t) },
        LossCase("ce_extreme_smooth_none") { x, t, _, _ in crossEntropy(x, t, reduction: .none, labelSmoothing: 0.1) },
        LossCase("ce_prob_weight_smooth_mean") { x, t, w, _ in crossEntropy(x, t, weight: w, labelSmoothing: 0.2) },
        LossCase("ce_prob_3d_sum") { x, t, _, _ in crossEntropy(x, t, reduction: .sum) },
    ]

    static let nllCases: [LossCase] = reductions.flatMap { r, reduction in [
        LossCase("nll_\(r)") { x, t, _, _ in nllLoss(x, t, reduction: reduction) },
        LossCase("nll_weight_ignore_\(r)") { x, t, w, _ in NLLLoss(weight: w, reduction: reduction)(x, t) },
    ] } + [
        LossCase("nll_3d_none") { x, t, _, _ in nllLoss(x, t, reduction: .none) },
    ]

    static let regressionCases: [LossCase] = reductions.flatMap { r, reduction in [
        LossCase("mse_\(r)") { x, t, _, _ in mseLoss(x, t, reduction: reduction) },
        LossCase("l1_\(r)") { x, t, _, _ in L1Loss(reduction: reduction)(x, t) },
        LossCase("smooth_l1_\(r)") { x, t, _, _ in smoothL1Loss(x, t, reduction: reduction) },
        LossCase("huber_\(r)") { x, t, _, _ in HuberLoss(reduction: reduction)(x, t) },
    ] } + [
        LossCase("smooth_l1_beta05_mean") { x, t, _, _ in SmoothL1Loss(beta: 0.5)(x, t) },
        LossCase("smooth_l1_beta0_sum") { x, t, _, _ in smoothL1Loss(x, t, reduction: .sum, beta: 0) },
        LossCase("huber_delta2_mean") { x, t, _, _ in huberLoss(x, t, delta: 2) },
    ]

    static let binaryCases: [LossCase] = reductions.flatMap { r, reduction in [
        LossCase("bce_\(r)") { x, t, _, _ in binaryCrossEntropy(x, t, reduction: reduction) },
        LossCase("bcel_\(r)") { x, t, _, _ in BCEWithLogitsLoss(reduction: reduction)(x, t) },
        LossCase("bcel_pos_weight_\(r)") { x, t, _, p in
            binaryCrossEntropyWithLogits(x, t, posWeight: p, reduction: reduction)
        },
    ] } + [
        LossCase("bce_weight_mean") { x, t, w, _ in BCELoss(weight: w)(x, t) },
        LossCase("bce_edges_none") { x, t, _, _ in binaryCrossEntropy(x, t, reduction: .none) },
        LossCase("bcel_weight_pos_weight_mean") { x, t, w, p in BCEWithLogitsLoss(weight: w, posWeight: p)(x, t) },
        LossCase("bcel_extreme_none") { x, t, _, _ in binaryCrossEntropyWithLogits(x, t, reduction: .none) },
    ]

    @Test(arguments: crossEntropyCases + nllCases + regressionCases + binaryCases)
    func matchesPyTorch(_ lossCase: LossCase) throws {
        let name = lossCase.name
        let data = Self.data
        let input = try #require(data["\(name).input"], "no fixture for \(name)").clone()
        let target = try #require(data["\(name).target"]).clone()
        let gradTarget = data["\(name).grad_target"]
        input.requiresGrad = true
        target.requiresGrad = gradTarget != nil
        let expected = try #require(data["\(name).out"]), gout = try #require(data["\(name).gout"])
        let expectedGradInput = try #require(data["\(name).grad_input"])
        let loss = lossCase.call(input, target, data["\(name).weight"], data["\(name).pos_weight"])
        expectClose(loss, expected, "\(name).out")
        (loss * gout).sum().backward()
        expectClose(input.grad ?? Tensor.zerosLike(input), expectedGradInput, "\(name).grad_input")
        if let gradTarget {
            expectClose(target.grad ?? Tensor.zerosLike(target), gradTarget, "\(name).grad_target")
        }
    }

    /// Every case in the fixture file is exercised, so the two lists cannot drift apart.
    @Test func everyFixtureCaseIsTested() {
        let tested = Set((Self.crossEntropyCases + Self.nllCases + Self.regressionCases + Self.binaryCases).map(\.name))
        let stored = Set(Self.data.keys.filter { $0.hasSuffix(".out") }.map { String($0.dropLast(4)) })
        #expect(tested == stored, "untested: \(stored.subtracting(tested).sorted()), missing: \(tested.subtracting(stored).sorted())")
    }
}
