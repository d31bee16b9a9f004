extension Generator {
    /// A uniformly random permutation of `0..<n` (Fisher–Yates), the same order
    /// `Tensor.randperm` draws from the same generator state.
    mutating func permutation(_ n: Int) -> [Int] {
        var values = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            values.swapAt(i, nextInt(in: 0..<(i + 1)))
        }
        return values
    }
}

/// A permutation from `generator` when given (a copy: the caller's value is not advanced),
/// else from the default generator, which `manualSeed` controls.
func randomPermutation(_ n: Int, generator: Generator?) -> [Int] {
    if var generator { return generator.permutation(n) }
    return DefaultGenerator.with { $0.permutation(n) }
}
