/// Chooses which samples of a data set an epoch visits, and in which order
/// (`torch.utils.data.Sampler`): hand one to `DataLoader(dataset, sampler:)` in place of
/// `shuffle`.
public protocol Sampler: Sendable {
    /// The number of indices each epoch yields (`len(sampler)`).
    var count: Int { get }
    /// One epoch's indices into the data set, in order (`list(iter(sampler))`).
    func indices() -> [Int]
}
