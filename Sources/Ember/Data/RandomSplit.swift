/// Splits `dataset` into non-overlapping random subsets of the given sizes
/// (`torch.utils.data.random_split`), which must add up to `dataset.count`.
///
/// The permutation comes from `generator` when given, for a split that does not depend on
/// anything else drawn in the program (`randomSplit(ds, lengths: [50_000, 10_000],
/// generator: Generator(seed: 42))`), else from the default generator (`manualSeed`).
public func randomSplit<D: Dataset>(_ dataset: D, lengths: [Int], generator: Generator? = nil) -> [Subset<D>] {
    precondition(lengths.allSatisfy { $0 >= 0 }, "randomSplit: lengths must be non-negative, got \(lengths)")
    precondition(
        lengths.reduce(0, +) == dataset.count,
        "randomSplit: Sum of input lengths \(lengths) does not equal the length of the input dataset (\(dataset.count))")
    let order = randomPermutation(dataset.count, generator: generator)
    var start = 0
    return lengths.map { length in
        defer { start += length }
        return Subset(dataset, indices: Array(order[start..<(start + length)]))
    }
}

/// Splits `dataset` into random subsets holding the given fractions of it, which must add
/// up to 1: `randomSplit(ds, fractions: [0.8, 0.2])`. As in PyTorch, each subset gets
/// `floor(count * fraction)` samples and the remainder is dealt one by one from the first.
public func randomSplit<D: Dataset>(_ dataset: D, fractions: [Double], generator: Generator? = nil) -> [Subset<D>] {
    precondition(
        fractions.allSatisfy { (0...1).contains($0) } && abs(fractions.reduce(0, +) - 1) < 1e-6,
        "randomSplit: fractions must be in 0...1 and sum to 1, got \(fractions)")
    let count = dataset.count
    var lengths = fractions.map { Int((Double(count) * $0).rounded(.down)) }
    let remainder = count - lengths.reduce(0, +)
    for i in 0..<remainder { lengths[i % lengths.count] += 1 }
    return randomSplit(dataset, lengths: lengths, generator: generator)
}
