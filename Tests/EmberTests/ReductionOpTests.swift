import Testing
@testable import Ember

/// Reductions, softmax and matmul against PyTorch.
struct ReductionOpTests {
    static let reductions: [OpCase] = [
        OpCase("sum_all") { x in x[0].sum() },
        OpCase("sum_d1") { x in x[0].sum(dim: 1) },
        OpCase("sum_dm1_keep") { x in x[0].sum(dim: -1, keepDim: true) },
        OpCase("sum_d02") { x in x[0].sum(dims: [0, 2]) },
        OpCase("mean_all") { x in x[0].mean() },
        OpCase("mean_d1") { x in x[0].mean(dim: 1) },
        OpCase("var_d1") { x in x[0].var(dim: 1) },
        OpCase("var_all") { x in x[0].var() },
        OpCase("var_d1_pop") { x in x[0].var(dim: 1, correction: 0) },
        OpCase("std_d2_keep") { x in x[0].std(dim: 2, keepDim: true) },
        OpCase("max_all") { x in x[0].max() },
        OpCase("max_d1") { x in let (v, i) = x[0].max(dim: 1); return [v, i] },
        OpCase("min_d0") { x in let (v, i) = x[0].min(dim: 0); return [v, i] },
        OpCase("argmax_d2", grad: false) { x in x[0].argmax(dim: 2) },
        OpCase("argmin_d1", grad: false) { x in x[0].argmin(dim: 1) },
        OpCase("prod_d1") { x in x[0].prod(dim: 1) },
        OpCase("logsumexp_d1") { x in x[0].logSumExp(dim: 1) },
        OpCase("norm_all") { x in x[0].norm() },
        OpCase("norm_d1_p1") { x in x[0].norm(p: 1, dim: 1) },
        OpCase("softmax_d1") { x in x[0].softmax(dim: 1) },
        OpCase("log_softmax_dm1") { x in x[0].logSoftmax(dim: -1) },
        OpCase("softmax_t") { x in x[0].t().softmax(dim: 1) },
    ]

    @Test(arguments: reductions)
    func reductionMatchesPyTorch(_ opCase: OpCase) {
        checkAgainstFixture(opCase)
    }

    static let matmuls: [OpCase] = [
        OpCase("mm") { x in x[0].matmul(x[1]) },
        OpCase("vm") { x in x[0].matmul(x[1]) },
        OpCase("mv") { x in x[0].matmul(x[1]) },
        OpCase("dot") { x in x[0].matmul(x[1]) },
        OpCase("bmm") { x in x[0].matmul(x[1]) },
        OpCase("bcast_mm") { x in x[0].matmul(x[1]) },
        OpCase("mm_ta") { x in x[0].t().matmul(x[1]) },
        OpCase("mm_tb") { x in x[0].matmul(x[1].t()) },
        OpCase("mm_tab") { x in x[0].t().matmul(x[1].t()) },
        OpCase("bmm_bcast4") { x in x[0].matmul(x[1]) },
    ]

    @Test(arguments: matmuls)
    func matmulMatchesPyTorch(_ opCase: OpCase) {
        checkAgainstFixture(opCase)
    }

    @Test func countsOfMatchesAreInt64() {
        let predictions = Tensor([1, 2, 3, 4], dtype: .int64)
        let labels = Tensor([1, 0, 3, 4], dtype: .int64)
        let correct = (predictions .== labels).sum()
        #expect(correct.dtype == .int64)
        #expect(correct.item() == 3)
    }

    @Test func largeSumIsAccurate() {
        let n = 1 << 22
        let ones = Tensor.ones([n])
        #expect(ones.sum().item() == Float(n))
        #expect(abs((ones * 0.1).mean().item() - 0.1) < 1e-6)
    }
}
