/// Reversing the order of elements along dimensions (`torch.flip`).
extension Tensor {
    /// A copy with the elements of each of `dims` in reverse order (`torch.flip(x, dims)`);
    /// its gradient is the output gradient flipped the same way.
    public func flip(dims: [Int]) -> Tensor {
        let reversed = Set(dims.map { Shape.normalize($0, rank: ndim, op: "flip") })
        precondition(reversed.count == dims.count, "flip: dims has duplicates: \(dims)")
        var out = detach()
        for d in reversed.sorted() {
            let index = Tensor(shape: [shape[d]], scalars: (0..<shape[d]).reversed().map { Int64($0) })
            out = out.indexSelect(dim: d, index: index)
        }
        let dims = dims
        return Tensor.record("FlipBackward", output: out, inputs: [self]) { g in [g.flip(dims: dims)] }
    }
}
