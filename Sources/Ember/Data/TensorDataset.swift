/// A data set over tensors that share their first dimension (`torch.utils.data.TensorDataset`):
/// sample `i` is the array of row slices `[t0[i], t1[i], ...]`.
///
/// ```swift
/// let data = TensorDataset(features, labels)
/// for batch in DataLoader(data, batchSize: 16) { let (x, y) = (batch[0], batch[1]) }
/// ```
public struct TensorDataset: BatchedDataset {
    /// The tensors, each with `count` rows.
    public let tensors: [Tensor]

    /// Wraps `tensors`, which must all have the same size in dimension 0.
    public init(_ tensors: [Tensor]) {
        precondition(!tensors.isEmpty, "TensorDataset: expects at least one tensor")
        precondition(
            tensors.allSatisfy { $0.ndim > 0 && $0.shape[0] == tensors[0].shape[0] },
            "TensorDataset: Size mismatch between tensors: shapes \(tensors.map(\.shape))")
        self.tensors = tensors
    }

    /// `TensorDataset(x, y)`.
    public init(_ tensors: Tensor...) { self.init(tensors) }

    /// The number of rows.
    public var count: Int { tensors[0].shape[0] }

    /// Row `index` of each tensor (views).
    public subscript(index: Int) -> [Tensor] { tensors.map { $0[index] } }

    /// The rows at `indices` of each tensor, gathered with one `indexSelect` per tensor.
    public func batch(at indices: [Int]) -> [Tensor] {
        let index = Tensor(shape: [indices.count], scalars: indices.map(Int64.init))
        return tensors.map { $0.indexSelect(dim: 0, index: index) }
    }
}
