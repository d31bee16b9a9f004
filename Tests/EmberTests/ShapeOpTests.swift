import Testing
@testable import Ember

/// Joining, splitting, indexing and view ops against PyTorch.
struct ShapeOpTests {
    static let cases: [OpCase] = [
        OpCase("cat_d0") { x in Tensor.cat([x[0], x[1]], dim: 0) },
        OpCase("cat_d1") { x in Tensor.cat([x[0], x[1]], dim: 1) },
        OpCase("stack_d1") { x in Tensor.stack([x[0], x[1]], dim: 1) },
        OpCase("split_d1") { x in x[0].split(3, dim: 1) },
        OpCase("chunk_d0") { x in x[0].chunk(3, dim: 0) },
        OpCase("gather_d1") { x in x[0].gather(dim: 1, index: x[1]) },
        OpCase("scatter_d1") { x in x[0].scatter(dim: 1, index: x[1], src: x[2]) },
        OpCase("index_select_d0") { x in x[0].indexSelect(dim: 0, index: x[1]) },
        OpCase("masked_fill") { x in x[0].maskedFill(x[1], -1.5) },
        OpCase("where") { x in Tensor.where(x[0], x[1], x[2]) },
        OpCase("narrow") { x in x[0].narrow(dim: 1, start: 2, length: 3) },
        OpCase("permute") { x in x[0].permute(2, 0, 1) * 1 },
        OpCase("expand_sum") { x in x[0].expand(3, 4) * x[1] },
        OpCase("slice_get") { x in x[0][1..<4, stride(from: 0, to: 6, by: 2)] },
        OpCase("slice_col") { x in x[0][TensorRange.all, 1] },
        OpCase("unflatten") { x in x[0].unflatten(dim: 1, sizes: [3, 4]) },
        OpCase("linspace", grad: false) { _ in Tensor.linspace(-1, 2, steps: 7) },
        OpCase("arange", grad: false) { _ in Tensor.arange(0, 5, step: 0.5) },
        OpCase("eye", grad: false) { _ in Tensor.eye(3, 4) },
    ]

    @Test(arguments: cases)
    func matchesPyTorch(_ opCase: OpCase) {
        checkAgainstFixture(opCase)
    }
}
