/// A view of a data set at chosen indices (`torch.utils.data.Subset`); `randomSplit`
/// returns these.
public struct Subset<Base: Dataset>: Dataset {
    /// The data set the indices point into.
    public let dataset: Base
    /// The indices into `dataset`, in the subset's order.
    public let indices: [Int]

    /// The samples of `dataset` at `indices`.
    public init(_ dataset: Base, indices: [Int]) {
        let count = dataset.count
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            preconditionFailure("Subset: index \(bad) is out of range for a dataset of \(count) samples")
        }
        self.dataset = dataset
        self.indices = indices
    }

    /// The number of indices.
    public var count: Int { indices.count }

    /// The sample at `dataset[indices[index]]`.
    public subscript(index: Int) -> Base.Sample { dataset[indices[index]] }

    /// The base data set's sample, with its errors.
    public func sample(at index: Int) throws -> Base.Sample { try dataset.sample(at: indices[index]) }
}

/// A subset of a batched data set keeps the fast batch path.
extension Subset: BatchedDataset where Base: BatchedDataset {
    /// The base data set's batch at the mapped indices.
    public func batch(at positions: [Int]) -> Base.Batch {
        dataset.batch(at: positions.map { indices[$0] })
    }
}
