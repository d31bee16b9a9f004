/// A collection of samples that a `DataLoader` batches, like `torch.utils.data.Dataset`.
///
/// Implement `count` and a subscript that returns one sample. Samples of type `Tensor`,
/// `(Tensor, Tensor)`, `(Tensor, Int)` or `[Tensor]` batch with no further code; any other
/// sample type takes a `collate` closure in `DataLoader`. A data set reads and checks its
/// files when it is created (throwing a `DatasetError` there), so that reading a sample
/// normally cannot fail.
///
/// A data set that reads files during the epoch (`ImageFolder` decodes each image when it
/// is asked for) can still meet one that fails: it implements `sample(at:)`, which throws,
/// and `DataLoader` reads samples through it. See `DataLoader` for how the error reaches
/// the training loop.
///
/// A CSV file of feature columns followed by an integer label:
///
/// ```swift
/// struct CSVDataset: Dataset {
///     let features: [[Float]]
///     let labels: [Int]
///
///     init(contentsOf url: URL) throws {
///         let rows = try String(contentsOf: url, encoding: .utf8)
///             .split(separator: "\n").map { $0.split(separator: ",") }
///         features = rows.map { $0.dropLast().map { Float($0)! } }
///         labels = rows.map { Int($0.last!)! }
///     }
///
///     var count: Int { labels.count }
///     subscript(index: Int) -> (Tensor, Int) { (Tensor(features[index]), labels[index]) }
/// }
///
/// let loader = DataLoader(try CSVDataset(contentsOf: url), batchSize: 32, shuffle: true)
/// for (x, y) in loader { ... }  // x: [32, features], y: int64 [32]
/// ```
///
/// Data sets are `Sendable` because `DataLoader(numWorkers:)` reads samples on background
/// threads; a struct of immutable arrays and tensors is.
public protocol Dataset<Sample>: Sendable {
    /// What one index yields, e.g. `(image, label)`.
    associatedtype Sample
    /// The number of samples (`len(dataset)`).
    var count: Int { get }
    /// The sample at `index`, in `0..<count` (`dataset[index]`).
    subscript(index: Int) -> Sample { get }
    /// The sample at `index`, or the error that reading it gave (a file that no longer
    /// decodes). `DataLoader` reads samples through this; the default is the subscript.
    func sample(at index: Int) throws -> Sample
}

extension Dataset {
    /// The subscript's sample: reading it cannot fail.
    public func sample(at index: Int) throws -> Sample { self[index] }
}

/// A data set that can produce a whole batch at once, faster than reading samples one by
/// one and collating them (one gather into a preallocated tensor instead of `batchSize`
/// small tensors and a `stack`). `DataLoader` uses `batch(at:)` whenever it would
/// otherwise apply its default collation and `Batch` is the type that collation produces.
public protocol BatchedDataset<Sample, Batch>: Dataset {
    /// A collated batch, e.g. `(Tensor, Tensor)` for `(Tensor, Int)` samples.
    associatedtype Batch
    /// The samples at `indices`, collated: the same values `defaultCollate` gives for
    /// `indices.map { self[$0] }`.
    func batch(at indices: [Int]) -> Batch
}
