import Testing
@testable import Ember

/// The parity cases of `generate_parity.py` against PyTorch 2.15: each expression is the
/// fixture's, spelled as a porting user would write it in Ember.
struct ParityFixtureTests {
    static let layersAndOps: [OpCase] = [
        OpCase("relu6") { x in (x[0] * 4).relu6() },
        OpCase("relu6_bounds") { x in ReLU6()(x[0]) },
        OpCase("hardtanh") { x in Hardtanh()(x[0]) },
        OpCase("hardtanh_bounds") { x in x[0].hardtanh(minVal: -0.5, maxVal: 1) },
        OpCase("embedding") { x in embedding(x[1], weight: x[0]) },
        OpCase("embedding_padding") { x in embedding(x[1], weight: x[0], paddingIdx: 2) },
        OpCase("embedding_max_norm") { x in [embedding(x[1], weight: x[0], maxNorm: 1), x[0].detach().clone()] },
        OpCase("sum_d02_keep") { x in x[0].sum(dims: [0, 2], keepDim: true) },
        OpCase("mean_d02") { x in x[0].mean(dims: [0, 2]) },
        OpCase("var_d02") { x in x[0].var(dims: [0, 2]) },
        OpCase("var_d12_keep_pop") { x in x[0].var(dims: [1, 2], correction: 0, keepDim: true) },
        OpCase("var_all_unbiased_f") { x in x[0].var(unbiased: false) },
        OpCase("std_d01") { x in x[0].std(dims: [0, 1]) },
        OpCase("std_d2_unbiased_f") { x in x[0].std(dim: 2, unbiased: false) },
        OpCase("logsumexp_d02") { x in x[0].logSumExp(dims: [0, 2]) },
        OpCase("logsumexp_d12_keep") { x in x[0].logSumExp(dims: [1, 2], keepDim: true) },
        OpCase("amax_d02") { x in x[0].amax(dims: [0, 2]) },
        OpCase("amin_d1_keep") { x in x[0].amin(dim: 1, keepDim: true) },
        OpCase("amax_all") { x in x[0].amax() },
        OpCase("norm_d02") { x in x[0].norm(dims: [0, 2]) },
        OpCase("norm_d02_p3_keep") { x in x[0].norm(p: 3, dims: [0, 2], keepDim: true) },
        OpCase("norm_d12_inf") { x in x[0].norm(p: .infinity, dims: [1, 2]) },
        OpCase("norm_d1_p_half") { x in x[0].norm(p: 0.5, dim: 1) },
        OpCase("norm_d1_p1_5") { x in x[0].norm(p: 1.5, dim: 1) },
        OpCase("scatter_value") { x in x[0].scatter(dim: 1, index: x[1], value: 2.5) },
        OpCase("where_tensor_scalar") { x in Tensor.where(x[0], x[1], 0.0) },
        OpCase("where_scalar_tensor") { x in Tensor.where(x[0], 1.5, x[1]) },
        OpCase("where_scalars", grad: false) { x in Tensor.where(x[0], 1.0, -1.0) },
    ]

    static let finiteGradients: [OpCase] = [
        OpCase("prod_zeros_d1") { x in x[0].prod(dim: 1) },
        OpCase("prod_zeros_d0_keep") { x in x[0].prod(dim: 0, keepDim: true) },
        OpCase("prod_one_zero_all") { x in x[0].prod() },
        OpCase("prod_two_zeros_all") { x in x[0].prod() },
        OpCase("norm_zero_row") { x in x[0].norm(dim: 1) },
        OpCase("norm_zero_row_p3") { x in x[0].norm(p: 3, dim: 1) },
        OpCase("norm_zero_row_p1") { x in x[0].norm(p: 1, dim: 1) },
        OpCase("norm_zero_row_inf") { x in x[0].norm(p: .infinity, dim: 1) },
        OpCase("norm_zero_row_half") { x in x[0].norm(p: 0.5, dim: 1) },
        OpCase("norm_zero_all") { x in x[0].norm() },
        OpCase("std_constant_row") { x in x[0].std(dim: 1) },
        OpCase("sqrt_zero") { x in x[0].sqrt() },
        OpCase("pow_zero_half") { x in x[0].pow(0.5) },
        OpCase("pow_zero_2_5") { x in x[0].pow(2.5) },
        OpCase("pow_zero_exponent") { x in x[0].pow(x[1]) },
        OpCase("pow_scalar_base") { x in Tensor.pow(2, x[0]) },
        OpCase("pow_zero_base") { x in Tensor.pow(0, x[0]) },
    ]

    static let clampBounds: [OpCase] = [
        OpCase("clamp_bounds") { x in x[0].clamp(min: -0.5, max: 0.5) },
        OpCase("clamp_min_bound") { x in x[0].clamp(min: -0.5) },
        OpCase("clamp_max_bound") { x in x[0].clamp(max: 0.5) },
        OpCase("clamp_inf") { x in x[0].clamp(min: -1) },
    ]

    @Test(arguments: layersAndOps)
    func layerOrOpMatchesPyTorch(_ opCase: OpCase) {
        checkAgainstFixture(opCase, in: Fixtures.parity)
    }

    @Test(arguments: finiteGradients)
    func gradientMatchesPyTorchAtZeros(_ opCase: OpCase) {
        checkAgainstFixture(opCase, in: Fixtures.parity)
    }

    @Test(arguments: clampBounds)
    func clampGradientAtBoundsMatchesPyTorch(_ opCase: OpCase) {
        checkAgainstFixture(opCase, in: Fixtures.parity)
    }
}

/// `flip` against PyTorch, forward and backward.
struct FlipFixtureTests {
    @Test(arguments: [
        OpCase("flip_d2") { x in x[0].flip(dims: [2]) },
        OpCase("flip_d01") { x in x[0].flip(dims: [0, 1]) },
    ])
    func flipMatchesPyTorch(_ opCase: OpCase) {
        checkAgainstFixture(opCase, in: Fixtures.parity)
    }
}
