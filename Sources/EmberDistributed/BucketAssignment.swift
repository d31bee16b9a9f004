extension DistributedDataParallel {
    /// Greedy assignment in the given order (PyTorch's `_compute_bucket_assignment_by_size`):
    /// a bucket is closed once it holds at least its limit in bytes; the first uses
    /// `limits[0]`, the rest the next limits, then the last one again.
    static func assignBuckets(_ items: [(index: Int, bytes: Int)], limits: [Int]) -> [[Int]] {
        var buckets: [[Int]] = []
        var current: [Int] = []
        var size = 0
        for item in items {
            current.append(item.index)
            size += item.bytes
            if size >= limits[min(buckets.count, limits.count - 1)] {
                buckets.append(current)
                current = []
                size = 0
            }
        }
        if !current.isEmpty { buckets.append(current) }
        return buckets
    }

    /// The buckets before the first backward, as PyTorch's `_ddp_init_helper` makes them
    /// from the parameters' sizes in registration order. Without unused-parameter detection
    /// one bucket holds everything (the first iteration only learns the order gradients
    /// arrive in); with it, buckets are cut in registration order with the
    /// `[first, cap]` limits and the list is reversed, so the parameters registered last,
    /// whose gradients come first, are reduced first.
    static func initialBuckets(bytes: [Int], limits: [Int], findUnusedParameters: Bool) -> [[Int]] {
        guard findUnusedParameters else { return bytes.isEmpty ? [] : [Array(bytes.indices)] }
        return assignBuckets(bytes.enumerated().map { ($0, $1) }, limits: limits).reversed()
    }

    /// The buckets after the first synchronised backward (PyTorch's
    /// `Reducer::rebuild_buckets`): cut in the order the gradients arrived, with the
    /// `[first, cap]` limits, and launched in that order.
    static func rebuiltBuckets(readyOrder: [Int], bytes: [Int], limits: [Int]) -> [[Int]] {
        assignBuckets(readyOrder.map { ($0, bytes[$0]) }, limits: limits)
    }
}
